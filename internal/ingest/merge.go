package ingest

import (
	"math/bits"
	"slices"

	"github.com/observatory-net/observatory/internal/bgp"
)

// merger combines per-file facts, re-numbering peers and paths into one
// table each. Parts are added in file order, so the result does not
// depend on which worker finished first: peer and path ids follow first
// appearance in the files taken in order.
type merger struct {
	peers   []PeerKey
	peerIDs map[PeerKey]uint16
	pathIDs map[pathFP]uint32
	// paths holds, for each path id, where the path is stored, or noPath
	// while no route keeps it: most paths of a month are not among the
	// first maxPathsPerRoute of any route, and are never stored.
	paths   []pathEnc
	arena   pathArena
	routes  *routeTable
	adj     map[[2]bgp.ASN]uint32
	rib     int64
	updates int64
	files   []FileStats
	carry   *carrier
}

func newMerger() *merger {
	return &merger{peerIDs: map[PeerKey]uint16{}, pathIDs: map[pathFP]uint32{}, routes: newRouteTable(0),
		adj: map[[2]bgp.ASN]uint32{}, carry: newCarrier()}
}

// add merges one file's part, which it then no longer needs.
func (m *merger) add(p *filePart) {
	fresh := len(m.peers) == 0 && len(m.paths) == 0 && m.routes.len() == 0
	peerMap := make([]uint16, len(p.peers))
	for i, k := range p.peers {
		id, ok := m.peerIDs[k]
		if !ok {
			id = uint16(len(m.peers))
			m.peerIDs[k] = id
			m.peers = append(m.peers, k)
		}
		peerMap[i] = id
	}
	pathMap := make([]uint32, len(p.paths))
	for i := range p.paths {
		fi := &p.paths[i]
		id, ok := m.pathIDs[fi.fp]
		if !ok {
			id = uint32(len(m.paths))
			m.pathIDs[fi.fp] = id
			m.paths = append(m.paths, noPath)
		}
		pathMap[i] = id
	}
	if fresh && p.routes.index != nil {
		m.adopt(p)
	} else {
		for i := range int32(p.routes.len()) {
			m.addRoute(p, p.routes.at(i), peerMap, pathMap)
		}
	}
	m.carry.add(p.carry, p.stats.To, m.routes)
	for k, n := range p.adj {
		m.adj[k] += n
	}
	m.rib += p.rib
	m.updates += p.updates
	m.files = append(m.files, p.stats)
}

const noPath = ^pathEnc(0)

// adopt takes over the route table of the first part merged: every peer
// and path of it was new, numbered in the part's order, so its ids are
// the merged ids already. This spares the merge of a single file, or of
// the first one, a lookup per route.
func (m *merger) adopt(p *filePart) {
	m.routes = p.routes
	for i := range int32(p.routes.len()) {
		r := p.routes.at(i)
		for _, id := range r.paths[:r.nPaths] {
			if m.paths[id] == noPath {
				m.paths[id] = m.arena.copyFrom(p.arena.words(p.paths[id].enc))
			}
		}
	}
}

func (m *merger) addRoute(p *filePart, r *routeAcc, peerMap []uint16, pathMap []uint32) {
	src, dt := p.routes, m.routes
	dst, created := dt.lookupNew(r.key, r.first, r.last)
	if !created {
		// Each file vouches for the span it saw the route in: a route
		// absent from the files between two RIB dumps was not announced
		// in between.
		dt.addSpan(dst, r.first, r.last)
	}
	dst.first, dst.last = min(dst.first, r.first), max(dst.last, r.last)
	src.eachPeer(r, func(id uint16) { dt.addPeer(dst, peerMap[id]) })
	// The first paths by file order, then by id within the file (sorting
	// the part's route in place: the part is not used again).
	ids := r.paths[:r.nPaths]
	slices.Sort(ids)
	for _, id := range ids {
		gid := pathMap[id]
		if dt.addPath(dst, gid) && m.paths[gid] == noPath {
			m.paths[gid] = m.arena.copyFrom(p.arena.words(p.paths[id].enc))
		}
	}
	for _, a := range src.upstreams(r) {
		dt.addUp(dst, a)
	}
}

// facts builds the merged Facts, allocating the route facts and their
// slices in a few large blocks.
func (m *merger) facts() *Facts {
	out := &Facts{Peers: m.peers, Adjacency: m.adj, RIBEntries: m.rib, Updates: m.updates, Files: m.files}
	m.pathIDs = nil // not needed any more: let it go before the big allocations
	m.carry.finish(m.routes)
	var rank []uint32
	out.Paths, rank = m.keptPaths()
	out.Routes = m.routeFacts(rank)
	return out
}

// keptPaths numbers the stored paths in order of first appearance and
// builds them; rank maps a merge path id to its number.
func (m *merger) keptPaths() (paths []PathInfo, rank []uint32) {
	rank = make([]uint32, len(m.paths))
	var nPaths, nSegs int
	for id, e := range m.paths {
		if e != noPath {
			rank[id] = uint32(nPaths)
			nPaths++
			nSegs += int(m.arena.chunks[e>>32][uint32(e)])
		}
	}
	segs := make([]bgp.Segment, 0, nSegs)
	paths = make([]PathInfo, 0, nPaths)
	for _, e := range m.paths {
		if e != noPath {
			var p bgp.Path
			p, segs = decodePath(m.arena.words(e), segs)
			paths = append(paths, PathInfo{Path: p})
		}
	}
	m.paths = nil
	return paths, rank
}

// routeFacts builds the RouteFacts, their path ids renumbered by rank.
func (m *merger) routeFacts(rank []uint32) map[RouteKey]*RouteFact {
	rt := m.routes
	n := rt.len()
	var nPeers, nPaths, nUps int
	for i := range int32(n) {
		r := rt.at(i)
		nPeers += rt.peerCount(r)
		nPaths += int(r.nPaths)
		if r.nUp > 0 {
			nUps += len(rt.upstreams(r))
		}
	}
	facts := make([]RouteFact, n)
	peers := make([]uint16, 0, nPeers)
	paths := make([]uint32, 0, nPaths)
	ups := make([]bgp.ASN, 0, nUps)
	out := make(map[RouteKey]*RouteFact, n)
	for i := range int32(n) {
		r, rf := rt.at(i), &facts[i]
		rf.First, rf.Last, rf.Spans = r.first, r.last, rt.spans(r)
		start := len(peers)
		rt.eachPeer(r, func(id uint16) { peers = append(peers, id) })
		rf.Peers = peers[start:len(peers):len(peers)]
		start = len(paths)
		for _, id := range r.paths[:r.nPaths] {
			paths = append(paths, rank[id])
		}
		rf.Paths = paths[start:len(paths):len(paths)]
		slices.Sort(rf.Paths)
		if u := rt.upstreams(r); len(u) > 0 {
			start = len(ups)
			ups = append(ups, u...)
			rf.Upstreams = ups[start:len(ups):len(ups)]
		}
		out[r.key.unpack()] = rf
	}
	return out
}

// PeersOf returns how many distinct collector peers saw any route of each
// origin AS: the visibility of §13.7. Each origin's peers are a bit set
// over the peer table.
func (f *Facts) PeersOf() map[bgp.ASN]int {
	words := (len(f.Peers) + 63) / 64
	index := map[bgp.ASN]int{}
	var sets []uint64
	var stray map[bgp.ASN][]uint16 // ids outside the peer table, for hand-made Facts
	for k, rf := range f.Routes {
		if k.Origin == 0 {
			continue
		}
		i, ok := index[k.Origin]
		if !ok {
			i = len(index)
			index[k.Origin] = i
			sets = append(sets, make([]uint64, words)...)
		}
		set := sets[i*words : (i+1)*words]
		for _, p := range rf.Peers {
			if int(p) < len(f.Peers) {
				set[p/64] |= 1 << (p % 64)
				continue
			}
			if stray == nil {
				stray = map[bgp.ASN][]uint16{}
			}
			stray[k.Origin] = insertSorted(stray[k.Origin], p)
		}
	}
	out := make(map[bgp.ASN]int, len(index))
	for a, i := range index {
		n := len(stray[a])
		for _, w := range sets[i*words : (i+1)*words] {
			n += bits.OnesCount64(w)
		}
		out[a] = n
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
