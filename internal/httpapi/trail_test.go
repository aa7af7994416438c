package httpapi

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/observatory-net/observatory/internal/store"
)

// TestFeedback_TrailIsEvidence: whoever sees an ASN's details sees its
// feedback trail, in /feedback as inside the incidents; a participant its
// own ASNs' only.
func TestFeedback_TrailIsEvidence(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		k := setupKeys(t, st)
		e := newEnv(t, st, Options{})
		for _, f := range []struct{ token, incident string }{{k.pRIPE, "3333-M2-1"}, {k.pGoogle, "15169-M2-1"}} {
			if resp, b := e.do("POST", "/api/v2/incidents/"+f.incident+"/feedback", `{"reason":"planned"}`, bearer(f.token)...); resp.StatusCode != 201 {
				t.Fatalf("flag %s: %d: %s", f.incident, resp.StatusCode, b)
			}
		}
		trails := func(token string) (listed, inIncidents map[string][]feedbackJSON) {
			var fl feedbackList
			var il incidentList
			if err := json.Unmarshal(e.get("/api/v2/feedback", 200, bearer(token)...), &fl); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(e.get("/api/v2/incidents?month=2026-10", 200, bearer(token)...), &il); err != nil {
				t.Fatal(err)
			}
			listed, inIncidents = map[string][]feedbackJSON{}, map[string][]feedbackJSON{}
			for _, f := range fl.Items {
				listed[f.IncidentID] = append(listed[f.IncidentID], f)
			}
			for _, in := range il.Items {
				if len(in.Feedback) > 0 {
					inIncidents[in.ID] = in.Feedback
				}
			}
			return listed, inIncidents
		}
		for _, c := range []struct {
			name, token string
			want        []string
		}{
			{"partner", k.partner, []string{"15169-M2-1", "3333-M2-1"}},
			{"secretariat", k.sec, []string{"15169-M2-1", "3333-M2-1"}},
			{"participant", k.pRIPE, []string{"3333-M2-1"}},
		} {
			listed, inIncidents := trails(c.token)
			if !reflect.DeepEqual(listed, inIncidents) {
				t.Errorf("%s: /feedback lists %v, the incidents carry %v: want the same trails", c.name, listed, inIncidents)
			}
			if got := slices.Sorted(maps.Keys(listed)); !slices.Equal(got, c.want) {
				t.Errorf("%s sees the trails of %v, want %v", c.name, got, c.want)
			}
		}
		// Reviewing stays with the secretariat.
		if resp, b := e.do("POST", "/api/v2/feedback/1/review", `{"verdict":"rejected"}`, bearer(k.partner)...); resp.StatusCode != 403 {
			t.Errorf("partner review: %d, want 403: %s", resp.StatusCode, b)
		}
	})
}
