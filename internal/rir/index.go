package rir

import (
	"cmp"
	"container/heap"
	"iter"
	"net/netip"
	"slices"
	"time"

	"github.com/gaissmai/bart"

	"github.com/observatory-net/observatory/internal/bgp"
)

// Delegation is what the statistics say about one resource.
type Delegation struct {
	Registry string    // the registry that recorded it ("apnic", ..., "iana")
	CC       string    // country code, empty when none
	Status   Status    // allocated, assigned, available, reserved, or IANA's values
	Date     time.Time // zero when unknown
	OpaqueID string    // the holder's opaque id (extended files only)
}

// ASNRange is an inclusive range of AS numbers.
type ASNRange struct {
	First, Last bgp.ASN // inclusive bounds
}

// Index answers which delegation covers a prefix, an address or an AS
// number. It is immutable and safe for concurrent use once built.
type Index struct {
	dels   []Delegation
	pfx    bart.Table[int32] // prefix -> index in dels
	ranges []asnSpan         // disjoint, ascending
}

// asnSpan is a flattened range pointing at its delegation.
type asnSpan struct {
	first, last bgp.ASN
	del         int32
}

// NewIndex indexes the records of files. Where records overlap, the more
// specific wins (a longer prefix, a narrower ASN range); between equally
// specific records, an RIR's record wins over IANA's, and otherwise the
// later file or line.
func NewIndex(files ...*File) *Index {
	var b indexBuilder
	for _, f := range files {
		for i := range f.Records {
			b.add(&f.Records[i])
		}
	}
	return b.build()
}

type indexBuilder struct {
	ix   Index
	asns []asnSpan // as given, possibly overlapping
	buf  []netip.Prefix
}

func (b *indexBuilder) add(r *Record) {
	d := int32(len(b.ix.dels))
	b.ix.dels = append(b.ix.dels, Delegation{
		Registry: r.Registry, CC: r.CC, Status: r.Status, Date: r.Date, OpaqueID: r.OpaqueID,
	})
	if r.Type == ASN {
		b.asns = append(b.asns, asnSpan{r.FirstASN, r.LastASN(), d})
		return
	}
	b.buf = r.AppendPrefixes(b.buf[:0])
	for _, p := range b.buf {
		b.ix.pfx.Modify(p, func(old int32, exists bool) (int32, bool) {
			if exists && b.ix.dels[old].Registry != "iana" && b.ix.dels[d].Registry == "iana" {
				return old, false
			}
			return d, false
		})
	}
}

func (b *indexBuilder) build() *Index {
	b.ix.ranges = flatten(b.asns, b.ix.dels)
	return &b.ix
}

// Prefix returns the delegation of the most specific record prefix that
// covers p (equal or shorter), and that prefix.
func (ix *Index) Prefix(p netip.Prefix) (Delegation, netip.Prefix, bool) {
	lpm, d, ok := ix.pfx.LookupPrefixLPM(p)
	if !ok {
		return Delegation{}, netip.Prefix{}, false
	}
	return ix.dels[d], lpm, true
}

// Addr returns the delegation covering address a.
func (ix *Index) Addr(a netip.Addr) (Delegation, bool) {
	d, ok := ix.pfx.Lookup(a.Unmap())
	if !ok {
		return Delegation{}, false
	}
	return ix.dels[d], true
}

// ASN returns the delegation covering AS number a, and its range.
func (ix *Index) ASN(a bgp.ASN) (Delegation, ASNRange, bool) {
	i, found := slices.BinarySearchFunc(ix.ranges, a, func(s asnSpan, a bgp.ASN) int {
		return cmp.Compare(s.first, a)
	})
	if !found {
		i-- // the last span starting before a
	}
	if i < 0 || ix.ranges[i].last < a {
		return Delegation{}, ASNRange{}, false
	}
	s := ix.ranges[i]
	return ix.dels[s.del], ASNRange{s.first, s.last}, true
}

// Prefixes iterates over the indexed prefixes in ascending order.
func (ix *Index) Prefixes() iter.Seq2[netip.Prefix, Delegation] {
	return func(yield func(netip.Prefix, Delegation) bool) {
		for p, d := range ix.pfx.AllSorted() {
			if !yield(p, ix.dels[d]) {
				return
			}
		}
	}
}

// ASNRanges iterates over the indexed ASN ranges, disjoint and ascending
// (overlapping records already resolved).
func (ix *Index) ASNRanges() iter.Seq2[ASNRange, Delegation] {
	return func(yield func(ASNRange, Delegation) bool) {
		for _, s := range ix.ranges {
			if !yield(ASNRange{s.first, s.last}, ix.dels[s.del]) {
				return
			}
		}
	}
}

// Len returns the number of prefixes and of disjoint ASN ranges indexed.
func (ix *Index) Len() (prefixes, asnRanges int) { return ix.pfx.Size(), len(ix.ranges) }

// flatten turns possibly overlapping ASN ranges into disjoint spans, each
// given to the narrowest range covering it (ties: non-IANA, then later).
func flatten(in []asnSpan, dels []Delegation) []asnSpan {
	type event struct {
		at    uint64 // position; ends are at last+1
		start bool
		span  int
	}
	events := make([]event, 0, 2*len(in))
	for i, s := range in {
		events = append(events, event{uint64(s.first), true, i}, event{uint64(s.last) + 1, false, i})
	}
	slices.SortFunc(events, func(a, b event) int { return cmp.Compare(a.at, b.at) })
	active := &spanHeap{in: in, dels: dels}
	ended := make([]bool, len(in))
	var out []asnSpan
	for k := 0; k < len(events); {
		at := events[k].at
		for ; k < len(events) && events[k].at == at; k++ {
			if events[k].start {
				heap.Push(active, events[k].span)
			} else {
				ended[events[k].span] = true
			}
		}
		for active.Len() > 0 && ended[active.idx[0]] {
			heap.Pop(active)
		}
		if active.Len() == 0 || k == len(events) {
			continue
		}
		out = appendSpan(out, asnSpan{bgp.ASN(at), bgp.ASN(events[k].at - 1), in[active.idx[0]].del})
	}
	return out
}

// appendSpan appends s, merging it with the previous span when contiguous
// and of the same delegation.
func appendSpan(out []asnSpan, s asnSpan) []asnSpan {
	if n := len(out); n > 0 && out[n-1].del == s.del && uint64(out[n-1].last)+1 == uint64(s.first) {
		out[n-1].last = s.last
		return out
	}
	return append(out, s)
}

// spanHeap orders active ranges by preference: narrowest first, then
// non-IANA, then the later record.
type spanHeap struct {
	in   []asnSpan
	dels []Delegation
	idx  []int
}

// Len, Less, Swap, Push and Pop implement heap.Interface.
func (h *spanHeap) Len() int { return len(h.idx) }
func (h *spanHeap) Less(i, j int) bool {
	a, b := h.in[h.idx[i]], h.in[h.idx[j]]
	if wa, wb := a.last-a.first, b.last-b.first; wa != wb {
		return wa < wb
	}
	if ia, ib := h.dels[a.del].Registry == "iana", h.dels[b.del].Registry == "iana"; ia != ib {
		return ib
	}
	return a.del > b.del
}
func (h *spanHeap) Swap(i, j int) { h.idx[i], h.idx[j] = h.idx[j], h.idx[i] }
func (h *spanHeap) Push(x any)    { h.idx = append(h.idx, x.(int)) }
func (h *spanHeap) Pop() any {
	x := h.idx[len(h.idx)-1]
	h.idx = h.idx[:len(h.idx)-1]
	return x
}
