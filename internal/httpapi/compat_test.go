package httpapi

import (
	"encoding/csv"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/store"
)

// The compatibility suite: the requests of the public MANRS Observatory
// clients that measurement-framework.md §7 describes, replayed against a
// server on the fixture store (sqlite and postgres), each answer read as
// the client reads it (structs with the client's field names, not our
// wire types) and checked field by field. Every response also goes
// through the contract check of newEnv's client.

// TestCompat runs the clients' replays on one fixture per store.
func TestCompat(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		k := setupKeys(t, st)
		e := newEnv(t, st, Options{})
		for _, c := range []struct {
			name string
			run  func(*testing.T, *env, *keyed)
		}{
			{"bgp-explorer", compatBGPExplorer}, {"netd-tud", compatNetdTUD}, {"dodds6304-star", compatDodds},
			{"starter-tutorial", compatStarterTutorial}, {"acidvegas", compatAcidvegasV1},
		} {
			t.Run(c.name, func(t *testing.T) {
				e.t = t
				c.run(t, e, k)
			})
		}
	})
}

// near reports whether a pointer holds want, to float rounding.
func near(got *float64, want float64) bool { return got != nil && math.Abs(*got-want) < 1e-9 }

// checkDeprecated checks the v1 deprecation headers of a response.
func checkDeprecated(t *testing.T, resp *http.Response, successor string) {
	t.Helper()
	h := resp.Header
	if d := h.Get("Deprecation"); d != "@1735689600" {
		t.Errorf("%s: Deprecation %q, want @1735689600 (RFC 9745)", resp.Request.URL.Path, d)
	}
	if s := h.Get("Sunset"); s != "Thu, 01 Jul 2027 00:00:00 GMT" {
		t.Errorf("%s: Sunset %q (RFC 8594)", resp.Request.URL.Path, s)
	}
	if l := h.Get("Link"); l != "<"+successor+`>; rel="successor-version"` {
		t.Errorf("%s: Link %q, want the successor %s", resp.Request.URL.Path, l, successor)
	}
}

// compatBGPExplorer replays hervehildenbrand/bgp-explorer's v1
// client: GET /api/conformance/net-ops with a Bearer key, reading per
// participant its name, ASNs and routing_information.score_irr (and
// score_rpki), and the CSV export of the same table.
func compatBGPExplorer(t *testing.T, e *env, k *keyed) {
	type score struct {
		Value    *float64 `json:"value"`
		Severity string   `json:"severity"`
	}
	var got struct {
		Participants []struct {
			ID                 int64                      `json:"id"`
			Name               string                     `json:"name"`
			ASNs               []uint32                   `json:"ASNs"`
			MemberSince        string                     `json:"member_since"`
			AreasServed        []string                   `json:"areas_served"`
			Filtering          struct{ Conformance bool } `json:"filtering"`
			RoutingInformation struct {
				Conformance bool  `json:"conformance"`
				ScoreIRR    score `json:"score_irr"`
				ScoreRPKI   score `json:"score_rpki"`
			} `json:"routing_information"`
		} `json:"participants"`
	}
	resp, b := e.do("GET", "/api/conformance/net-ops?month=202610", "", bearer(k.partner)...)
	if resp.StatusCode != 200 {
		t.Fatalf("net-ops: %d %s", resp.StatusCode, b)
	}
	checkDeprecated(t, resp, "/api/v2/participants")
	decode(t, b, &got)
	// The registry: Google (AS15169) then RIPE NCC (AS3333), by name.
	want := []struct {
		name      string
		asn       uint32
		irr, rpki float64
		irrSev    string
		rpkiSev   string
	}{
		{"Google", asnGoogle, 0.9, 0.85, "ready", "aspiring"},
		{"RIPE NCC", asnRIPE, 0.95, 0.9, "ready", "aspiring"}, // 0.95-0.05 is 0.8999…: aspiring
	}
	if len(got.Participants) != len(want) {
		t.Fatalf("net-ops: %d participants, want %d: %s", len(got.Participants), len(want), b)
	}
	for i, w := range want {
		p := got.Participants[i]
		ri := p.RoutingInformation
		if p.Name != w.name || !slices.Equal(p.ASNs, []uint32{w.asn}) || p.ID < 1 ||
			!near(ri.ScoreIRR.Value, w.irr) || ri.ScoreIRR.Severity != w.irrSev ||
			!near(ri.ScoreRPKI.Value, w.rpki) || ri.ScoreRPKI.Severity != w.rpkiSev || ri.Conformance {
			t.Errorf("participant %d = %+v, want %+v", i, p, w)
		}
		if p.Filtering.Conformance { // lagging in the fixture
			t.Errorf("%s: filtering conformance true, want false (lagging)", p.Name)
		}
	}
	// CSV, by format= and by Accept; not on the tables without it.
	for _, req := range [][]string{{"/api/conformance/net-ops?format=csv&month=202610"}, {"/api/conformance/net-ops?month=202610", "Accept", "text/csv"}} {
		resp, b := e.do("GET", req[0], "", req[1:]...)
		rows, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
		if resp.StatusCode != 200 || err != nil || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("%s: %d %v %q", req[0], resp.StatusCode, err, resp.Header.Get("Content-Type"))
		}
		if len(rows) != 3 || !slices.Equal(rows[0], v1CSVHeader) || rows[1][1] != "Google" || rows[1][3] != "15169" ||
			rows[2][14] != "0.95" || rows[2][15] != "ready" {
			t.Errorf("%s: %q", req[0], rows)
		}
	}
	if resp, _ := e.do("GET", "/api/conformance/vendors", "", "Accept", "text/csv"); !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Errorf("vendors with Accept text/csv: %q, want JSON (no CSV export)", resp.Header.Get("Content-Type"))
	}
	e.get("/api/conformance/net-ops?month=2026-10", 400) // v1 months are YYYYMM
	e.get("/api/conformance/net-ops?format=xml", 400)
}

// compatNetdTUD replays netd-tud's update_manrs_tables.py: GET
// /api/v2/scores/summary?region=CC and per-ASN summaries with month,
// reading scores.keyFigures[] {id, value, trend, severities[{id, count,
// percentage}]}.
func compatNetdTUD(t *testing.T, e *env, k *keyed) {
	type figures struct {
		Scores struct {
			KeyFigures []struct {
				ID         string   `json:"id"`
				Value      *float64 `json:"value"`
				Trend      *float64 `json:"trend"`
				Severities []struct {
					ID         string  `json:"id"`
					Count      int     `json:"count"`
					Percentage float64 `json:"percentage"`
				} `json:"severities"`
			} `json:"keyFigures"`
		} `json:"scores"`
	}
	ids := []string{"filtering", "antiSpoofing", "coordination", "routingInformationIRR", "routingInformationRPKI"}
	sevIDs := []string{"ready", "aspiring", "lagging", "no_data_available"}

	// region=NL: the stored aggregates (fixture: value 0.5+i/20, ready 3+i,
	// aspiring 2, lagging 1, no data 4-i; September 0.1 lower).
	var nl figures
	decode(t, e.get("/api/v2/scores/summary?region=NL", 200), &nl)
	if len(nl.Scores.KeyFigures) != 5 {
		t.Fatalf("keyFigures: %+v", nl)
	}
	for i, f := range nl.Scores.KeyFigures {
		wantCounts := []int{3 + i, 2, 1, 4 - i}
		if f.ID != ids[i] || !near(f.Value, 0.5+float64(i)/20) || !near(f.Trend, 0.1) || len(f.Severities) != 4 {
			t.Errorf("keyFigure %d = %+v", i, f)
			continue
		}
		for j, s := range f.Severities {
			if s.ID != sevIDs[j] || s.Count != wantCounts[j] || math.Abs(s.Percentage-float64(wantCounts[j])*10) > 1e-9 {
				t.Errorf("%s severity %d = %+v, want %s %d %d%%", f.ID, j, s, sevIDs[j], wantCounts[j], wantCounts[j]*10)
			}
		}
	}

	// A per-ASN summary with month (RFC 3339, as v2 clients send it):
	// AS3333's own scores, trend from September's (filtering 0.65, 0.55).
	var one figures
	decode(t, e.get("/api/v2/scores/summary?asns=3333&month=2026-10-01T00:00:00Z", 200, bearer(k.pRIPE)...), &one)
	wantOne := map[string][2]float64{ // value, trend
		"filtering": {0.65, 0.1}, "coordination": {1, 0}, "routingInformationIRR": {0.95, 0}, "routingInformationRPKI": {0.9, 0},
	}
	for _, f := range one.Scores.KeyFigures {
		w, ok := wantOne[f.ID]
		if f.ID == "antiSpoofing" {
			if f.Value != nil || f.Trend != nil || f.Severities[3].Count != 1 {
				t.Errorf("antiSpoofing (no data) = %+v", f)
			}
			continue
		}
		if !ok || !near(f.Value, w[0]) || !near(f.Trend, w[1]) {
			t.Errorf("AS3333 %s = value %v trend %v, want %v", f.ID, f.Value, f.Trend, w)
		}
	}
	if len(one.Scores.KeyFigures) != 5 {
		t.Errorf("AS3333: %d key figures", len(one.Scores.KeyFigures))
	}

	// economies=NL,US: computed over the four records (IRR 0.95, 0.9,
	// 0.85, 0.7: mean 0.85, all ready by their stored level).
	var two figures
	decode(t, e.get("/api/v2/scores/summary?economies=nl,US", 200), &two)
	irr := two.Scores.KeyFigures[3]
	if irr.ID != "routingInformationIRR" || !near(irr.Value, 0.85) || irr.Severities[0].Count != 4 || irr.Severities[0].Percentage != 100 {
		t.Errorf("economies=NL,US IRR = %+v", irr)
	}
	var nlOnly figures
	decode(t, e.get("/api/v2/scores/summary?economies=NL", 200), &nlOnly)
	if f := nlOnly.Scores.KeyFigures[3]; !near(f.Value, 0.9) { // AS3333 0.95, AS64500 0.85
		t.Errorf("economies=NL IRR = %v, want 0.9", f.Value)
	}
	e.get("/api/v2/scores/summary?economies=NL&region=Europe", 400)
	e.get("/api/v2/scores/summary?economies=Netherlands", 400)
	e.get("/api/v2/scores/summary?economies=FR", 404)
}

// compatDodds replays dodds6304-star's NOTES_APIS.md: participants
// ?asn=N ({participants:[{id, status:"approved", …}]}, empty when not a
// member) and the 403 of scores/details and per-ASN summaries for an ASN
// the key is not entitled to; unknown parameters are 422.
func compatDodds(t *testing.T, e *env, k *keyed) {
	reg, err := k.svc.RegisteredParticipant(t.Context(), k.ripe)
	if err != nil {
		t.Fatal(err)
	}
	var member struct {
		Participants []struct {
			ID          string   `json:"id"`
			Name        string   `json:"name"`
			Status      string   `json:"status"`
			MemberSince string   `json:"memberSince"`
			ASNs        []uint32 `json:"asns"`
		} `json:"participants"`
	}
	decode(t, e.get("/api/v2/participants?asn=3333", 200, bearer(k.pGoogle)...), &member)
	if len(member.Participants) != 1 {
		t.Fatalf("participants?asn=3333: %+v", member)
	}
	if p := member.Participants[0]; p.ID != reg.UID || !store.ValidUID(p.ID) || p.Status != "approved" ||
		p.Name != "RIPE NCC" || !slices.Equal(p.ASNs, []uint32{asnRIPE}) {
		t.Errorf("participants?asn=3333 = %+v, want UID %s", p, reg.UID)
	}
	var none struct {
		Participants []any `json:"participants"`
	}
	decode(t, e.get("/api/v2/participants?asn=AS64500", 200, bearer(k.pGoogle)...), &none)
	if none.Participants == nil || len(none.Participants) != 0 {
		t.Errorf("participants?asn=64500 = %+v, want an empty list", none)
	}
	for _, c := range []struct {
		path, token string
		want        int
	}{
		{"/api/v2/scores/details?asn=15169", k.pRIPE, 403},
		{"/api/v2/scores/summary?asns=15169", k.pRIPE, 403},
		{"/api/v2/scores/summary?asns=3333,15169", k.pRIPE, 403},
		{"/api/v2/scores/summary?asns=3333,15169", k.partner, 200},
		{"/api/v2/scores/summary?asns=3333", "", 401},
		{"/api/v2/scores/summary?asns=64511", k.partner, 404},
		{"/api/v2/scores/summary?country=NL", "", 422},
	} {
		e.get(c.path, c.want, bearer(c.token)...)
	}
	// Without a registry the table is the month's snapshot: the UUIDs are
	// name-based (version 5) and the same in every month.
	bare := newEnv(t, openFixture(t, storeKinds[0]), Options{})
	var oct, sep struct {
		Participants []struct{ ID, Name string } `json:"participants"`
	}
	decode(t, bare.get("/api/v2/participants?asn=3333", 200), &oct)
	decode(t, bare.get("/api/v2/participants?asn=3333&month=2026-09", 200), &sep)
	if len(oct.Participants) != 1 || len(sep.Participants) != 1 || oct.Participants[0].ID != sep.Participants[0].ID ||
		oct.Participants[0].ID[14] != '5' || !store.ValidUID(oct.Participants[0].ID) {
		t.Errorf("snapshot UUIDs: %+v, %+v", oct, sep)
	}
}

// compatStarterTutorial replays the manrs-observatory-starter
// tutorial: GET /api/v2/ases?economies=CC page by page, following
// nextPageToken to the end.
func compatStarterTutorial(t *testing.T, e *env, k *keyed) {
	var got []uint32
	token := ""
	for range 10 {
		path := "/api/v2/ases?economies=NL&pageSize=1"
		if token != "" {
			path += "&pageToken=" + token
		}
		var page struct {
			Items []struct {
				ASN     uint32 `json:"asn"`
				Country string `json:"country"`
			} `json:"items"`
			NextPageToken string `json:"nextPageToken"`
		}
		decode(t, e.get(path, 200), &page)
		for _, it := range page.Items {
			if it.Country != "NL" {
				t.Errorf("AS%d of %s in economies=NL", it.ASN, it.Country)
			}
			got = append(got, it.ASN)
		}
		if token = page.NextPageToken; token == "" {
			break
		}
	}
	if !slices.Equal(got, []uint32{asnRIPE, asnNL}) {
		t.Errorf("economies=NL pages: %v, want [3333 64500]", got)
	}
}

// compatAcidvegasV1 replays the acidvegas MANRS API wrapper's v1
// endpoints, with month=YYYYMM, each with the deprecation headers and its
// v2 successor.
func compatAcidvegasV1(t *testing.T, e *env, k *keyed) {
	get := func(path, successor string, v any) {
		t.Helper()
		resp, b := e.do("GET", path, "", bearer(k.partner)...)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, b)
		}
		checkDeprecated(t, resp, successor)
		decode(t, b, v)
	}
	var asns struct {
		ASNs []uint32 `json:"asns"`
	}
	get("/api/asns", "/api/v2/asns", &asns)
	if !slices.Equal(asns.ASNs, []uint32{asnRIPE, asnGoogle}) {
		t.Errorf("/api/asns = %v", asns.ASNs)
	}
	var v2 struct {
		ASNs []uint32 `json:"asns"`
	}
	decode(t, e.get("/api/v2/asns?pageSize=1", 200), &v2)
	if !slices.Equal(v2.ASNs, asns.ASNs) {
		t.Errorf("/api/v2/asns asns = %v, want v1's %v on every page", v2.ASNs, asns.ASNs)
	}
	type asInfo struct {
		Number    uint32 `json:"number"`
		Name      string `json:"name"`
		Status    string `json:"status"`
		MANRS     bool   `json:"manrs"`
		RIRStatus string `json:"rir_status"`
	}
	var info struct {
		ASNs []asInfo `json:"asns"`
	}
	get("/api/asns/info?month=202609", "/api/v2/ases", &info)
	if len(info.ASNs) != 4 || info.ASNs[0] != (asInfo{asnRIPE, "RIPE-NCC-AS Réseaux IP Européens", "measured", true, ""}) ||
		info.ASNs[2].MANRS {
		t.Errorf("/api/asns/info = %+v", info)
	}
	var one asInfo
	get("/api/asns/info/15169", "/api/v2/ases/15169", &one)
	if one != (asInfo{asnGoogle, "GOOGLE", "measured", true, ""}) {
		t.Errorf("/api/asns/info/15169 = %+v", one)
	}
	type roas struct {
		Families []struct {
			Family     int   `json:"family"`
			Valid      int64 `json:"valid"`
			Invalid    int64 `json:"invalid"`
			ValidSpace int64 `json:"valid_space"`
		} `json:"families"`
	}
	var byASN, byCC roas
	get("/api/roas/asn/3333", "/api/v2/roas/asn/3333", &byASN)
	get("/api/roas/country/nl", "/api/v2/roas/economy/nl", &byCC)
	if len(byASN.Families) != 2 || byASN.Families[0].ValidSpace != 2048 || len(byCC.Families) != 2 || byCC.Families[0].Invalid != 1 {
		t.Errorf("ROAs: %+v %+v", byASN, byCC)
	}
	for _, c := range []struct {
		path  string
		names []string
	}{
		{"/api/conformance/cdns", nil}, {"/api/conformance/ixps", nil}, {"/api/conformance/vendors", nil},
		{"/api/ixps/info", nil}, {"/api/conformance/net-ops", []string{"Google", "RIPE NCC"}},
	} {
		var tbl struct {
			Participants []struct{ Name string } `json:"participants"`
		}
		get(c.path, "/api/v2/participants", &tbl)
		var names []string
		for _, p := range tbl.Participants {
			names = append(names, p.Name)
		}
		if !slices.Equal(names, c.names) || tbl.Participants == nil {
			t.Errorf("%s: %v, want %v", c.path, names, c.names)
		}
	}
	e.get("/api/asns/info/AS99999999999", 400)
	e.get("/api/roas/country/NLD", 400)
	e.get("/api/asns?month=202613", 400)
	e.get("/api/asns?month=199901", 404)
}

// TestCORS: anonymous requests to the public endpoints may be read from
// any origin and their GET preflight is answered; keyed requests and the
// endpoints that need a key carry no CORS header.
func TestCORS(t *testing.T) {
	st := openFixture(t, storeKinds[0])
	k := setupKeys(t, st)
	e := newEnv(t, st, Options{})
	origin := []string{"Origin", "https://example.org"}
	for _, c := range []struct {
		path, token string
		want        string
	}{
		{"/api/v2/asns", "", "*"},
		{"/api/v2/scores/summary?region=NL", "", "*"},
		{"/api/v2/ases/AS3333", "", "*"},
		{"/api/v2/participants", "", "*"},
		{"/api/asns", "", "*"},
		{"/api/conformance/net-ops", "", "*"},
		{"/api/v2/asns", k.partner, ""},
		{"/api/v2/participants", k.pRIPE, ""},
		{"/api/v2/incidents", k.partner, ""},
		{"/api/v2/scores/details?asn=3333", k.pRIPE, ""},
		{"/api/v2/conformance/flags", k.sec, ""},
		{"/api/v2/incidents", "", ""}, // 401, and no CORS either
	} {
		resp, _ := e.do("GET", c.path, "", append(bearer(c.token), origin...)...)
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != c.want {
			t.Errorf("GET %s (key %v): Access-Control-Allow-Origin %q, want %q", c.path, c.token != "", got, c.want)
		}
	}
	// Preflight, outside the contract (OPTIONS is no operation of it).
	preflight := func(path, headers string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("OPTIONS", e.srv.URL+path, nil)
		req.Header.Set("Origin", "https://example.org")
		req.Header.Set("Access-Control-Request-Method", "GET")
		if headers != "" {
			req.Header.Set("Access-Control-Request-Headers", headers)
		}
		resp, err := e.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if r := preflight("/api/v2/ases", ""); r.StatusCode != 204 || r.Header.Get("Access-Control-Allow-Origin") != "*" ||
		r.Header.Get("Access-Control-Allow-Methods") != "GET, HEAD" {
		t.Errorf("preflight /api/v2/ases: %d %v", r.StatusCode, r.Header)
	}
	if r := preflight("/api/v2/ases", "Authorization"); r.Header.Get("Access-Control-Allow-Headers") != "" {
		t.Errorf("preflight with Authorization allows headers %q", r.Header.Get("Access-Control-Allow-Headers"))
	}
	for _, p := range []string{"/api/v2/incidents", "/api/v2/scores/details", "/api/v2/feedback"} {
		if r := preflight(p, ""); r.StatusCode != 405 || r.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("preflight %s: %d, ACAO %q; want 405 without CORS", p, r.StatusCode, r.Header.Get("Access-Control-Allow-Origin"))
		}
	}
}

// TestAuthorization_ParticipantReadiness: the seed lets participants
// view the readiness of all participants. A participant key reads every
// participant's minimum-conformance flags (their readiness history), the
// values and evidence of its own only; details stay entitlement-checked.
func TestAuthorization_ParticipantReadiness(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		august := time.Date(2026, time.August, 1, 0, 0, 0, 0, time.UTC)
		if err := st.WriteMonth(t.Context(), fixtureMonth(august, -0.2)); err != nil { // three lagging months: flags
			t.Fatal(err)
		}
		k := setupKeys(t, st)
		e := newEnv(t, st, Options{})
		var all, mine wire.ConformanceFlags
		decode(t, e.get("/api/v2/conformance/flags", 200, bearer(k.sec)...), &all)
		decode(t, e.get("/api/v2/conformance/flags", 200, bearer(k.pRIPE)...), &mine)
		if len(all.Items) == 0 || len(mine.Items) != len(all.Items) {
			t.Fatalf("participant sees %d flags, the secretariat %d: want all", len(mine.Items), len(all.Items))
		}
		others := 0
		for i, f := range mine.Items {
			full := all.Items[i]
			if f.ASN != full.ASN || f.Kind != full.Kind || len(f.History) != len(full.History) {
				t.Fatalf("flag %d: %+v vs %+v", i, f, full)
			}
			if uint32(f.ASN) == asnRIPE {
				if len(f.Evidence) != len(full.Evidence) {
					t.Errorf("own flag without its evidence: %+v", f)
				}
				continue
			}
			others++
			if len(f.Evidence) != 0 || len(full.Evidence) == 0 {
				t.Errorf("AS%d's flag: evidence %d (full %d), want none", f.ASN, len(f.Evidence), len(full.Evidence))
			}
			for j, h := range f.History {
				if h.Value != nil || h.State != full.History[j].State {
					t.Errorf("AS%d's history %d = %+v, want the state %s without value", f.ASN, j, h, full.History[j].State)
				}
			}
		}
		if others == 0 {
			t.Error("no other participant's flag: the test proves nothing")
		}
		e.get("/api/v2/conformance/flags", 401)
		e.get(fmt.Sprintf("/api/v2/scores/details?asn=%d", asnGoogle), 403, bearer(k.pRIPE)...)
	})
}
