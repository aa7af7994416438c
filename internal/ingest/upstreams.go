package ingest

import (
	"cmp"
	"slices"
	"strings"

	"github.com/observatory-net/observatory/internal/asrel"
	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/store"
)

// The upstreams kept per ASN and hop, the most prefixes first: enough for
// an audit's supply chain (internal/audit), which weighs them by prefixes,
// while a transit AS seen below thousands of others stays a few rows.
const (
	maxUpstreamsHop1 = 16
	maxUpstreamsHop2 = 32
)

// upstreamKey is an upstream of an origin at a hop, through via at hop 2.
type upstreamKey struct {
	origin, via, up bgp.ASN
	hop             int
}

// upstreamAcc counts an upstream's prefixes and paths; last is the index
// of the last route counted, so that a route's prefix counts once.
type upstreamAcc struct {
	prefixes, paths int
	last            int
	example         []bgp.ASN
}

// upstreamRecords lists, per origin, the ASes its routes were seen
// through: hop 1 is the AS next to the origin, hop 2 the AS next to that
// one. Hop 1's prefixes come from every path of the route (RouteFact.
// Upstreams, exact); paths, examples and hop 2 from the kept paths (at
// most maxPathsPerRoute a route, as sent, prepends collapsed), so a hop-2
// AS seen only on paths past the cap is missed. The audit's supply chain
// is drawn from them (store.Upstream).
func (m *month) upstreamRecords() []store.Upstream {
	acc := map[upstreamKey]*upstreamAcc{}
	get := func(k upstreamKey) *upstreamAcc {
		a := acc[k]
		if a == nil {
			a = &upstreamAcc{last: -1}
			acc[k] = a
		}
		return a
	}
	prefix := func(i int, a *upstreamAcc) {
		if a.last != i {
			a.prefixes, a.last = a.prefixes+1, i
		}
	}
	path := func(a *upstreamAcc, hops []bgp.ASN) {
		a.paths++
		if a.example == nil {
			a.example = hops
		}
	}
	for i, k := range m.keys {
		if k.Origin == 0 {
			continue
		}
		rf := m.routeFacts[i]
		for _, up := range rf.Upstreams {
			if up != k.Origin {
				prefix(i, get(upstreamKey{origin: k.Origin, up: up, hop: 1}))
			}
		}
		for _, pid := range rf.Paths {
			hops := flatHops(&m.facts.Paths[pid].Path)
			n := len(hops)
			if n < 2 || hops[n-1] != k.Origin || hops[n-2] == k.Origin {
				continue
			}
			if a := acc[upstreamKey{origin: k.Origin, up: hops[n-2], hop: 1}]; a != nil {
				path(a, hops)
			}
			if n >= 3 && hops[n-3] != hops[n-2] && hops[n-3] != k.Origin {
				a := get(upstreamKey{origin: k.Origin, via: hops[n-2], up: hops[n-3], hop: 2})
				prefix(i, a)
				path(a, hops)
			}
		}
	}
	return upstreamRows(acc, m.cfg.Data.ASRel)
}

// upstreamRows sorts the counted upstreams by origin, hop, prefixes (most
// first), paths, via and upstream, keeps the first of each origin and hop,
// and names each one's relationship to the AS below it.
func upstreamRows(acc map[upstreamKey]*upstreamAcc, g *asrel.Graph) []store.Upstream {
	keys := make([]upstreamKey, 0, len(acc))
	for k := range acc {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b upstreamKey) int {
		x, y := acc[a], acc[b]
		return cmp.Or(cmp.Compare(a.origin, b.origin), cmp.Compare(a.hop, b.hop), cmp.Compare(y.prefixes, x.prefixes),
			cmp.Compare(y.paths, x.paths), cmp.Compare(a.via, b.via), cmp.Compare(a.up, b.up))
	})
	out := make([]store.Upstream, 0, len(keys))
	var cur upstreamKey
	kept := 0
	for _, k := range keys {
		if k.origin != cur.origin || k.hop != cur.hop {
			cur, kept = k, 0
		}
		if kept == maxUpstreamsHop1 && k.hop == 1 || kept == maxUpstreamsHop2 {
			continue
		}
		kept++
		a := acc[k]
		below := k.origin
		if k.hop == 2 {
			below = k.via
		}
		out = append(out, store.Upstream{ASN: uint32(k.origin), Hop: k.hop, Via: uint32(k.via), Upstream: uint32(k.up),
			Rel: relName(g, k.up, below), Prefixes: a.prefixes, Paths: a.paths, Example: joinASNs(a.example)})
	}
	return out
}

// relName is how up relates to below in the CAIDA relationships, in the
// names of store.Upstream.Rel; "" when none were loaded or they do not
// link the two.
func relName(g *asrel.Graph, up, below bgp.ASN) string {
	if g == nil {
		return ""
	}
	switch g.Relationship(up, below) {
	case asrel.ProviderOf:
		return "provider"
	case asrel.Peer:
		return "peer"
	case asrel.CustomerOf:
		return "customer"
	}
	return ""
}

// joinASNs writes hops as plain ASNs separated by spaces.
func joinASNs(hops []bgp.ASN) string {
	return strings.Join(asnStrings(hops), " ")
}
