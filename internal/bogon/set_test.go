package bogon

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/bgp"
)

type verdict struct {
	Kind   Kind
	Reason string // a substring of the reason
}

func check(t *testing.T, what string, gotKind Kind, gotReason string, want verdict) {
	t.Helper()
	if gotKind != want.Kind || !strings.Contains(gotReason, want.Reason) || (want.Kind == None && gotReason != "") {
		t.Errorf("%s = %v %q, want %v containing %q", what, gotKind, gotReason, want.Kind, want.Reason)
	}
}

func TestBuiltin_Prefix(t *testing.T) {
	s := Builtin()
	tests := []struct {
		prefix string
		want   verdict
	}{
		{"10.0.0.0/8", verdict{Full, "RFC 1918"}},
		{"10.1.2.0/24", verdict{Full, "RFC 1918"}},
		{"10.0.0.0/7", verdict{None, ""}}, // covers bogon space, not covered by it
		{"0.0.0.0/0", verdict{None, ""}},
		{"0.0.0.0/8", verdict{Full, "this network"}},
		{"0.0.0.0/32", verdict{Full, "this host"}},
		{"100.64.0.0/10", verdict{Full, "RFC 6598"}},
		{"100.128.0.0/10", verdict{None, ""}},
		{"127.0.0.1/32", verdict{Full, "loopback"}},
		{"169.254.0.0/16", verdict{Full, "RFC 3927"}},
		{"172.31.255.0/24", verdict{Full, "RFC 1918"}},
		{"172.32.0.0/24", verdict{None, ""}},
		{"192.0.0.0/24", verdict{Full, "RFC 6890"}},
		{"192.0.0.0/29", verdict{Full, "RFC 7335"}},
		{"192.0.0.9/32", verdict{None, ""}},  // PCP anycast: globally reachable
		{"192.0.0.10/32", verdict{None, ""}}, // TURN anycast: globally reachable
		{"192.0.0.8/31", verdict{Full, "RFC 6890"}},
		{"192.0.0.171/32", verdict{Full, "RFC 8880"}},
		{"192.0.2.0/24", verdict{Full, "TEST-NET-1"}},
		{"192.31.196.0/24", verdict{None, ""}}, // AS112-v4
		{"192.52.193.0/24", verdict{None, ""}}, // AMT
		{"192.88.99.0/24", verdict{Full, "RFC 7526"}},
		{"192.168.1.0/24", verdict{Full, "RFC 1918"}},
		{"192.175.48.0/24", verdict{None, ""}}, // AS112 direct delegation
		{"198.18.0.0/15", verdict{Full, "RFC 2544"}},
		{"198.20.0.0/15", verdict{None, ""}},
		{"198.51.100.0/24", verdict{Full, "TEST-NET-2"}},
		{"203.0.113.0/24", verdict{Full, "TEST-NET-3"}},
		{"224.0.0.0/4", verdict{Full, "multicast"}},
		{"239.255.0.0/16", verdict{Full, "multicast"}},
		{"240.0.0.0/4", verdict{Full, "RFC 1112"}},
		{"255.255.255.255/32", verdict{Full, "limited broadcast"}}, // the /32 row, not 240.0.0.0/4
		{"8.8.8.0/24", verdict{None, ""}},
		{"1.1.1.0/24", verdict{None, ""}},
		{"1.1.1.5/24", verdict{None, ""}}, // masked on entry
		{"10.1.2.3/8", verdict{Full, "RFC 1918"}},

		{"::/0", verdict{None, ""}},
		{"::/128", verdict{Full, "unspecified"}},
		{"::1/128", verdict{Full, "loopback"}},
		{"::ffff:0:0/96", verdict{Full, "IPv4-mapped"}},
		{"::ffff:8.8.8.0/120", verdict{Full, "IPv4-mapped"}},
		{"64:ff9b::/96", verdict{Full, "RFC 6052"}},
		{"64:ff9b:1::/48", verdict{Full, "RFC 8215"}},
		{"100::/64", verdict{Full, "RFC 6666"}},
		{"100:0:0:1::/64", verdict{Full, "RFC 9780"}},
		{"100:0:0:2::/64", verdict{Full, "outside 2000::/3"}},
		{"2001::/23", verdict{Full, "RFC 2928"}},
		{"2001::/32", verdict{Full, "Teredo"}},
		{"2001:1::1/128", verdict{None, ""}},
		{"2001:1::2/128", verdict{None, ""}},
		{"2001:1::3/128", verdict{None, ""}},
		{"2001:1::4/128", verdict{Full, "RFC 2928"}},
		{"2001:2::/48", verdict{Full, "RFC 5180"}},
		{"2001:3::/32", verdict{None, ""}},
		{"2001:3:1::/48", verdict{None, ""}},
		{"2001:4:112::/48", verdict{None, ""}},
		{"2001:4:113::/48", verdict{Full, "RFC 2928"}},
		{"2001:10::/28", verdict{Full, "ORCHID"}},
		{"2001:20::/28", verdict{None, ""}},
		{"2001:30::/28", verdict{None, ""}},
		{"2001:1ff::/32", verdict{Full, "RFC 2928"}},
		{"2001:200::/23", verdict{None, ""}},
		{"2001:db8::/32", verdict{Full, "RFC 3849"}},
		{"2001:db8:1::/48", verdict{Full, "RFC 3849"}},
		{"2002::/16", verdict{Full, "6to4"}},
		{"2620:4f:8000::/48", verdict{None, ""}},
		{"3fff::/20", verdict{Full, "RFC 9637"}},
		{"3fff:1000::/20", verdict{None, ""}},
		{"5f00::/16", verdict{Full, "RFC 9602"}},
		{"fc00::/7", verdict{Full, "RFC 4193"}},
		{"fd00::/8", verdict{Full, "RFC 4193"}},
		{"fe80::/10", verdict{Full, "link-local"}},
		{"fec0::/10", verdict{Full, "RFC 3879"}},
		{"ff02::/16", verdict{Full, "multicast"}},
		{"4000::/3", verdict{Full, "outside 2000::/3"}},
		{"e000::/4", verdict{Full, "outside 2000::/3"}},
		{"1fff:ffff::/32", verdict{Full, "outside 2000::/3"}},
		{"2a00:1450::/32", verdict{None, ""}},
		{"2000::/3", verdict{None, ""}},
	}
	for _, tt := range tests {
		k, r := s.Prefix(netip.MustParsePrefix(tt.prefix))
		check(t, "Prefix("+tt.prefix+")", k, r, tt.want)
	}
	if k, r := s.Prefix(netip.Prefix{}); k != None || r != "" {
		t.Errorf("Prefix(invalid) = %v %q", k, r)
	}
}

func TestBuiltin_Addr(t *testing.T) {
	s := Builtin()
	for addr, want := range map[string]Kind{
		"10.0.0.1": Full, "192.0.0.9": None, "8.8.8.8": None, "2001:db8::1": Full,
		"2001:4860::8888": None, "::ffff:8.8.8.8": Full, "fe80::1%eth0": Full,
	} {
		if k, _ := s.Addr(netip.MustParseAddr(addr)); k != want {
			t.Errorf("Addr(%s) = %v, want %v", addr, k, want)
		}
	}
	if k, _ := s.Addr(netip.Addr{}); k != None {
		t.Errorf("Addr(invalid) = %v", k)
	}
}

func TestBuiltin_ASN(t *testing.T) {
	s := Builtin()
	tests := []struct {
		asn  bgp.ASN
		want verdict
	}{
		{0, verdict{Full, "RFC 7607"}},
		{1, verdict{None, ""}},
		{3356, verdict{None, ""}},
		{23455, verdict{None, ""}},
		{23456, verdict{Full, "AS_TRANS"}},
		{23457, verdict{None, ""}},
		{64495, verdict{None, ""}},
		{64496, verdict{Full, "RFC 5398"}},
		{64511, verdict{Full, "RFC 5398"}},
		{64512, verdict{Full, "RFC 6996"}},
		{65534, verdict{Full, "RFC 6996"}},
		{65535, verdict{Full, "RFC 7300"}},
		{65536, verdict{Full, "RFC 5398"}},
		{65551, verdict{Full, "RFC 5398"}},
		{65552, verdict{Full, "reserved"}},
		{131071, verdict{Full, "reserved"}},
		{131072, verdict{None, ""}},
		{4199999999, verdict{None, ""}},
		{4200000000, verdict{Full, "RFC 6996"}},
		{4294967294, verdict{Full, "RFC 6996"}},
		{4294967295, verdict{Full, "RFC 7300"}},
	}
	for _, tt := range tests {
		k, r := s.ASN(tt.asn)
		check(t, "ASN("+tt.asn.String()+")", k, r, tt.want)
	}
}

func TestBuiltin_Overlaps(t *testing.T) {
	s := Builtin()
	tests := []struct {
		prefix string
		want   verdict
	}{
		{"192.0.0.0/8", verdict{Full, "RFC 6890"}}, // 192.0.0.0/24 is inside
		{"0.0.0.0/0", verdict{Full, "this network"}},
		{"10.0.0.0/7", verdict{Full, "RFC 1918"}},
		{"8.0.0.0/8", verdict{None, ""}},
		{"10.1.0.0/16", verdict{Full, "RFC 1918"}},
		{"2001:3::/32", verdict{None, ""}},       // a hole, and only holes inside
		{"2001::/16", verdict{Full, "RFC 2928"}}, // 2001::/23 inside
		{"2620:4f::/32", verdict{None, ""}},      // only the AS112 hole inside
	}
	for _, tt := range tests {
		k, r := s.Overlaps(netip.MustParsePrefix(tt.prefix))
		check(t, "Overlaps("+tt.prefix+")", k, r, tt.want)
	}
}

func TestTables(t *testing.T) {
	for _, s := range slices.Concat(specialV4, specialV6) {
		p, err := netip.ParsePrefix(s.prefix)
		if err != nil || p.Masked() != p {
			t.Errorf("table prefix %q is not canonical: %v", s.prefix, err)
		}
		if !strings.Contains(s.reason, "RFC") && s.reason != outside2000 {
			t.Errorf("table entry %s cites no RFC: %q", s.prefix, s.reason)
		}
	}
	for i, s := range reservedASNs {
		if s.last < s.first || (i > 0 && s.first <= reservedASNs[i-1].last) {
			t.Errorf("reservedASNs[%d] = %v not ascending and disjoint", i, s)
		}
	}
}

func TestFlattenASNs(t *testing.T) {
	got := flattenASNs([]asnSpan{
		{100, 200, "b"},
		{10, 20, "a"},
		{21, 30, "a"}, // contiguous, same reason: merged
		{150, 250, "c"},
		{160, 170, "d"}, // inside an earlier range
		{251, 260, "c"},
	})
	want := []asnSpan{{10, 30, "a"}, {100, 200, "b"}, {201, 260, "c"}}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(asnSpan{})); diff != "" {
		t.Errorf("flattenASNs() mismatch (-want +got):\n%s", diff)
	}
}

func TestGaps(t *testing.T) {
	a := netip.MustParseAddr
	got := gaps([]span{
		{a("10.0.0.0"), a("10.0.0.255")},
		{a("9.0.0.0"), a("10.0.0.10")}, // starts before lo
		{a("10.0.2.0"), a("10.0.2.255")},
		{a("10.0.2.10"), a("10.0.2.20")}, // nested
		{a("10.0.9.0"), a("10.0.9.255")}, // after hi
	}, a("10.0.0.0"), a("10.0.3.255"))
	want := []span{{a("10.0.1.0"), a("10.0.1.255")}, {a("10.0.3.0"), a("10.0.3.255")}}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(span{}), cmp.Comparer(func(x, y netip.Addr) bool { return x == y })); diff != "" {
		t.Errorf("gaps() mismatch (-want +got):\n%s", diff)
	}
	if got := gaps(nil, a("::"), a("::ff")); len(got) != 1 || got[0].last != a("::ff") {
		t.Errorf("gaps(nil) = %v", got)
	}
	if got := gaps([]span{{a("::"), a("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")}}, a("::"), a("::ff")); len(got) != 0 {
		t.Errorf("gaps(everything) = %v", got)
	}
}
