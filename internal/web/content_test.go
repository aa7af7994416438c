package web

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/store/sqlite"
)

// The content tests: what the pages say in words, checked against the
// API's numbers and the specification rather than against copies of them.

// TestContent_ScoreCardsExplained: each card says over how many networks
// its mean is (the API's counts) and the specification's thresholds.
func TestContent_ScoreCardsExplained(t *testing.T) {
	e := newEnv(t)
	c := e.client(t, "")
	sp, err := spec.Get(fixtureSpec)
	if err != nil {
		t.Fatal(err)
	}
	for _, region := range []string{"world", "NL", "netops"} {
		var sum struct {
			Scores []struct {
				ID     string `json:"id"`
				Counts struct{ Ready, Aspiring, Lagging float64 }
			} `json:"aggregates"`
		}
		e.apiJSON(t, "", "/api/v2/scores/summary?region="+region, &sum)
		_, body := get(t, c, e.srv.URL, "/?region="+region)
		for _, sc := range sum.Scores {
			want := num(int(sc.Counts.Ready + sc.Counts.Aspiring + sc.Counts.Lagging))
			if got := text(body, `data-card-networks="`+sc.ID+`"`); got != want {
				t.Errorf("%s %s: card says a mean of %q networks, API counts %s", region, sc.ID, got, want)
			}
		}
		ready := "ready ≥ " + strconv.FormatFloat(sp.Readiness.Ready, 'f', 2, 64)
		aspiring := "aspiring ≥ " + strconv.FormatFloat(sp.Readiness.Aspiring, 'f', 2, 64)
		if !strings.Contains(body, ready) || !strings.Contains(body, aspiring) {
			t.Errorf("%s: the cards do not state the thresholds %q, %q", region, ready, aspiring)
		}
	}
}

// TestContent_SharesLabelled: the valid-route share and RPKI readiness
// stand side by side, labelled, from the same aggregates; no programme
// column twice; no comparison of the world with itself.
func TestContent_SharesLabelled(t *testing.T) {
	e := newEnv(t)
	c := e.client(t, "")
	m := fixtureMonth(october, 0)
	for _, region := range []string{"world", "netops"} {
		_, body := get(t, c, e.srv.URL, "/?region="+region)
		if !strings.Contains(body, `id="share-note"`) {
			t.Errorf("%s: no note beside the shares", region)
		}
		var rpki store.Aggregate
		for _, a := range m.Aggregates {
			if strings.EqualFold(a.Key, region) && a.Score == "routingInformationRPKI" {
				rpki = a
			}
		}
		if got, want := attr(body, `id="rpki-ready"`, "data-ready"), strconv.Itoa(rpki.Ready); got != want {
			t.Errorf("%s: RPKI-ready networks %q, aggregate %s", region, got, want)
		}
		if got, want := attr(body, `id="rpki-ready"`, "data-judged"), strconv.Itoa(rpki.Ready+rpki.Aspire+rpki.Lag); got != want {
			t.Errorf("%s: RPKI-judged networks %q, aggregate %s", region, got, want)
		}
		if n := strings.Count(body, "Participants: netops</th>"); n > 1 {
			t.Errorf("%s: %d columns headed Participants: netops", region, n)
		}
		if strings.Contains(body, "Networks with a valid ROA") {
			t.Errorf("%s: the share keeps its ambiguous label", region)
		}
	}
	_, world := get(t, c, e.srv.URL, "/")
	if strings.Contains(world, `id="compare-world"`) || !strings.Contains(world, "share-note") {
		t.Error("the world's overview offers to compare the world with itself, or lacks the share note")
	}
	_, nl := get(t, c, e.srv.URL, "/?region=NL")
	if !strings.Contains(nl, `id="compare-world"`) {
		t.Error("an economy's overview does not offer the comparison with the world")
	}
}

// TestContent_MetricsInWords: every metric is named, a raw count prints
// as an integer, and a metric not counted says why, from the spec.
func TestContent_MetricsInWords(t *testing.T) {
	e := newEnv(t)
	c := e.client(t, e.partner)
	_, body := get(t, c, e.srv.URL, "/asn/AS64500")
	sp, _ := spec.Get(fixtureSpec)
	for _, mt := range fixtureMonth(october, 0).ASNs[2].Metrics {
		row := body[strings.Index(body, `data-metric-row="`+mt.ID+`"`):]
		row = row[:strings.Index(row, "</tr>")]
		if !strings.Contains(row, metricNames[mt.ID]) {
			t.Errorf("%s: not named in words: %s", mt.ID, row)
		}
		if got := text(row, `data-raw="`+mt.ID+`"`); strings.Contains(got, ".000") {
			t.Errorf("%s: raw %v printed as %q", mt.ID, mt.Raw, got)
		}
		if !mt.Counted {
			a := sp.Actions[0] // M1 is shown by Filtering, not counted
			if !strings.Contains(row, "does not count it in Action "+strconv.Itoa(a.Action)+" "+a.Name) {
				t.Errorf("%s: not counted without a reason: %s", mt.ID, row)
			}
		}
	}
	if got := text(body, `id="rir"`); got != "RIPE NCC" {
		t.Errorf("RIR shown %q, want RIPE NCC for ripencc", got)
	}
	for _, c := range []struct{ in, want string }{{"iana", "IANA"}, {"ripencc", "RIPE NCC"}, {"ARIN", "ARIN"}, {"lacnic", "LACNIC"}, {"x", "x"}} {
		if got := rirName(c.in); got != c.want {
			t.Errorf("rirName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	for v, want := range map[float64]string{1102: "1,102", 0: "0", 0.5: "0.500", 1234567: "1,234,567"} {
		if got := rawText(v); got != want {
			t.Errorf("rawText(%v) = %q, want %q", v, got, want)
		}
	}
}

// TestContent_ASNRoutes: the page leads with the routes by RPKI state
// (the API's routes counted), filters the invalid ones, lists their
// covering VRPs, the IRR sources and the peers out of the month's.
func TestContent_ASNRoutes(t *testing.T) {
	e := newEnv(t)
	c := e.client(t, e.partner)
	var d struct {
		Routes []struct {
			Prefix string `json:"prefix"`
			RPKI   string `json:"rpki"`
		} `json:"routes"`
	}
	e.apiJSON(t, e.partner, "/api/v2/scores/details?asn=AS64500", &d)
	counts := map[string]int{}
	for _, r := range d.Routes {
		counts[rpkiState(r.RPKI)]++
	}
	_, body := get(t, c, e.srv.URL, "/asn/AS64500")
	for _, st := range []string{"valid", "invalid", "not-found"} {
		if got := attr(body, `data-routes="`+st+`"`, "data-value"); got != strconv.Itoa(counts[st]) {
			t.Errorf("%s routes %q, API %d", st, got, counts[st])
		}
	}
	if got := attr(body, `data-v4="invalid"`, "data-value"); got != "256" {
		t.Errorf("invalid IPv4 space %q, want 256 for one /24", got)
	}
	if !strings.Contains(body, `id="only-invalid"`) {
		t.Fatal("no invalid-only filter")
	}
	m := fixtureMonth(october, 0)
	if got := attr(body, `id="peers"`, "data-total-peers"); got != strconv.Itoa(m.Meta.Stats.Peers) {
		t.Errorf("total peers %q, month %d", got, m.Meta.Stats.Peers)
	}
	if !strings.Contains(body, fmt.Sprintf("seen by %d of %d collector peers", m.ASNs[2].Peers, m.Meta.Stats.Peers)) {
		t.Error("the facts do not say seen by N of M peers")
	}
	if got := text(body, `data-irr-sources="192.0.2.0/24"`); got != strings.Join(m.Routes[3].IRRSource, ", ") {
		t.Errorf("IRR sources %q, route %v", got, m.Routes[3].IRRSource)
	}
	_, inv := get(t, c, e.srv.URL, "/asn/AS64500?rpki=invalid")
	if got := strings.Count(inv, `<tr data-prefix="`); got != counts["invalid"] {
		t.Errorf("invalid-only table has %d rows, API %d invalid", got, counts["invalid"])
	}
	for _, v := range nlVRPs {
		if !strings.Contains(inv, vrpText(v)) {
			t.Errorf("covering VRP %+v not listed: want %q", v, vrpText(v))
		}
	}
	// Without the evidence (an older ingest), the page says so.
	_, us := get(t, c, e.srv.URL, "/asn/AS64501")
	if !strings.Contains(us, "recorded no covering VRPs") {
		t.Error("a month without VRP evidence does not say so")
	}
}

// TestContent_EvidenceTable: an incident is a section with an anchor, its
// evidence a table with the rule once and the culprit marked; the CSV
// holds every event.
func TestContent_EvidenceTable(t *testing.T) {
	var items []map[string]any
	for i := range 14 {
		items = append(items, map[string]any{"prefix": fmt.Sprintf("10.%d.0.0/16", i), "path": "25152 2516 17676 209",
			"leaker": "17676", "rule": "valley-free violation", "event": strconv.Itoa(i)})
	}
	raw, _ := json.Marshal(items)
	ev := evidenceOf(raw, 2516)
	if ev.Rule != "valley-free violation" || ev.All != 14 || len(ev.Rows) != 14 || ev.More != 0 {
		t.Fatalf("evidence %+v: want the rule once and 14 rows", ev)
	}
	if ev.Cols[0] != "prefix" || ev.Cols[1] != "path" {
		t.Errorf("columns %v: want prefix and path first", ev.Cols)
	}
	for _, h := range ev.Rows[0][1].Path {
		if h.Culprit != (h.ASN == "17676") {
			t.Errorf("hop %s culprit %v: the leaker 17676 is the culprit", h.ASN, h.Culprit)
		}
	}
	items = append(items, map[string]any{"prefix": "x", "rule": "another"})
	raw, _ = json.Marshal(items)
	if ev := evidenceOf(raw, 2516); ev.Rule != "" || ev.Cols[len(ev.Cols)-1] != "rule" {
		t.Errorf("differing rules: rule %q, columns %v; want a rule column", ev.Rule, ev.Cols)
	}

	e := newEnv(t)
	c := e.client(t, e.pRIPE)
	m := fixtureMonth(october, 0)
	inc := m.Incidents[0]
	_, body := get(t, c, e.srv.URL, "/asn/AS3333")
	if !strings.Contains(body, `id="incident-`+inc.ID+`"`) || !strings.Contains(body, `href="#incident-`+inc.ID+`"`) {
		t.Error("the incident has no anchor or permalink")
	}
	if n := strings.Count(body, "secret-evidence-3333"); n != 1 {
		t.Errorf("the rule appears %d times, want once", n)
	}
	csvHref := attr(body, `data-csv="`+inc.ID+`"`, "href")
	jsonHref := attr(body, `data-json="`+inc.ID+`"`, "href")
	if csvHref == "" || jsonHref == "" {
		t.Fatal("no CSV or JSON link")
	}
	status, got := get(t, c, e.srv.URL, "/asn/AS3333"+strings.ReplaceAll(csvHref, "&amp;", "&"))
	if status != 200 {
		t.Fatalf("CSV: %d %s", status, got)
	}
	recs, err := csv.NewReader(strings.NewReader(got)).ReadAll()
	if err != nil || len(recs) != 2 || recs[0][len(recs[0])-1] != "rule" || recs[1][len(recs[1])-1] != "secret-evidence-3333" {
		t.Errorf("CSV %q, %v: want a header and the one event with its rule", recs, err)
	}
	var api struct {
		Items []json.RawMessage `json:"items"`
	}
	e.apiJSON(t, e.pRIPE, strings.ReplaceAll(jsonHref, "&amp;", "&"), &api)
	if len(api.Items) != 1 {
		t.Errorf("the JSON link lists %d incidents, want AS3333's one", len(api.Items))
	}
	// Anonymous visitors get no evidence, as CSV neither.
	if status, body := get(t, e.client(t, ""), e.srv.URL, "/asn/AS3333?format=csv&incident="+inc.ID); status != 200 || strings.Contains(body, "secret-evidence") {
		t.Errorf("anonymous CSV: %d, leaks evidence: %v", status, strings.Contains(body, "secret-evidence"))
	}
}

// TestContent_ParticipantsFailingAndChange: the count and filter of the
// participants failing an Action, and each score's change, from the
// API's tables of both months.
func TestContent_ParticipantsFailingAndChange(t *testing.T) {
	e := newEnv(t)
	c := e.client(t, e.sec)
	type mark struct {
		Value *float64 `json:"value"`
		Level string   `json:"level"`
	}
	type row struct {
		Organisation string `json:"organisation"`
		Action1Mark  string `json:"action1Mark"`
		AntiSpoofing mark   `json:"antiSpoofing"`
		Coordination mark   `json:"coordination"`
		IRR          mark   `json:"routingInformationIRR"`
		RPKI         mark   `json:"routingInformationRPKI"`
	}
	var cur, prev struct {
		Items []row `json:"items"`
	}
	e.apiJSON(t, e.sec, "/api/v2/participants?month=2026-10", &cur)
	e.apiJSON(t, e.sec, "/api/v2/participants?month=2026-09", &prev)
	failing := 0
	for _, r := range cur.Items {
		if r.Action1Mark == "lagging" || r.AntiSpoofing.Level == "lagging" || r.Coordination.Level == "lagging" ||
			r.IRR.Level == "lagging" || r.RPKI.Level == "lagging" {
			failing++
		}
	}
	_, body := get(t, c, e.srv.URL, "/participants?month=2026-10")
	if got := attr(body, `id="failing-count"`, "data-failing"); got != strconv.Itoa(failing) {
		t.Errorf("failing count %q, API rows failing %d", got, failing)
	}
	_, only := get(t, c, e.srv.URL, "/participants?month=2026-10&failing=1")
	if got := attr(only, `id="row-count"`, "data-rows"); got != strconv.Itoa(failing) {
		t.Errorf("?failing=1 shows %q rows, want %d", got, failing)
	}
	for _, p := range prev.Items {
		for _, r := range cur.Items {
			if r.Organisation != p.Organisation || r.IRR.Value == nil || p.IRR.Value == nil {
				continue
			}
			i := strings.Index(body, `data-org="`+r.Organisation+`"`)
			rest := body[i:]
			rest = rest[:strings.Index(rest, "</tr>")]
			want := strconv.FormatFloat(*r.IRR.Value-*p.IRR.Value, 'g', -1, 64)
			if got := attr(rest, `data-delta="irr"`, "data-value"); got != want {
				t.Errorf("%s: IRR change %q, API %s", r.Organisation, got, want)
			}
		}
	}
	_, asn := get(t, c, e.srv.URL, "/asn/AS3333")
	if !strings.Contains(asn, `id="member"`) || !strings.Contains(text(asn, `id="member"`), "RIPE NCC (netops)") {
		t.Error("the ASN page does not name the registry organisation")
	}
	if got := attr(asn, `data-delta="filtering"`, "data-value"); got == "" {
		t.Error("the ASN page has no change since the previous month for Filtering")
	}
}

// TestContent_EmptyRegistry: without a registry the table says how to
// import one.
func TestContent_EmptyRegistry(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "obs.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.WriteMonth(ctx, fixtureMonth(october, 0)); err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", "/participants", nil)
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, req)
	if w.Code != 200 || !strings.Contains(w.Body.String(), "observatory participants import") {
		t.Errorf("empty registry: %d, the page does not say how to import one", w.Code)
	}
}

// TestContent_FeedbackQueue: the secretariat lists the claims awaiting
// review, as the API does, and reviews one with the page's form.
func TestContent_FeedbackQueue(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.st.AddFeedback(ctx, &store.Feedback{IncidentID: "3333-M2-1", Month: october, Spec: fixtureSpec, ASN: asnRIPE,
		Reason: "planned <move>", SubmittedBy: "k", SubmittedAt: october, Verdict: store.VerdictPending}); err != nil {
		t.Fatal(err)
	}
	if status, _ := get(t, e.client(t, ""), e.srv.URL, "/feedback"); status != 401 {
		t.Errorf("anonymous /feedback: %d, want 401", status)
	}
	var api struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	e.apiJSON(t, e.sec, "/api/v2/feedback?verdict=pending", &api)
	c := e.client(t, e.sec)
	_, body := get(t, c, e.srv.URL, "/feedback")
	if got := attr(body, `id="pending-count"`, "data-pending"); got != strconv.Itoa(len(api.Items)) || len(api.Items) != 1 {
		t.Fatalf("pending %q, API %d", got, len(api.Items))
	}
	id := api.Items[0].ID
	if !strings.Contains(body, fmt.Sprintf(`action="/feedback/%d/review"`, id)) || !strings.Contains(body, "planned &lt;move&gt;") {
		t.Fatal("no review form, or the reason is not escaped")
	}
	for _, k := range []string{e.partner, e.pRIPE} {
		if _, b := get(t, e.client(t, k), e.srv.URL, "/feedback"); strings.Contains(b, `class="review"`) || !strings.Contains(b, "3333-M2-1") {
			t.Error("a partner or the participant gets review forms, or does not see the claim")
		}
	}
	if _, b := get(t, e.client(t, e.pGoogle), e.srv.URL, "/feedback"); strings.Contains(b, "3333-M2-1") {
		t.Error("another participant sees AS3333's claim")
	}
	csrf := attr(body, `<body`, "data-csrf")
	form := url.Values{"csrf": {csrf}, "verdict": {"rejected"}, "note": {"not planned"}}
	resp, err := c.PostForm(fmt.Sprintf("%s/feedback/%d/review", e.srv.URL, id), form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 303 {
		t.Fatalf("review form: %d, want 303", resp.StatusCode)
	}
	fb, err := e.st.Feedback(ctx, id)
	if err != nil || fb.Verdict != store.VerdictRejected || fb.ReviewNote != "not planned" {
		t.Errorf("after the form: %+v, %v", fb, err)
	}
	resp, err = c.PostForm(fmt.Sprintf("%s/feedback/%d/review", e.srv.URL, id), form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 409 {
		t.Errorf("second review: %d, want 409", resp.StatusCode)
	}
	pc := e.client(t, e.pRIPE)
	_, pb := get(t, pc, e.srv.URL, "/feedback")
	resp, _ = pc.PostForm(fmt.Sprintf("%s/feedback/%d/review", e.srv.URL, id), url.Values{"csrf": {attr(pb, `<body`, "data-csrf")}, "verdict": {"accepted"}})
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("a participant's review: %d, want 403", resp.StatusCode)
	}
}
