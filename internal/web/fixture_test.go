package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/apikey"
	"github.com/observatory-net/observatory/internal/httpapi"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/store/sqlite"
)

// The fixture: two months under netops@2024.1, four networks. AS3333 and
// AS15169 are participants (registered, with keys), AS64500 and AS64501
// are not. Every network has routes and an incident with evidence.
const fixtureSpec = "netops@2024.1"

var (
	october   = time.Date(2026, time.October, 1, 0, 0, 0, 0, time.UTC)
	september = time.Date(2026, time.September, 1, 0, 0, 0, 0, time.UTC)
)

const (
	asnRIPE   = 3333
	asnGoogle = 15169
	asnNL     = 64500
	asnUS     = 64501
)

func fixtureMonth(month time.Time, shift float64) *store.Month {
	score := func(id string, v float64, lvl string) store.Score {
		return store.Score{ID: id, Value: v, HasData: true, Level: lvl}
	}
	rec := func(asn uint32, holder, cc, region, sub, rir string, participant bool, base float64) store.ASN {
		return store.ASN{ASN: asn, Holder: holder, Country: cc, RIR: rir, Region: region, SubRegion: sub,
			Participant: participant, Peers: 40, Announced: 2,
			Metrics: []store.Metric{
				{ID: "M1", Raw: 1, Score: 0.49, HasData: true},
				{ID: "M7RPKI", Raw: base, Score: base, HasData: true, Counted: true},
			},
			Scores: []store.Score{
				score("filtering", base-0.3+shift, "lagging"),
				{ID: "antiSpoofing", Level: "no_data_available"},
				score("coordination", 1, "ready"),
				score("routingInformationIRR", base, "ready"),
				score("routingInformationRPKI", base-0.05, "aspiring"),
			}}
	}
	day := func(d int) time.Time { return month.AddDate(0, 0, d-1).Add(3 * time.Hour) }
	inc := func(id string, asn uint32) store.Incident {
		return store.Incident{ID: id, ASN: asn, Metric: "M2", Start: day(2), End: day(3), Weight: 1, Score: 0.5,
			Events:   []string{id + "-e1"},
			Evidence: json.RawMessage(fmt.Sprintf(`{"prefixes":["10.%d.0.0/16"],"rule":"secret-evidence-%d"}`, asn%256, asn))}
	}
	route := func(asn uint32, prefix, rpki string) store.Route {
		return store.Route{ASN: asn, Prefix: prefix, RPKI: rpki, IRR: "exact", IRRSource: []string{"RIPE"},
			Peers: 30, FirstSeen: day(1), LastSeen: day(20)}
	}
	var aggs []store.Aggregate
	for i, id := range scoreIDs {
		for _, k := range [][2]string{{"world", "world"}, {"region", "Europe"}, {"economy", "NL"}, {"participants", "netops"}} {
			aggs = append(aggs, store.Aggregate{Scope: k[0], Key: k[1], Score: id, Value: 0.5 + float64(i)/20 + shift,
				Ready: 3 + i, Aspire: 2, Lag: 1, NoData: 4 - i})
		}
	}
	aggs = append(aggs, store.Aggregate{Scope: "world", Key: "world", Score: "roaValidShare", Value: 0.7, Ready: 7, Lag: 3},
		store.Aggregate{Scope: "participants", Key: "netops", Score: "roaValidShare", Value: 1, Ready: 2})
	return &store.Month{
		Meta: store.MonthMeta{Month: month, Spec: fixtureSpec, IngestedAt: month.AddDate(0, 1, 1), Final: true,
			Stats: store.Stats{Routes: 6, Peers: 50, MeasuredASN: 4, Incidents: 4}},
		ASNs: []store.ASN{
			rec(asnRIPE, "RIPE-NCC-AS Réseaux IP Européens", "NL", "Europe", "Western Europe", "RIPE NCC", true, 0.95),
			rec(asnGoogle, "GOOGLE", "US", "Americas", "Northern America", "ARIN", true, 0.9),
			withVRPs(withROV(rec(asnNL, "EXAMPLE-NL", "NL", "Europe", "Western Europe", "ripencc", false, 0.85))),
			withOrg(rec(asnUS, "EXAMPLE-US <script>", "US", "Americas", "Northern America", "ARIN", false, 0.7)),
		},
		Orgs:      []store.ASNOrg{{ASN: asnUS, Org: exampleOrg}},
		Incidents: []store.Incident{inc("3333-M2-1", asnRIPE), inc("15169-M2-1", asnGoogle), inc("64500-M2-1", asnNL), inc("64501-M2-1", asnUS)},
		Routes: []store.Route{route(asnRIPE, "193.0.0.0/21", "valid"), route(asnRIPE, "2001:67c:2e8::/48", "valid"),
			route(asnGoogle, "8.8.8.0/24", "valid"), route(asnNL, "192.0.2.0/24", "invalid-asn"),
			route(asnUS, "198.51.100.0/24", "not-found")},
		// AS64501's route is seen through AS64500 (ROV inferred, an
		// incident) and, above it, AS3333.
		Upstreams: []store.Upstream{{ASN: asnUS, Hop: 1, Upstream: asnNL, Rel: "provider", Prefixes: 1, Paths: 3, Example: "3333 64500 64501"},
			{ASN: asnUS, Hop: 2, Via: asnNL, Upstream: asnRIPE, Rel: "provider", Prefixes: 1, Paths: 3, Example: "3333 64500 64501"}},
		ROAStats: []store.ROAStat{
			{Scope: "world", Key: "world", Family: 4, Valid: 3, Invalid: 1, NotFound: 1, ValidSpace: 3000, InvalidSpace: 256, NotFoundSpace: 256},
			{Scope: "world", Key: "world", Family: 6, Valid: 1, ValidSpace: 65536, NotFoundSpace: 65536},
			{Scope: "economy", Key: "NL", Family: 4, Valid: 1, Invalid: 1, ValidSpace: 2048, InvalidSpace: 256},
			{Scope: "economy", Key: "NL", Family: 6, Valid: 1, ValidSpace: 65536},
		},
		Aggregates: aggs,
		Participants: []store.Participant{
			{Organisation: "RIPE NCC", Programme: "netops", ASNs: []uint32{asnRIPE}, Approved: time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC), Areas: []string{"Europe"}},
			{Organisation: "Google", Programme: "netops", ASNs: []uint32{asnGoogle}, Approved: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), Areas: []string{"World"}},
		},
	}
}

// env is a dashboard with the API over a fixture store, and keys.
type env struct {
	st                           store.Service
	srv                          *httptest.Server
	pRIPE, partner, pGoogle, sec string
}

func newEnv(t testing.TB) *env {
	t.Helper()
	return newEnvWith(t, nil)
}

// newEnvWith is newEnv with the dashboard's options changed by mod, and
// the handler in front of it by front (both may be nil).
func newEnvWith(t testing.TB, mod func(*Options), front ...func(http.Handler) http.Handler) *env {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "obs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for _, m := range []*store.Month{fixtureMonth(september, -0.1), fixtureMonth(october, 0)} {
		if err := st.WriteMonth(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	e := &env{st: st}
	var ids [2]int64
	for i, p := range []struct {
		name string
		asn  uint32
	}{{"RIPE NCC", asnRIPE}, {"Google", asnGoogle}} {
		ids[i], err = st.PutParticipant(ctx, &store.Registered{Participant: store.Participant{Organisation: p.name,
			Programme: "netops", ASNs: []uint32{p.asn}, Approved: time.Date(2015+5*i, 1, 1, 0, 0, 0, 0, time.UTC),
			Areas: []string{[]string{"Europe", "World"}[i]}}, UpdatedAt: time.Now().UTC()})
		if err != nil {
			t.Fatal(err)
		}
	}
	e.pRIPE = mintKey(t, st, store.RoleParticipant, ids[0])
	e.pGoogle = mintKey(t, st, store.RoleParticipant, ids[1])
	e.partner = mintKey(t, st, store.RolePartner, 0)
	e.sec = mintKey(t, st, store.RoleSecretariat, 0)
	api, err := httpapi.New(httpapi.Options{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { api.Close() })
	opt := Options{Store: st, API: api.Handler(), Generation: api.Generation, Logger: slog.New(slog.NewTextHandler(testWriter{t}, nil))}
	if mod != nil {
		mod(&opt)
	}
	s, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	for _, f := range front {
		h = f(h)
	}
	e.srv = httptest.NewServer(h)
	t.Cleanup(e.srv.Close)
	return e
}

func mintKey(t testing.TB, svc store.Service, role store.Role, participant int64) string {
	t.Helper()
	token, k, err := apikey.New(role, apikey.Options{Name: string(role), ParticipantID: participant})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.CreateKey(context.Background(), &k); err != nil {
		t.Fatal(err)
	}
	return token
}

// client is a browser: cookies, no redirects followed unless asked;
// with a token, signed in through the sign-in form.
func (e *env) client(t testing.TB, token string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if token != "" {
		resp, err := c.PostForm(e.srv.URL+"/signin", url.Values{"token": {token}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign in: %d, want 303", resp.StatusCode)
		}
	}
	return c
}

// get fetches a path and returns status and body.
func get(t testing.TB, c *http.Client, base, path string) (int, string) {
	t.Helper()
	resp, err := c.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// apiJSON decodes an API response read with a Bearer token (or none).
func (e *env) apiJSON(t testing.TB, token, path string, v any) {
	t.Helper()
	req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

// attr returns the value of attribute name on the first element whose
// markup contains marker, or "" when none does.
func attr(body, marker, name string) string {
	i := strings.Index(body, marker)
	if i < 0 {
		return ""
	}
	start := strings.LastIndex(body[:i], "<")
	end := strings.Index(body[i:], ">")
	tag := body[start : i+end]
	j := strings.Index(tag, name+`="`)
	if j < 0 {
		return ""
	}
	rest := tag[j+len(name)+2:]
	return rest[:strings.Index(rest, `"`)]
}

// text returns the text content right after the element marked by marker.
func text(body, marker string) string {
	i := strings.Index(body, marker)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	rest = rest[strings.Index(rest, ">")+1:]
	return rest[:strings.Index(rest, "<")]
}

// testWriter sends the server's log to the test's.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// withROV gives a fixture record an inferred ROV verdict.
func withROV(a store.ASN) store.ASN {
	a.ROV, a.ROVDropped, a.ROVConfidence = "deploys", 5, 5.0/7
	a.Leak = store.LeakProtection{Verdict: "protects", CustomerRoutes: 12, ASPA: true, ASPAProviders: 2}
	return a
}

// exampleOrg is the PeeringDB organisation of AS64501 (Month.Orgs).
var exampleOrg = store.Org{ID: 42, Name: "Example US Holdings <b>"}

// withOrg gives a the PeeringDB organisation 42.
func withOrg(a store.ASN) store.ASN {
	a.Org = exampleOrg
	return a
}

// nlVRPs are the VRPs covering AS64500's invalid route 192.0.2.0/24, as
// ingest records them in M7RPKI's evidence.
var nlVRPs = []coveringVRP{{Prefix: "192.0.2.0/24", ASN: 64499, MaxLength: 24, TA: "ripe"}, {Prefix: "192.0.0.0/16", ASN: 0, MaxLength: 16, TA: "apnic"}}

// withVRPs gives a's M7RPKI metric the evidence of its invalid route.
func withVRPs(a store.ASN) store.ASN {
	ev, _ := json.Marshal(map[string]any{"invalid": []map[string]any{{"prefix": "192.0.2.0/24", "state": "invalid-asn", "vrps": nlVRPs}}, "total": 1})
	for i := range a.Metrics {
		if a.Metrics[i].ID == "M7RPKI" {
			a.Metrics[i].Evidence = ev
		}
	}
	return a
}
