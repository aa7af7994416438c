package bogon

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/rir"
)

func loadRIR(t *testing.T, input string) *rir.File {
	t.Helper()
	f, err := rir.Load(context.Background(), strings.NewReader(input), "test", rir.Options{})
	if err != nil {
		t.Fatalf("rir.Load(context.Background(), ) error: %v", err)
	}
	return f
}

// A toy world with one registry owning 1.0.0.0/8, 2c00::/12 and AS 1-100.
const toyStats = `2|afrinic|20260505|7|0|20260505|00000
afrinic|ZA|ipv4|1.0.0.0|8388608|20100101|allocated|A
afrinic|ZA|ipv4|1.128.0.0|4194304|20100101|assigned|B
afrinic|ZZ|ipv4|1.192.0.0|4194304||available|
afrinic|ZA|ipv6|2c00::|13|20100101|allocated|A
afrinic|ZZ|ipv6|2c08::|13||reserved|
afrinic|ZA|asn|1|50|20100101|allocated|A
afrinic|ZZ|asn|51|50||available|
`

func TestBuilder_AddDelegated(t *testing.T) {
	var b Builder
	b.AddDelegated(loadRIR(t, toyStats))
	s := b.Build()
	tests := []struct {
		prefix string
		want   verdict
	}{
		{"1.0.0.0/9", verdict{None, ""}},
		{"1.192.0.0/10", verdict{Administrative, "afrinic delegated stats: available"}},
		{"1.200.0.0/16", verdict{Administrative, "available"}},
		{"2c08::/13", verdict{Administrative, "afrinic delegated stats: reserved"}},
		{"2c00::/16", verdict{None, ""}},
		{"10.0.0.0/8", verdict{Full, "RFC 1918"}}, // full bogons are always in
	}
	for _, tt := range tests {
		k, r := s.Prefix(netip.MustParsePrefix(tt.prefix))
		check(t, "Prefix("+tt.prefix+")", k, r, tt.want)
	}
	for asn, want := range map[bgp.ASN]Kind{1: None, 50: None, 51: Administrative, 100: Administrative, 101: None, 23456: Full} {
		if k, _ := s.ASN(asn); k != want {
			t.Errorf("ASN(%v) = %v, want %v", asn, k, want)
		}
	}
	if k, r := s.Overlaps(netip.MustParsePrefix("1.0.0.0/8")); k != Administrative || !strings.Contains(r, "available") {
		t.Errorf("Overlaps(1.0.0.0/8) = %v %q, want Administrative", k, r)
	}
}

func TestBuilder_AddUndelegated(t *testing.T) {
	var b Builder
	b.AddUndelegated(rir.NewIndex(loadRIR(t, toyStats)))
	s := b.Build()
	tests := []struct {
		prefix string
		want   Kind
	}{
		{"1.0.0.0/9", None},
		{"1.128.0.0/10", None},
		{"1.192.0.0/10", Administrative}, // available
		{"0.255.255.0/24", Full},         // 0.0.0.0/8 wins over "undelegated"
		{"2.0.0.0/8", Administrative},
		{"223.255.255.0/24", Administrative},
		{"2c00::/13", None},
		{"2c08::/13", Administrative},
		{"2a00::/12", Administrative},
		{"3ffe::/16", Administrative},
		{"4000::/3", Full},
	}
	for _, tt := range tests {
		if k, r := s.Prefix(netip.MustParsePrefix(tt.prefix)); k != tt.want {
			t.Errorf("Prefix(%s) = %v %q, want %v", tt.prefix, k, r, tt.want)
		}
	}
	for asn, want := range map[bgp.ASN]Kind{0: Full, 1: None, 50: None, 51: Administrative, 4000000000: Administrative, 4294967295: Full} {
		if k, _ := s.ASN(asn); k != want {
			t.Errorf("ASN(%v) = %v, want %v", asn, k, want)
		}
	}
	if p, a := s.Len(); p == 0 || a != 2 { // AS0 and AS51-AS4294967295
		t.Errorf("Len() = %d prefixes, %d ASN ranges; want some and 2", p, a)
	}
}

func TestBuilder_AddIANAv4(t *testing.T) {
	var b Builder
	b.AddIANAv4([]rir.IANABlock{
		{Prefix: netip.MustParsePrefix("1.0.0.0/8"), Status: "ALLOCATED"},
		{Prefix: netip.MustParsePrefix("2.0.0.0/8"), Status: "UNALLOCATED"},
	})
	s := b.Build()
	if k, _ := s.Prefix(netip.MustParsePrefix("1.2.3.0/24")); k != None {
		t.Errorf("allocated /8 reported as %v", k)
	}
	if k, r := s.Prefix(netip.MustParsePrefix("2.2.3.0/24")); k != Administrative || !strings.Contains(r, "IANA") {
		t.Errorf("unallocated /8: %v %q", k, r)
	}
}

func TestBuilder_BuildIsolated(t *testing.T) {
	var b Builder
	s1 := b.Build()
	b.AddPrefix(netip.MustParsePrefix("1.0.0.0/8"), "x")
	b.AddPrefix(netip.MustParsePrefix("1.0.0.0/8"), "y") // first reason kept
	b.AddPrefix(netip.Prefix{}, "invalid ignored")
	b.AddASNs(10, 5, "empty range ignored")
	s2 := b.Build()
	if k, _ := s1.Prefix(netip.MustParsePrefix("1.0.0.0/8")); k != None {
		t.Errorf("a Set changed after later additions")
	}
	if k, r := s2.Prefix(netip.MustParsePrefix("1.0.0.0/8")); k != Administrative || r != "x" {
		t.Errorf("Prefix() = %v %q, want Administrative x", k, r)
	}
	if _, a := s2.Len(); a != 0 {
		t.Errorf("empty ASN range was added")
	}
}
