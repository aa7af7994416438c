package httpapi

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/store"
)

// TestConformanceFlags_Matrix: with August stored too, Filtering is
// lagging three months in a row in October for both participants; each
// role sees the flags it may, bad input is a problem.
func TestConformanceFlags_Matrix(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		august := time.Date(2026, time.August, 1, 0, 0, 0, 0, time.UTC)
		if err := st.WriteMonth(t.Context(), fixtureMonth(august, -0.2)); err != nil {
			t.Fatal(err)
		}
		k := setupKeys(t, st)
		e := newEnv(t, st, Options{})
		const path = "/api/v2/conformance/flags?month=2026-10"
		for _, c := range []struct {
			name, token string
			status      int
			asns        []wire.ASN
		}{
			{"anonymous", "", 401, nil},
			{"revoked key", k.revoked, 401, nil},
			{"expired key", k.expired, 401, nil},
			// Every participant's readiness; the evidence of its own only.
			{"participant A", k.pRIPE, 200, []wire.ASN{asnGoogle, asnRIPE}},
			{"participant B", k.pGoogle, 200, []wire.ASN{asnGoogle, asnRIPE}},
			{"partner", k.partner, 200, []wire.ASN{asnGoogle, asnRIPE}},
			{"secretariat", k.sec, 200, []wire.ASN{asnGoogle, asnRIPE}},
		} {
			t.Run(c.name, func(t *testing.T) {
				resp, b := e.do("GET", path, "", bearer(c.token)...)
				if resp.StatusCode != c.status {
					t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.status, b)
				}
				if c.status != 200 {
					if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
						t.Errorf("Content-Type %q, want problem+json", ct)
					}
					return
				}
				var r wire.ConformanceFlags
				if err := json.Unmarshal(b, &r); err != nil {
					t.Fatal(err)
				}
				var asns []wire.ASN
				for _, f := range r.Items {
					evidence := 3
					if c.token == k.pRIPE && f.ASN != asnRIPE || c.token == k.pGoogle && f.ASN != asnGoogle {
						evidence = 0
					}
					if f.Score != wire.ScoreFiltering || f.Kind != wire.FlagLagging || f.Months != 3 || !f.New ||
						!f.Since.Equal(august) || len(f.Evidence) != evidence || len(f.History) != 12 {
						t.Errorf("flag %+v", f)
					}
					asns = append(asns, f.ASN)
				}
				if !slices.Equal(asns, c.asns) {
					t.Errorf("flags of %v, want %v", asns, c.asns)
				}
				if r.Source != "registry" || r.Participants != 2 || r.Rule.ConsecutiveMonths != 3 {
					t.Errorf("head %+v", r)
				}
			})
		}
		// September: two months only, no flag.
		var sep wire.ConformanceFlags
		if err := json.Unmarshal(e.get("/api/v2/conformance/flags?month=2026-09", 200, bearer(k.sec)...), &sep); err != nil || len(sep.Items) != 0 {
			t.Errorf("September: %+v, %v; want no flags", sep.Items, err)
		}
		for _, bad := range []struct {
			path   string
			status int
		}{
			{"/api/v2/conformance/flags?month=2026-13", 400},
			{"/api/v2/conformance/flags?month=yesterday", 400},
			{"/api/v2/conformance/flags?format=csv", 422},
			{"/api/v2/conformance/flags?month=2020-01", 404},
			{"/api/v2/conformance/flags?spec=nope", 400},
		} {
			resp, b := e.do("GET", bad.path, "", bearer(k.sec)...)
			if resp.StatusCode != bad.status || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
				t.Errorf("GET %s: %d %s, want %d problem+json: %s", bad.path, resp.StatusCode, resp.Header.Get("Content-Type"), bad.status, b)
			}
		}
		if resp, _ := e.do("POST", "/api/v2/conformance/flags", "{}", bearer(k.sec)...); resp.StatusCode != 405 {
			t.Errorf("POST: %d, want 405", resp.StatusCode)
		}
	})
}
