package asrel

import (
	"slices"
	"sync"

	"github.com/observatory-net/observatory/internal/bgp"
)

// CustomerConeSize returns the number of ASes in the customer cone of a:
// a itself plus every AS reachable from a by following provider-to-customer
// links only (CAIDA's "recursive" cone). It is 0 when a is not in the
// graph. Sizes are computed on first request and memoised.
func (g *Graph) CustomerConeSize(a bgp.ASN) int {
	i, ok := g.index[a]
	if !ok {
		return 0
	}
	if v := g.cone[i].Load(); v != 0 {
		return int(v - 1)
	}
	n := g.walkCone(i, nil)
	g.cone[i].Store(int32(n + 1))
	return n
}

// CustomerCone returns the customer cone of a (a included), ascending. It
// is nil when a is not in the graph.
func (g *Graph) CustomerCone(a bgp.ASN) []bgp.ASN {
	i, ok := g.index[a]
	if !ok {
		return nil
	}
	var members []int32
	g.walkCone(i, func(j int32) { members = append(members, j) })
	slices.Sort(members)
	out := make([]bgp.ASN, len(members))
	for k, j := range members {
		out[k] = g.asns[j]
	}
	return out
}

// walk is the reusable state of a breadth-first search.
type walk struct {
	mark  []uint32 // mark[i] == epoch when node i has been reached
	epoch uint32
	queue []int32
}

var walks sync.Pool

// walkCone visits the customer cone of node i breadth-first, calling visit
// (when not nil) for every member, and returns its size. Provider cycles,
// which inference errors can create, are harmless.
func (g *Graph) walkCone(i int32, visit func(int32)) int {
	w, _ := walks.Get().(*walk)
	if w == nil || len(w.mark) != len(g.asns) {
		w = &walk{mark: make([]uint32, len(g.asns))}
	}
	defer walks.Put(w)
	w.epoch++
	if w.epoch == 0 { // wrapped: clear stale marks
		clear(w.mark)
		w.epoch = 1
	}
	w.queue = append(w.queue[:0], i)
	w.mark[i] = w.epoch
	for k := 0; k < len(w.queue); k++ {
		n := w.queue[k]
		if visit != nil {
			visit(n)
		}
		for _, c := range g.group(n, grpCustomers) {
			if w.mark[c] != w.epoch {
				w.mark[c] = w.epoch
				w.queue = append(w.queue, c)
			}
		}
	}
	return len(w.queue)
}
