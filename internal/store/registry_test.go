package store

import (
	"errors"
	"testing"
)

func TestNewUID(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		u := NewUID()
		if !ValidUID(u) || u[14] != '4' || u[19] < '8' || u[19] > 'b' {
			t.Fatalf("NewUID() = %q, want a canonical UUID of version 4, variant 10", u)
		}
		if seen[u] {
			t.Fatalf("NewUID() gave %s twice", u)
		}
		seen[u] = true
	}
}

func TestValidUID(t *testing.T) {
	for s, want := range map[string]bool{
		"5a2b0c4e-8f1d-4c3b-9a7e-6d5c4b3a2f1e":  true,
		"00000000-0000-0000-0000-000000000000":  true,
		"5A2B0C4E-8F1D-4C3B-9A7E-6D5C4B3A2F1E":  false, // not canonical: lower case only
		"5a2b0c4e8f1d4c3b9a7e6d5c4b3a2f1e":      false,
		"5a2b0c4e-8f1d-4c3b-9a7e-6d5c4b3a2f1":   false,
		"5a2b0c4e-8f1d-4c3b-9a7e-6d5c4b3a2f1eA": false,
		"5a2b0c4e_8f1d-4c3b-9a7e-6d5c4b3a2f1e":  false,
		"5a2b0c4e-8f1d-4c3b-9a7e-6d5c4b3a2f1g":  false,
		"":                                      false,
	} {
		if got := ValidUID(s); got != want {
			t.Errorf("ValidUID(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestCheckHoldings(t *testing.T) {
	a, b, c := Holding{ID: 1, Organisation: "A"}, Holding{ID: 2, Organisation: "B"}, Holding{ID: 3, Organisation: "C"}
	at := func(h Holding, asn uint32) Holding { h.ASN = asn; return h }
	for _, tc := range []struct {
		name    string
		hs      []Holding
		written []int64
		want    *ASNConflictError
	}{
		{"one holder each", []Holding{at(a, 1), at(b, 2)}, []int64{1, 2}, nil},
		{"a written participant takes another's", []Holding{at(b, 7), at(a, 7)}, []int64{2},
			&ASNConflictError{ASN: 7, Holder: "A", Claimant: "B"}},
		{"the holder is the one not written", []Holding{at(a, 7), at(b, 7)}, []int64{1},
			&ASNConflictError{ASN: 7, Holder: "B", Claimant: "A"}},
		{"both written", []Holding{at(b, 7), at(a, 7)}, []int64{1, 2},
			&ASNConflictError{ASN: 7, Holder: "A", Claimant: "B"}},
		{"the least ASN first", []Holding{at(a, 9), at(c, 9), at(a, 8), at(b, 8)}, []int64{1},
			&ASNConflictError{ASN: 8, Holder: "B", Claimant: "A"}},
		{"an old double holding nobody wrote", []Holding{at(a, 7), at(b, 7), at(c, 8)}, []int64{3}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckHoldings(tc.hs, tc.written)
			if tc.want == nil {
				if err != nil {
					t.Errorf("CheckHoldings() = %v, want nil", err)
				}
				return
			}
			var got *ASNConflictError
			if !errors.As(err, &got) || !errors.Is(err, ErrConflict) || *got != *tc.want {
				t.Errorf("CheckHoldings() = %v, want %v wrapping ErrConflict", err, tc.want)
			}
		})
	}
}
