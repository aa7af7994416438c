package httpapi

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/internal/store"
)

// TestFeedback_AcceptRescores walks the false-positive trail through the
// API on both stores: a participant flags its own incident, the
// secretariat accepts it, the incident leaves the score (M2 back to a
// clean 1, the filtering score and the month's aggregates re-computed),
// and the trail (who, when, verdict, note) shows on the incident. A
// rejection on the other participant's incident changes no score.
func TestFeedback_AcceptRescores(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		k := setupKeys(t, st)
		e := newEnv(t, st, Options{})
		details := func(asn string) scoreDetails {
			var d scoreDetails
			if err := json.Unmarshal(e.get("/api/v2/scores/details?asn="+asn+"&month=2026-10", 200, bearer(k.partner)...), &d); err != nil {
				t.Fatal(err)
			}
			return d
		}
		summary := func() string {
			return string(e.get("/api/v2/scores/summary?month=2026-10", 200))
		}
		ripeBefore, googleBefore, sumBefore := details("3333"), details("15169"), summary()

		for _, f := range []struct{ token, incident string }{{k.pRIPE, "3333-M2-1"}, {k.pGoogle, "15169-M2-1"}} {
			if resp, b := e.do("POST", "/api/v2/incidents/"+f.incident+"/feedback", `{"reason":"our own more-specific, moved in a planned migration"}`, bearer(f.token)...); resp.StatusCode != 201 {
				t.Fatalf("flag %s: %d: %s", f.incident, resp.StatusCode, b)
			}
		}

		var list struct {
			Items []feedbackJSON `json:"items"`
		}
		if err := json.Unmarshal(e.get("/api/v2/feedback?verdict=pending", 200, bearer(k.sec)...), &list); err != nil {
			t.Fatal(err)
		}
		pending := list.Items
		if len(pending) != 2 {
			t.Fatalf("%d pending feedbacks, want 2", len(pending))
		}
		ids := map[string]int64{}
		for _, f := range pending {
			ids[f.IncidentID] = f.ID
		}
		review := func(id int64, verdict string, want int) {
			t.Helper()
			path := "/api/v2/feedback/" + strconv.FormatInt(id, 10) + "/review"
			if resp, b := e.do("POST", path, `{"verdict":"`+verdict+`","note":"route object predates the event"}`, bearer(k.sec)...); resp.StatusCode != want {
				t.Fatalf("%s %s: %d, want %d: %s", verdict, path, resp.StatusCode, want, b)
			}
		}
		review(ids["3333-M2-1"], "accepted", 200)
		review(ids["15169-M2-1"], "rejected", 200)
		review(ids["3333-M2-1"], "rejected", 409) // decided already

		ripe, google := details("3333"), details("15169")
		if m := metric(ripe, "M2"); m == nil || *m.Raw != 0 || *m.Score != 1 {
			t.Errorf("AS3333 M2 after the accepted feedback: %+v, want raw 0, score 1", m)
		}
		if m := metric(ripeBefore, "M2"); m == nil || *m.Raw == 0 {
			t.Fatalf("AS3333 M2 before: %+v: the fixture has no penalty to remove", m)
		}
		if before, after := scoreOf(ripeBefore, "filtering"), scoreOf(ripe, "filtering"); after == nil || before == nil || *after <= *before {
			t.Errorf("AS3333 filtering %v → %v: want it raised by the exclusion", deref(before), deref(after))
		}
		if len(ripe.Incidents) != 1 || !ripe.Incidents[0].Excluded {
			t.Fatalf("AS3333 incidents after acceptance: %+v", ripe.Incidents)
		}
		trail := ripe.Incidents[0].Feedback
		if len(trail) != 1 || trail[0].Verdict != "accepted" || trail[0].ReviewedBy == "" || trail[0].ReviewedAt.IsZero() ||
			trail[0].ReviewNote != "route object predates the event" || trail[0].SubmittedBy == "" || trail[0].Reason == "" {
			t.Errorf("AS3333 trail: %+v", trail)
		}
		// The rejected one keeps its score and shows its verdict.
		if g, gb := metric(google, "M2"), metric(googleBefore, "M2"); *g.Raw != *gb.Raw || *g.Score != *gb.Score {
			t.Errorf("AS15169 M2 changed on a rejection: %+v → %+v", gb, g)
		}
		if len(google.Incidents) != 1 || google.Incidents[0].Excluded || len(google.Incidents[0].Feedback) != 1 ||
			google.Incidents[0].Feedback[0].Verdict != "rejected" {
			t.Errorf("AS15169 incident after rejection: %+v", google.Incidents)
		}
		// The month's aggregates were re-computed (served anew, not from cache).
		if sum := summary(); sum == sumBefore {
			t.Error("the score summary is unchanged after an accepted feedback")
		}
		// September is untouched.
		if d := string(e.get("/api/v2/scores/details?asn=3333&month=2026-09", 200, bearer(k.partner)...)); !strings.Contains(d, `"excluded":false`) {
			t.Errorf("September's incident changed: %.300s", d)
		}
	})
}

func metric(d scoreDetails, id string) *metricJSON {
	for i := range d.Metrics {
		if d.Metrics[i].ID == id {
			return &d.Metrics[i]
		}
	}
	return nil
}

func scoreOf(d scoreDetails, id string) *float64 {
	for _, s := range d.Scores {
		if string(s.ID) == id {
			return s.Value
		}
	}
	return nil
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
