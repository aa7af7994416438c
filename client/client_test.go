package client_test

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/client"
)

// newClient returns a client of srv with the named key ("" for none)
// whose requests c counts.
func newClient(t *testing.T, s *server, key string, opts ...client.Option) (*client.Client, *counter) {
	t.Helper()
	c := &counter{rt: http.DefaultTransport}
	all := []client.Option{client.WithHTTPClient(&http.Client{Transport: c, Timeout: 30 * time.Second}),
		client.WithUserAgent("observatory-client-test")}
	if key != "" {
		tok, ok := s.tokens[key]
		if !ok {
			tok = key // a literal token
		}
		all = append(all, client.WithAPIKey(tok))
	}
	cl, err := client.New(s.url, append(all, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return cl, c
}

func collect[T any](t *testing.T, seq func(yield func(T, error) bool)) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

func TestNew_badURL(t *testing.T) {
	for _, u := range []string{"", "127.0.0.1:8080", "ftp://x", "http://"} {
		if _, err := client.New(u); err == nil {
			t.Errorf("New(%q): no error", u)
		}
	}
}

func TestParseASN(t *testing.T) {
	for in, want := range map[string]client.ASN{"AS3333": 3333, "as15169": 15169, "64500": 64500, "AS4294967295": 4294967295} {
		got, err := client.ParseASN(in)
		if err != nil || got != want {
			t.Errorf("ParseASN(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "AS", "AS-1", "AS+1", "4294967296", "ASx"} {
		if _, err := client.ParseASN(in); err == nil {
			t.Errorf("ParseASN(%q): no error", in)
		}
	}
}

func TestLevel_AtLeast(t *testing.T) {
	for _, c := range []struct {
		l, min client.Level
		want   bool
	}{
		{client.LevelReady, client.LevelReady, true},
		{client.LevelAspiring, client.LevelReady, false},
		{client.LevelAspiring, client.LevelAspiring, true},
		{client.LevelLagging, client.LevelAspiring, false},
		{client.LevelNoData, client.LevelLagging, false},
	} {
		if got := c.l.AtLeast(c.min); got != c.want {
			t.Errorf("%s.AtLeast(%s) = %v", c.l, c.min, got)
		}
	}
}

func TestClient_service(t *testing.T) {
	ctx := context.Background()
	cl, _ := newClient(t, srv, "")
	h, err := cl.Healthz(ctx)
	if err != nil || h.Status != "ok" || h.Months != 2 {
		t.Errorf("Healthz() = %+v, %v; want ok with 2 months", h, err)
	}
	doc, err := cl.OpenAPI(ctx)
	if err != nil || !strings.Contains(string(doc), `"openapi":"3.1.0"`) {
		t.Errorf("OpenAPI() = %.100s, %v", doc, err)
	}
	specs, err := cl.Specs(ctx)
	if err != nil || !slices.ContainsFunc(specs, func(s client.SpecSummary) bool { return s.Ref == fixtureSpec && s.Default }) {
		t.Errorf("Specs() = %+v, %v; want %s as default", specs, err, fixtureSpec)
	}
	sp, err := cl.Spec(ctx, "netops", "2024.1")
	if err != nil {
		t.Fatal(err)
	}
	if sp.ID != "netops" || len(sp.Actions) == 0 || sp.Readiness.Ready == 0 || !strings.Contains(string(sp.Raw), `"penaltyCurve"`) {
		t.Errorf("Spec() = %+v", sp)
	}
	if _, err := cl.Spec(ctx, "netops", "1999.1"); !client.IsNotFound(err) {
		t.Errorf("Spec(unknown) error = %v, want 404", err)
	}
	m, err := cl.Metrics(ctx)
	if err != nil || !strings.Contains(m, "# TYPE") {
		t.Errorf("Metrics() = %.100s, %v", m, err)
	}
}

func TestClient_scores(t *testing.T) {
	ctx := context.Background()
	anon, _ := newClient(t, srv, "")
	sum, err := anon.ScoresSummary(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Month.Equal(october) || sum.Spec != fixtureSpec || sum.Scope != "world" || len(sum.Aggregates) != 5 ||
		!sum.PreviousMonth.Equal(september) || sum.Aggregates[0].Trend == nil || *sum.Aggregates[0].Trend < 0.099 {
		t.Errorf("ScoresSummary() = %+v", sum)
	}
	nl, err := anon.ScoresSummary(ctx, &client.SummaryOptions{Region: "NL", MonthOptions: client.MonthOptions{Month: september}})
	if err != nil || nl.Scope != "economy" || !nl.Month.Equal(september) {
		t.Errorf("ScoresSummary(NL, 2026-09) = %+v, %v", nl, err)
	}
	// asns= and economies= as the published API takes them: the partner
	// key may see every network; the figures come in both shapes.
	partner, _ := newClient(t, srv, "partner")
	sel, err := partner.ScoresSummary(ctx, &client.SummaryOptions{ASNs: []client.ASN{3333}})
	if err != nil || sel.Scope != "asns" || !slices.Equal(sel.ASNs, []client.ASN{3333}) ||
		len(sel.Scores.KeyFigures) != len(sel.Aggregates) || len(sel.Aggregates) != 5 {
		t.Errorf("ScoresSummary(asns=3333) = %+v, %v", sel, err)
	}
	nlE, err := anon.ScoresSummary(ctx, &client.SummaryOptions{Economies: []string{"NL"}})
	if err != nil || nlE.Scope != "economies" || !slices.Equal(nlE.Economies, []string{"NL"}) {
		t.Errorf("ScoresSummary(economies=NL) = %+v, %v", nlE, err)
	}

	// A participant's ASN shows only the public Actions anonymously, all
	// of them to its own key.
	pub, err := anon.AS(ctx, 3333, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := pub.Score(client.ScoreFiltering); ok || pub.Holder == "" || !pub.Participant {
		t.Errorf("AS(3333) anonymous = %+v: filtering must not show", pub)
	}
	ripe, _ := newClient(t, srv, "ripe")
	own, err := ripe.AS(ctx, 3333, nil)
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := own.Score(client.ScoreFiltering); !ok || f.Level != client.LevelReady || f.Value == nil {
		t.Errorf("AS(3333) with its key: filtering %+v, %v", f, ok)
	}

	d, err := ripe.ScoresDetails(ctx, 3333, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d.ASN != 3333 || len(d.Metrics) != 2 || len(d.Routes) != 2 || len(d.Incidents) != 1 ||
		d.Routes[0].FirstSeen.IsZero() || !strings.Contains(string(d.Incidents[0].Evidence), "rpki-invalid") {
		t.Errorf("ScoresDetails(3333) = %+v", d)
	}
	sept, err := ripe.ScoresDetails(ctx, 3333, &client.MonthOptions{Month: september.AddDate(0, 0, 14), Spec: fixtureSpec})
	if err != nil || !sept.Month.Equal(september) {
		t.Errorf("ScoresDetails(3333, mid-September) = %+v, %v", sept, err)
	}

	asns := collect(t, anon.ASNs(ctx, &client.ASNsOptions{PageOptions: client.PageOptions{PageSize: 1}}))
	if diff := cmp.Diff([]client.ASN{3333, 15169}, asns); diff != "" {
		t.Errorf("ASNs() mismatch (-want +got):\n%s", diff)
	}

	r, err := anon.ROAsByASN(ctx, 3333, nil)
	if err != nil || r.Scope != "asn" || r.Key != "AS3333" || len(r.Families) != 2 {
		t.Errorf("ROAsByASN(3333) = %+v, %v", r, err)
	}
	e, err := anon.ROAsByEconomy(ctx, "nl", nil)
	if err != nil || e.Key != "NL" || len(e.Families) != 2 || e.Families[0].ValidSpace != 2048 {
		t.Errorf("ROAsByEconomy(nl) = %+v, %v", e, err)
	}
}

// TestClient_ASes_pagination walks the 240 networks of DE seven at a time
// and checks they are the same, in the same order, as one big page, in
// as many requests as pages.
func TestClient_ASes_pagination(t *testing.T) {
	ctx := context.Background()
	cl, n := newClient(t, srv, "partner")
	small := collect(t, cl.ASes(ctx, &client.ASesOptions{Economies: []string{"DE"}, PageOptions: client.PageOptions{PageSize: 7}}))
	if len(small) != manyDE {
		t.Fatalf("ASes(DE) by 7: %d networks, want %d", len(small), manyDE)
	}
	if got, want := n.count(), (manyDE+6)/7; got != want {
		t.Errorf("ASes(DE) by 7: %d requests, want %d", got, want)
	}
	big, err := cl.ASesPage(ctx, &client.ASesOptions{Economies: []string{"de"}, PageOptions: client.PageOptions{PageSize: 1000}})
	if err != nil {
		t.Fatal(err)
	}
	if big.NextPageToken != "" {
		t.Errorf("one page of 1000: next token %q", big.NextPageToken)
	}
	if diff := cmp.Diff(big.Items, small); diff != "" {
		t.Errorf("ASes(DE) by 7 mismatch with one page (-want +got):\n%s", diff)
	}
	if !slices.IsSortedFunc(small, func(a, b client.AS) int { return int(a.ASN) - int(b.ASN) }) {
		t.Error("ASes(DE) not by ASN")
	}

	// Stopping early fetches no further page.
	before := n.count()
	i := 0
	for a, err := range cl.ASes(ctx, &client.ASesOptions{Region: "Europe", PageOptions: client.PageOptions{PageSize: 5}}) {
		if err != nil {
			t.Fatal(err)
		}
		if a.Region != "Europe" {
			t.Errorf("ASes(Europe): %s in %s", a.ASN, a.Region)
		}
		if i++; i == 7 {
			break
		}
	}
	if got := n.count() - before; got != 2 {
		t.Errorf("7 items by 5 took %d requests, want 2", got)
	}

	// The page token resumes where a page ended.
	p1, err := cl.ASesPage(ctx, &client.ASesOptions{PageOptions: client.PageOptions{PageSize: 100}})
	if err != nil {
		t.Fatal(err)
	}
	rest := collect(t, cl.ASes(ctx, &client.ASesOptions{PageOptions: client.PageOptions{PageSize: 100, PageToken: p1.NextPageToken}}))
	if len(p1.Items)+len(rest) != 4+manyDE || rest[0].ASN <= p1.Items[99].ASN {
		t.Errorf("resumed listing: %d + %d networks", len(p1.Items), len(rest))
	}
}

func TestClient_errors(t *testing.T) {
	ctx := context.Background()
	anon, _ := newClient(t, srv, "")
	ripe, _ := newClient(t, srv, "ripe")
	bad, _ := newClient(t, srv, "obs_aaaaaaaaaaaa_"+strings.Repeat("b", 52))

	_, err := ripe.ScoresDetails(ctx, 15169, nil)
	var e *client.Error
	if !errors.As(err, &e) || !client.IsForbidden(err) {
		t.Fatalf("ScoresDetails(another's ASN) error = %v, want a 403 *client.Error", err)
	}
	if e.Status != 403 || e.Title != "Forbidden" || !strings.HasSuffix(e.Type, "/forbidden") ||
		!strings.Contains(e.Detail, "AS15169") || e.Method != "GET" || e.Path != "/api/v2/scores/details" {
		t.Errorf("403 = %#v", e)
	}
	if _, err := first(ripe.Incidents(ctx, &client.IncidentsOptions{ASN: 64500})); !client.IsForbidden(err) {
		t.Errorf("Incidents(another's ASN) error = %v, want 403", err)
	}
	for name, err := range map[string]error{
		"AS(unmeasured)":         second(anon.AS(ctx, 64999, nil)),
		"AS(unknown month)":      second(anon.AS(ctx, 3333, &client.MonthOptions{Month: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)})),
		"ROAsByEconomy(ZZ)":      second(anon.ROAsByEconomy(ctx, "ZZ", nil)),
		"ScoresSummary(nowhere)": second(anon.ScoresSummary(ctx, &client.SummaryOptions{Region: "Atlantis"})),
	} {
		if !client.IsNotFound(err) {
			t.Errorf("%s error = %v, want 404", name, err)
		}
	}
	for name, err := range map[string]error{
		"no key":                 second(anon.ScoresDetails(ctx, 3333, nil)),
		"bad key":                second(bad.ScoresDetails(ctx, 3333, nil)),
		"bad key on public data": second(bad.ScoresSummary(ctx, nil)),
	} {
		if !client.IsUnauthorized(err) {
			t.Errorf("%s: error = %v, want 401", name, err)
		}
	}
	if _, err := anon.ROAsByEconomy(ctx, "NLD", nil); !client.IsBadRequest(err) {
		t.Errorf("ROAsByEconomy(NLD) error = %v, want 400", err)
	}
	if _, err := ripe.CreateParticipant(ctx, client.ParticipantInput{Organisation: "X", Programme: client.ProgrammeNetops}); !client.IsForbidden(err) {
		t.Errorf("CreateParticipant with a participant key: error = %v, want 403", err)
	}
}

// first returns the first item of a sequence, or its error.
func first[T any](s iter.Seq2[T, error]) (T, error) {
	for v, err := range s {
		return v, err
	}
	var zero T
	return zero, nil
}

func second[T any](_ T, err error) error { return err }
