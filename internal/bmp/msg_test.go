package bmp

import (
	"errors"
	"net/netip"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/bmp/bmptest"
	"github.com/observatory-net/observatory/internal/mrt"
	"github.com/observatory-net/observatory/internal/mrt/mrttest"
)

// gobgpInitiation is the Initiation gobgpd 3.10 sent (captured on
// loopback): sysDescr "3.10.0", sysName "GoBGP".
var gobgpInitiation = []byte{
	0x03, 0x00, 0x00, 0x00, 0x19, 0x04, // version 3, length 25, Initiation
	0x00, 0x02, 0x00, 0x05, 'G', 'o', 'B', 'G', 'P', // sysName (type 2), 5 octets
	0x00, 0x01, 0x00, 0x06, '3', '.', '1', '0', '.', '0', // sysDescr (type 1), 6 octets
}

// gobgpLocRIB is a Route Monitoring message gobgpd 3.10 sent for its
// Loc-RIB (captured on loopback, the NAMEX RIB injected): 2.17.240.0/21
// via AS1267.
var gobgpLocRIB = []byte{
	0x03, 0x00, 0x00, 0x00, 0x75, 0x00, // version 3, length 117, Route Monitoring
	0x03, 0x00, // peer type 3 (Loc-RIB, RFC 9069), flags 0
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // distinguisher
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // address: none
	0x00, 0x00, 0xfc, 0x00, // AS64512
	0x7f, 0x00, 0x00, 0x01, // BGP ID 127.0.0.1
	0x6b, 0x12, 0x1f, 0x16, 0x00, 0x00, 0x00, 0x00, // 1796349718 s, 0 µs
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // BGP marker
	0x00, 0x45, 0x02, // length 69, UPDATE
	0x00, 0x00, // no withdrawn routes
	0x00, 0x2a, // 42 octets of attributes
	0x40, 0x01, 0x01, 0x00, // ORIGIN IGP
	0x40, 0x02, 0x06, 0x02, 0x01, 0x00, 0x00, 0x04, 0xf3, // AS_PATH: AS_SEQUENCE 1267 (4-octet)
	0x40, 0x05, 0x04, 0x00, 0x00, 0x00, 0x64, // LOCAL_PREF 100
	0xc0, 0x08, 0x0c, 0x00, 0x00, 0x0b, 0x5a, 0x00, 0x00, 0x8c, 0xc8, 0x04, 0xf3, 0x02, 0xc7, // COMMUNITIES 0:2906 0:36040 1267:711
	0x40, 0x03, 0x04, 0xc1, 0xc9, 0x1c, 0x0b, // NEXT_HOP 193.201.28.11
	0x15, 0x02, 0x11, 0xf0, // NLRI 2.17.240.0/21
}

func TestParseHeader(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want Header
		err  error
	}{
		{"initiation", gobgpInitiation[:6], Header{3, 25, TypeInitiation}, nil},
		{"short", []byte{3, 0, 0, 0}, Header{}, ErrBadMessage},
		{"version 1", []byte{1, 0, 0, 0, 6, 0}, Header{1, 6, 0}, ErrVersion},
		{"length below the header", []byte{3, 0, 0, 0, 5, 0}, Header{3, 5, 0}, ErrBadMessage},
		{"length absurd", []byte{3, 0x7f, 0, 0, 0, 0}, Header{3, 0x7f000000, 0}, ErrBadMessage},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, err := ParseHeader(tc.in)
			if !errors.Is(err, tc.err) || (tc.err == nil && h != tc.want) {
				t.Errorf("ParseHeader() = %+v, %v; want %+v, %v", h, err, tc.want, tc.err)
			}
		})
	}
}

func TestParseInitiation_GoBGP(t *testing.T) {
	m, err := Split(gobgpInitiation)
	if err != nil {
		t.Fatal(err)
	}
	in, err := ParseInitiation(m.Body)
	if err != nil {
		t.Fatal(err)
	}
	if in.SysName != "GoBGP" || in.SysDescr != "3.10.0" {
		t.Errorf("initiation = %+v", in)
	}
}

func TestSplit_PeerHeader(t *testing.T) {
	v6 := []byte{
		0x00, 0xd0, // global instance peer; flags V, L, O
		0, 0, 0, 0, 0, 0, 0, 0, // distinguisher
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, // 2001:db8::1
		0x00, 0x00, 0xfd, 0xe9, // AS65001
		0xc0, 0x00, 0x02, 0x01, // BGP ID 192.0.2.1
		0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x07, // 100 s, 7 µs
	}
	v4 := slices.Clone(v6)
	v4[1] = 0x20 // flag A only
	copy(v4[10:26], []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 198, 51, 100, 7})
	tests := []struct {
		name              string
		hdr               []byte
		addr              string
		post, adjOut, as2 bool
	}{
		{"IPv6 post-policy Adj-RIB-Out", v6, "2001:db8::1", true, true, false},
		{"IPv4 2-octet", v4, "198.51.100.7", false, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Split(bmptest.Message(bmptest.TypeStatsReport, append(slices.Clone(tc.hdr), 0, 0, 0, 0)))
			if err != nil {
				t.Fatal(err)
			}
			p := m.Peer
			if p.Addr.String() != tc.addr || p.AS != 65001 || p.BGPID.String() != "192.0.2.1" || p.Sec != 100 || p.Micro != 7 {
				t.Errorf("peer header = %+v", p)
			}
			if p.PostPolicy() != tc.post || p.AdjRIBOut() != tc.adjOut || p.AS2() != tc.as2 {
				t.Errorf("flags %#x: post %v adj-out %v as2 %v", p.Flags, p.PostPolicy(), p.AdjRIBOut(), p.AS2())
			}
			if len(m.Body) != 4 {
				t.Errorf("body of %d bytes, want 4", len(m.Body))
			}
		})
	}
	if _, err := Split(bmptest.Message(bmptest.TypeRouteMonitoring, v6[:41])); !errors.Is(err, ErrBadMessage) {
		t.Errorf("41-octet per-peer header: %v, want ErrBadMessage", err)
	}
	if _, err := Split(gobgpLocRIB[:100]); !errors.Is(err, ErrBadMessage) {
		t.Errorf("message shorter than its length: %v, want ErrBadMessage", err)
	}
}

// collect decodes a Route Monitoring message into bgpdump-like strings.
func collect(t *testing.T, msg []byte, s Session) ([]string, Update) {
	t.Helper()
	m, err := Split(msg)
	if err != nil {
		t.Fatal(err)
	}
	var d Decoder
	var got []string
	u, err := d.Routes(&m, s, func(e *mrt.Elem) bool {
		kind := "announce"
		if e.Kind == mrt.KindWithdraw {
			kind = "withdraw"
		}
		line := kind + " " + e.PeerIP.String() + " " + e.PeerAS.Plain() + " " + e.Prefix.String()
		if e.AddPath {
			line += " id=" + bgp.ASN(e.PathID).Plain()
		}
		if e.Kind == mrt.KindAnnounce {
			nh, _ := e.NextHop()
			line += " [" + e.Attrs.Path.String() + "] " + nh.String()
		}
		got = append(got, line)
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	return got, u
}

func TestDecoder_GoBGPLocRIB(t *testing.T) {
	got, u := collect(t, gobgpLocRIB, Session{})
	want := []string{"announce 0.0.0.0 64512 2.17.240.0/21 [1267] 193.201.28.11"}
	if d := cmp.Diff(want, got); d != "" || u.Announced != 1 {
		t.Errorf("Routes() mismatch (-want +got):\n%s", d)
	}
	m, _ := Split(gobgpLocRIB)
	if m.Peer.Type != PeerLocRIB || m.Peer.Sec != 1796349718 || m.Peer.BGPID.String() != "127.0.0.1" {
		t.Errorf("peer header = %+v", m.Peer)
	}
}

var (
	peer6 = bmptest.Peer{Addr: netip.MustParseAddr("2001:db8::2"), AS: 65002, BGPID: netip.MustParseAddr("192.0.2.2"), Sec: 1700000000}
	peer4 = bmptest.Peer{Addr: netip.MustParseAddr("192.0.2.1"), AS: 65001, BGPID: netip.MustParseAddr("192.0.2.1"), Sec: 1700000000}
)

func TestDecoder_MultiprotocolAndWithdrawals(t *testing.T) {
	mpReach := mrttest.Attr(0x80, 14, []byte{
		0x00, 0x02, 0x01, 0x10, // AFI IPv6, SAFI unicast, next-hop length 16
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, // 2001:db8::2
		0x00,                         // reserved
		0x20, 0x20, 0x01, 0x0d, 0xb8, // 2001:db8::/32
		0x30, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x05, // 2001:db8:5::/48
	})
	mpUnreach := mrttest.Attr(0x80, 15, []byte{0x00, 0x02, 0x01, 0x30, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x09}) // 2001:db8:9::/48
	attrs := slices.Concat([]byte{0x40, 0x01, 0x01, 0x00}, mrttest.ASPath4(65002, 196608), mpReach, mpUnreach)
	withdrawn := []byte{0x18, 198, 51, 100} // 198.51.100.0/24
	msg := bmptest.RouteMonitoring(peer6, mrttest.Update(withdrawn, attrs, nil))
	got, u := collect(t, msg, Session{})
	want := []string{
		"withdraw 2001:db8::2 65002 198.51.100.0/24",
		"withdraw 2001:db8::2 65002 2001:db8:9::/48",
		"announce 2001:db8::2 65002 2001:db8::/32 [65002 196608] 2001:db8::2",
		"announce 2001:db8::2 65002 2001:db8:5::/48 [65002 196608] 2001:db8::2",
	}
	if d := cmp.Diff(want, got); d != "" || u.Announced != 2 || u.Withdrawn != 2 {
		t.Errorf("Routes() mismatch (-want +got):\n%s\n%+v", d, u)
	}
}

func TestDecoder_AddPathAnd2Octet(t *testing.T) {
	asPath2 := []byte{0x40, 0x02, 0x06, 0x02, 0x02, 0xfd, 0xe9, 0x5b, 0xa0} // AS_SEQUENCE 65001 23456 (2-octet)
	as4Path := []byte{0xc0, 0x11, 0x06, 0x02, 0x01, 0x00, 0x03, 0x00, 0x00} // AS4_PATH 196608
	attrs := slices.Concat([]byte{0x40, 0x01, 0x01, 0x00}, asPath2, as4Path, []byte{0x40, 0x03, 0x04, 192, 0, 2, 1})
	nlri := []byte{0, 0, 0, 7, 0x18, 203, 0, 113} // path id 7, 203.0.113.0/24
	p := peer4
	p.Flags = 0x20 // A: 2-octet AS_PATH
	msg := bmptest.RouteMonitoring(p, mrttest.Update(nil, attrs, nlri))
	s := Session{AS2: true, AddPath: map[Family]bool{{bgp.AFIIPv4, bgp.SAFIUnicast}: true}}
	got, _ := collect(t, msg, s)
	want := []string{"announce 192.0.2.1 65001 203.0.113.0/24 id=7 [65001 196608] 192.0.2.1"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Routes() mismatch (-want +got):\n%s", d)
	}
	// Flag A clear, but the OPENs negotiated 2-octet ASNs: the OPENs win.
	msg = bmptest.RouteMonitoring(peer4, mrttest.Update(nil, slices.Concat([]byte{0x40, 0x01, 0x01, 0x00}, []byte{0x40, 0x02, 0x04, 0x02, 0x01, 0xfd, 0xe9}), []byte{0x18, 203, 0, 113}))
	got, _ = collect(t, msg, Session{AS2: true})
	if want := []string{"announce 192.0.2.1 65001 203.0.113.0/24 [65001] invalid IP"}; !slices.Equal(got, want) {
		t.Errorf("2-octet session without flag A: %q, want %q", got, want)
	}
}

func TestDecoder_EndOfRIB(t *testing.T) {
	eor6 := mrttest.Attr(0x80, 15, []byte{0x00, 0x02, 0x01}) // MP_UNREACH IPv6 unicast, no NLRI
	for name, tc := range map[string]struct {
		update []byte
		want   Family
	}{
		"IPv4": {mrttest.Update(nil, nil, nil), Family{bgp.AFIIPv4, bgp.SAFIUnicast}},
		"IPv6": {mrttest.Update(nil, eor6, nil), Family{bgp.AFIIPv6, bgp.SAFIUnicast}},
	} {
		t.Run(name, func(t *testing.T) {
			got, u := collect(t, bmptest.RouteMonitoring(peer4, tc.update), Session{})
			if len(got) != 0 || !u.EndOfRIB || u.Family != tc.want {
				t.Errorf("Routes() = %q, %+v; want End-of-RIB %v", got, u, tc.want)
			}
		})
	}
}

func TestDecoder_Errors(t *testing.T) {
	good := gobgpLocRIB
	tests := map[string][]byte{
		"not an UPDATE":       bmptest.RouteMonitoring(peer4, bmptest.Open(65001, netip.MustParseAddr("192.0.2.1"))),
		"NLRI overrun":        withByte(good, len(good)-4, 0x21), // /33
		"attribute overrun":   bmptest.RouteMonitoring(peer4, mrttest.Update(nil, []byte{0x40, 0x01, 0x05, 0}, nil)),
		"VPN family refused":  bmptest.RouteMonitoring(peer4, mrttest.Update(nil, mrttest.Attr(0x80, 15, []byte{0, 1, 128, 0x18, 1, 2, 3}), nil)),
		"BGP length overruns": withByte(good, 65, 0xff), // BGP length 255 of 69
	}
	for name, msg := range tests {
		t.Run(name, func(t *testing.T) {
			m, err := Split(msg)
			if err != nil {
				t.Fatal(err)
			}
			var d Decoder
			n := 0
			if _, err := d.Routes(&m, Session{}, func(*mrt.Elem) bool { n++; return true }); err == nil || n != 0 {
				t.Errorf("Routes() = %d routes, %v; want an error and none", n, err)
			}
		})
	}
}

// withByte returns a copy of b with b[i] = v.
func withByte(b []byte, i int, v byte) []byte {
	b = slices.Clone(b)
	b[i] = v
	return b
}

func TestParsePeerUp_Negotiate(t *testing.T) {
	id1, id2 := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2")
	tests := []struct {
		name       string
		sent, recv []byte
		adjOut     bool
		wantAS2    bool
		wantAP     bool
	}{
		{"both 4-octet, peer sends ADD-PATH", bmptest.Open(64512, id1, bmptest.AS4(64512), bmptest.AddPath(1, 1, 1)),
			bmptest.Open(23456, id2, bmptest.AS4(4200000000), bmptest.AddPath(1, 1, 2)), false, false, true},
		{"peer without 4-octet", bmptest.Open(64512, id1, bmptest.AS4(64512)), bmptest.Open(65001, id2), false, true, false},
		{"ADD-PATH the other way round", bmptest.Open(64512, id1, bmptest.AS4(64512), bmptest.AddPath(1, 1, 1)),
			bmptest.Open(23456, id2, bmptest.AS4(4200000000), bmptest.AddPath(1, 1, 2)), true, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Split(bmptest.PeerUp(peer4, netip.MustParseAddr("192.0.2.9"), 179, 40000, tc.sent, tc.recv))
			if err != nil {
				t.Fatal(err)
			}
			u, err := ParsePeerUp(&m.Peer, m.Body)
			if err != nil {
				t.Fatal(err)
			}
			if u.LocalAddr.String() != "192.0.2.9" || u.LocalPort != 179 || u.RemotePort != 40000 {
				t.Errorf("peer up = %+v", u)
			}
			sent, err1 := ParseOpen(u.SentOpen)
			recv, err2 := ParseOpen(u.RecvOpen)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			s := Negotiate(sent, recv, tc.adjOut)
			if s.AS2 != tc.wantAS2 || s.HasAddPath(bgp.AFIIPv4, bgp.SAFIUnicast) != tc.wantAP {
				t.Errorf("Negotiate() = %+v, want AS2 %v ADD-PATH %v", s, tc.wantAS2, tc.wantAP)
			}
		})
	}
	if o, err := ParseOpen(bmptest.Open(23456, id2, bmptest.AS4(4200000000))); err != nil || o.AS != 4200000000 || !o.AS4 {
		t.Errorf("ParseOpen() = %+v, %v", o, err)
	}
}

func TestParseOpen_Extended(t *testing.T) {
	// RFC 9072: non-extended length 255, type 255, then a 2-octet length
	// and parameters with 2-octet lengths.
	body := []byte{4, 0xfd, 0xe9, 0, 90, 192, 0, 2, 1,
		255, 255, 0x00, 0x09, // extended optional parameters, 9 octets
		2, 0x00, 0x06, // capabilities, 6 octets
		65, 4, 0, 3, 0, 0} // 4-octet AS 196608
	msg := append([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, byte(19 + len(body)), 1}, body...)
	if o, err := ParseOpen(msg); err != nil || o.AS != 196608 {
		t.Errorf("ParseOpen(extended) = %+v, %v", o, err)
	}
}

func TestParsePeerDown(t *testing.T) {
	tests := []struct {
		name   string
		reason uint8
		data   []byte
		text   string
		err    bool
	}{
		{"local notification", 1, bmptest.Notification(6, 2), "local system closed the session with a NOTIFICATION (Cease, subcode 2)", false},
		{"local FSM event", 2, []byte{0, 18}, "local system closed the session (FSM event 18)", false},
		{"remote without data", 4, nil, "remote system closed the session without a NOTIFICATION", false},
		{"deconfigured", 5, nil, "peer de-configured", false},
		{"reason 3 without its NOTIFICATION", 3, nil, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Split(bmptest.PeerDown(peer4, tc.reason, tc.data))
			if err != nil {
				t.Fatal(err)
			}
			d, err := ParsePeerDown(m.Body)
			if (err != nil) != tc.err || (!tc.err && d.ReasonText() != tc.text) {
				t.Errorf("ParsePeerDown() = %q, %v", d.ReasonText(), err)
			}
		})
	}
}

func TestParseStats(t *testing.T) {
	m, err := Split(bmptest.StatsReport(peer4,
		bmptest.Stat{Type: 0, Value: bmptest.Counter32(3)},                                // prefixes rejected
		bmptest.Stat{Type: 7, Value: bmptest.Gauge64(1 << 40)},                            // routes in Adj-RIB-In
		bmptest.Stat{Type: 9, Value: append([]byte{0, 2, 1}, bmptest.Gauge64(12345)...)})) // per AFI/SAFI
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseStats(m.Body)
	if err != nil {
		t.Fatal(err)
	}
	type s struct {
		Type  uint16
		AFI   bgp.AFI
		Value uint64
	}
	var gs []s
	for _, v := range got {
		gs = append(gs, s{v.Type, v.AFI, v.Value})
	}
	if d := cmp.Diff([]s{{0, 0, 3}, {7, 0, 1 << 40}, {9, bgp.AFIIPv6, 12345}}, gs); d != "" {
		t.Errorf("ParseStats() mismatch (-want +got):\n%s", d)
	}
	bad := m.Body[:len(m.Body)-1]
	if _, err := ParseStats(bad); !errors.Is(err, ErrBadMessage) {
		t.Errorf("truncated stats: %v", err)
	}
}

func TestParseTermination(t *testing.T) {
	m, _ := Split(bmptest.Termination(TermPermAdminDown))
	if tm, err := ParseTermination(m.Body); err != nil || tm.Reason != TermPermAdminDown || !tm.HasReason {
		t.Errorf("ParseTermination() = %+v, %v", tm, err)
	}
}
