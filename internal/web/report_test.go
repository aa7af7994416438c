package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/apikey"
)

// TestWeb_Report: the Report page shows each signed-in visitor the report
// the API gives its key (a participant its own, the partner and the
// secretariat any participant, chosen from the registry), with a PDF
// link; other participants' reports are refused, as are anonymous
// visitors and revoked keys.
func TestWeb_Report(t *testing.T) {
	e := newEnvWith(t, func(o *Options) { o.KeyCacheTTL = 0 })
	reg, err := e.st.RegisteredParticipants(context.Background())
	if err != nil || len(reg) < 2 {
		t.Fatalf("registry: %d, %v", len(reg), err)
	}
	ids := map[string]int64{}
	for _, p := range reg {
		for _, a := range p.ASNs {
			ids[fmt.Sprintf("AS%d", a)] = p.ID
		}
	}
	ripe, google := ids["AS3333"], ids["AS15169"]
	if status, _ := get(t, e.client(t, ""), e.srv.URL, "/report"); status != 401 {
		t.Errorf("anonymous: %d, want 401", status)
	}
	for _, c := range []struct {
		name, token string
		own         int64 // the report shown without choosing
		other       int64 // another participant's: 403 for a participant
		seesAll     bool
	}{
		{"participant A", e.pRIPE, ripe, google, false},
		{"participant B", e.pGoogle, google, ripe, false},
		{"partner", e.partner, 0, ripe, true},
		{"secretariat", e.sec, 0, google, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			cl := e.client(t, c.token)
			status, body := get(t, cl, e.srv.URL, "/report")
			if status != 200 || !strings.Contains(body, `href="/report" aria-current="page"`) {
				t.Fatalf("status %d: %.300s", status, body)
			}
			if c.seesAll != strings.Contains(body, `id="participant-select"`) {
				t.Errorf("participant choice shown: %t, want %t", !c.seesAll, c.seesAll)
			}
			id := c.own
			if id == 0 {
				id = c.other
			}
			path := fmt.Sprintf("/report?participant=%d", id)
			if c.own != 0 {
				path = "/report"
			}
			_, body = get(t, cl, e.srv.URL, path)
			var api wire.Report
			e.apiJSON(t, c.token, fmt.Sprintf("/api/v2/reports/%d", id), &api)
			if api.Previous == nil || !strings.Contains(body, "changes since "+api.Previous.Format("2006-01")) {
				t.Errorf("no previous month on the page (API: %v)", api.Previous)
			}
			if !strings.Contains(body, fmt.Sprintf(`data-participant="%d"`, id)) || len(api.ASNs) == 0 {
				t.Fatalf("report %d not shown: %.500s", id, body)
			}
			for _, a := range api.ASNs {
				for _, s := range a.Scores {
					row := fmt.Sprintf(`<tr data-score="%s">`, s.ID)
					i := strings.Index(body, `data-asn="`+a.ASN.String()+`"`)
					if i < 0 || !strings.Contains(body[i:], row) || !strings.Contains(body[i:], scoreText(s.Value)) {
						t.Errorf("%s %s: the page has no row with %s", a.ASN, s.ID, scoreText(s.Value))
					}
				}
			}
			status, pdf := get(t, cl, e.srv.URL, fmt.Sprintf("/report.pdf?participant=%d", id))
			if status != 200 || !strings.HasPrefix(pdf, "%PDF-") || !strings.Contains(body, `id="pdf"`) {
				t.Errorf("PDF: %d %.10q", status, pdf)
			}
			want := 200
			if !c.seesAll {
				want = 403
			}
			if status, _ := get(t, cl, e.srv.URL, fmt.Sprintf("/report?participant=%d", c.other)); status != want {
				t.Errorf("another participant's report: %d, want %d", status, want)
			}
		})
	}
	for _, bad := range []string{"/report?participant=x", "/report?participant=999999", "/report?month=2026-13", "/report.pdf"} {
		if status, _ := get(t, e.client(t, e.sec), e.srv.URL, bad); status != 400 && status != 404 {
			t.Errorf("GET %s: %d, want 400 or 404", bad, status)
		}
	}
	cl := e.client(t, e.partner)
	id, _ := apikey.Parse(e.partner)
	if err := e.st.RevokeKey(context.Background(), id, time.Now()); err != nil {
		t.Fatal(err)
	}
	if status, _ := get(t, cl, e.srv.URL, fmt.Sprintf("/report?participant=%d", ripe)); status != 401 {
		t.Errorf("revoked key's session: %d, want 401", status)
	}
}
