package ingest

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strconv"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/mrt"
)

// How long an announcement counts (docs/incremental.md, "Withdrawals and
// session downs"): an UPDATE that announces a route makes the route count
// for its peer until the peer's next UPDATE of the prefix (a withdrawal, or
// an announcement that replaces the origin or repeats it), the peer's
// session leaving Established, or the end of the data: the peer's last
// UPDATE of the month. Within one file a route keeps one span, the hull of
// what the file says of it; an announcement still standing at the file's
// end extends its route to that end, and the merge carries it from there,
// across the files in their order, to whatever ends it. RIB entries vouch
// for RIBSpan and are not part of this: a dump is a snapshot, not a
// stream of changes.

// established is the BGP FSM state of an up session (RFC 4271 §8.2.2, as
// MRT numbers the states: RFC 6396 §4.4.1).
const established = 6

// peerPrefix is a prefix as one peer announced it. peer is an id in the
// carry peer table of a file (fileCarry.peers) or of the merge.
type peerPrefix struct {
	hi, lo uint64
	meta   uint32
	peer   uint16
}

func makePeerPrefix(p netip.Prefix, peer uint16) peerPrefix {
	k := packRoute(p, 0)
	return peerPrefix{hi: k.hi, lo: k.lo, meta: k.meta, peer: peer}
}

// route is the route key of the prefix with origin.
func (pp peerPrefix) route(origin bgp.ASN) routeKey {
	return routeKey{hi: pp.hi, lo: pp.lo, meta: pp.meta, origin: origin}
}

// openRoute is an announcement still standing at the end of a file.
type openRoute struct {
	pp     peerPrefix
	origin bgp.ASN
}

// fileCarry is what one file tells the merge of announcements across its
// bounds. Its peers are a table of their own, apart from the part's peers
// (which are only those that announced): a peer that only withdraws in a
// file is not a peer that saw a route.
type fileCarry struct {
	peers []PeerKey
	// open are the announcements standing at the file's end (stats.To).
	open []openRoute
	// first is the time of the first UPDATE of each peer and prefix.
	first map[peerPrefix]uint32
	// down is the time each peer's session first left Established; last
	// the time of its last UPDATE. Both are 0 when the file has none.
	down, last []uint32
}

// liveRoute is an announcement standing while a file is read.
type liveRoute struct {
	origin bgp.ASN
	acc    *routeAcc
}

// carryCollector follows the UPDATEs of one file.
type carryCollector struct {
	c       fileCarry
	peerIDs map[PeerKey]uint16
	live    map[peerPrefix]liveRoute
}

func newCarryCollector() *carryCollector {
	return &carryCollector{c: fileCarry{first: map[peerPrefix]uint32{}}, peerIDs: map[PeerKey]uint16{},
		live: map[peerPrefix]liveRoute{}}
}

func (cc *carryCollector) peer(ip netip.Addr, as bgp.ASN) uint16 {
	k := PeerKey{IP: ip, AS: as}
	id, ok := cc.peerIDs[k]
	if !ok {
		id = uint16(len(cc.c.peers))
		cc.peerIDs[k] = id
		cc.c.peers = append(cc.c.peers, k)
		cc.c.down = append(cc.c.down, 0)
		cc.c.last = append(cc.c.last, 0)
	}
	return id
}

// update follows an announcement (r its route) or a withdrawal (r nil).
func (cc *carryCollector) update(e *mrt.Elem, origin bgp.ASN, r *routeAcc) {
	id := cc.peer(e.PeerIP, e.PeerAS)
	cc.c.last[id] = max(cc.c.last[id], e.Time)
	pp := makePeerPrefix(e.Prefix, id)
	if _, ok := cc.c.first[pp]; !ok {
		cc.c.first[pp] = e.Time
	}
	if l, ok := cc.live[pp]; ok && (r == nil || l.origin != origin) {
		l.acc.last = max(l.acc.last, e.Time)
	}
	if r == nil {
		delete(cc.live, pp)
		return
	}
	cc.live[pp] = liveRoute{origin: origin, acc: r}
}

// state follows a session's state change: leaving Established ends every
// announcement of the peer.
func (cc *carryCollector) state(e *mrt.Elem) {
	if e.OldState != established || e.NewState == established {
		return
	}
	id := cc.peer(e.PeerIP, e.PeerAS)
	if cc.c.down[id] == 0 {
		cc.c.down[id] = e.Time
	}
	for pp, l := range cc.live {
		if pp.peer == id {
			l.acc.last = max(l.acc.last, e.Time)
			delete(cc.live, pp)
		}
	}
}

// finish extends the standing announcements to the file's end and
// returns the carry, nil for a file without UPDATEs.
func (cc *carryCollector) finish(end uint32) *fileCarry {
	if len(cc.c.peers) == 0 {
		return nil
	}
	cc.c.open = make([]openRoute, 0, len(cc.live))
	for pp, l := range cc.live {
		l.acc.last = max(l.acc.last, end)
		cc.c.open = append(cc.c.open, openRoute{pp: pp, origin: l.origin})
	}
	cc.live = nil
	return &cc.c
}

// pending is an announcement the merge carries: standing since the end of
// the file that made it.
type pending struct {
	origin bgp.ASN
	since  uint32
}

// carrier is the merge's side of the carry: the announcements standing
// at the end of the files merged so far, by peer and prefix.
type carrier struct {
	peers   []PeerKey
	peerIDs map[PeerKey]uint16
	open    map[peerPrefix]pending
	alive   []uint32 // per peer: its last UPDATE so far
}

func newCarrier() *carrier {
	return &carrier{peerIDs: map[PeerKey]uint16{}, open: map[peerPrefix]pending{}}
}

func (ca *carrier) peer(k PeerKey) uint16 {
	id, ok := ca.peerIDs[k]
	if !ok {
		id = uint16(len(ca.peers))
		ca.peerIDs[k] = id
		ca.peers = append(ca.peers, k)
		ca.alive = append(ca.alive, 0)
	}
	return id
}

// add ends the carried announcements the file ends, then carries the
// file's own standing ones. end is the file's last time.
func (ca *carrier) add(fc *fileCarry, end uint32, t *routeTable) {
	if fc == nil {
		return
	}
	ids := make([]uint16, len(fc.peers))
	for i, k := range fc.peers {
		ids[i] = ca.peer(k)
	}
	var ends []carryEnd
	for local, at := range fc.first {
		pp := local
		pp.peer = ids[local.peer]
		p, ok := ca.open[pp]
		if !ok || at < p.since {
			continue
		}
		if d := fc.down[local.peer]; d != 0 && d >= p.since {
			at = min(at, d)
		}
		ends = append(ends, carryEnd{pp.route(p.origin), p.since, at})
		delete(ca.open, pp)
	}
	ends = ca.endDowns(fc, ids, ends)
	for i, l := range fc.last {
		ca.alive[ids[i]] = max(ca.alive[ids[i]], l)
	}
	for _, o := range fc.open {
		pp := o.pp
		pp.peer = ids[pp.peer]
		if p, ok := ca.open[pp]; ok { // left standing by a file out of time order
			ends = append(ends, carryEnd{pp.route(p.origin), p.since, min(ca.alive[pp.peer], end)})
		}
		ca.open[pp] = pending{origin: o.origin, since: end}
	}
	applyEnds(t, ends)
}

// carryEnd is the span a carried announcement gives its route.
type carryEnd struct {
	key       routeKey
	since, at uint32
}

// applyEnds adds the spans in a fixed order (the maps they come from have
// none), so that a route with more than MaxSpans spans joins the same
// ones every time.
func applyEnds(t *routeTable, ends []carryEnd) {
	slices.SortFunc(ends, func(a, b carryEnd) int {
		return cmp.Or(cmp.Compare(a.key.hi, b.key.hi), cmp.Compare(a.key.lo, b.key.lo),
			cmp.Compare(a.key.meta, b.key.meta), cmp.Compare(a.key.origin, b.key.origin),
			cmp.Compare(a.since, b.since), cmp.Compare(a.at, b.at))
	})
	for _, e := range ends {
		if e.at <= e.since {
			continue
		}
		i, ok := t.index[e.key]
		if !ok {
			continue // not a route of the merge: nothing to extend
		}
		r := t.at(i)
		t.addSpan(r, e.since, e.at)
		r.first, r.last = min(r.first, e.since), max(r.last, e.at)
	}
}

// endDowns ends the carried announcements of the peers whose session
// went down in the file.
func (ca *carrier) endDowns(fc *fileCarry, ids []uint16, ends []carryEnd) []carryEnd {
	downs := map[uint16]uint32{}
	for i, d := range fc.down {
		if d != 0 {
			downs[ids[i]] = d
		}
	}
	if len(downs) == 0 {
		return ends
	}
	for pp, p := range ca.open {
		if d, ok := downs[pp.peer]; ok && d >= p.since {
			ends = append(ends, carryEnd{pp.route(p.origin), p.since, d})
			delete(ca.open, pp)
		}
	}
	return ends
}

// finish ends what is still standing at the peer's last UPDATE.
func (ca *carrier) finish(t *routeTable) {
	ends := make([]carryEnd, 0, len(ca.open))
	for pp, p := range ca.open {
		ends = append(ends, carryEnd{pp.route(p.origin), p.since, ca.alive[pp.peer]})
	}
	applyEnds(t, ends)
	ca.open = nil
}

// The partial cache stores a file's carry after its routes, and the
// merge's after the month state's routes, sorted so that an entry is the
// same bytes every time.

func comparePeerPrefix(a, b peerPrefix) int {
	return cmp.Or(cmp.Compare(a.peer, b.peer), cmp.Compare(a.hi, b.hi), cmp.Compare(a.lo, b.lo), cmp.Compare(a.meta, b.meta))
}

func (e *partEnc) peerKeys(peers []PeerKey) error {
	e.u(uint64(len(peers)))
	for _, k := range peers {
		if k.IP.Zone() != "" {
			return fmt.Errorf("peer %s: an address with a zone is not encoded", k.IP)
		}
		e.str(string(k.IP.AsSlice()))
		e.u(uint64(k.AS))
	}
	return nil
}

func (e *partEnc) peerPrefix(pp peerPrefix) {
	e.u(uint64(pp.peer))
	e.u(uint64(pp.meta))
	e.b = binary.BigEndian.AppendUint64(e.b, pp.hi)
	e.b = binary.BigEndian.AppendUint64(e.b, pp.lo)
}

func (e *partEnc) times(ts []uint32) {
	for _, t := range ts {
		e.u(uint64(t))
	}
}

// fileCarry encodes a file's carry: 0 for none.
func (e *partEnc) fileCarry(c *fileCarry) error {
	if c == nil {
		e.u(0)
		return nil
	}
	e.u(1)
	if err := e.peerKeys(c.peers); err != nil {
		return err
	}
	e.times(c.down)
	e.times(c.last)
	open := slices.Clone(c.open)
	slices.SortFunc(open, func(a, b openRoute) int { return comparePeerPrefix(a.pp, b.pp) })
	e.u(uint64(len(open)))
	for _, o := range open {
		e.peerPrefix(o.pp)
		e.u(uint64(o.origin))
	}
	keys := slices.SortedFunc(maps.Keys(c.first), comparePeerPrefix)
	e.u(uint64(len(keys)))
	for _, pp := range keys {
		e.peerPrefix(pp)
		e.u(uint64(c.first[pp]))
	}
	return nil
}

// carrier encodes the merge's carry.
func (e *partEnc) carrier(ca *carrier) error {
	if err := e.peerKeys(ca.peers); err != nil {
		return err
	}
	e.times(ca.alive)
	keys := slices.SortedFunc(maps.Keys(ca.open), comparePeerPrefix)
	e.u(uint64(len(keys)))
	for _, pp := range keys {
		p := ca.open[pp]
		e.peerPrefix(pp)
		e.u(uint64(p.origin))
		e.u(uint64(p.since))
	}
	return nil
}

func (d *partDec) peerPrefix(nPeers int) peerPrefix {
	var pp peerPrefix
	peer := d.u32()
	pp.meta = d.u32()
	if b := d.raw(16); b != nil {
		pp.hi, pp.lo = binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])
	}
	if int64(peer) >= int64(nPeers) {
		d.fail("carry peer " + strconv.FormatUint(uint64(peer), 10) + " of " + strconv.Itoa(nPeers))
		return peerPrefix{}
	}
	pp.peer = uint16(peer)
	return pp
}

func (d *partDec) times(n int) []uint32 {
	ts := make([]uint32, n)
	for i := range ts {
		ts[i] = d.u32()
	}
	return ts
}

func (d *partDec) carryPeers() []PeerKey {
	p := &filePart{}
	d.peers(p)
	return p.peers
}

// fileCarry decodes what partEnc.fileCarry encoded.
func (d *partDec) fileCarry() *fileCarry {
	if d.u() == 0 || d.err != nil {
		return nil
	}
	c := &fileCarry{peers: d.carryPeers(), first: map[peerPrefix]uint32{}}
	n := len(c.peers)
	c.down, c.last = d.times(n), d.times(n)
	for range d.n(18) {
		if d.err != nil {
			return nil
		}
		c.open = append(c.open, openRoute{pp: d.peerPrefix(n), origin: bgp.ASN(d.u32())})
	}
	for range d.n(18) {
		if d.err != nil {
			return nil
		}
		pp := d.peerPrefix(n)
		c.first[pp] = d.u32()
	}
	return c
}

// carrier decodes what partEnc.carrier encoded into ca.
func (d *partDec) carrier(ca *carrier) {
	ca.peers = d.carryPeers()
	for i, k := range ca.peers {
		if _, dup := ca.peerIDs[k]; dup {
			d.fail("carry peer twice")
			return
		}
		ca.peerIDs[k] = uint16(i)
	}
	ca.alive = d.times(len(ca.peers))
	for range d.n(19) {
		if d.err != nil {
			return
		}
		pp := d.peerPrefix(len(ca.peers))
		ca.open[pp] = pending{origin: bgp.ASN(d.u32()), since: d.u32()}
	}
}
