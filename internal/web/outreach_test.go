package web

import (
	"encoding/csv"
	"strconv"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/api/wire"
)

// TestWeb_OutreachAccess: the Outreach page and its CSV for the
// secretariat and partners only, its link in the navigation for them
// only; the Growth page for everyone.
func TestWeb_OutreachAccess(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		who, token string
		outreach   int
	}{
		{"anonymous", "", 401},
		{"participant", e.pRIPE, 403},
		{"partner", e.partner, 200},
		{"secretariat", e.sec, 200},
	} {
		cl := e.client(t, c.token)
		for _, path := range []string{"/outreach", "/outreach.csv", "/outreach?economy=NL"} {
			status, body := get(t, cl, e.srv.URL, path)
			if status != c.outreach {
				t.Errorf("%s GET %s: %d, want %d", c.who, path, status, c.outreach)
			}
			if status != 200 && strings.Contains(body, "EXAMPLE-") {
				t.Errorf("%s GET %s: a refusal names a network", c.who, path)
			}
		}
		status, body := get(t, cl, e.srv.URL, "/growth")
		if status != 200 || !strings.Contains(body, `id="growth-shares"`) {
			t.Errorf("%s GET /growth: %d", c.who, status)
		}
		if nav := strings.Contains(body, `href="/outreach"`); nav != (c.outreach == 200) {
			t.Errorf("%s: Outreach in the navigation %v", c.who, nav)
		}
	}
}

// TestWeb_OutreachMatchesAPI compares the page's and the CSV's rows with
// GET /api/v2/outreach, and checks bad input.
func TestWeb_OutreachMatchesAPI(t *testing.T) {
	e := newEnv(t)
	cl := e.client(t, e.sec)
	for _, q := range []string{"", "?region=Europe", "?economy=us", "?economy=JP"} {
		var api wire.OutreachList
		e.apiJSON(t, e.partner, "/api/v2/outreach"+q, &api)
		_, body := get(t, cl, e.srv.URL, "/outreach"+q)
		var page []string
		for _, part := range strings.Split(body, `<tr data-asn="`)[1:] {
			page = append(page, "AS"+part[:strings.Index(part, `"`)])
		}
		status, csvBody := get(t, cl, e.srv.URL, "/outreach.csv"+q)
		recs, err := csv.NewReader(strings.NewReader(csvBody)).ReadAll()
		if status != 200 || err != nil || len(recs) != len(api.Items)+1 {
			t.Fatalf("CSV %s: %d %v, %d rows for %d items", q, status, err, len(recs), len(api.Items))
		}
		if len(page) != len(api.Items) {
			t.Errorf("%s: page %v, API %d items", q, page, len(api.Items))
		}
		for i, it := range api.Items {
			if i < len(page) && page[i] != it.ASN.String() {
				t.Errorf("%s row %d: page %s, API %s", q, i, page[i], it.ASN)
			}
			if r := recs[i+1]; r[0] != strconv.Itoa(it.Rank) || r[1] != it.ASN.String() || r[10] != strconv.Itoa(it.Incidents) {
				t.Errorf("%s CSV row %d %q, API %+v", q, i, r, it)
			}
		}
		if q == "?economy=JP" && !strings.Contains(body, "No network that is not a participant here.") {
			t.Errorf("an empty economy says nothing")
		}
	}
	for _, q := range []string{"?economy=NLD", "?region=Europe&economy=NL", "?region=%3Cscript%3E%00"} {
		if status, body := get(t, cl, e.srv.URL, "/outreach"+q); status != 400 || strings.Contains(body, "<script>") {
			t.Errorf("GET /outreach%s: %d", q, status)
		}
	}
}
