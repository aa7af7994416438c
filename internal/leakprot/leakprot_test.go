package leakprot

import "testing"

func TestJudge(t *testing.T) {
	cases := []struct {
		name string
		e    Evidence
		want Verdict
	}{
		{"leaker", Evidence{LeaksOriginated: 1, CustomerRoutes: 5, ASPA: true}, DoesNot},
		{"unseen", Evidence{}, NotEnoughEvidence},
		{"passes a customer's leak", Evidence{CustomerLeaks: 2, CustomerRoutes: 5, ASPA: true}, Partial},
		{"filters, no ASPA", Evidence{CustomerRoutes: 5}, Partial},
		{"filters, ASPA missing a provider", Evidence{CustomerRoutes: 5, ASPA: true, ASPAMissing: 1}, Partial},
		{"filters, complete ASPA", Evidence{CustomerRoutes: 5, ASPA: true}, Protects},
	}
	for _, c := range cases {
		if got := Judge(c.e); got != c.want {
			t.Errorf("%s: Judge(%+v) = %q, want %q", c.name, c.e, got, c.want)
		}
	}
}
