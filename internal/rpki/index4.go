package rpki

import (
	"slices"

	"github.com/observatory-net/observatory/internal/bgp"
)

// index4 answers longest-prefix matches for IPv4 routes of length 16 or
// more, the bulk of the routing table, with fewer dependent memory reads
// than a trie walk, which is what bounds lookups in a VRP set too large
// for the caches: a direct table indexed by the route's first 16 bits
// (768 KiB, which tends to stay in cache) leads to the sorted VRP prefixes
// longer than /16 inside that /16, with a sparse index over them (fences),
// and to the deepest VRP prefix of /16 or shorter covering the whole /16.
//
// The prefixes of a bucket never partly overlap, so those containing an
// address are exactly the ancestors of the last prefix (in address, then
// length order) starting at or before it: a binary search and a short
// walk up find the deepest one not longer than the route. Its
// authorisation list is kept next to it, so that the lookup ends there.
type index4 struct {
	dir    []dir4     // 1<<16 + 1 entries; dir[i+1].start ends bucket i
	keys   []key4     // the prefixes longer than /16, in Compare order
	nodes  []authNode // nodes[i] is the list of keys[i]'s group
	fences []uint16   // per bucket, the address of every blockSize-th key
}

// dir4 is the directory entry of one /16.
type dir4 struct {
	start uint32 // first key of the bucket
	fence uint32 // first fence of the bucket
	def   int32  // group of the deepest prefix of length ≤ 16 covering the /16, or -1
}

// blockSize is the number of keys per fence. A bucket can hold hundreds of
// keys; searching its fences (two bytes each) and then one block of keys
// reads two or three cache lines where a binary search over the keys
// would read one per step.
const blockSize = 16

// key4 is a prefix longer than /16 in a bucket. When the prefix's
// authorisation list is complete and holds a single origin, the most
// common case, the key carries it, and a lookup reads nothing else.
type key4 struct {
	lo     uint16  // the low 16 bits of the prefix address
	bits   uint8   // prefix length, 17 to 32
	maxLen uint8   // the inline authorisation's maxLength; 0 when not inline
	up     int32   // bucket index of the closest covering prefix in the bucket, or -1
	asn    bgp.ASN // the inline authorisation's origin
}

// contains reports whether the key's prefix contains the address whose
// low 16 bits are lo (in the same /16).
func (k *key4) contains(lo uint16) bool {
	return (k.lo^lo)>>(32-k.bits) == 0
}

// buildIndex4 builds the index from the groups, in Compare order, their
// authorisation lists, and the trie, which gives the default groups.
func (s *Snapshot) buildIndex4() {
	x := &s.v4
	x.dir = make([]dir4, 1<<16+1)
	var stack []int32 // bucket indexes of the open ancestors
	hi := -1          // the /16 of the current bucket
	for i := range s.groups {
		p := s.groups[i].prefix
		if !p.Addr().Is4() || p.Bits() <= 16 {
			continue
		}
		a := p.Addr().As4()
		if h := int(a[0])<<8 | int(a[1]); h != hi {
			for hi < h {
				hi++
				x.dir[hi].start = uint32(len(x.keys))
			}
			stack = stack[:0]
		}
		start := int32(x.dir[hi].start)
		lo := uint16(a[2])<<8 | uint16(a[3])
		for len(stack) > 0 && !x.keys[start+stack[len(stack)-1]].contains(lo) {
			stack = stack[:len(stack)-1]
		}
		up := int32(-1)
		if len(stack) > 0 {
			up = stack[len(stack)-1]
		}
		stack = append(stack, int32(len(x.keys))-start)
		k := key4{lo: lo, bits: uint8(p.Bits()), up: up}
		if n := &s.nodes[i]; n.n == 1 && n.next < 0 {
			k.asn, k.maxLen = n.inline[0].asn, n.inline[0].maxLen
		}
		x.keys = append(x.keys, k)
		x.nodes = append(x.nodes, s.nodes[i])
	}
	for hi < 1<<16 {
		hi++
		x.dir[hi].start = uint32(len(x.keys))
	}
	x.keys, x.nodes = slices.Clip(x.keys), slices.Clip(x.nodes)
	x.buildFences()
	s.buildDefaults4()
}

// buildFences samples every blockSize-th key of each bucket.
func (x *index4) buildFences() {
	for h := range 1 << 16 {
		x.dir[h].fence = uint32(len(x.fences))
		for i := x.dir[h].start; i < x.dir[h+1].start; i += blockSize {
			x.fences = append(x.fences, x.keys[i].lo)
		}
	}
	x.dir[1<<16].fence = uint32(len(x.fences))
}

// buildDefaults4 sets for every /16 the deepest VRP prefix of length 16
// or less covering it: each such prefix claims its range of /16s, and as
// groups come in Compare order, deeper prefixes claim theirs later.
func (s *Snapshot) buildDefaults4() {
	x := &s.v4
	for h := range 1 << 16 {
		x.dir[h].def = -1
	}
	for i := range s.groups {
		p := s.groups[i].prefix
		if !p.Addr().Is4() || p.Bits() > 16 {
			continue
		}
		a := p.Addr().As4()
		first := int(a[0])<<8 | int(a[1])
		for h := first; h < first+1<<(16-p.Bits()); h++ {
			x.dir[h].def = int32(i)
		}
	}
}

// lookup4 finds the deepest VRP prefix that covers the IPv4 route a/bits
// (bits ≥ 16). It returns its key when the key carries the authorisation
// list inline (maxLen > 0), else the list; both are nil when no VRP
// covers the route.
func (s *Snapshot) lookup4(a [4]byte, bits int) (*key4, *authNode) {
	x := &s.v4
	h := int(a[0])<<8 | int(a[1])
	lo := uint16(a[2])<<8 | uint16(a[3])
	d, next := &x.dir[h], &x.dir[h+1]
	start := d.start
	keys := x.keys[start:next.start]
	// f: the number of blocks whose first key starts at or before lo. The
	// keys starting at or before lo are the f-1 first blocks and a part of
	// block f-1.
	fences := x.fences[d.fence:next.fence]
	f, n := 0, len(fences)
	for f < n {
		m := int(uint(f+n) >> 1)
		if fences[m] <= lo {
			f = m + 1
		} else {
			n = m
		}
	}
	// k: the number of keys starting at or before lo.
	k := 0
	if f > 0 {
		k = (f - 1) * blockSize
		for end := min(k+blockSize, len(keys)); k < end && keys[k].lo <= lo; k++ {
		}
	}
	for j := int32(k - 1); j >= 0; {
		key := &keys[j]
		if int(key.bits) <= bits && key.contains(lo) {
			if key.maxLen > 0 {
				return key, nil
			}
			return nil, &x.nodes[start+uint32(j)]
		}
		j = key.up
	}
	if d := x.dir[h].def; d >= 0 {
		return nil, &s.nodes[d]
	}
	return nil, nil
}
