package rov_test

import (
	"net/netip"
	"testing"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/rov"
	"github.com/observatory-net/observatory/internal/rpki"
)

// fuzzPrefix makes a prefix from 4 bytes: family, two address bytes and a
// length. Addresses are confined to 10.0.0.0/16 and 2001:db8::/32 plus
// two bytes, so that prefixes nest and collide often.
func fuzzPrefix(b []byte) netip.Prefix {
	if b[0]&1 == 0 {
		a := netip.AddrFrom4([4]byte{10, 0, b[1], b[2]})
		p, _ := a.Prefix(int(b[3]) % 33)
		return p
	}
	a := netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, b[1], b[2]})
	p, _ := a.Prefix(int(b[3]) % 129)
	return p
}

// FuzzValidate builds a snapshot and routes from the input, 6 bytes each
// (prefix, maxLength spread, origin in 0..63: enough origins to overflow the inherited lists), and compares Validate with
// the naive reference on every route.
func FuzzValidate(f *testing.F) {
	f.Add([]byte{0, 0, 0, 8, 0, 1, 0, 1, 0, 24, 8, 1}, []byte{0, 1, 0, 24, 0, 1})
	f.Add([]byte{1, 0, 0, 32, 16, 2, 1, 5, 0, 48, 0, 0, 0, 7, 7, 16, 4, 3}, []byte{1, 5, 0, 48, 0, 2, 0, 7, 7, 20, 0, 3})
	f.Fuzz(func(t *testing.T, vrpBytes, routeBytes []byte) {
		var vrps []rpki.VRP
		for b := vrpBytes; len(b) >= 6; b = b[6:] {
			p := fuzzPrefix(b)
			maxLen := min(p.Bits()+int(b[4]%8), p.Addr().BitLen())
			vrps = append(vrps, rpki.VRP{Prefix: p, MaxLen: uint8(maxLen), ASN: bgp.ASN(b[5] % 64)})
		}
		s, err := rpki.NewSnapshot(vrps, nil)
		if err != nil {
			t.Fatal(err)
		}
		for b := routeBytes; len(b) >= 6; b = b[6:] {
			p, origin := fuzzPrefix(b), bgp.ASN(b[5]%64)
			if got, want := rov.Validate(s, p, origin), naiveValidate(vrps, p, origin); got != want {
				t.Fatalf("Validate(%s, %s) = %s, reference says %s; VRPs %v", p, origin, got, want, vrps)
			}
		}
	})
}
