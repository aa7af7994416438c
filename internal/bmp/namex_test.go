package bmp

import (
	"encoding/binary"
	"net/netip"
	"os"
	"testing"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/bmp/bmptest"
	"github.com/observatory-net/observatory/internal/mrt"
	"github.com/observatory-net/observatory/internal/mrt/mrttest"
	"github.com/observatory-net/observatory/internal/testenv"
)

// namexRIB and namexRIB6 are small real RIBs of the NAMEX route server
// (OpenBGPD), 2020, TABLE_DUMP v1: IPv4, 3,426 routes of 94 peers, 2,929
// prefixes; IPv6, 432 routes of 57 peers, 359 prefixes
// (shared/data/PROVENANCE.md).
const (
	namexRIB  = "mrt/ribs/namex-bgpd-rib-inet.mrt"
	namexRIB6 = "mrt/ribs/namex-bgpd-rib-inet6.mrt"
)

// ribRoute is one route of the RIB with its attributes re-encoded for a
// 4-octet session: ORIGIN, AS_PATH (AS4_PATH merged), NEXT_HOP and
// COMMUNITIES, the attributes the comparison needs.
type ribRoute struct {
	peerIP netip.Addr
	peerAS bgp.ASN
	prefix netip.Prefix
	path   string
	attrs  []byte
}

// readRIB reads a TABLE_DUMP file with the observatory's own MRT reader.
func readRIB(tb testing.TB, rel string) []ribRoute {
	tb.Helper()
	f, err := os.Open(testenv.File(tb, rel))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	sc := mrt.NewScanner(mrt.NewReader(f, rel, mrt.Options{}), true)
	var out []ribRoute
	for e := range sc.Elems() {
		out = append(out, ribRoute{peerIP: e.PeerIP, peerAS: e.PeerAS, prefix: e.Prefix, path: e.Attrs.Path.String(), attrs: encodeAttrs(e.Attrs)})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// encodeAttrs writes the attributes of a with standard flags and 4-octet
// ASNs, an IPv6 next hop in an MP_REACH_NLRI without NLRI.
func encodeAttrs(a *bgp.Attrs) []byte {
	b := mrttest.Attr(0x40, 1, []byte{byte(a.Origin)})
	var path []byte
	for i, s := range a.Path.Segs {
		path = append(path, byte(s.Type), byte(s.End-s.Start))
		for _, asn := range a.Path.Segment(i) {
			path = binary.BigEndian.AppendUint32(path, uint32(asn))
		}
	}
	b = append(b, mrttest.Attr(0x40, 2, path)...)
	if nh, ok := a.MPReach.NextHopAddr(); ok && nh.Is6() {
		// The full MP_REACH_NLRI (AFI, SAFI, next hop, no NLRI): gobgp 3.10's
		// inject misreads RFC 6396 §4.3.4's abbreviated form (next-hop
		// length and next hop only) as a family "AFI 4128".
		v := append([]byte{0, 2, 1, 16}, nh.AsSlice()...)
		b = append(b, mrttest.Attr(0x80, 14, append(v, 0))...)
	} else {
		v4 := a.NextHop.As4()
		b = append(b, mrttest.Attr(0x40, 3, v4[:])...)
	}
	if len(a.Communities) > 0 {
		b = append(b, mrttest.Attr(0xc0, 8, a.Communities)...)
	}
	return b
}

// writeTDv2 writes routes as a TABLE_DUMP_V2 file that `gobgp mrt inject`
// reads: a peer index, one RIB record per prefix (in order of first
// appearance, one entry per peer), then pad copies of the last RIB record
// against gobgp 3.10's inject tail drop (shared/docs/real-peers.md §3,
// pitfall 1).
func writeTDv2(tb testing.TB, path string, routes []ribRoute, pad int) {
	tb.Helper()
	type peerID struct {
		ip netip.Addr
		as bgp.ASN
	}
	index := map[peerID]uint16{}
	var peers []mrttest.Peer
	byPrefix := map[netip.Prefix][]mrttest.Entry{}
	var order []netip.Prefix
	seen := map[[2]any]bool{}
	for _, r := range routes {
		id := peerID{r.peerIP, r.peerAS}
		i, ok := index[id]
		if !ok {
			i = uint16(len(peers))
			index[id] = i
			peers = append(peers, mrttest.Peer{IP: r.peerIP, AS: uint32(r.peerAS), AS4: true})
		}
		if seen[[2]any{r.prefix, i}] {
			continue
		}
		seen[[2]any{r.prefix, i}] = true
		if _, ok := byPrefix[r.prefix]; !ok {
			order = append(order, r.prefix)
		}
		byPrefix[r.prefix] = append(byPrefix[r.prefix], mrttest.Entry{PeerIndex: i, Originated: 1601382600, Attrs: r.attrs})
	}
	const ts = 1601382600 // 2020-09-29 12:30 UTC, the dump's time
	out := mrttest.Record(ts, mrttest.TypeTableDumpV2, 1, 0, mrttest.PeerIndex(netip.MustParseAddr("127.0.0.1"), "", peers))
	var last []byte
	for seq, p := range order {
		sub := uint16(2) // RIB_IPV4_UNICAST
		if p.Addr().Is6() {
			sub = 4 // RIB_IPV6_UNICAST
		}
		last = mrttest.Record(ts, mrttest.TypeTableDumpV2, sub, 0, mrttest.RIB(uint32(seq), p, false, byPrefix[p]))
		out = append(out, last...)
	}
	for range pad {
		out = append(out, last...)
	}
	if err := os.WriteFile(path, out, 0o600); err != nil {
		tb.Fatal(err)
	}
}

// monitoringMessages builds one Route Monitoring message per IPv4 route,
// as a router exporting its pre-policy Adj-RIB-In of each peer would send
// them.
func monitoringMessages(routes []ribRoute) [][]byte {
	out := make([][]byte, len(routes))
	for i, r := range routes {
		p := bmptest.Peer{Addr: r.peerIP, AS: uint32(r.peerAS), BGPID: r.peerIP, Sec: 1601382600}
		out[i] = bmptest.RouteMonitoring(p, mrttest.Update(nil, r.attrs, mrttest.Prefix(r.prefix)))
	}
	return out
}
