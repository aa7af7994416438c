package rpki_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/rpki"
)

var nested = []rpki.VRP{
	vrp("10.0.0.0/8", 8, 0, "a"),
	vrp("10.1.0.0/16", 24, 64500, "a"),
	vrp("10.1.0.0/16", 20, 64500, "a"),
	vrp("10.1.0.0/16", 24, 64500, "a"), // duplicate
	vrp("10.1.0.0/16", 24, 64500, "b"), // same payload, other trust anchor
	vrp("10.1.2.0/24", 24, 64501, "a"),
	vrp("10.1.2.0/24", 24, 64499, "a"),
	vrp("2001:db8::/32", 48, 64510, "a"),
}

func TestNewSnapshot(t *testing.T) {
	s, err := rpki.NewSnapshot(nested, []rpki.ASPA{
		{Customer: 2, Providers: []bgp.ASN{9, 3}},
		{Customer: 1, Providers: []bgp.ASN{5}},
		{Customer: 2, Providers: []bgp.ASN{3, 4}},
	})
	if err != nil {
		t.Fatal(err)
	}
	wantVRPs := []rpki.VRP{
		vrp("10.0.0.0/8", 8, 0, "a"),
		vrp("10.1.0.0/16", 20, 64500, "a"),
		vrp("10.1.0.0/16", 24, 64500, "a"),
		vrp("10.1.0.0/16", 24, 64500, "b"),
		vrp("10.1.2.0/24", 24, 64499, "a"),
		vrp("10.1.2.0/24", 24, 64501, "a"),
		vrp("2001:db8::/32", 48, 64510, "a"),
	}
	if diff := cmp.Diff(wantVRPs, slices.Collect(s.VRPs()), cmpOpts...); diff != "" {
		t.Errorf("VRPs() mismatch (-want +got):\n%s", diff)
	}
	if s.Len() != 7 || s.Prefixes() != 4 {
		t.Errorf("Len(), Prefixes() = %d, %d, want 7, 4", s.Len(), s.Prefixes())
	}
	wantASPAs := []rpki.ASPA{{Customer: 1, Providers: []bgp.ASN{5}}, {Customer: 2, Providers: []bgp.ASN{3, 4, 9}}}
	if diff := cmp.Diff(wantASPAs, slices.Collect(s.ASPAs())); diff != "" {
		t.Errorf("ASPAs() mismatch (-want +got):\n%s", diff)
	}
	if p, ok := s.Providers(2); !ok || !slices.Equal(p, []bgp.ASN{3, 4, 9}) {
		t.Errorf("Providers(2) = %v, %v", p, ok)
	}
	if p, ok := s.Providers(3); ok {
		t.Errorf("Providers(3) = %v, true; want none", p)
	}
	if s.NumASPAs() != 2 {
		t.Errorf("NumASPAs() = %d, want 2", s.NumASPAs())
	}
}

// TestSnapshot_Covering walks the chain of covering groups.
func TestSnapshot_Covering(t *testing.T) {
	s, err := rpki.NewSnapshot(nested, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		route string
		want  []string // group prefixes, most specific first
	}{
		{"10.1.2.0/25", []string{"10.1.2.0/24", "10.1.0.0/16", "10.0.0.0/8"}},
		{"10.1.2.0/24", []string{"10.1.2.0/24", "10.1.0.0/16", "10.0.0.0/8"}},
		{"10.1.2.0/23", []string{"10.1.0.0/16", "10.0.0.0/8"}},
		{"10.2.0.0/16", []string{"10.0.0.0/8"}},
		{"10.0.0.0/7", nil},
		{"11.0.0.0/8", nil},
		{"2001:db8:1::/48", []string{"2001:db8::/32"}},
	}
	for _, tt := range tests {
		var got []string
		for g := s.Covering(netip.MustParsePrefix(tt.route)); g != nil; g = g.Parent() {
			got = append(got, g.Prefix().String())
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Covering(%s) chain mismatch (-want +got):\n%s", tt.route, diff)
		}
	}
	var got []string
	for v := range s.CoveringVRPs(netip.MustParsePrefix("10.1.2.0/24")) {
		got = append(got, v.String())
	}
	want := []string{
		"10.1.2.0/24-24 AS64499 (a)", "10.1.2.0/24-24 AS64501 (a)",
		"10.1.0.0/16-20 AS64500 (a)", "10.1.0.0/16-24 AS64500 (a)", "10.1.0.0/16-24 AS64500 (b)",
		"10.0.0.0/8-8 AS0 (a)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CoveringVRPs() mismatch (-want +got):\n%s", diff)
	}
}

func TestSnapshot_MaxLength(t *testing.T) {
	s, err := rpki.NewSnapshot(nested, nil)
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		MaxLen  int
		Covered bool
	}
	tests := []struct {
		route  string
		origin bgp.ASN
		want   result
	}{
		{"10.1.2.0/24", 64500, result{24, true}}, // inherited from the /16, longest of two
		{"10.1.2.0/24", 64501, result{24, true}},
		{"10.1.3.0/24", 64501, result{-1, true}},
		{"10.1.2.0/24", 0, result{-1, true}}, // AS0 grants nothing
		{"10.9.0.0/16", 64500, result{-1, true}},
		{"10.1.0.0/16", 64500, result{24, true}},   // a /16 route: its own group, not the /24 inside
		{"10.1.2.0/23", 64501, result{-1, true}},   // the /24 is longer than the route
		{"10.1.2.128/25", 64501, result{24, true}}, // bucket walk from the /24
		{"10.1.3.0/25", 64500, result{24, true}},   // in the /16's bucket, under no /24
		{"10.1.2.0/15", 64500, result{-1, true}},   // shorter than /16: trie path
		{"11.0.0.0/8", 64500, result{-1, false}},
		{"11.0.0.0/24", 64500, result{-1, false}}, // empty bucket, no default
	}
	for _, tt := range tests {
		var got result
		got.MaxLen, got.Covered = s.MaxLength(netip.MustParsePrefix(tt.route), tt.origin)
		if got != tt.want {
			t.Errorf("MaxLength(%s, %s) = %+v, want %+v", tt.route, tt.origin, got, tt.want)
		}
	}
}

// TestSnapshot_MaxLengthDeep builds a chain deeper and wider than what a
// node inherits, so that lookups must walk several nodes.
func TestSnapshot_MaxLengthDeep(t *testing.T) {
	var vrps []rpki.VRP
	for l := 8; l <= 32; l++ {
		p := netip.PrefixFrom(netip.MustParseAddr("10.0.0.0"), l)
		for asn := range 20 {
			vrps = append(vrps, rpki.VRP{Prefix: p, MaxLen: uint8(l), ASN: bgp.ASN(1000*l + asn)})
		}
	}
	s, err := rpki.NewSnapshot(vrps, nil)
	if err != nil {
		t.Fatal(err)
	}
	for l := 8; l <= 32; l++ {
		for _, asn := range []bgp.ASN{bgp.ASN(1000 * l), bgp.ASN(1000*l + 19)} {
			route := netip.MustParsePrefix("10.0.0.0/32")
			if got, covered := s.MaxLength(route, asn); got != l || !covered {
				t.Errorf("MaxLength(%s, %s) = %d, %v, want %d, true", route, asn, got, covered, l)
			}
		}
	}
}

func TestNewSnapshot_rejects(t *testing.T) {
	tests := []struct {
		name string
		v    rpki.VRP
		want string
	}{
		{"zero prefix", rpki.VRP{}, "invalid prefix"},
		{"host bits", rpki.VRP{Prefix: netip.MustParsePrefix("10.0.0.1/8"), MaxLen: 8}, "host bits"},
		{"maxLength short", rpki.VRP{Prefix: netip.MustParsePrefix("10.0.0.0/8"), MaxLen: 7}, "shorter than prefix"},
		{"maxLength long", rpki.VRP{Prefix: netip.MustParsePrefix("2001:db8::/32"), MaxLen: 129}, "exceeds the 128 address bits"},
	}
	for _, tt := range tests {
		_, err := rpki.NewSnapshot([]rpki.VRP{vrp("192.0.2.0/24", 24, 1, ""), tt.v}, nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "VRP 1") {
			t.Errorf("%s: NewSnapshot() error = %v, want one naming VRP 1 and %q", tt.name, err, tt.want)
		}
	}
}

func TestSnapshot_nil(t *testing.T) {
	var s *rpki.Snapshot
	if s.Len() != 0 || s.Prefixes() != 0 || s.NumASPAs() != 0 || s.Covering(netip.MustParsePrefix("10.0.0.0/8")) != nil {
		t.Error("nil Snapshot is not empty")
	}
	if _, ok := s.Providers(1); ok {
		t.Error("nil Snapshot has providers")
	}
	if n := len(slices.Collect(s.VRPs())) + len(slices.Collect(s.ASPAs())); n != 0 {
		t.Errorf("nil Snapshot yields %d values", n)
	}
	if m, covered := s.MaxLength(netip.MustParsePrefix("10.0.0.0/8"), 1); m != -1 || covered {
		t.Errorf("nil Snapshot MaxLength = %d, %v", m, covered)
	}
}
