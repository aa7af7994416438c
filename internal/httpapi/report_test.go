package httpapi

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/store"
)

// The rendered reports are documents: the contract checks their media
// type, and their body as a string (no schema of HTML or PDF content).
func init() {
	openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.FileBodyDecoder)
	openapi3filter.RegisterBodyDecoder("application/pdf", openapi3filter.FileBodyDecoder)
}

// TestReport_Matrix walks GET /api/v2/reports/{participant} × every kind
// of caller × each format on both stores (every answer validated against
// the contract): a participant key reads its own participant's report
// only, partner and secretariat keys any, anonymous callers, revoked and
// expired keys none; bad input is a problem.
func TestReport_Matrix(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		k := setupKeys(t, st)
		e := newEnv(t, st, Options{})
		own := fmt.Sprintf("/api/v2/reports/%d?month=2026-10", k.ripe)
		for _, c := range []struct {
			name, token string
			status      int
		}{
			{"anonymous", "", 401}, {"revoked key", k.revoked, 401}, {"expired key", k.expired, 401},
			{"unknown key", k.unknown, 401}, {"participant A", k.pRIPE, 200}, {"participant B", k.pGoogle, 403},
			{"partner", k.partner, 200}, {"secretariat", k.sec, 200},
		} {
			t.Run(c.name, func(t *testing.T) {
				for format, ctype := range map[string]string{"": "application/json", "json": "application/json",
					"html": "text/html; charset=utf-8", "pdf": "application/pdf"} {
					resp, b := e.do("GET", own+"&format="+format, "", bearer(c.token)...)
					got := resp.Header.Get("Content-Type")
					if resp.StatusCode != c.status {
						t.Fatalf("format %q: status %d, want %d: %.300s", format, resp.StatusCode, c.status, b)
					}
					if c.status != 200 {
						if got != "application/problem+json" || strings.Contains(string(b), "RIPE") {
							t.Errorf("format %q: %s %.300s; want a problem naming nobody", format, got, b)
						}
						continue
					}
					if got != ctype {
						t.Errorf("format %q: Content-Type %q, want %q", format, got, ctype)
					}
					if ctype == "application/json" {
						var r wire.Report
						if err := json.Unmarshal(b, &r); err != nil || r.Organisation != "RIPE NCC" || len(r.ASNs) != 1 ||
							r.ASNs[0].ASN != asnRIPE || len(r.ASNs[0].Scores) != 5 || r.Previous == nil {
							t.Errorf("report %+v, %v", r, err)
						}
					}
				}
			})
		}
		if resp, b := e.do("GET", fmt.Sprintf("/api/v2/reports/%d", k.google), "", bearer(k.pGoogle)...); resp.StatusCode != 200 {
			t.Errorf("B's own report, newest month: %d %.300s", resp.StatusCode, b)
		}
		for _, bad := range []struct {
			path   string
			status int
		}{
			{"/api/v2/reports/abc", 400},
			{"/api/v2/reports/0", 400},
			{"/api/v2/reports/1e3", 400},
			{"/api/v2/reports/999999", 404},
			{own + "&format=docx", 400},
			{fmt.Sprintf("/api/v2/reports/%d?month=2026-13", k.ripe), 400},
			{fmt.Sprintf("/api/v2/reports/%d?month=2020-01", k.ripe), 404},
			{own + "&colour=red", 422},
		} {
			resp, b := e.do("GET", bad.path, "", bearer(k.sec)...)
			if resp.StatusCode != bad.status || resp.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("GET %s: %d %s, want %d problem+json: %.200s", bad.path, resp.StatusCode, resp.Header.Get("Content-Type"), bad.status, b)
			}
		}
		if resp, _ := e.do("POST", own, "{}", bearer(k.sec)...); resp.StatusCode != 405 {
			t.Errorf("POST a report: %d, want 405", resp.StatusCode)
		}
	})
}
