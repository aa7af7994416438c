package web

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/internal/store"
)

// TestWeb_Charts: Figure 1's table counts the participants scope's
// roaValidShare aggregate of each month as the store holds it, Figure 2's
// the world's ROA statistics; both figures are drawn.
func TestWeb_Charts(t *testing.T) {
	e := newEnv(t)
	c := e.client(t, "")
	status, body := get(t, c, e.srv.URL, "/charts?month=2026-10")
	if status != 200 {
		t.Fatalf("GET /charts: %d", status)
	}
	ctx := context.Background()
	for _, m := range []string{"2026-09", "2026-10"} {
		month := october
		if m == "2026-09" {
			month = september
		}
		aggs, err := e.st.Aggregates(ctx, month, fixtureSpec, "participants")
		if err != nil {
			t.Fatal(err)
		}
		want := -1
		for _, a := range aggs {
			if a.Key == "netops" && a.Score == "roaValidShare" {
				want = a.Ready
			}
		}
		row := body[strings.Index(body, `<tr data-month="`+m+`">`):]
		if got := attr(row, "<td", "data-valid"); got != fmt.Sprint(want) || want < 0 {
			t.Errorf("%s: %s networks with a valid ROA, store %d", m, got, want)
		}
	}
	// World, IPv4: 3000 valid of 3512 addresses; IPv6: 65536 of 131072 /64s.
	world := body[strings.Index(body, `<tr data-region="world">`):]
	if got := text(world, `data-v4=`); got != pct(3000.0/3512) {
		t.Errorf("world IPv4 coverage %q, want %s", got, pct(3000.0/3512))
	}
	if got := text(world, `data-v6=`); got != pct(0.5) {
		t.Errorf("world IPv6 coverage %q, want 50.0 %%", got)
	}
	for _, want := range []string{`<figure id="figure-1"><svg class="chart"`, `<svg class="chart" id="roa-by-region"`, `<rect class="barv s0"`,
		`aria-current="page">Charts`, `id="fresh" data-month="2026-10"`} {
		if !strings.Contains(body, want) {
			t.Errorf("charts page lacks %s", want)
		}
	}
}

// TestWeb_Freshness: every page says which month it shows and what the
// month rests on, as GET /api/v2/inputs gives it.
func TestWeb_Freshness(t *testing.T) {
	e := newEnv(t)
	c := e.client(t, "")
	var in struct {
		Month  string `json:"month"`
		Inputs []any  `json:"inputs"`
		Stats  struct {
			Peers int `json:"peers"`
		} `json:"stats"`
	}
	e.apiJSON(t, "", "/api/v2/inputs?month=2026-09", &in)
	for _, path := range []string{"/?month=2026-09", "/map?month=2026-09", "/charts?month=2026-09", "/compare?month=2026-09"} {
		_, body := get(t, c, e.srv.URL, path)
		if got := attr(body, `id="fresh"`, "data-month"); got != "2026-09" {
			t.Errorf("%s: fresh month %q, want 2026-09", path, got)
		}
		if got, want := attr(body, `id="coverage"`, "data-files"), fmt.Sprint(len(in.Inputs)); got != want {
			t.Errorf("%s: %s input files, API %s", path, got, want)
		}
		if got, want := attr(body, `id="coverage"`, "data-peers"), fmt.Sprint(in.Stats.Peers); got != want {
			t.Errorf("%s: %s peers, API %s", path, got, want)
		}
	}
	_, body := get(t, c, e.srv.URL, "/specs")
	if !strings.Contains(body, `id="fresh" data-month="2026-10"`) {
		t.Error("/specs does not say the newest month")
	}
}

func TestFreshness_Collectors(t *testing.T) {
	m := fixtureMonth(october, 0).Meta
	m.Inputs = nil
	for _, p := range []string{"/data/ris/rrc00/2026.10/bview.20261001.0000.gz", "/data/ris/rrc00/2026.10/updates.20261001.0005.gz",
		"/data/rv/route-views2/bgpdata/2026.10/RIBS/rib.20261001.0000.bz2", "/data/mrt/ris.rrc06.updates.1401488100.gz",
		"/data/mrt/routeviews.route-views.jinx.ribs.1401487200.bz2", "/data/mrt/route-views-chicago-20170824-25/updates.20170824.1845.bz2",
		"/data/mrt/namex-bgpd-rib-inet.mrt", "/data/vrp/vrps.json"} {
		kind := "mrt"
		if strings.HasSuffix(p, ".json") {
			kind = "vrp"
		}
		m.Inputs = append(m.Inputs, store.Input{Path: p, Kind: kind})
	}
	f := freshnessOf(&m)
	if f.Files != 8 || f.MRTFiles != 7 || strings.Join(f.Collectors, ",") != "route-views-chicago,route-views.jinx,route-views2,rrc00,rrc06" {
		t.Errorf("files %d, MRT %d, collectors %q", f.Files, f.MRTFiles, f.Collectors)
	}
}
