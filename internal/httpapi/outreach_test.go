package httpapi

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/store"
)

// TestOutreach_Authorization walks the outreach and growth operations ×
// every kind of caller: outreach names non-participants as targets, so
// secretariat and partner only; growth is public.
func TestOutreach_Authorization(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		k := setupKeys(t, st)
		e := newEnv(t, st, Options{})
		callers := []struct {
			name, token      string
			outreach, growth int
		}{
			{"anonymous", "", 401, 200},
			{"participant", k.pRIPE, 403, 200},
			{"partner", k.partner, 200, 200},
			{"secretariat", k.sec, 200, 200},
			{"revoked", k.revoked, 401, 401},
			{"expired", k.expired, 401, 401},
			{"unknown", k.unknown, 401, 401},
		}
		for _, c := range callers {
			for _, op := range []struct {
				path string
				want int
			}{
				{"/api/v2/outreach", c.outreach},
				{"/api/v2/outreach?economy=NL&month=2026-10", c.outreach},
				{"/api/v2/outreach?region=europe&pageSize=1", c.outreach},
				{"/api/v2/growth", c.growth},
			} {
				resp, b := e.do(http.MethodGet, op.path, "", bearer(c.token)...)
				if resp.StatusCode != op.want {
					t.Errorf("%s GET %s: %d, want %d: %.200s", c.name, op.path, resp.StatusCode, op.want, b)
				}
				if op.want >= 400 && resp.Header.Get("Content-Type") != "application/problem+json" {
					t.Errorf("%s GET %s: %d as %q, want problem+json", c.name, op.path, resp.StatusCode, resp.Header.Get("Content-Type"))
				}
				if op.want >= 400 && strings.Contains(string(b), "EXAMPLE") {
					t.Errorf("%s GET %s: a refusal names a network: %s", c.name, op.path, b)
				}
			}
		}
	})
}

// TestOutreach_Ranking checks that the registry's participants (AS3333,
// AS15169) are left out and the filters and pages of the ranking.
func TestOutreach_Ranking(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		k := setupKeys(t, st)
		e := newEnv(t, st, Options{})
		list := func(path string) wire.OutreachList {
			var l wire.OutreachList
			if err := json.Unmarshal(e.get(path, 200, bearer(k.sec)...), &l); err != nil {
				t.Fatal(err)
			}
			return l
		}
		asns := func(l wire.OutreachList) []wire.ASN {
			var out []wire.ASN
			for _, it := range l.Items {
				out = append(out, it.ASN)
			}
			return out
		}
		all := list("/api/v2/outreach")
		// Same impact (one incident each, no cone, no space); AS64500 is
		// ready on two Actions of five, AS64501 too: the lower ASN first.
		if got := asns(all); !slices.Equal(got, []wire.ASN{asnNL, asnUS}) || all.Total != 2 || all.Formula != wire.OutreachFormula {
			t.Errorf("outreach = %v (total %d)", got, all.Total)
		}
		if it := all.Items[0]; it.Rank != 1 || it.Incidents != 1 || it.ReadyActions != 2 || it.Actions != 5 || it.Economy != "NL" {
			t.Errorf("first = %+v", it)
		}
		if got := asns(list("/api/v2/outreach?economy=us")); !slices.Equal(got, []wire.ASN{asnUS}) {
			t.Errorf("economy=us: %v", got)
		}
		if got := asns(list("/api/v2/outreach?region=Western%20Europe")); !slices.Equal(got, []wire.ASN{asnNL}) {
			t.Errorf("region=Western Europe: %v", got)
		}
		if l := list("/api/v2/outreach?economy=JP"); len(l.Items) != 0 || l.Total != 0 || l.Items == nil {
			t.Errorf("economy=JP: %+v, want an empty list", l)
		}
		p1 := list("/api/v2/outreach?pageSize=1")
		if len(p1.Items) != 1 || p1.NextPageToken == "" {
			t.Fatalf("page 1 = %+v", p1)
		}
		p2 := list("/api/v2/outreach?pageSize=1&pageToken=" + p1.NextPageToken)
		if got := asns(p2); !slices.Equal(got, []wire.ASN{asnUS}) || p2.NextPageToken != "" || p2.Items[0].Rank != 2 {
			t.Errorf("page 2 = %+v", p2)
		}
	})
}

// TestOutreach_BadInput: every bad parameter is a 400 problem, an unknown
// one a 422, an unknown month a 404, whatever the role that may see the ranking.
func TestOutreach_BadInput(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		k := setupKeys(t, st)
		e := newEnv(t, st, Options{})
		for _, c := range []struct {
			path string
			want int
		}{
			{"/api/v2/outreach?region=Europe&economy=NL", 400},
			{"/api/v2/outreach?economy=NLD", 400},
			{"/api/v2/outreach?economy=%3Cb%3E", 400},
			{"/api/v2/outreach?region=" + strings.Repeat("x", 65), 400},
			{"/api/v2/outreach?region=a%00b", 400},
			{"/api/v2/outreach?pageSize=0", 400},
			{"/api/v2/outreach?pageToken=forged", 400},
			{"/api/v2/outreach?month=2026-13", 400},
			{"/api/v2/outreach?top=3", 422},
			{"/api/v2/outreach?month=2020-01", 404},
			{"/api/v2/growth?month=2026-10", 422},
		} {
			resp, b := e.do(http.MethodGet, c.path, "", bearer(k.partner)...)
			if resp.StatusCode != c.want || resp.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("GET %s: %d %s, want %d problem+json: %s", c.path, resp.StatusCode, resp.Header.Get("Content-Type"), c.want, b)
			}
		}
		before := dump(t, st)
		e.do(http.MethodPost, "/api/v2/outreach", `{}`, bearer(k.sec)...)
		if after := dump(t, st); after != before {
			t.Error("a refused request changed the store")
		}
	})
}

// TestGrowth: participation by programme and month from the registry's
// approval dates, and the shares of every stored month.
func TestGrowth(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, Options{})
		var g wire.Growth
		// No registry entries: the newest month's snapshot (RIPE NCC
		// netops 2015-01, Google cdn 2020-01).
		if err := json.Unmarshal(e.get("/api/v2/growth", 200), &g); err != nil {
			t.Fatal(err)
		}
		if g.Source != "month" || !slices.Equal(g.Programmes, []string{"cdn", "netops"}) {
			t.Errorf("source %q programmes %v", g.Source, g.Programmes)
		}
		if n := len(g.Participation); n == 0 || g.Participation[0].Month.Format("2006-01") != "2015-01" ||
			g.Participation[n-1].Month.Format("2006-01") != "2026-10" {
			t.Fatalf("participation spans %d months: %v … ", n, g.Participation[:min(n, 1)])
		}
		last := g.Participation[len(g.Participation)-1]
		if last.Total["netops"] != 1 || last.Total["cdn"] != 1 || g.Participation[0].Joined["netops"] != 1 {
			t.Errorf("last month %+v, first %+v", last, g.Participation[0])
		}
		if len(g.Shares) != 2 || g.Shares[0].Month != september || g.Shares[1].World.ROAValidShare == nil ||
			*g.Shares[1].World.ROAValidShare != 0.7 || g.Shares[1].World.ROAJudged != 10 || g.Shares[1].World.ROVFilteringShare != nil {
			t.Errorf("shares = %+v", g.Shares)
		}
		// With a registry, it is the source.
		setupKeys(t, st)
		e2 := newEnv(t, st, Options{})
		if err := json.Unmarshal(e2.get("/api/v2/growth", 200), &g); err != nil {
			t.Fatal(err)
		}
		if g.Source != "registry" || g.Undated["netops"] != 2 || len(g.Participation) != 0 {
			t.Errorf("registry growth: source %q undated %v, %d months", g.Source, g.Undated, len(g.Participation))
		}
	})
}
