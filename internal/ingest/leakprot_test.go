package ingest

import (
	"testing"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/store"
)

// TestCompute_LeakProtection checks the leak protection of the synthetic
// leak (aspaSet with relationships), on the measured ASes (those charged
// with an event): X leaked (does-not); P2 carried its customer X's routes
// and passed X's leak on (partial). leakprot's own tests cover protects
// and not enough evidence.
func TestCompute_LeakProtection(t *testing.T) {
	m := computeSynthetic(t, aspaSet(t, true))
	got := map[bgp.ASN]store.LeakProtection{}
	for _, a := range m.ASNs {
		got[bgp.ASN(a.ASN)] = a.Leak
	}
	for a, want := range map[bgp.ASN]store.LeakProtection{
		asX:  {Verdict: "does-not", Originated: 1, CustomerRoutes: 2, ASPA: true, ASPAProviders: 2},
		asP2: {Verdict: "partial", CustomerLeaks: 1, CustomerRoutes: 2, ASPA: true, ASPAProviders: 1},
	} {
		if got[a] != want {
			t.Errorf("AS%d leak protection %+v, want %+v", a, got[a], want)
		}
	}
}
