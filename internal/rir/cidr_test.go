package rir

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func prefixes(s ...string) []netip.Prefix {
	var out []netip.Prefix
	for _, p := range s {
		out = append(out, netip.MustParsePrefix(p))
	}
	return out
}

func TestSplitRange(t *testing.T) {
	tests := []struct {
		first, last string
		want        []netip.Prefix
	}{
		{"10.0.0.0", "10.0.0.255", prefixes("10.0.0.0/24")},
		{"10.0.0.0", "10.0.2.255", prefixes("10.0.0.0/23", "10.0.2.0/24")},                // 768 addresses
		{"10.0.1.0", "10.0.4.255", prefixes("10.0.1.0/24", "10.0.2.0/23", "10.0.4.0/24")}, // unaligned 1024
		{"10.0.0.5", "10.0.0.5", prefixes("10.0.0.5/32")},
		{"0.0.0.0", "255.255.255.255", prefixes("0.0.0.0/0")},
		{"255.255.255.254", "255.255.255.255", prefixes("255.255.255.254/31")},
		{"0.0.0.1", "0.0.0.6", prefixes("0.0.0.1/32", "0.0.0.2/31", "0.0.0.4/31", "0.0.0.6/32")},
		{"2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", prefixes("2001:db8::/32")},
		{"::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", prefixes("::/0")},
		{"::1", "::2", prefixes("::1/128", "::2/128")},
		{"::ffff:ffff:ffff:ffff", "0:0:0:1::", prefixes("0:0:0:0:ffff:ffff:ffff:ffff/128", "0:0:0:1::/128")},
		{"10.0.0.2", "10.0.0.1", nil},
		{"10.0.0.1", "::1", nil},
	}
	for _, tt := range tests {
		got := SplitRange(netip.MustParseAddr(tt.first), netip.MustParseAddr(tt.last))
		if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); diff != "" {
			t.Errorf("SplitRange(%s, %s) mismatch (-want +got):\n%s", tt.first, tt.last, diff)
		}
	}
	if got := SplitRange(netip.Addr{}, netip.MustParseAddr("1.1.1.1")); got != nil {
		t.Errorf("SplitRange(invalid) = %v, want nil", got)
	}
}

func TestRecord_Prefixes(t *testing.T) {
	tests := []struct {
		rec  Record
		want []netip.Prefix
	}{
		{Record{Type: IPv4, Start: netip.MustParseAddr("192.0.2.0"), Value: 768}, prefixes("192.0.2.0/23", "192.0.4.0/24")},
		{Record{Type: IPv4, Start: netip.MustParseAddr("192.0.3.0"), Value: 768}, prefixes("192.0.3.0/24", "192.0.4.0/23")},
		{Record{Type: IPv4, Start: netip.MustParseAddr("0.0.0.0"), Value: 1 << 32}, prefixes("0.0.0.0/0")},
		{Record{Type: IPv6, Start: netip.MustParseAddr("2001:db8::"), Value: 32}, prefixes("2001:db8::/32")},
		{Record{Type: ASN, FirstASN: 1, Value: 5}, nil},
		{Record{Type: IPv4, Start: netip.MustParseAddr("10.0.0.0"), Value: 0}, nil},
		{Record{Type: IPv4, Start: netip.MustParseAddr("255.255.255.0"), Value: 512}, nil},
		{Record{Type: IPv4, Start: netip.MustParseAddr("0.0.0.0"), Value: 1<<32 + 1}, nil},
		{Record{Type: IPv6, Start: netip.MustParseAddr("2001:db8::"), Value: 129}, nil},
		{Record{Type: IPv6, Start: netip.MustParseAddr("10.0.0.0"), Value: 8}, nil},
		{Record{Type: IPv4, Start: netip.MustParseAddr("10.0.0.0"), Value: 1<<64 - 1}, nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.rec.Prefixes(), cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); diff != "" {
			t.Errorf("%v.Prefixes() mismatch (-want +got):\n%s", tt.rec, diff)
		}
	}
}

func TestParseIPv4(t *testing.T) {
	for _, s := range []string{"0.0.0.0", "1.2.3.4", "255.255.255.255", "10.0.0.1", "", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.256", "1..2.3", "1.2.3.4.", ".1.2.3", "a.b.c.d", "1.2.3.-4", "1000.2.3.4"} {
		want, err := netip.ParseAddr(s)
		wantOK := err == nil && want.Is4()
		got, ok := parseIPv4([]byte(s))
		if ok != wantOK || (ok && got != want) {
			t.Errorf("parseIPv4(%q) = %v, %v; want %v, %v", s, got, ok, want, wantOK)
		}
	}
}
