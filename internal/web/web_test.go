package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/internal/store"
)

// pagePaths are the pages of the fixture every test walks.
var pagePaths = map[string]string{
	"overview":     "/",
	"map":          "/map",
	"map-roa6":     "/map?metric=roa6",
	"asn":          "/asn/AS3333",
	"participants": "/participants",
	"compare":      "/compare?asn=AS3333&asn=AS64500",
	"compare-reg":  "/compare?region=world&region=Europe",
	"specs":        "/specs",
	"specdiff":     "/specs/diff?a=netops@2024.1&b=netops@2024.1",
	"growth":       "/growth",
	"events":       "/events",
	"event":        "/events/3333-M2-1",
}

func TestWeb_PagesLoad(t *testing.T) {
	e := newEnv(t)
	c := e.client(t, "")
	for name, path := range pagePaths {
		t.Run(name, func(t *testing.T) {
			status, body := get(t, c, e.srv.URL, path)
			if status != 200 {
				t.Fatalf("GET %s: %d\n%s", path, status, body)
			}
			if !strings.Contains(body, `<a class="skip" href="#main">`) || !strings.Contains(body, "</html>") {
				t.Errorf("GET %s: no complete page with a skip link", path)
			}
			if strings.Contains(body, "<script>") {
				t.Errorf("GET %s: unescaped markup from the data", path)
			}
		})
	}
}

// TestWeb_OverviewMatchesAPI compares every number of the overview with
// GET /api/v2/scores/summary, for the world and for an economy.
func TestWeb_OverviewMatchesAPI(t *testing.T) {
	e := newEnv(t)
	c := e.client(t, "")
	for _, region := range []string{"world", "NL", "Europe", "netops"} {
		var sum struct {
			Scores []struct {
				ID     string   `json:"id"`
				Value  *float64 `json:"value"`
				Trend  *float64 `json:"trend"`
				Counts struct {
					Ready, Aspiring, Lagging, NoData float64
				} `json:"counts"`
			} `json:"aggregates"`
		}
		e.apiJSON(t, "", "/api/v2/scores/summary?region="+region, &sum)
		status, body := get(t, c, e.srv.URL, "/?region="+region)
		if status != 200 {
			t.Fatalf("region %s: %d", region, status)
		}
		if len(sum.Scores) != 5 {
			t.Fatalf("region %s: API has %d scores", region, len(sum.Scores))
		}
		for _, sc := range sum.Scores {
			got := attr(body, `data-score="`+sc.ID+`"`, "data-value")
			if want := strconv.FormatFloat(*sc.Value, 'g', -1, 64); got != want {
				t.Errorf("%s %s: page value %q, API %q", region, sc.ID, got, want)
			}
			if sc.Trend == nil {
				t.Errorf("%s %s: API has no trend", region, sc.ID)
			} else if got := attr(body, `data-trend="`+sc.ID+`"`, "data-value"); got != strconv.FormatFloat(*sc.Trend, 'g', -1, 64) {
				t.Errorf("%s %s: page trend %q, API %v", region, sc.ID, got, *sc.Trend)
			}
			for lvl, n := range map[string]float64{"ready": sc.Counts.Ready, "aspiring": sc.Counts.Aspiring,
				"lagging": sc.Counts.Lagging, "noData": sc.Counts.NoData} {
				if got := attr(body, `data-count="`+sc.ID+"-"+lvl+`"`, "data-value"); got != fmt.Sprint(n) {
					t.Errorf("%s %s %s: page count %q, API %v", region, sc.ID, lvl, got, n)
				}
			}
		}
	}
	_, body := get(t, c, e.srv.URL, "/")
	// Four incidents of four networks; ROA coverage from the world's stats.
	if got := attr(body, `id="incidents"`, "data-incidents"); got != "4" {
		t.Errorf("incidents = %q, want 4", got)
	}
	if got := attr(body, `id="networks"`, "data-networks"); got != "4" {
		t.Errorf("networks = %q, want 4", got)
	}
	if got := text(body, `data-roa="4"`); got != pct(3000.0/3512) {
		t.Errorf("IPv4 ROA coverage %q, want %q", got, pct(3000.0/3512))
	}
	if got := text(body, `data-roa="6"`); got != "50.0 %" {
		t.Errorf("IPv6 ROA coverage %q, want 50.0 %%", got)
	}
	if got := text(body, `data-share="roaValidShare"`); got != "70.0 %" {
		t.Errorf("roaValidShare %q, want 70.0 %%", got)
	}
	if got := text(body, `data-share-participants="roaValidShare-netops"`); got != "100.0 %" {
		t.Errorf("participants' roaValidShare %q, want 100.0 %%", got)
	}
	_, nl := get(t, c, e.srv.URL, "/?region=nl&month=2026-09")
	if got := attr(nl, `id="incidents"`, "data-incidents"); got != "2" {
		t.Errorf("NL incidents in September = %q, want 2", got)
	}
	if !strings.Contains(nl, `data-month="2026-09"`) {
		t.Error("?month=2026-09 did not select September")
	}
}

// TestWeb_ASNVisibility checks who sees what on /asn/: scores equal to
// GET /api/v2/ases/{asn} for the same caller; evidence only for a key
// that may see it.
func TestWeb_ASNVisibility(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name, token string
		asn         uint32
		details     bool
	}{
		{"anonymous on a participant", "", asnRIPE, false},
		{"anonymous on a non-participant", "", asnNL, false},
		{"participant on its own ASN", e.pRIPE, asnRIPE, true},
		{"participant on another's ASN", e.pRIPE, asnGoogle, false},
		{"participant on a non-participant", e.pRIPE, asnUS, false},
		{"partner", e.partner, asnGoogle, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var rec struct {
				Scores []struct {
					ID    string   `json:"id"`
					Value *float64 `json:"value"`
					Level string   `json:"level"`
				} `json:"scores"`
			}
			e.apiJSON(t, tc.token, fmt.Sprintf("/api/v2/ases/AS%d", tc.asn), &rec)
			status, body := get(t, e.client(t, tc.token), e.srv.URL, fmt.Sprintf("/asn/AS%d", tc.asn))
			if status != 200 {
				t.Fatalf("status %d", status)
			}
			shown := map[string]bool{}
			for _, sc := range rec.Scores {
				shown[sc.ID] = true
				want := ""
				if sc.Value != nil {
					want = strconv.FormatFloat(*sc.Value, 'g', -1, 64)
				}
				if got := attr(body, `data-score="`+sc.ID+`"`, "data-value"); got != want {
					t.Errorf("%s: page %q, API %q", sc.ID, got, want)
				}
				if got := attr(body, `data-level="`+sc.ID+`"`, "class"); got != "lvl "+sc.Level {
					t.Errorf("%s level: page %q, API %q", sc.ID, got, sc.Level)
				}
			}
			for _, id := range scoreIDs {
				if !shown[id] && !strings.Contains(body, `data-score="`+id+`" data-value="">not public`) {
					t.Errorf("%s: hidden by the API but not marked not public on the page", id)
				}
			}
			secret := fmt.Sprintf("secret-evidence-%d", tc.asn)
			if got := strings.Contains(body, secret) || strings.Contains(body, `id="evidence"`); got != tc.details {
				t.Errorf("evidence shown = %v, want %v", got, tc.details)
			}
			for _, other := range []uint32{asnRIPE, asnGoogle, asnNL, asnUS} {
				if other != tc.asn && strings.Contains(body, fmt.Sprintf("secret-evidence-%d", other)) {
					t.Errorf("page carries AS%d's evidence", other)
				}
			}
			canFlag := strings.Contains(body, `data-flag="`)
			if want := tc.details && tc.token == e.pRIPE; canFlag != want {
				t.Errorf("flag button shown = %v, want %v", canFlag, want)
			}
		})
	}
}

func TestWeb_ASNHistoryAndTimeline(t *testing.T) {
	e := newEnv(t)
	_, body := get(t, e.client(t, e.partner), e.srv.URL, "/asn/AS64500")
	for _, want := range []string{`<tr data-month="2026-10">`, `<tr data-month="2026-09">`, `class="chart"`, `class="timeline"`,
		`<code>192.0.2.0/24</code>`, `data-incident="64500-M2-1"`, "1d 0h"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

// TestWeb_ASNROV: the ASN page shows the inferred ROV deployment of a
// network seen as a transit hop, and nothing for one that was not.
func TestWeb_ASNROV(t *testing.T) {
	e := newEnv(t)
	_, body := get(t, e.client(t, ""), e.srv.URL, "/asn/AS64500")
	if want := `data-rov="deploys">deploys, confidence 0.71: 0 RPKI-invalid routes passed on, 5 of its neighbours' dropped`; !strings.Contains(body, want) {
		t.Errorf("AS64500 page lacks %q", want)
	}
	if _, body := get(t, e.client(t, ""), e.srv.URL, "/asn/AS3333"); strings.Contains(body, `id="rov"`) {
		t.Error("AS3333, never a transit hop, shows a ROV verdict")
	}
}

func TestWeb_NotFound(t *testing.T) {
	e := newEnv(t)
	c := e.client(t, "")
	for _, path := range []string{"/asn/AS12", "/asn/12?month=2026-10", "/asn/ASX", "/?month=2020-01", "/?region=Atlantis",
		"/nope", "/asn/AS3333?month=1999-01", "/specs/diff?a=nope@1&b=netops@2024.1", "/map?month=2020-02"} {
		if status, _ := get(t, c, e.srv.URL, path); status != 404 {
			t.Errorf("GET %s: %d, want 404", path, status)
		}
	}
}

// TestWeb_HostileQueries: no value of a query parameter makes a 500.
func TestWeb_HostileQueries(t *testing.T) {
	e := newEnv(t)
	c := e.client(t, "")
	hostile := []string{"", "%00", "%ff%fe", "'\"><script>alert(1)</script>", strings.Repeat("A", 5000), "-1", "9999-99",
		"../../etc/passwd", "AS99999999999", "%E2%80%AE", "1e309", "NaN"}
	for _, base := range []string{"/?month=", "/?region=", "/map?metric=", "/map?month=", "/asn/AS3333?month=", "/asn/AS3333?rpage=",
		"/participants?sort=", "/participants?dir=", "/participants?q=", "/participants.csv?q=", "/compare?asn=AS1&asn=",
		"/compare?region=world&region=", "/specs/diff?a=netops@2024.1&b=", "/asn/?asn=", "/signin?next="} {
		for _, v := range hostile {
			path := base + v // already escaped
			if !strings.HasPrefix(v, "%") {
				path = base + url.QueryEscape(v)
			}
			status, body := get(t, c, e.srv.URL, path)
			if status >= 500 {
				t.Errorf("GET %s: %d", path, status)
			}
			if strings.Contains(body, "<script>alert(1)") {
				t.Errorf("GET %s: reflected markup", path)
			}
		}
	}
}

func TestWeb_ParticipantsMatchAPI(t *testing.T) {
	e := newEnv(t)
	var tbl struct {
		Items []struct {
			Organisation string `json:"organisation"`
			Action1Mark  string `json:"action1Mark"`
			RPKI         struct {
				Value *float64 `json:"value"`
				Level string   `json:"level"`
			} `json:"routingInformationRPKI"`
		} `json:"items"`
	}
	e.apiJSON(t, "", "/api/v2/participants", &tbl)
	_, body := get(t, e.client(t, ""), e.srv.URL, "/participants")
	if len(tbl.Items) != 2 {
		t.Fatalf("API lists %d participants", len(tbl.Items))
	}
	for _, it := range tbl.Items {
		row := body[strings.Index(body, `data-org="`+it.Organisation+`"`):]
		row = row[:strings.Index(row, "</tr>")]
		if !strings.Contains(row, `class="lvl `+it.Action1Mark+`"`) {
			t.Errorf("%s: Action 1 mark %s not on the page: %s", it.Organisation, it.Action1Mark, row)
		}
		if !strings.Contains(row, fmt.Sprintf(`<span class="val">%.3f</span>`, *it.RPKI.Value)) {
			t.Errorf("%s: RPKI %.3f not on the page", it.Organisation, *it.RPKI.Value)
		}
	}
}

func TestWeb_ParticipantsSortSearchCSV(t *testing.T) {
	e := newEnv(t)
	c := e.client(t, "")
	order := func(path string) []string {
		_, body := get(t, c, e.srv.URL, path)
		var orgs []string
		for _, part := range strings.Split(body, `<tr data-org="`)[1:] {
			orgs = append(orgs, part[:strings.Index(part, `"`)])
		}
		return orgs
	}
	if got := order("/participants"); strings.Join(got, ",") != "Google,RIPE NCC" {
		t.Errorf("default order %v", got)
	}
	if got := order("/participants?sort=organisation&dir=desc"); strings.Join(got, ",") != "RIPE NCC,Google" {
		t.Errorf("descending order %v", got)
	}
	if got := order("/participants?sort=approved&dir=asc"); strings.Join(got, ",") != "RIPE NCC,Google" {
		t.Errorf("by date approved %v", got)
	}
	if got := order("/participants?q=europe"); strings.Join(got, ",") != "RIPE NCC" {
		t.Errorf("search europe %v", got)
	}
	if got := order("/participants?q=AS15169"); strings.Join(got, ",") != "Google" {
		t.Errorf("search AS15169 %v", got)
	}
	resp, err := c.Get(e.srv.URL + "/participants.csv?q=ripe")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("Content-Type %q", ct)
	}
	recs, err := csv.NewReader(resp.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0][0] != "Organisation" || recs[1][0] != "RIPE NCC" || recs[1][4] != "AS3333" || recs[1][2] != "2015-01-01" {
		t.Errorf("CSV = %q", recs)
	}
}

func TestWeb_MapAndCompare(t *testing.T) {
	e := newEnv(t)
	c := e.client(t, "")
	_, body := get(t, c, e.srv.URL, "/map?metric=roa4")
	if !strings.Contains(body, `<a href="/?region=NL&amp;month=2026-10" data-cc="NL" tabindex="-1"><path class="v17"`) {
		t.Error("NL is not a link coloured by its IPv4 ROA coverage (89 %)")
	}
	if got := text(body, `data-value="NL"`); got != pct(2048.0/2304) {
		t.Errorf("map table NL = %q", got)
	}
	_, body = get(t, c, e.srv.URL, "/map?metric=filtering")
	if got := text(body, `data-value="NL"`); got != "0.500" {
		t.Errorf("map table NL filtering = %q", got)
	}
	_, body = get(t, c, e.srv.URL, "/compare?asn=AS3333&asn=AS64500")
	// Anonymous: AS3333 is a participant, filtering is not public.
	if !strings.Contains(body, `data-compare="filtering" data-item="AS3333" data-month="2026-10">⊘ not public`) {
		t.Error("compare shows a participant's non-public score to an anonymous visitor")
	}
	if !strings.Contains(body, `data-compare="filtering" data-item="AS64500" data-month="2026-09">0.450`) {
		t.Error("compare lacks AS64500's September filtering score")
	}
	if status, _ := get(t, c, e.srv.URL, "/compare?asn=AS1"); status != 400 {
		t.Errorf("one ASN: %d, want 400", status)
	}
	_, body = get(t, c, e.srv.URL, "/compare?region=world&region=NL")
	if !strings.Contains(body, `data-compare="coordination" data-item="NL" data-month="2026-10">0.600`) {
		t.Error("compare lacks NL's coordination aggregate")
	}
}

// TestWeb_SignInAndFeedback signs in through the form, flags an incident
// with and without the CSRF token, and signs out.
func TestWeb_SignInAndFeedback(t *testing.T) {
	e := newEnv(t)
	c := e.client(t, "")
	post := func(path string, form url.Values, hdr map[string]string) *http.Response {
		req, _ := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if resp := post("/signin", url.Values{"token": {"obs_nope"}}, nil); resp.StatusCode != 401 {
		t.Errorf("bad key: %d, want 401", resp.StatusCode)
	}
	if resp := post("/signin", url.Values{"token": {e.pRIPE}}, map[string]string{"Sec-Fetch-Site": "cross-site"}); resp.StatusCode != 403 {
		t.Errorf("cross-site sign-in: %d, want 403", resp.StatusCode)
	}
	resp := post("/signin", url.Values{"token": {e.pRIPE}, "next": {"/asn/AS3333"}}, nil)
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/asn/AS3333" {
		t.Fatalf("sign-in: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	ck := resp.Cookies()
	if len(ck) != 1 || !ck[0].HttpOnly || ck[0].SameSite != http.SameSiteStrictMode {
		t.Fatalf("cookie %+v: want HttpOnly, SameSite=Strict", ck)
	}
	_, body := get(t, c, e.srv.URL, "/asn/AS3333")
	csrf := attr(body, `<body`, "data-csrf")
	if csrf == "" || !strings.Contains(body, "secret-evidence-3333") {
		t.Fatal("signed in, the page has no CSRF token or no evidence")
	}
	// The API through the cookie: a read works, a write without the token is anonymous.
	if status, _ := get(t, c, e.srv.URL, "/api/v2/scores/details?asn=AS3333"); status != 200 {
		t.Errorf("details through the cookie: %d", status)
	}
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v2/incidents/3333-M2-1/feedback", strings.NewReader(`{"reason":"x"}`))
	req.Header.Set("Content-Type", "application/json")
	r2, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r2.Body.Close()
	if r2.StatusCode != 401 {
		t.Errorf("API write with the cookie but no CSRF token: %d, want 401", r2.StatusCode)
	}
	if resp := post("/incidents/3333-M2-1/feedback", url.Values{"reason": {"ours"}, "csrf": {"wrong"}}, nil); resp.StatusCode != 403 {
		t.Errorf("form without the CSRF token: %d, want 403", resp.StatusCode)
	}
	resp = post("/incidents/3333-M2-1/feedback", url.Values{"reason": {"a planned move"}, "csrf": {csrf}, "next": {"/asn/AS3333"}}, nil)
	if resp.StatusCode != 303 {
		t.Fatalf("flag: %d", resp.StatusCode)
	}
	fbs, err := e.st.Feedbacks(context.Background(), store.FeedbackFilter{ASNs: []uint32{asnRIPE}})
	if err != nil || len(fbs) != 1 || fbs[0].Reason != "a planned move" || fbs[0].Verdict != store.VerdictPending {
		t.Fatalf("feedback %+v, %v", fbs, err)
	}
	_, body = get(t, c, e.srv.URL, "/asn/AS3333")
	if !strings.Contains(body, "pending: a planned move") || strings.Contains(body, `data-flag="3333-M2-1"`) {
		t.Error("the trail does not show the pending feedback, or the button is still there")
	}
	// The secretariat accepts it through the API: the incident leaves the
	// month's counts at once, with no re-ingest.
	_, before := get(t, e.client(t, ""), e.srv.URL, "/")
	if got := attr(before, `id="incidents"`, "data-incidents"); got != "4" {
		t.Fatalf("incidents before the review = %q, want 4", got)
	}
	rv, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v2/feedback/%d/review", e.srv.URL, fbs[0].ID),
		strings.NewReader(`{"verdict":"accepted","note":"planned"}`))
	rv.Header.Set("Content-Type", "application/json")
	rv.Header.Set("Authorization", "Bearer "+e.sec)
	r3, err := http.DefaultClient.Do(rv)
	if err != nil {
		t.Fatal(err)
	}
	r3.Body.Close()
	if r3.StatusCode != 200 {
		t.Fatalf("review: %d", r3.StatusCode)
	}
	_, after := get(t, e.client(t, ""), e.srv.URL, "/")
	if got := attr(after, `id="incidents"`, "data-incidents"); got != "3" {
		t.Errorf("incidents after an accepted false positive = %q, want 3", got)
	}
	_, body = get(t, c, e.srv.URL, "/asn/AS3333")
	if !strings.Contains(body, "accepted: a planned move — planned") || !strings.Contains(body, `class="incident excluded"`) {
		t.Error("the ASN page does not show the accepted verdict and the excluded incident")
	}
	// Another participant's incident is refused by the API.
	if resp := post("/incidents/15169-M2-1/feedback", url.Values{"reason": {"x"}, "csrf": {csrf}}, nil); resp.StatusCode != 403 {
		t.Errorf("flag another's incident: %d, want 403", resp.StatusCode)
	}
	if resp := post("/signout", url.Values{"csrf": {csrf}}, nil); resp.StatusCode != 303 {
		t.Errorf("sign-out: %d", resp.StatusCode)
	}
	_, body = get(t, c, e.srv.URL, "/asn/AS3333")
	if strings.Contains(body, "secret-evidence") || !strings.Contains(body, `id="signin"`) {
		t.Error("still signed in after signing out")
	}
}

// TestWeb_PageWeight: every page with its stylesheet and script, charts
// and map included, stays under 500 kB.
func TestWeb_PageWeight(t *testing.T) {
	e := newEnv(t)
	c := e.client(t, e.partner)
	_, css := get(t, c, e.srv.URL, "/static/app.css")
	_, js := get(t, c, e.srv.URL, "/static/app.js")
	for name, path := range pagePaths {
		_, body := get(t, c, e.srv.URL, path)
		total := len(body) + len(css) + len(js)
		t.Logf("%s: %d bytes (HTML %d)", name, total, len(body))
		if total >= 500_000 {
			t.Errorf("%s: %d bytes, want < 500 kB", name, total)
		}
	}
}

// TestWeb_TablesSortWithoutJS sorts the map's table and an ASN's routes
// through the query, and checks the header links carry the other
// parameters.
func TestWeb_TablesSortWithoutJS(t *testing.T) {
	e := newEnv(t)
	c := e.client(t, e.partner)
	rowsOf := func(body, marker string) []string {
		var out []string
		for _, part := range strings.Split(body, marker)[1:] {
			out = append(out, part[:strings.Index(part, `"`)])
		}
		return out
	}
	_, body := get(t, c, e.srv.URL, "/map?metric=roa4&sort=value&dir=desc")
	got := rowsOf(body, `<tr data-cc="`)
	if len(got) == 0 || got[0] != "NL" {
		t.Errorf("map table by value descending: %v, want NL first", got)
	}
	if !strings.Contains(body, `href="/map?dir=asc&amp;metric=roa4&amp;month=2026-10&amp;sort=value#map-table"`) {
		t.Error("the value column's link does not reverse the order keeping metric and month")
	}
	_, body = get(t, c, e.srv.URL, "/asn/AS3333?rsort=prefix&rdir=desc")
	if got := rowsOf(body, `<tr data-prefix="`); len(got) != 2 {
		t.Fatalf("routes: %v", got)
	}
	i4, i6 := strings.Index(body, "<code>193.0.0.0/21</code>"), strings.Index(body, "<code>2001:67c:2e8::/48</code>")
	if i6 < 0 || i4 < i6 {
		t.Error("routes by prefix descending: IPv6 should come first")
	}
}

// TestWeb_APIBridge: the cookie is a Bearer header for the API; a write
// needs the page's CSRF token and a same-origin request, as the
// feedback button's fetch sends.
func TestWeb_APIBridge(t *testing.T) {
	e := newEnv(t)
	c := e.client(t, e.pGoogle)
	_, page := get(t, c, e.srv.URL, "/asn/AS15169")
	csrf := attr(page, `<body`, "data-csrf")
	if csrf == "" || !strings.Contains(page, `data-flag="15169-M2-1"`) {
		t.Fatal("the owner's page has no CSRF token or no flag button")
	}
	flag := func(site, token string) int {
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/v2/incidents/15169-M2-1/feedback", strings.NewReader(`{"reason":"anycast"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Sec-Fetch-Site", site)
		req.Header.Set("X-CSRF-Token", token)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := flag("cross-site", csrf); got != 401 {
		t.Errorf("cross-site with the token: %d, want 401", got)
	}
	if got := flag("same-origin", "forged"); got != 401 {
		t.Errorf("same-origin with a wrong token: %d, want 401", got)
	}
	if got := flag("same-origin", csrf); got != 201 {
		t.Errorf("same-origin with the token: %d, want 201", got)
	}
	// A read through the cookie sees what the key sees.
	if status, _ := get(t, c, e.srv.URL, "/api/v2/scores/details?asn=AS15169"); status != 200 {
		t.Errorf("own details through the cookie: %d", status)
	}
	if status, _ := get(t, c, e.srv.URL, "/api/v2/scores/details?asn=AS3333"); status != 403 {
		t.Errorf("another's details through the cookie: %d, want 403", status)
	}
}

// TestWeb_ASNLeak: the ASN page shows the route-leak protection of a
// network with a verdict, and nothing for one without.
func TestWeb_ASNLeak(t *testing.T) {
	e := newEnv(t)
	_, body := get(t, e.client(t, ""), e.srv.URL, "/asn/AS64500")
	if want := `data-leak="protects">protects: 0 leaks caused, 0 customer leaks passed on, 12 customer routes carried; ASPA lists 2 providers, leaves out 0 seen above it`; !strings.Contains(body, want) {
		t.Errorf("AS64500 page lacks %q", want)
	}
	if _, body := get(t, e.client(t, ""), e.srv.URL, "/asn/AS3333"); strings.Contains(body, `id="leak"`) {
		t.Error("AS3333, without a verdict, shows a leak protection")
	}
}
