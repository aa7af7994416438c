package ingest

import "testing"

// TestCompute_Reach checks the address space each ASN originated (the
// union of its prefixes) and the cone size without AS relationships.
func TestCompute_Reach(t *testing.T) {
	m := aggregateMonth(t)
	want := map[uint32]int64{3333: 2048 + 512, 12654: 256, 278: 65536, 7018: 150 * 256, 174: 0}
	seen := 0
	for _, a := range m.ASNs {
		w, ok := want[a.ASN]
		if !ok {
			continue
		}
		seen++
		if a.Space4 != w || a.Space6 != 0 {
			t.Errorf("AS%d: Space4, Space6 = %d, %d; want %d, 0", a.ASN, a.Space4, a.Space6, w)
		}
		if a.Cone != 0 {
			t.Errorf("AS%d: Cone = %d without AS relationships, want 0", a.ASN, a.Cone)
		}
	}
	if seen != len(want) {
		t.Errorf("found %d of the %d ASNs", seen, len(want))
	}
}
