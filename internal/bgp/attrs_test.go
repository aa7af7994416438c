package bgp

import (
	"errors"
	"net/netip"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var (
	origin = []byte{0x40, 0x01, 0x01, 0x00} // ORIGIN IGP
	// AS_PATH, 2-octet: SEQUENCE 65001 23456 23456, SET {100}
	asPath2 = []byte{0x40, 0x02, 0x0c,
		0x02, 0x03, 0xfd, 0xe9, 0x5b, 0xa0, 0x5b, 0xa0, // AS_SEQUENCE, 3 ASNs (RFC 4271 §4.3)
		0x01, 0x01, 0x00, 0x64} // AS_SET {100}
	// AS4_PATH: SEQUENCE 196608 196609, SET {100} (RFC 6793 §3)
	as4Path = []byte{0xc0, 0x11, 0x10,
		0x02, 0x02, 0x00, 0x03, 0x00, 0x00, 0x00, 0x03, 0x00, 0x01,
		0x01, 0x01, 0x00, 0x00, 0x00, 0x64}
	nextHop   = []byte{0x40, 0x03, 0x04, 192, 0, 2, 1}
	med       = []byte{0x80, 0x04, 0x04, 0, 0, 0, 50}
	localPref = []byte{0x40, 0x05, 0x04, 0, 0, 0, 200}
	atomic    = []byte{0x40, 0x06, 0x00}
	aggr2     = []byte{0xc0, 0x07, 0x06, 0x5b, 0xa0, 10, 0, 0, 1}                        // AGGREGATOR AS_TRANS 10.0.0.1
	as4Aggr   = []byte{0xc0, 0x12, 0x08, 0, 3, 0, 0, 10, 0, 0, 1}                        // AS4_AGGREGATOR 196608 10.0.0.1
	comms     = []byte{0xc0, 0x08, 0x08, 0xfd, 0xe9, 0x00, 0x64, 0xff, 0xff, 0xff, 0x01} // 65001:100 no-export
	large     = []byte{0xc0, 0x20, 0x0c, 0, 0, 0xfd, 0xe9, 0, 0, 0, 1, 0, 0, 0, 2}       // 65001:1:2
	otc       = []byte{0xc0, 0x23, 0x04, 0, 0, 0xfd, 0xe9}                               // OTC 65001 (RFC 9234)
	unknown   = []byte{0xc0, 0x63, 0x02, 0xbe, 0xef}                                     // type 99, kept raw
	// MP_REACH_NLRI IPv6 unicast, 32-byte next hop (global + link-local), 2001:db8::/32
	mpReach6 = []byte{0x90, 0x0e, 0x00, 0x2a,
		0x00, 0x02, 0x01, 0x20, // AFI 2, SAFI 1, next-hop length 32
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, // 2001:db8::1
		0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, // fe80::1
		0x00,                         // reserved
		0x20, 0x20, 0x01, 0x0d, 0xb8} // 2001:db8::/32
	mpUnreach6 = []byte{0x80, 0x0f, 0x0a, 0x00, 0x02, 0x01, 0x30, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01} // 2001:db8:1::/48
	mpAbbrev   = []byte{0x80, 0x0e, 0x11, 0x10, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}
)

func attrSeeds() [][]byte {
	all := slices.Concat(origin, asPath2, as4Path, nextHop, med, localPref, atomic, aggr2, as4Aggr, comms, large, otc, unknown, mpReach6, mpUnreach6)
	return [][]byte{all, slices.Concat(origin, mpAbbrev), asPath2, {0x50, 0x02, 0x00, 0x00}}
}

func TestAttrs_Decode2OctetWithAS4(t *testing.T) {
	in := slices.Concat(origin, asPath2, as4Path, nextHop, med, localPref, atomic, aggr2, as4Aggr, comms, large, otc, unknown, mpReach6, mpUnreach6)
	var a Attrs
	if err := a.Decode(in, DecodeOptions{ASSize: 2}); err != nil {
		t.Fatal(err)
	}
	// RFC 6793 §4.2.3: AS_PATH has 4 hops, AS4_PATH 3: keep 1 from AS_PATH.
	if got, want := a.Path.String(), "65001 196608 196609 {100}"; got != want {
		t.Errorf("merged path = %q, want %q", got, want)
	}
	if got := a.AS4Path().String(); got != "196608 196609 {100}" {
		t.Errorf("AS4_PATH = %q", got)
	}
	if _, ok := a.Path.Origin(); ok {
		t.Error("path ending in AS_SET must have no single origin")
	}
	want := struct {
		Origin         Origin
		NextHop        string
		MED, LocalPref uint32
		Aggregator     string
		Communities    []Community
		Large          []LargeCommunity
		OTC            ASN
		Atomic         bool
		Unknown        []AttrType
		MPNextHop      string
		MPAFI          AFI
	}{OriginIGP, "192.0.2.1", 50, 200, "AS196608 10.0.0.1", []Community{65001<<16 | 100, NoExport},
		[]LargeCommunity{{65001, 1, 2}}, 65001, true, []AttrType{99}, "2001:db8::1", AFIIPv6}
	got := want
	got.Origin, got.NextHop, got.MED, got.LocalPref = a.Origin, a.NextHop.String(), a.MED, a.LocalPref
	got.Aggregator = a.Aggregator.AS.String() + " " + a.Aggregator.Addr.String()
	got.Communities, got.Large = slices.Collect(a.CommunityList()), slices.Collect(a.LargeCommunityList())
	got.OTC, got.Atomic = a.OTC, a.Has(AttrAtomicAggregate)
	got.Unknown = nil
	for u := range a.Unknown() {
		got.Unknown = append(got.Unknown, u.Type)
	}
	nh, _ := a.MPReach.NextHopAddr()
	got.MPNextHop, got.MPAFI = nh.String(), a.MPReach.AFI
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Decode() mismatch (-want +got):\n%s", d)
	}
	r := NLRIReader{B: a.MPUnreach.NLRI, AFI: a.MPUnreach.AFI}
	if !r.Next() || r.NLRI.Prefix != netip.MustParsePrefix("2001:db8:1::/48") {
		t.Errorf("MP_UNREACH NLRI = %v (%v)", r.NLRI, r.Err)
	}
}

func TestAttrs_AS4PathLongerIsIgnored(t *testing.T) {
	short := []byte{0x40, 0x02, 0x04, 0x02, 0x01, 0x5b, 0xa0} // AS_PATH: 23456
	var a Attrs
	if err := a.Decode(slices.Concat(short, as4Path), DecodeOptions{ASSize: 2}); err != nil {
		t.Fatal(err)
	}
	if got := a.Path.String(); got != "23456" {
		t.Errorf("path = %q, want AS4_PATH ignored (RFC 6793 §4.2.3)", got)
	}
}

func TestAttrs_Decode4OctetConfed(t *testing.T) {
	in := []byte{0x50, 0x02, 0x00, 0x12, // AS_PATH, extended length 18
		0x03, 0x01, 0x00, 0x00, 0xfd, 0xe8, // AS_CONFED_SEQUENCE (65000)
		0x04, 0x01, 0x00, 0x00, 0xfd, 0xe9, // AS_CONFED_SET [65001]
		0x02, 0x01, 0x00, 0x03, 0x00, 0x00} // AS_SEQUENCE 196608
	in[3] = byte(len(in) - 4)
	var a Attrs
	if err := a.Decode(in, DecodeOptions{ASSize: 4}); err != nil {
		t.Fatal(err)
	}
	if got, want := a.Path.String(), "(65000) [65001] 196608"; got != want {
		t.Errorf("path = %q, want %q", got, want)
	}
	if o, ok := a.Path.Origin(); !ok || o != 196608 || a.Path.Len() != 1 {
		t.Errorf("origin %v %v len %d", o, ok, a.Path.Len())
	}
}

func TestAttrs_AbbreviatedMPReach(t *testing.T) {
	var a Attrs
	if err := a.Decode(mpAbbrev, DecodeOptions{ASSize: 4, AbbrevMPReach: true}); err != nil {
		t.Fatal(err)
	}
	if nh, ok := a.MPReach.NextHopAddr(); !ok || nh.String() != "2001:db8::2" {
		t.Errorf("next hop %v %v", nh, ok)
	}
}

func TestAttrs_Errors(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"overrun", []byte{0x40, 0x01, 0x05, 0x00}, ErrBadAttr},
		{"truncated header", []byte{0x40}, ErrBadAttr},
		{"bad segment type", []byte{0x40, 0x02, 0x04, 0x07, 0x01, 0x00, 0x01}, ErrBadPath},
		{"segment overrun", []byte{0x40, 0x02, 0x04, 0x02, 0x05, 0x00, 0x01}, ErrBadPath},
		{"bad origin length", []byte{0x40, 0x01, 0x02, 0x00, 0x00}, ErrBadAttr},
		{"bad communities", []byte{0xc0, 0x08, 0x03, 1, 2, 3}, ErrBadAttr},
		{"bad aggregator", []byte{0xc0, 0x07, 0x05, 1, 2, 3, 4, 5}, ErrBadAttr},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var a Attrs
			if err := a.Decode(tc.in, DecodeOptions{ASSize: 2}); !errors.Is(err, tc.want) {
				t.Errorf("Decode() error = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestReadPrefix(t *testing.T) {
	tests := []struct {
		in   []byte
		afi  AFI
		want string
		host bool
		err  bool
	}{
		{[]byte{0x18, 192, 0, 2}, AFIIPv4, "192.0.2.0/24", false, false},
		{[]byte{0x0d, 11, 13}, AFIIPv4, "11.8.0.0/13", true, false}, // host bits cleared
		{[]byte{0x00}, AFIIPv4, "0.0.0.0/0", false, false},
		{[]byte{0x21, 1, 2, 3, 4, 5}, AFIIPv4, "", false, true}, // /33
		{[]byte{0x18, 192, 0}, AFIIPv4, "", false, true},        // short
		{[]byte{0x30, 0x20, 0x01, 0x0d, 0xb8, 0, 1}, AFIIPv6, "2001:db8:1::/48", false, false},
		{[]byte{0x81}, AFIIPv6, "", false, true},
	}
	for _, tc := range tests {
		p, _, host, err := ReadPrefix(tc.in, tc.afi)
		if (err != nil) != tc.err || (err == nil && (p.String() != tc.want || host != tc.host)) {
			t.Errorf("ReadPrefix(%x) = %v host=%v err=%v, want %s host=%v err=%v", tc.in, p, host, err, tc.want, tc.host, tc.err)
		}
	}
}

func TestNLRIReader_AddPath(t *testing.T) {
	in := []byte{0, 0, 0, 7, 0x18, 10, 0, 0, 0, 0, 0, 9, 0x10, 10, 1}
	r := NLRIReader{B: in, AFI: AFIIPv4, AddPath: true}
	var got []NLRI
	for r.Next() {
		got = append(got, r.NLRI)
	}
	want := []NLRI{{Prefix: netip.MustParsePrefix("10.0.0.0/24"), PathID: 7}, {Prefix: netip.MustParsePrefix("10.1.0.0/16"), PathID: 9}}
	if d := cmp.Diff(want, got, cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); d != "" || r.Err != nil {
		t.Errorf("NLRI mismatch (-want +got):\n%s err %v", d, r.Err)
	}
}

func TestParseASN(t *testing.T) {
	for in, want := range map[string]ASN{"123": 123, "AS123": 123, "as4200000000": 4200000000, " AS1 ": 1, "1.10": 65546} {
		if got, err := ParseASN(in); err != nil || got != want {
			t.Errorf("ParseASN(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "AS", "-1", "4294967296", "AS+1", "1.70000", "x1"} {
		if _, err := ParseASN(in); err == nil {
			t.Errorf("ParseASN(%q) succeeded", in)
		}
	}
}
