package rovinfer

import (
	"net/netip"
	"slices"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/mrt"
	"github.com/observatory-net/observatory/internal/rov"
	"github.com/observatory-net/observatory/internal/rpki"
)

// MaxPaths bounds the distinct paths kept per route, as ingest does.
const MaxPaths = 8

// Collector gathers routes and their distinct paths from MRT dumps,
// validated against an RPKI snapshot. Add the dumps in order, then take
// Routes.
type Collector struct {
	RPKI   *rpki.Snapshot
	index  map[routeKey]int
	routes []Route
	raw    [][][]bgp.ASN // per route, the distinct paths as sent
}

type routeKey struct {
	p netip.Prefix
	o bgp.ASN
}

// Add reads the RIB entries and announcements of one dump: each distinct
// prefix and origin becomes a route (a path ending in an AS_SET has
// rov.NoOrigin), with its paths without prepends: those of the first
// MaxPaths distinct paths as sent. The
// scanner's error, if any, is returned.
func (c *Collector) Add(sc *mrt.Scanner) error {
	if c.index == nil {
		c.index = map[routeKey]int{}
	}
	var hops []bgp.ASN
	for e := range sc.Elems() {
		if (e.Kind != mrt.KindRIB && e.Kind != mrt.KindAnnounce) || e.Attrs == nil || !e.Prefix.IsValid() {
			continue
		}
		origin, ok := e.Attrs.Path.Origin()
		if !ok {
			origin = rov.NoOrigin
		}
		hops = hops[:0]
		for _, a := range e.Attrs.Path.ASNs {
			if len(hops) == 0 || hops[len(hops)-1] != a {
				hops = append(hops, a)
			}
		}
		k := routeKey{e.Prefix, origin}
		i, ok := c.index[k]
		if !ok {
			i = len(c.routes)
			c.index[k] = i
			c.routes = append(c.routes, Route{Prefix: e.Prefix, Origin: origin, State: rov.Validate(c.RPKI, e.Prefix, origin)})
			c.raw = append(c.raw, nil)
		}
		// Paths are told apart as sent, prepends included, as ingest
		// keeps them (ingest.RouteFact.Paths), and kept without prepends.
		r, raw := &c.routes[i], c.raw[i]
		if len(raw) < MaxPaths && !slices.ContainsFunc(raw, func(p []bgp.ASN) bool { return slices.Equal(p, e.Attrs.Path.ASNs) }) {
			c.raw[i] = append(raw, slices.Clone(e.Attrs.Path.ASNs))
			if !slices.ContainsFunc(r.Paths, func(p []bgp.ASN) bool { return slices.Equal(p, hops) }) {
				r.Paths = append(r.Paths, slices.Clone(hops))
			}
		}
	}
	return sc.Err()
}

// Routes returns the routes gathered so far, in order of first appearance.
func (c *Collector) Routes() []Route { return c.routes }
