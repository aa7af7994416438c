package asrel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync/atomic"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/inputerr"
)

// Relationship is how one AS relates to another, read from the first AS
// towards the second (see the package documentation).
type Relationship int8

// The relationships a Graph reports.
const (
	Unknown    Relationship = iota // no link between the two ASes in the data
	ProviderOf                     // the first AS is a provider of the second
	CustomerOf                     // the first AS is a customer of the second
	Peer                           // the two ASes are settlement-free peers
)

// String returns a lower-case name such as "provider-of".
func (r Relationship) String() string {
	switch r {
	case Unknown:
		return "unknown"
	case ProviderOf:
		return "provider-of"
	case CustomerOf:
		return "customer-of"
	case Peer:
		return "peer"
	}
	return fmt.Sprintf("Relationship(%d)", int8(r))
}

// Stats counts what went into a Graph.
type Stats struct {
	Links      int // distinct links kept
	P2C        int // provider-to-customer links kept
	P2P        int // peer-to-peer links kept
	ASes       int // distinct ASes
	Duplicates int // lines repeating a link already seen (same relationship)
	Conflicts  int // lines contradicting a link already seen; the first one is kept
}

// Graph is an immutable AS relationship graph. The zero value is an empty
// graph; build one with Build or Load.
type Graph struct {
	asns  []bgp.ASN         // node index -> ASN, ascending
	index map[bgp.ASN]int32 // ASN -> node index
	// Neighbours of node i, as node indexes sorted ascending (hence by ASN):
	// providers nbr[off[3i]:off[3i+1]], customers nbr[off[3i+1]:off[3i+2]],
	// peers nbr[off[3i+2]:off[3i+3]].
	off   []int32
	nbr   []int32
	cone  []atomic.Int32 // memoised customer cone size + 1; 0 = not yet known
	stats Stats
}

// ctxEvery is how many records pass between checks of the context.
const ctxEvery = 4096

// Load reads an as-rel file (serial-1 or serial-2) from r and builds its
// graph. Malformed lines go to damaged (see inputerr.Log): skipped and
// counted, or, with a strict or nil Log, the first one ends the load with
// its *inputerr.Error. It stops early when ctx is done.
func Load(ctx context.Context, r io.Reader, name string, damaged *inputerr.Log) (*Graph, error) {
	var b Builder
	rd := NewReader(r, name)
	for n := 1; ; n++ {
		if n%ctxEvery == 0 && ctx.Err() != nil {
			return nil, fmt.Errorf("load %s: %w", name, context.Cause(ctx))
		}
		l, err := rd.Next()
		if err == io.EOF {
			return b.Build(), nil
		}
		if err != nil {
			if err := damaged.SkipErr(err); err != nil {
				return nil, err
			}
			continue
		}
		if err := b.Add(l); err != nil {
			return nil, err // unreachable: the Reader refuses such lines
		}
	}
}

// LoadFile opens path, decompressing it if needed (gzip, bzip2, zstd), and
// loads it with Load.
func LoadFile(ctx context.Context, path string, damaged *inputerr.Log) (g *Graph, err error) {
	f, err := decompress.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open as-rel file: %w", err)
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	return Load(ctx, f, path, damaged)
}

// Builder collects links for a Graph. The zero value is ready to use.
type Builder struct {
	seen  map[uint64]Rel // canonical pair (low ASN << 32 | high ASN) -> rel as seen from the low ASN
	links []Link
	stats Stats
}

// Add adds one link. A link repeating an earlier one is counted as a
// duplicate; one contradicting an earlier one is counted as a conflict and
// dropped, so the first statement about a pair wins. A link from an AS to
// itself or with an unknown code is refused.
func (b *Builder) Add(l Link) error {
	if l.A == l.B {
		return fmt.Errorf("link from %v to itself", l.A)
	}
	if l.Rel != RelP2C && l.Rel != RelP2P {
		return fmt.Errorf("link %v-%v: unknown relationship %v", l.A, l.B, l.Rel)
	}
	if b.seen == nil {
		b.seen = make(map[uint64]Rel)
	}
	key, rel := pairKey(l)
	if old, ok := b.seen[key]; ok {
		if old == rel {
			b.stats.Duplicates++
		} else {
			b.stats.Conflicts++
		}
		return nil
	}
	b.seen[key] = rel
	b.links = append(b.links, l)
	return nil
}

// Relationship codes stored per canonical pair, from the lower ASN's side.
const (
	lowIsProvider Rel = -1
	peers         Rel = 0
	lowIsCustomer Rel = 1
)

// pairKey returns the canonical key of a link and its relation seen from
// the lower ASN.
func pairKey(l Link) (uint64, Rel) {
	lo, hi, rel := l.A, l.B, l.Rel
	if lo > hi {
		lo, hi = hi, lo
		if rel == RelP2C {
			rel = lowIsCustomer
		}
	}
	if rel == RelP2C {
		rel = lowIsProvider
	}
	return uint64(lo)<<32 | uint64(hi), rel
}

// Build returns the immutable graph of the links added so far.
func (b *Builder) Build() *Graph {
	g := &Graph{stats: b.stats}
	g.indexNodes(b.links)
	g.fillAdjacency(b.links)
	g.cone = make([]atomic.Int32, len(g.asns))
	g.stats.Links = len(b.links)
	g.stats.ASes = len(g.asns)
	for _, l := range b.links {
		if l.Rel == RelP2C {
			g.stats.P2C++
		} else {
			g.stats.P2P++
		}
	}
	return g
}

// indexNodes numbers the ASes in ascending order.
func (g *Graph) indexNodes(links []Link) {
	asns := make([]bgp.ASN, 0, 2*len(links))
	for _, l := range links {
		asns = append(asns, l.A, l.B)
	}
	slices.Sort(asns)
	g.asns = slices.Clip(slices.Compact(asns))
	g.index = make(map[bgp.ASN]int32, len(g.asns))
	for i, a := range g.asns {
		g.index[a] = int32(i)
	}
}

// group numbers inside a node's neighbour list.
const (
	grpProviders = iota
	grpCustomers
	grpPeers
)

// fillAdjacency lays out the neighbour lists in compressed sparse rows.
func (g *Graph) fillAdjacency(links []Link) {
	n := len(g.asns)
	count := make([]int32, 3*n)
	each := func(fn func(node, grp int, other int32)) {
		for _, l := range links {
			a, b := g.index[l.A], g.index[l.B]
			if l.Rel == RelP2C {
				fn(int(a), grpCustomers, b)
				fn(int(b), grpProviders, a)
			} else {
				fn(int(a), grpPeers, b)
				fn(int(b), grpPeers, a)
			}
		}
	}
	each(func(node, grp int, _ int32) { count[3*node+grp]++ })
	g.off = make([]int32, 3*n+1)
	for i, c := range count {
		g.off[i+1] = g.off[i] + c
	}
	g.nbr = make([]int32, g.off[3*n])
	fill := slices.Clone(g.off[:3*n])
	each(func(node, grp int, other int32) {
		k := 3*node + grp
		g.nbr[fill[k]] = other
		fill[k]++
	})
	for k := range 3 * n {
		slices.Sort(g.nbr[g.off[k]:g.off[k+1]])
	}
}

// Stats returns what went into the graph.
func (g *Graph) Stats() Stats { return g.stats }

// Len returns the number of ASes in the graph.
func (g *Graph) Len() int { return len(g.asns) }

// Has reports whether a appears in at least one link.
func (g *Graph) Has(a bgp.ASN) bool {
	_, ok := g.index[a]
	return ok
}

// group returns the neighbour indexes of node i in group grp.
func (g *Graph) group(i int32, grp int) []int32 {
	k := 3*int(i) + grp
	return g.nbr[g.off[k]:g.off[k+1]]
}

// degree returns the number of neighbours of node i.
func (g *Graph) degree(i int32) int32 { return g.off[3*i+3] - g.off[3*i] }

// Relationship returns how a relates to b. It is Unknown when either AS is
// absent or the two are not linked.
func (g *Graph) Relationship(a, b bgp.ASN) Relationship {
	ia, ok := g.index[a]
	if !ok {
		return Unknown
	}
	ib, ok := g.index[b]
	if !ok {
		return Unknown
	}
	// Search the shorter neighbour list, then turn the answer around.
	if g.degree(ib) < g.degree(ia) {
		return g.relate(ib, ia).reverse()
	}
	return g.relate(ia, ib)
}

// relate returns how node a relates to node b by searching a's lists.
func (g *Graph) relate(a, b int32) Relationship {
	if _, ok := slices.BinarySearch(g.group(a, grpCustomers), b); ok {
		return ProviderOf
	}
	if _, ok := slices.BinarySearch(g.group(a, grpProviders), b); ok {
		return CustomerOf
	}
	if _, ok := slices.BinarySearch(g.group(a, grpPeers), b); ok {
		return Peer
	}
	return Unknown
}

// reverse returns the relationship read in the other direction.
func (r Relationship) reverse() Relationship {
	switch r {
	case ProviderOf:
		return CustomerOf
	case CustomerOf:
		return ProviderOf
	}
	return r
}

// Providers returns the providers of a in ascending order (a new slice).
func (g *Graph) Providers(a bgp.ASN) []bgp.ASN { return g.neighbours(a, grpProviders) }

// Customers returns the direct customers of a in ascending order (a new slice).
func (g *Graph) Customers(a bgp.ASN) []bgp.ASN { return g.neighbours(a, grpCustomers) }

// Peers returns the peers of a in ascending order (a new slice).
func (g *Graph) Peers(a bgp.ASN) []bgp.ASN { return g.neighbours(a, grpPeers) }

// neighbours returns the ASNs of one neighbour group of a.
func (g *Graph) neighbours(a bgp.ASN, grp int) []bgp.ASN {
	i, ok := g.index[a]
	if !ok {
		return nil
	}
	idx := g.group(i, grp)
	out := make([]bgp.ASN, len(idx))
	for k, j := range idx {
		out[k] = g.asns[j]
	}
	return out
}
