package aspa_test

import (
	"testing"

	"github.com/observatory-net/observatory/internal/aspa"
	"github.com/observatory-net/observatory/internal/bgp"
)

// fuzzASN maps a byte to one of 16 ASNs, AS0 included, so that paths and
// provider sets collide often.
func fuzzASN(b byte) bgp.ASN { return bgp.ASN(b % 16) }

// FuzzVerify builds ASPAs from aspaBytes (a customer byte, a count byte
// and that many provider bytes, repeated) and a path from pathBytes (one
// ASN a byte, neighbour first), checks that Verify and VerifyPath do not
// panic, and compares both procedures with the brute-force reference.
func FuzzVerify(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 3, 1, 5}, []byte{5, 3, 1}, uint8(0))
	f.Add([]byte{1, 1, 2, 2, 1, 0, 3, 2, 4, 5}, []byte{4, 4, 3, 2, 1, 1}, uint8(3))
	f.Add([]byte{7, 1, 0}, []byte{7}, uint8(7))
	f.Add([]byte{}, []byte{}, uint8(0))
	f.Fuzz(func(t *testing.T, aspaBytes, pathBytes []byte, neighbour uint8) {
		raw := map[bgp.ASN][]bgp.ASN{}
		for b := aspaBytes; len(b) >= 2; {
			c, k := fuzzASN(b[0]), int(b[1]%8)
			b = b[2:]
			k = min(k, len(b))
			for _, p := range b[:k] {
				raw[c] = append(raw[c], fuzzASN(p))
			}
			if k == 0 {
				raw[c] = append(raw[c], 0)
			}
			b = b[k:]
		}
		m := newMap(raw)
		path := make([]bgp.ASN, min(len(pathBytes), 300))
		for i := range path {
			path[i] = fuzzASN(pathBytes[i])
		}
		for _, dir := range []aspa.Direction{aspa.Upstream, aspa.Downstream} {
			checkAgainstReference(t, m, path, dir)
			// With a neighbour the outcome is the same unless the first AS
			// differs from it.
			n := fuzzASN(neighbour) + 100*bgp.ASN(neighbour>>7)
			got := aspa.Verify(m, path, dir, n)
			if len(path) > 0 && n != 0 && path[0] != n && got.Reason != aspa.ReasonNeighbour {
				t.Fatalf("Verify(%v, %s, neighbour %d) = %+v, want a neighbour mismatch", path, dir, n, got)
			}
			p := bgp.Path{ASNs: path, Segs: []bgp.Segment{{Type: bgp.SegSequence, End: int32(len(path))}}}
			if len(path) == 0 {
				p.Segs = nil
			}
			if viaPath, direct := aspa.VerifyPath(m, &p, dir, 0), aspa.Verify(m, path, dir, 0); viaPath != direct {
				t.Fatalf("VerifyPath(%v, %s) = %+v, Verify = %+v", path, dir, viaPath, direct)
			}
		}
	})
}
