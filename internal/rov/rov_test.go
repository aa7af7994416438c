package rov_test

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/rov"
	"github.com/observatory-net/observatory/internal/rpki"
)

// naiveValidate is the reference implementation of RFC 6811 §2: a linear
// scan of every VRP, with no index and no shortcut beyond "Valid ends the
// search". Validate must agree with it on every input.
func naiveValidate(vrps []rpki.VRP, p netip.Prefix, origin bgp.ASN) rov.State {
	if !p.IsValid() {
		return rov.NotFound
	}
	p = p.Masked()
	covered, originSeen := false, false
	for _, v := range vrps {
		// "Covered": the VRP prefix contains the route and is not longer.
		if v.Prefix.Bits() > p.Bits() || !v.Prefix.Contains(p.Addr()) {
			continue
		}
		covered = true
		// "Matched": same origin, never AS0, length within maxLength.
		if v.ASN == 0 || v.ASN != origin {
			continue
		}
		if int(v.MaxLen) >= p.Bits() {
			return rov.Valid
		}
		originSeen = true
	}
	switch {
	case !covered:
		return rov.NotFound
	case originSeen:
		return rov.InvalidLength
	}
	return rov.InvalidASN
}

// vrp builds a VRP from its parts; the prefix must be canonical.
func vrp(prefix string, maxLen uint8, asn bgp.ASN) rpki.VRP {
	return rpki.VRP{Prefix: netip.MustParsePrefix(prefix), MaxLen: maxLen, ASN: asn, TA: "test"}
}

// syntheticVRPs exercises nesting, AS0, several maxLengths for one origin
// and both address families.
var syntheticVRPs = []rpki.VRP{
	vrp("192.0.2.0/24", 24, 64496),
	vrp("198.51.100.0/22", 24, 64497),
	vrp("198.51.100.0/24", 24, 64498),
	vrp("203.0.113.0/24", 24, 0), // AS0: nobody may originate
	vrp("203.0.113.0/25", 25, 64499),
	vrp("10.0.0.0/8", 8, 0),
	vrp("10.1.0.0/16", 24, 64500),
	vrp("100.64.0.0/16", 16, 64501),
	vrp("100.64.0.0/16", 20, 64501), // same origin, longer maxLength wins
	vrp("100.64.0.0/16", 18, 64502),
	vrp("172.16.0.0/12", 32, 64503), // maxLength at the address size
	vrp("2001:db8::/32", 48, 64510),
	vrp("2001:db8:1::/48", 48, 64511),
	vrp("2001:db8:2::/48", 48, 0),
	vrp("2001:db8:ff00::/40", 128, 64512),
	vrp("::ffff:192.0.2.0/120", 120, 64513), // IPv4-mapped IPv6: a v6 prefix
}

func mustSnapshot(tb testing.TB, vrps []rpki.VRP) *rpki.Snapshot {
	tb.Helper()
	s, err := rpki.NewSnapshot(vrps, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestValidate(t *testing.T) {
	s := mustSnapshot(t, syntheticVRPs)
	tests := []struct {
		name   string
		prefix string
		origin bgp.ASN
		want   rov.State
	}{
		{"exact match", "192.0.2.0/24", 64496, rov.Valid},
		{"exact prefix other origin", "192.0.2.0/24", 64497, rov.InvalidASN},
		{"more specific beyond maxLength", "192.0.2.0/25", 64496, rov.InvalidLength},
		{"more specific beyond maxLength other origin", "192.0.2.128/25", 1, rov.InvalidASN},
		{"less specific is not covered", "192.0.0.0/16", 64496, rov.NotFound},
		{"uncovered", "8.8.8.0/24", 15169, rov.NotFound},
		{"unmasked route is masked", "192.0.2.1/24", 64496, rov.Valid},
		{"maxLength boundary inside", "198.51.101.0/24", 64497, rov.Valid},
		{"maxLength boundary exceeded", "198.51.101.0/25", 64497, rov.InvalidLength},
		{"valid through the covering /22", "198.51.100.0/24", 64497, rov.Valid},
		{"valid through the exact /24", "198.51.100.0/24", 64498, rov.Valid},
		{"only the /22 covers a /23", "198.51.100.0/23", 64498, rov.InvalidASN},
		{"origin matches one level, length fails everywhere", "198.51.100.0/25", 64498, rov.InvalidLength},
		{"AS0 VRP covers but never matches", "203.0.113.128/25", 64499, rov.InvalidASN},
		{"AS0 VRP does not hide a matching VRP", "203.0.113.0/25", 64499, rov.Valid},
		{"AS0 origin never matches an AS0 VRP", "203.0.113.0/24", 0, rov.InvalidASN},
		{"NoOrigin covered", "192.0.2.0/24", rov.NoOrigin, rov.InvalidASN},
		{"NoOrigin uncovered", "8.8.8.0/24", rov.NoOrigin, rov.NotFound},
		{"AS0 /8 with a matching /16", "10.1.2.0/24", 64500, rov.Valid},
		{"AS0 /8 with a length failure", "10.1.2.0/25", 64500, rov.InvalidLength},
		{"AS0 /8 elsewhere", "10.2.0.0/16", 64500, rov.InvalidASN},
		{"longest maxLength of one origin", "100.64.16.0/20", 64501, rov.Valid},
		{"beyond the longest maxLength", "100.64.16.0/21", 64501, rov.InvalidLength},
		{"second origin of one prefix", "100.64.0.0/18", 64502, rov.Valid},
		{"second origin beyond its maxLength", "100.64.0.0/19", 64502, rov.InvalidLength},
		{"host route under maxLength 32", "172.31.255.255/32", 64503, rov.Valid},
		{"default route is not covered", "0.0.0.0/0", 64503, rov.NotFound},
		{"IPv6 exact", "2001:db8::/32", 64510, rov.Valid},
		{"IPv6 at maxLength", "2001:db8:abcd::/48", 64510, rov.Valid},
		{"IPv6 beyond maxLength", "2001:db8:abcd::/49", 64510, rov.InvalidLength},
		{"IPv6 nested other origin valid", "2001:db8:1::/48", 64511, rov.Valid},
		{"IPv6 nested parent origin valid", "2001:db8:1::/48", 64510, rov.Valid},
		{"IPv6 nested origin too long", "2001:db8:1::/56", 64511, rov.InvalidLength},
		{"IPv6 AS0 under a parent VRP", "2001:db8:2::/48", 64510, rov.Valid},
		{"IPv6 AS0 other origin", "2001:db8:2::/48", 64511, rov.InvalidASN},
		{"IPv6 /128 under maxLength 128", "2001:db8:ff00::1/128", 64512, rov.Valid},
		{"IPv6 uncovered", "2001:db9::/32", 64510, rov.NotFound},
		{"IPv4 route vs IPv4-mapped VRP", "192.0.2.0/24", 64513, rov.InvalidASN},
		{"IPv4-mapped route", "::ffff:192.0.2.0/120", 64513, rov.Valid},
		{"IPv4-mapped route other origin", "::ffff:192.0.2.0/120", 64496, rov.InvalidASN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := netip.MustParsePrefix(tt.prefix)
			got := rov.Validate(s, p, tt.origin)
			if got != tt.want {
				t.Errorf("Validate(%s, %s) = %s, want %s", p, tt.origin, got, tt.want)
			}
			if ref := naiveValidate(syntheticVRPs, p, tt.origin); ref != tt.want {
				t.Errorf("naiveValidate(%s, %s) = %s, want %s", p, tt.origin, ref, tt.want)
			}
		})
	}
}

func TestValidate_emptyAndNil(t *testing.T) {
	p := netip.MustParsePrefix("192.0.2.0/24")
	for name, s := range map[string]*rpki.Snapshot{"nil": nil, "empty": mustSnapshot(t, nil), "zero": new(rpki.Snapshot)} {
		if got := rov.Validate(s, p, 64496); got != rov.NotFound {
			t.Errorf("Validate(%s snapshot) = %s, want not-found", name, got)
		}
	}
	s := mustSnapshot(t, syntheticVRPs)
	if got := rov.Validate(s, netip.Prefix{}, 64496); got != rov.NotFound {
		t.Errorf("Validate(zero prefix) = %s, want not-found", got)
	}
}

func TestValidate_defaultRouteVRP(t *testing.T) {
	vrps := []rpki.VRP{vrp("0.0.0.0/0", 32, 64496), vrp("::/0", 0, 64497)}
	s := mustSnapshot(t, vrps)
	tests := []struct {
		prefix string
		origin bgp.ASN
		want   rov.State
	}{
		{"0.0.0.0/0", 64496, rov.Valid},
		{"192.0.2.1/32", 64496, rov.Valid},
		{"192.0.2.0/24", 1, rov.InvalidASN},
		{"::/0", 64497, rov.Valid},
		{"2001:db8::/32", 64497, rov.InvalidLength},
	}
	for _, tt := range tests {
		p := netip.MustParsePrefix(tt.prefix)
		if got := rov.Validate(s, p, tt.origin); got != tt.want {
			t.Errorf("Validate(%s, %s) = %s, want %s", p, tt.origin, got, tt.want)
		}
	}
}

func TestState_String(t *testing.T) {
	got := map[string]bool{}
	for _, s := range []rov.State{rov.Valid, rov.InvalidASN, rov.InvalidLength, rov.NotFound} {
		got[s.String()] = s.Invalid()
	}
	want := map[string]bool{"valid": false, "invalid-asn": true, "invalid-length": true, "not-found": false}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("State names mismatch (-want +got):\n%s", diff)
	}
	if got := rov.State(200).String(); got != "unknown" {
		t.Errorf("State(200).String() = %q, want unknown", got)
	}
}
