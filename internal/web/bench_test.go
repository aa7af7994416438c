package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/dataset"
	"github.com/observatory-net/observatory/internal/httpapi"
	"github.com/observatory-net/observatory/internal/ingest"
	"github.com/observatory-net/observatory/internal/participants"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/store/sqlite"
	"github.com/observatory-net/observatory/internal/testenv"
)

// fullInputs are the real files of a full month: May 2014 as RIS and
// RouteViews saw it, ~40,000 measured ASNs with all three 2014 delegated
// statistics files.
var fullInputs = []string{
	"mrt/updates/ris.rrc06.updates.1401488100.gz",
	"mrt/updates/routeviews.route-views.jinx.updates.1401493500.bz2",
	"rpki/rpki-client-prepdev-20230504.json.gz",
	"irr",
	"as-relationships/20140101.as-rel.txt",
	"rir-delegated/2014",
	"bogons",
}

// full is the full month, ingested once per test binary into an SQLite
// file that TestMain removes, with two earlier copies of it.
var full struct {
	once sync.Once
	dir  string
	db   string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if full.dir != "" {
		os.RemoveAll(full.dir)
	}
	os.Exit(code)
}

// fullMonth returns a store holding May 2014 ingested from the shared
// data (skipped without it, failed in CI), with the participants RIPE NCC
// (AS3333) and Google (AS15169) registered, and a partner key.
func fullMonth(tb testing.TB) (store.Service, string) {
	tb.Helper()
	root := testenv.SharedData(tb)
	full.once.Do(func() { full.err = ingestFull(root) })
	if full.err != nil {
		tb.Fatalf("ingest the full month: %v", full.err)
	}
	st, err := sqlite.Open(context.Background(), full.db)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st, mintKey(tb, st, store.RolePartner, 0)
}

func ingestFull(root string) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "web-full-month-")
	if err != nil {
		return err
	}
	full.dir = dir
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o755); err != nil {
		return err
	}
	for _, rel := range fullInputs {
		if err := os.Symlink(filepath.Join(root, rel), filepath.Join(data, filepath.Base(rel))); err != nil {
			return err
		}
	}
	files, err := dataset.Discover(ctx, data)
	if err != nil {
		return err
	}
	set, err := dataset.Load(ctx, files, dataset.Options{})
	if err != nil {
		return err
	}
	parts, err := participants.Read(strings.NewReader(
		"organisation,programme,asns,approved,areas\nGoogle,netops,AS15169,2017-01-01,US\nRIPE NCC,netops,AS3333,2015-01-12,NL\n"), "participants.csv")
	if err != nil {
		return err
	}
	sp, err := spec.Get(spec.Default)
	if err != nil {
		return err
	}
	m, err := ingest.Compute(ctx, ingest.Config{Month: time.Date(2014, 5, 1, 0, 0, 0, 0, time.UTC), Spec: sp, Data: set,
		Participants: parts, Workers: 2})
	if err != nil {
		return err
	}
	full.db = filepath.Join(dir, "full.db")
	st, err := sqlite.Open(ctx, full.db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.WriteMonth(ctx, m); err != nil {
		return err
	}
	// March and April as copies of May, so that trends, histories and
	// comparisons span several stored months as they do in production.
	for _, back := range []int{1, 2} {
		c := *m
		c.Meta.Month = m.Meta.Month.AddDate(0, -back, 0)
		if err := st.WriteMonth(ctx, &c); err != nil {
			return err
		}
	}
	for _, p := range m.Participants {
		if _, err := st.PutParticipant(ctx, &store.Registered{Participant: p, UpdatedAt: time.Now().UTC()}); err != nil {
			return err
		}
	}
	return nil
}

// busiestASN is the ASN with the most incidents: the heaviest ASN page.
func busiestASN(tb testing.TB, st store.Store) uint32 {
	tb.Helper()
	ctx := context.Background()
	metas, err := st.Months(ctx)
	if err != nil || len(metas) == 0 {
		tb.Fatalf("months: %v", err)
	}
	incs, err := st.Incidents(ctx, metas[0].Month, metas[0].Spec, 0)
	if err != nil {
		tb.Fatal(err)
	}
	n := map[uint32]int{}
	var best uint32
	for _, in := range incs {
		n[in.ASN]++
		if n[in.ASN] > n[best] {
			best = in.ASN
		}
	}
	return best
}

// fullPages are the pages measured on the full month.
func fullPages(asn uint32) [][2]string {
	a := fmt.Sprintf("AS%d", asn)
	return [][2]string{
		{"overview", "/"},
		{"overview-economy", "/?region=NL"},
		{"map", "/map"},
		{"map-roa6", "/map?metric=roa6"},
		{"asn", "/asn/" + a},
		{"participants", "/participants"},
		{"participants-csv", "/participants.csv"},
		{"compare-asn", "/compare?asn=AS3333&asn=AS15169&asn=" + a},
		{"compare-region", "/compare?region=world&region=Europe&region=NL"},
		{"specs", "/specs"},
		{"specdiff", "/specs/diff?a=netops@2024.1&b=netops@2024.1"},
	}
}

func fullServer(tb testing.TB, st store.Service) http.Handler {
	tb.Helper()
	api, err := httpapi.New(httpapi.Options{Store: st, MonthsTTL: 2 * time.Second})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { api.Close() })
	s, err := New(Options{Store: st, API: api.Handler(), Generation: api.Generation, MonthsTTL: 2 * time.Second, KeyCacheTTL: 10 * time.Second})
	if err != nil {
		tb.Fatal(err)
	}
	return s.Handler()
}

// serveOnce serves a GET of path, with the session cookie when not nil.
func serveOnce(tb testing.TB, h http.Handler, path string, session *http.Cookie) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", path, nil)
	if session != nil {
		req.AddCookie(session)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		tb.Fatalf("GET %s: %d\n%s", path, rec.Code, rec.Body.String())
	}
	return rec
}

// BenchmarkPage measures each page's server time on the full month, as a
// partner (who sees the most: routes, incidents, evidence), once the
// month's precomputed view is warm. BenchmarkPage/cold-overview measures
// the first render of a new server, precomputation included.
func BenchmarkPage(b *testing.B) {
	st, partner := fullMonth(b)
	h := fullServer(b, st)
	ck := sessionCookie(b, h, partner)
	for _, p := range fullPages(busiestASN(b, st)) {
		b.Run(p[0], func(b *testing.B) {
			b.ReportAllocs()
			serveOnce(b, h, p[1], ck) // warm
			var n int
			for b.Loop() {
				n = serveOnce(b, h, p[1], ck).Body.Len()
			}
			b.ReportMetric(float64(n), "bytes/page")
		})
	}
	b.Run("cold-overview", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			h := fullServer(b, st)
			b.StartTimer()
			serveOnce(b, h, "/", nil)
		}
	})
}

// TestFullMonth_PagesAndWeight loads every page of the full month, as a
// partner and anonymously, and checks its weight (HTML, CSS, JS and the
// inline SVG) stays under 500 kB.
func TestFullMonth_PagesAndWeight(t *testing.T) {
	if testing.Short() {
		t.Skip("ingests a full month: not in -short")
	}
	st, partner := fullMonth(t)
	h := fullServer(t, st)
	assets := serveOnce(t, h, "/static/app.css", nil).Body.Len() + serveOnce(t, h, "/static/app.js", nil).Body.Len()
	signedIn := sessionCookie(t, h, partner)
	for _, p := range fullPages(busiestASN(t, st)) {
		for _, ck := range []*http.Cookie{nil, signedIn} {
			start := time.Now()
			n := serveOnce(t, h, p[1], ck).Body.Len() + assets
			t.Logf("%s (key %v): %d bytes, %v", p[0], ck != nil, n, time.Since(start))
			if n >= 500_000 {
				t.Errorf("%s: %d bytes, want < 500 kB", p[0], n)
			}
		}
	}
}

// sessionCookie signs in to h with token and returns the session cookie.
func sessionCookie(tb testing.TB, h http.Handler, token string) *http.Cookie {
	tb.Helper()
	req := httptest.NewRequest("POST", "/signin", strings.NewReader(url.Values{"token": {token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	cs := rec.Result().Cookies()
	if rec.Code != http.StatusSeeOther || len(cs) != 1 {
		tb.Fatalf("sign in: %d with cookies %v", rec.Code, cs)
	}
	return cs[0]
}
