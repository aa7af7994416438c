package ingest

import (
	"encoding/binary"
	"hash/maphash"
	"math/bits"
	"net/netip"
	"slices"

	"github.com/observatory-net/observatory/internal/bgp"
)

// The compact tables behind Collect. A month holds millions of RIB entries
// but only about a million routes and a few million distinct paths, so the
// tables keep one fixed-size, pointer-free record per route and per path
// (nothing for the garbage collector to scan, nothing allocated per entry)
// and build the RouteFact and PathInfo values once, at the end.

// routeKey is a RouteKey packed into pointer-free words, cheap to hash.
type routeKey struct {
	hi, lo uint64  // the address as 16 bytes
	origin bgp.ASN //
	meta   uint32  // prefix length + 1 (0: invalid prefix), | keyIs6 for a 16-byte address
}

const keyIs6 = 1 << 16

func packRoute(p netip.Prefix, origin bgp.ASN) routeKey {
	a := p.Addr()
	b := a.As16()
	k := routeKey{hi: binary.BigEndian.Uint64(b[:8]), lo: binary.BigEndian.Uint64(b[8:]), origin: origin, meta: uint32(p.Bits() + 1)}
	if a.Is6() {
		k.meta |= keyIs6
	}
	return k
}

func (k routeKey) unpack() RouteKey {
	if k.meta&0xffff == 0 {
		return RouteKey{Origin: k.origin}
	}
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], k.hi)
	binary.BigEndian.PutUint64(b[8:], k.lo)
	a := netip.AddrFrom16(b)
	if k.meta&keyIs6 == 0 {
		a = a.Unmap()
	}
	return RouteKey{Prefix: netip.PrefixFrom(a, int(k.meta&0xffff)-1), Origin: k.origin}
}

// routeAcc accumulates what is known of one route. Peers below 64 are a
// bit each; the rest, and upstreams beyond the first, live in a routeExtra.
type routeAcc struct {
	key         routeKey
	first, last uint32
	peers       uint64
	paths       [maxPathsPerRoute]uint32 // the first distinct paths seen, unsorted
	up          [1]bgp.ASN               // the upstream, when nUp is 1 (an array, to be sliced)
	nPaths      uint8
	nUp         uint8 // 0, 1, or 2 for "all of them in extra.ups"
	extra       int32 // index + 1 into routeTable.extra; 0 for none
}

// routeExtra is the rare overflow of a routeAcc.
type routeExtra struct {
	peers []uint16  // sorted ids of 64 and above
	ups   []bgp.ASN // sorted, once there are two or more
	spans Spans     // once files gave the route more than its first span
}

// accChunk is how many routeAccs one allocation holds: the table grows by
// chunks and never copies what it holds.
const accChunk = 1 << 13

// routeTable is a set of routes in insertion order.
type routeTable struct {
	index  map[routeKey]int32
	chunks [][]routeAcc
	n      int32
	extra  []routeExtra
}

// newRouteTable returns an empty table with room for n routes.
func newRouteTable(n int) *routeTable { return &routeTable{index: make(map[routeKey]int32, n)} }

func (t *routeTable) len() int { return int(t.n) }

func (t *routeTable) at(i int32) *routeAcc { return &t.chunks[i/accChunk][i%accChunk] }

// lookup returns the route of k, adding it (first, last set) when new.
func (t *routeTable) lookup(k routeKey, first, last uint32) *routeAcc {
	r, _ := t.lookupNew(k, first, last)
	return r
}

// lookupNew is lookup that also reports whether the route is new.
func (t *routeTable) lookupNew(k routeKey, first, last uint32) (*routeAcc, bool) {
	if i, ok := t.index[k]; ok {
		return t.at(i), false
	}
	i := t.n
	if int(i/accChunk) == len(t.chunks) {
		t.chunks = append(t.chunks, make([]routeAcc, accChunk))
	}
	t.n++
	t.index[k] = i
	r := t.at(i)
	r.key, r.first, r.last = k, first, last
	return r, true
}

// addSpan records that the route was announced during [first, last]:
// while it has one span, that is [r.first, r.last] itself.
func (t *routeTable) addSpan(r *routeAcc, first, last uint32) {
	if r.extra == 0 && first >= r.first && last <= r.last {
		return
	}
	x := t.extraOf(r)
	if len(x.spans) == 0 {
		x.spans = Spans{{r.first, r.last}}
	}
	x.spans = x.spans.Add(first, last)
}

// spans returns the announced spans of the route, nil when it has one:
// [r.first, r.last] (RouteFact.Spans documents this).
func (t *routeTable) spans(r *routeAcc) Spans {
	if r.extra != 0 {
		if s := t.extra[r.extra-1].spans; len(s) > 1 {
			return s
		}
	}
	return nil
}

func (t *routeTable) extraOf(r *routeAcc) *routeExtra {
	if r.extra == 0 {
		t.extra = append(t.extra, routeExtra{})
		r.extra = int32(len(t.extra))
	}
	return &t.extra[r.extra-1]
}

func (t *routeTable) addPeer(r *routeAcc, id uint16) {
	if id < 64 {
		r.peers |= 1 << id
		return
	}
	x := t.extraOf(r)
	x.peers = insertSorted(x.peers, id)
}

// addPath keeps the first maxPathsPerRoute distinct paths; it reports
// whether id was added.
func (t *routeTable) addPath(r *routeAcc, id uint32) bool {
	n := int(r.nPaths)
	if n >= maxPathsPerRoute || slices.Contains(r.paths[:n], id) {
		return false
	}
	r.paths[n] = id
	r.nPaths++
	return true
}

func (t *routeTable) addUp(r *routeAcc, a bgp.ASN) {
	switch {
	case r.nUp == 0:
		r.up[0], r.nUp = a, 1
	case r.nUp == 1:
		if a != r.up[0] {
			x := t.extraOf(r)
			x.ups = append(x.ups[:0], min(a, r.up[0]), max(a, r.up[0]))
			r.nUp = 2
		}
	default:
		x := &t.extra[r.extra-1]
		x.ups = insertSorted(x.ups, a)
	}
}

// peerCount returns how many peers saw the route.
func (t *routeTable) peerCount(r *routeAcc) int {
	n := bits.OnesCount64(r.peers)
	if r.extra != 0 {
		n += len(t.extra[r.extra-1].peers)
	}
	return n
}

// eachPeer calls f with every peer id in increasing order.
func (t *routeTable) eachPeer(r *routeAcc, f func(uint16)) {
	for m := r.peers; m != 0; m &= m - 1 {
		f(uint16(bits.TrailingZeros64(m)))
	}
	if r.extra != 0 {
		for _, id := range t.extra[r.extra-1].peers {
			f(id)
		}
	}
}

// upstreams returns the route's upstreams, sorted; the slice may alias the
// table.
func (t *routeTable) upstreams(r *routeAcc) []bgp.ASN {
	switch r.nUp {
	case 0:
		return nil
	case 1:
		return r.up[:]
	}
	return t.extra[r.extra-1].ups
}

// pathFP is a path's fingerprint: two 64-bit hashes of its encoding under
// independent random seeds. Paths are told apart by fingerprint alone; a
// collision among even billions of paths has a probability far below that
// of a hardware error.
type pathFP [2]uint64

var fpSeeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}

// pathEnc is a path encoded into a word arena: nSegs, then for each segment
// its type and count, then every ASN. The ASNs are stored as bgp.ASN so
// that the final PathInfo can alias them.
type pathEnc uint64 // chunk << 32 | offset

// asnChunk is the size of one arena chunk in words.
const asnChunk = 1 << 20

// pathArena stores encoded paths by chunks, never copying them.
type pathArena struct {
	chunks [][]bgp.ASN
}

// add encodes p and returns where.
func (a *pathArena) add(p *bgp.Path) pathEnc {
	need := 1 + 2*len(p.Segs) + len(p.ASNs)
	c := len(a.chunks) - 1
	if c < 0 || len(a.chunks[c])+need > cap(a.chunks[c]) {
		a.chunks = append(a.chunks, make([]bgp.ASN, 0, max(asnChunk, need)))
		c++
	}
	w := a.chunks[c]
	off := len(w)
	w = append(w, bgp.ASN(len(p.Segs)))
	for _, s := range p.Segs {
		w = append(w, bgp.ASN(s.Type), bgp.ASN(s.End-s.Start))
	}
	for _, s := range p.Segs {
		w = append(w, p.ASNs[s.Start:s.End]...)
	}
	a.chunks[c] = w
	return pathEnc(uint64(c)<<32 | uint64(off))
}

// words returns the encoding at e.
func (a *pathArena) words(e pathEnc) []bgp.ASN {
	w := a.chunks[e>>32][uint32(e):]
	n := int(w[0])
	total := 1 + 2*n
	for i := range n {
		total += int(w[2+2*i])
	}
	return w[:total:total]
}

// copyFrom appends an encoding taken from another arena.
func (a *pathArena) copyFrom(w []bgp.ASN) pathEnc {
	c := len(a.chunks) - 1
	if c < 0 || len(a.chunks[c])+len(w) > cap(a.chunks[c]) {
		a.chunks = append(a.chunks, make([]bgp.ASN, 0, max(asnChunk, len(w))))
		c++
	}
	off := len(a.chunks[c])
	a.chunks[c] = append(a.chunks[c], w...)
	return pathEnc(uint64(c)<<32 | uint64(off))
}

// decodePath turns an encoding into a Path whose ASNs alias it; its
// segments are appended to segs, which is returned.
func decodePath(w []bgp.ASN, segs []bgp.Segment) (bgp.Path, []bgp.Segment) {
	n := int(w[0])
	head := 1 + 2*n
	first := len(segs)
	var start int32
	for i := range n {
		end := start + int32(w[2+2*i])
		segs = append(segs, bgp.Segment{Type: bgp.SegmentType(w[1+2*i]), Start: start, End: end})
		start = end
	}
	p := bgp.Path{}
	if n > 0 {
		p.Segs = segs[first:len(segs):len(segs)]
	}
	if len(w) > head {
		p.ASNs = w[head:len(w):len(w)]
	}
	return p, segs
}

// fingerprint hashes p, encoded into buf (returned for reuse).
func fingerprint(p *bgp.Path, buf []byte) (pathFP, []byte) {
	buf = buf[:0]
	for i, s := range p.Segs {
		if i > 0 && s.Type == bgp.SegSequence && p.Segs[i-1].Type == bgp.SegSequence {
			// Two AS_SEQUENCEs in a row are one path (RFC 4271 §5.1.2
			// splits a long sequence so): the same fingerprint as one.
			n := len(buf) - 4
			binary.LittleEndian.PutUint32(buf[n:], binary.LittleEndian.Uint32(buf[n:])+uint32(s.End-s.Start))
			continue
		}
		buf = append(buf, byte(s.Type))
		buf = binary.LittleEndian.AppendUint32(buf, uint32(s.End-s.Start))
	}
	buf = append(buf, 0xff)
	for _, s := range p.Segs {
		for _, a := range p.ASNs[s.Start:s.End] {
			buf = binary.LittleEndian.AppendUint32(buf, uint32(a))
		}
	}
	return pathFP{maphash.Bytes(fpSeeds[0], buf), maphash.Bytes(fpSeeds[1], buf)}, buf
}
