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
