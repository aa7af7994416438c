package bmp

import (
	"net/netip"
	"slices"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/mrt"
)

// view is one RIB of a monitored peer: its routes by prefix and path id.
type view struct {
	hdr    PeerHeader
	routes map[routeKey]stored
}

type routeKey struct {
	prefix netip.Prefix
	pathID uint32
}

// stored is a route as a table keeps it, small: the element is rebuilt
// from it, its key and the view's peer.
type stored struct {
	attrs                     *shared
	sec, micro                uint32
	fromMP, addPath, hostBits bool
}

// shared is one set of path attributes, decoded once and shared by every
// route of the session whose UPDATE carried exactly these bytes: routers
// send many prefixes with the same attributes, often one UPDATE each
// (gobgpd's Loc-RIB). It is never modified once made, so events may keep
// it.
type shared struct {
	a    bgp.Attrs
	key  string
	wide bool // decoded with 4-octet ASNs
	refs int
}

// interner finds the shared attributes of a session by their bytes.
type interner struct {
	m [2]map[string]*shared // 2-octet, 4-octet
}

// get returns the shared attributes for raw decoded at asSize, making them
// when new, and counts one more route holding them.
func (in *interner) get(raw []byte, asSize int) *shared {
	i := 0
	if asSize == 4 {
		i = 1
	}
	if s := in.m[i][string(raw)]; s != nil {
		s.refs++
		return s
	}
	if in.m[i] == nil {
		in.m[i] = map[string]*shared{}
	}
	s := &shared{key: string(raw), wide: i == 1, refs: 1}
	// The bytes decoded a moment ago at this width, so this cannot fail.
	s.a.Decode([]byte(s.key), bgp.DecodeOptions{ASSize: asSize}) //nolint:errcheck
	in.m[i][s.key] = s
	return s
}

// release counts one route fewer holding s, forgetting s at none.
func (in *interner) release(s *shared) {
	if s.refs--; s.refs > 0 {
		return
	}
	i := 0
	if s.wide {
		i = 1
	}
	delete(in.m[i], s.key)
}

// put keeps route r, replacing (and releasing) the route of the same key.
func (v *view) put(in *interner, r *mrt.Elem, a *shared) {
	k := routeKey{r.Prefix, r.PathID}
	if old, ok := v.routes[k]; ok {
		in.release(old.attrs)
	}
	v.routes[k] = stored{attrs: a, sec: r.Time, micro: r.Micro, fromMP: r.FromMP, addPath: r.AddPath, hostBits: r.HostBits}
}

// remove drops the route of r's key, if any.
func (v *view) remove(in *interner, r *mrt.Elem) {
	k := routeKey{r.Prefix, r.PathID}
	if old, ok := v.routes[k]; ok {
		in.release(old.attrs)
		delete(v.routes, k)
	}
}

// elems returns the view's routes as elements, sorted by prefix and path id.
func (v *view) elems() []mrt.Elem {
	out := make([]mrt.Elem, 0, len(v.routes))
	for k, s := range v.routes {
		out = append(out, mrt.Elem{Kind: mrt.KindAnnounce, Type: mrt.TypeBGP4MPET, Subtype: mrt.SubMessageAS4,
			Time: s.sec, Micro: s.micro, PeerIP: v.hdr.Addr, PeerAS: v.hdr.AS,
			Prefix: k.prefix, HostBits: s.hostBits, AddPath: s.addPath, PathID: k.pathID,
			Attrs: &s.attrs.a, FromMP: s.fromMP})
	}
	slices.SortFunc(out, compareRoutes)
	return out
}

// clear releases and drops every route.
func (v *view) clear(in *interner) {
	for _, s := range v.routes {
		in.release(s.attrs)
	}
	clear(v.routes)
}

func compareRoutes(a, b mrt.Elem) int {
	if c := a.Prefix.Addr().Compare(b.Prefix.Addr()); c != 0 {
		return c
	}
	if c := a.Prefix.Bits() - b.Prefix.Bits(); c != 0 {
		return c
	}
	return int(int64(a.PathID) - int64(b.PathID))
}
