package httpapi

import (
	"fmt"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/store"
)

// TestAS_ROVInference: a network's inferred ROV deployment is in its
// record for every caller (it rests on public routing data), and left out
// for a network never seen as a transit hop.
func TestAS_ROVInference(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, Options{})
		var a wire.ASRecord
		decode(t, e.get(fmt.Sprintf("/api/v2/ases/%d", asnNL), 200), &a)
		if want := (wire.ROVInference{Verdict: "does-not", Propagated: 4, Confidence: 4.0 / 6}); a.ROV != want {
			t.Errorf("AS%d rov = %+v, want %+v", asnNL, a.ROV, want)
		}
		body := string(e.get(fmt.Sprintf("/api/v2/ases/%d", asnRIPE), 200))
		if strings.Contains(body, `"rov"`) {
			t.Errorf("AS%d, never a transit hop, has a rov object: %s", asnRIPE, body)
		}
	})
}

// TestAS_LeakProtection: a network's route-leak protection is in its
// record for every caller, and left out for a month without it.
func TestAS_LeakProtection(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, Options{})
		var a wire.ASRecord
		decode(t, e.get(fmt.Sprintf("/api/v2/ases/%d", asnNL), 200), &a)
		want := wire.LeakProtection{Verdict: "partial", CustomerLeaks: 2, CustomerRoutes: 40, ASPA: true, ASPAProviders: 2, ASPAMissing: 1}
		if a.Leak != want {
			t.Errorf("AS%d leakProtection = %+v, want %+v", asnNL, a.Leak, want)
		}
		if body := string(e.get(fmt.Sprintf("/api/v2/ases/%d", asnRIPE), 200)); strings.Contains(body, `"leakProtection"`) {
			t.Errorf("AS%d, without a verdict, has a leakProtection object: %s", asnRIPE, body)
		}
	})
}
