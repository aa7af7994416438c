package ingest

import (
	"slices"

	"github.com/observatory-net/observatory/internal/bgp"
)

// merge combines per-file facts, re-numbering peers and paths into one
// table each. Parts are merged in file order, so the result does not
// depend on which worker finished first.
func merge(parts []*Facts) *Facts {
	out := &Facts{Routes: map[RouteKey]*RouteFact{}, Adjacency: map[[2]bgp.ASN]uint32{}}
	peerIDs := map[PeerKey]uint16{}
	pathIDs := map[string]uint32{}
	for _, p := range parts {
		if p == nil {
			continue
		}
		peerMap := make([]uint16, len(p.Peers))
		for i, k := range p.Peers {
			id, ok := peerIDs[k]
			if !ok {
				id = uint16(len(out.Peers))
				peerIDs[k] = id
				out.Peers = append(out.Peers, k)
			}
			peerMap[i] = id
		}
		pathMap := make([]uint32, len(p.Paths))
		for i, pi := range p.Paths {
			k := pathKey(&pi.Path)
			id, ok := pathIDs[k]
			if !ok {
				id = uint32(len(out.Paths))
				pathIDs[k] = id
				out.Paths = append(out.Paths, pi)
			}
			pathMap[i] = id
		}
		for k, rf := range p.Routes {
			mergeRoute(out, k, rf, peerMap, pathMap)
		}
		for k, n := range p.Adjacency {
			out.Adjacency[k] += n
		}
		out.RIBEntries += p.RIBEntries
		out.Updates += p.Updates
		out.Files = append(out.Files, p.Files...)
	}
	return out
}

func mergeRoute(out *Facts, k RouteKey, rf *RouteFact, peerMap []uint16, pathMap []uint32) {
	dst := out.Routes[k]
	if dst == nil {
		dst = &RouteFact{First: rf.First, Last: rf.Last}
		out.Routes[k] = dst
	}
	dst.First, dst.Last = min(dst.First, rf.First), max(dst.Last, rf.Last)
	for _, id := range rf.Peers {
		dst.Peers = insertSorted(dst.Peers, peerMap[id])
	}
	for _, id := range rf.Paths {
		if len(dst.Paths) < maxPathsPerRoute {
			dst.Paths = insertSorted(dst.Paths, pathMap[id])
		}
	}
	for _, a := range rf.Upstreams {
		dst.Upstreams = insertSorted(dst.Upstreams, a)
	}
}

// pathKey is a path's text form, a stable key across files.
func pathKey(p *bgp.Path) string {
	b := make([]byte, 0, 8*len(p.ASNs)+len(p.Segs))
	return string(p.AppendText(b))
}

// PeersOf returns how many distinct collector peers saw any route of each
// origin AS: the visibility of §13.7.
func (f *Facts) PeersOf() map[bgp.ASN]int {
	sets := map[bgp.ASN][]uint16{}
	for k, rf := range f.Routes {
		if k.Origin == 0 {
			continue
		}
		s := sets[k.Origin]
		for _, p := range rf.Peers {
			s = insertSorted(s, p)
		}
		sets[k.Origin] = s
	}
	out := make(map[bgp.ASN]int, len(sets))
	for a, s := range sets {
		out[a] = len(s)
	}
	return out
}

// SortedRoutes returns the route keys in a stable order (prefix, origin),
// so that everything derived from them is deterministic.
func (f *Facts) SortedRoutes() []RouteKey {
	keys := make([]RouteKey, 0, len(f.Routes))
	for k := range f.Routes {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b RouteKey) int {
		if c := a.Prefix.Addr().Compare(b.Prefix.Addr()); c != 0 {
			return c
		}
		if a.Prefix.Bits() != b.Prefix.Bits() {
			return a.Prefix.Bits() - b.Prefix.Bits()
		}
		return int(int64(a.Origin) - int64(b.Origin))
	})
	return keys
}
