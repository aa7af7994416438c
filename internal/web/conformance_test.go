package web

import (
	"context"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/apikey"
)

// TestWeb_Conformance: with August stored, Filtering lags three months
// in a row in October for both participants. The page shows each
// signed-in visitor the flags the API gives its key, with the history and
// a CSV of the same rows; anonymous visitors and revoked keys get 401.
func TestWeb_Conformance(t *testing.T) {
	e := newEnvWith(t, func(o *Options) { o.KeyCacheTTL = 0 })
	august := time.Date(2026, time.August, 1, 0, 0, 0, 0, time.UTC)
	if err := e.st.WriteMonth(context.Background(), fixtureMonth(august, -0.2)); err != nil {
		t.Fatal(err)
	}
	if status, _ := get(t, e.client(t, ""), e.srv.URL, "/conformance"); status != 401 {
		t.Errorf("anonymous: %d, want 401", status)
	}
	if status, _ := get(t, e.client(t, ""), e.srv.URL, "/conformance.csv"); status != 401 {
		t.Errorf("anonymous CSV: %d, want 401", status)
	}
	for _, c := range []struct {
		name, token string
		asns        []string
	}{
		{"participant A", e.pRIPE, []string{"AS15169", "AS3333"}}, // every participant's readiness
		{"participant B", e.pGoogle, []string{"AS15169", "AS3333"}},
		{"partner", e.partner, []string{"AS15169", "AS3333"}},
		{"secretariat", e.sec, []string{"AS15169", "AS3333"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cl := e.client(t, c.token)
			status, body := get(t, cl, e.srv.URL, "/conformance?month=2026-10")
			if status != 200 {
				t.Fatalf("status %d: %.300s", status, body)
			}
			var api wire.ConformanceFlags
			e.apiJSON(t, c.token, "/api/v2/conformance/flags?month=2026-10", &api)
			if got := attr(body, `id="flag-count"`, "data-flags"); got != strconv.Itoa(len(api.Items)) || len(api.Items) != len(c.asns) {
				t.Errorf("page shows %s flags, the API %d, want %d", got, len(api.Items), len(c.asns))
			}
			for i, f := range api.Items {
				if f.ASN.String() != c.asns[i] || !strings.Contains(body, `data-asn="`+c.asns[i]+`" data-score="filtering" data-kind="lagging"`) {
					t.Errorf("flag %d: %s, want %s on the page", i, f.ASN, c.asns[i])
				}
			}
			for _, other := range []string{"AS3333", "AS15169"} {
				if !strings.Contains(strings.Join(c.asns, " "), other) && strings.Contains(body, `data-asn="`+other+`"`) {
					t.Errorf("%s sees %s's flag", c.name, other)
				}
			}
			if !strings.Contains(body, `data-month="2026-08" data-state="lagging"`) || !strings.Contains(body, `data-state="notStored"`) {
				t.Errorf("no history on the page: %.500s", body)
			}
			if !strings.Contains(body, `href="/conformance"`) {
				t.Error("the navigation has no Conformance link when signed in")
			}
			status, csvBody := get(t, cl, e.srv.URL, "/conformance.csv?month=2026-10")
			rows, err := csv.NewReader(strings.NewReader(csvBody)).ReadAll()
			if status != 200 || err != nil || len(rows) != len(c.asns)+1 || rows[1][5] != c.asns[0] {
				t.Errorf("CSV: %d, %v, %q", status, err, rows)
			}
		})
	}
	for _, bad := range []string{"/conformance?month=2026-13", "/conformance?month=x", "/conformance.csv?month=1999-01"} {
		if status, _ := get(t, e.client(t, e.sec), e.srv.URL, bad); status != 400 && status != 404 {
			t.Errorf("GET %s: %d, want 400 or 404", bad, status)
		}
	}
	if _, body := get(t, e.client(t, ""), e.srv.URL, "/"); strings.Contains(body, `href="/conformance"`) {
		t.Error("the navigation links Conformance for anonymous visitors")
	}
	// A session whose key is revoked sees nothing.
	cl := e.client(t, e.partner)
	id, _ := apikey.Parse(e.partner)
	if err := e.st.RevokeKey(context.Background(), id, time.Now()); err != nil {
		t.Fatal(err)
	}
	if status, body := get(t, cl, e.srv.URL, "/conformance?month=2026-10"); status != 401 || strings.Contains(body, `data-kind="lagging"`) {
		t.Errorf("revoked key's session: %d, want 401 without flags", status)
	}
}
