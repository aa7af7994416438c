package rpki

import (
	"net/netip"
	"slices"
)

// index4 answers longest-prefix matches for IPv4 routes of length 16 or
// more, the bulk of the routing table, with fewer dependent memory reads
// than a trie walk, which is what bounds lookups in a VRP set too large
// for the caches: a direct table indexed by the route's first 16 bits
// (512 KiB, which tends to stay in cache) leads to the sorted VRP prefixes
// longer than /16 inside that /16, usually a handful in one cache line,
// and to the deepest VRP prefix of /16 or shorter covering the whole /16.
//
// The prefixes of a bucket never partly overlap, so those containing an
// address are exactly the ancestors of the last prefix (in address, then
// length order) starting at or before it: a binary search and a short
// walk up find the deepest one not longer than the route. Its
// authorisation list is kept next to it, so that the lookup ends there.
type index4 struct {
	dir   []dir4     // 1<<16 + 1 entries; dir[i+1].start ends bucket i
	keys  []key4     // the prefixes longer than /16, in Compare order
	nodes []authNode // nodes[i] is the list of keys[i]'s group
}

// dir4 is the directory entry of one /16.
type dir4 struct {
	start uint32 // first key of the bucket
	def   int32  // group of the deepest prefix of length ≤ 16 covering the /16, or -1
}

// key4 packs a prefix longer than /16 for the binary search and the walk
// up: the low 16 bits of its address (bits 48–63), its length (40–47) and
// one more than the bucket index of the closest covering prefix in the
// bucket, 0 for none (0–31).
type key4 uint64

func newKey4(lo uint16, bits uint8, up int32) key4 {
	return key4(lo)<<48 | key4(bits)<<40 | key4(uint32(up+1))
}

func (k key4) lo() uint16   { return uint16(k >> 48) }
func (k key4) bits() int    { return int(uint8(k >> 40)) }
func (k key4) up() int32    { return int32(uint32(k)) - 1 }
func (k key4) order() int64 { return int64(k >> 40) } // lo, then bits

// contains reports whether the key's prefix contains the address whose
// low 16 bits are lo (in the same /16).
func (k key4) contains(lo uint16) bool {
	return (k.lo()^lo)>>(32-k.bits()) == 0
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
		x.keys = append(x.keys, newKey4(lo, uint8(p.Bits()), up))
		x.nodes = append(x.nodes, s.nodes[i])
	}
	for hi < 1<<16 {
		hi++
		x.dir[hi].start = uint32(len(x.keys))
	}
	x.keys, x.nodes = slices.Clip(x.keys), slices.Clip(x.nodes)
	for h := range 1 << 16 {
		x.dir[h].def = -1
		p := netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(h >> 8), byte(h), 0, 0}), 16)
		if n, ok := s.index.LookupPrefix(p); ok {
			x.dir[h].def = n.group
		}
	}
}

// lookup returns the authorisation list of the deepest VRP prefix that
// covers the IPv4 route a/bits (bits ≥ 16), or nil when none does.
func (s *Snapshot) lookup4(a [4]byte, bits int) *authNode {
	x := &s.v4
	h := int(a[0])<<8 | int(a[1])
	lo := uint16(a[2])<<8 | uint16(a[3])
	start, end := x.dir[h].start, x.dir[h+1].start
	keys := x.keys[start:end]
	// k: the number of keys starting at or before lo.
	target := int64(lo)<<8 | 0xff
	k, n := 0, len(keys)
	for k < n {
		m := int(uint(k+n) >> 1)
		if keys[m].order() <= target {
			k = m + 1
		} else {
			n = m
		}
	}
	for j := int32(k - 1); j >= 0; {
		key := keys[j]
		if key.bits() <= bits && key.contains(lo) {
			return &x.nodes[start+uint32(j)]
		}
		j = key.up()
	}
	if d := x.dir[h].def; d >= 0 {
		return &s.nodes[d]
	}
	return nil
}
