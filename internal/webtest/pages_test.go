package webtest

import (
	"encoding/csv"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// pages are the dashboard's pages, one of each kind, by name.
var pages = []struct{ name, path string }{
	{"overview", "/?month=" + month},
	{"overview-economy", "/?month=" + month + "&region=JP"},
	{"overview-region", "/?month=" + month + "&region=Asia"},
	{"map", "/map?month=" + month},
	{"map-roa", "/map?month=" + month + "&metric=roa6"},
	{"asn", fmt.Sprintf("/asn/AS%d?month=%s", otherASN, month)},
	{"participants", "/participants?month=" + month},
	{"participants-search", "/participants?month=" + month + "&q=KDDI"},
	{"compare-asns", fmt.Sprintf("/compare?asn=AS%d&asn=AS%d", ownASN, otherASN)},
	{"compare-regions", "/compare?region=world&region=Asia&region=JP"},
	{"specs", "/specs"},
	{"specs-diff", "/specs/diff?a=netops@2024.1&b=netops@2024.1"},
	{"signin", "/signin"},
	{"growth", "/growth"},
	{"apply", "/apply"},
	{"specs-diff-2025", "/specs/diff?a=netops@2024.1&b=netops@2025.1"},
}

// TestPages_LoadClean loads every page, light and dark: no console
// error, no exception, no failed request, under the weight limit, and a
// screenshot of each. In dark mode the page's background must be dark.
func TestPages_LoadClean(t *testing.T) {
	dashboard(t)
	for _, pg := range pages {
		t.Run(pg.name, func(t *testing.T) {
			p := newPage(t).open(pg.path)
			p.checkClean()
			if got := eval[string](p, `document.title`); got == "" || strings.HasPrefix(got, "404") || strings.HasPrefix(got, "500") {
				t.Errorf("title %q", got)
			}
			p.screenshot("")
		})
		t.Run(pg.name+"/dark", func(t *testing.T) {
			p := newPage(t, darkMode).open(pg.path)
			p.checkClean()
			if l := backgroundLuminance(p); l > 0.4 {
				t.Errorf("background luminance %.2f in dark mode, want a dark background", l)
			}
			p.screenshot("")
		})
	}
}

// TestPages_Layout checks that no page scrolls sideways at 1280 px and
// that no table or chart overflows the box that holds it.
func TestPages_Layout(t *testing.T) {
	dashboard(t)
	for _, pg := range pages {
		t.Run(pg.name, func(t *testing.T) {
			newPage(t).open(pg.path).checkLayout()
		})
	}
}

// backgroundLuminance returns the relative luminance (0 black, 1 white)
// of the page's background: the body's, or the root element's when the
// body's is transparent.
func backgroundLuminance(p *page) float64 {
	p.t.Helper()
	rgb := eval[[]float64](p, `(() => {
		const bg = e => getComputedStyle(e).backgroundColor;
		let c = bg(document.body);
		if (c === "rgba(0, 0, 0, 0)" || c === "transparent") c = bg(document.documentElement);
		if (c === "rgba(0, 0, 0, 0)" || c === "transparent") c = "rgb(255, 255, 255)";
		return c.match(/[\d.]+/g).slice(0, 3).map(Number);
	})()`)
	lin := func(v float64) float64 {
		v /= 255
		if v <= 0.03928 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(rgb[0]) + 0.7152*lin(rgb[1]) + 0.0722*lin(rgb[2])
}

// TestOverview_NumbersMatchAPI compares the overview's scores, readiness
// counts and percentages and trends with GET /api/v2/scores/summary, for
// the world, a region and an economy, and the world's incident counts
// with GET /api/v2/incidents.
func TestOverview_NumbersMatchAPI(t *testing.T) {
	dashboard(t)
	for _, c := range []struct{ month, region string }{
		{month, "world"}, {month, "Asia"}, {month, "JP"}, {prevMonth, "world"},
	} {
		region := c.region
		t.Run(c.month+"/"+region, func(t *testing.T) {
			p := newPage(t).open("/?month=" + c.month + "&region=" + region)
			want := summaryOf(t, c.month, region)
			scores, counts, pcts, trends := attrTexts(p, "score"), attrTexts(p, "count"), attrTexts(p, "pct"), attrTexts(p, "trend")
			if len(want.Scores) != 5 || len(scores) != len(want.Scores) {
				t.Errorf("page shows %d scores %v, the API %d", len(scores), scores, len(want.Scores))
			}
			for _, s := range want.Scores {
				if got := scores[s.ID]; got != scoreText(s.Value) {
					t.Errorf("score %s = %q, API %s", s.ID, got, scoreText(s.Value))
				}
				for _, lvl := range []string{"ready", "aspiring", "lagging", "noData"} {
					key := s.ID + "-" + lvl
					if got, want := strings.ReplaceAll(counts[key], ",", ""), strconv.Itoa(s.Counts[lvl]); got != want {
						t.Errorf("count %s = %q, API %s", key, got, want)
					}
					if got, want := pcts[key], strconv.FormatFloat(s.Percentages[lvl], 'f', 1, 64); got != want {
						t.Errorf("percentage %s = %q, API %s", key, got, want)
					}
				}
				if got, ok := trends[s.ID]; ok && s.Trend != nil {
					if v := trendValue(got); math.Abs(v-*s.Trend) > 0.0005 {
						t.Errorf("trend %s = %q, API %v", s.ID, got, *s.Trend)
					}
				}
			}
			if c.month != month {
				return
			}
			if region == "world" {
				checkIncidentCounts(t, p)
			}
			if region == "JP" {
				roa := attrTexts(p, "roa")
				for _, fam := range []int{4, 6} {
					want := roaCoverage(t, region, fam)
					if got := roa[strconv.Itoa(fam)]; want == "" && got != "No data" || want != "" && got != want {
						t.Errorf("ROA coverage of IPv%d = %q, API %q", fam, got, want)
					}
				}
			}
		})
	}
}

// trendValue parses a shown trend such as "▲ +0.012" or "▼ -0.050".
func trendValue(s string) float64 {
	s = strings.TrimSpace(strings.Trim(s, "▲▼ "))
	v, err := strconv.ParseFloat(strings.TrimPrefix(s, "+"), 64)
	if err != nil {
		return math.NaN()
	}
	return v
}

// checkIncidentCounts compares the overview's incidents and networks
// involved with the month's incidents not excluded, as a partner sees
// them.
func checkIncidentCounts(t *testing.T, p *page) {
	t.Helper()
	var n int
	asns := map[uint32]bool{}
	for _, inc := range incidents(t, "partner", 0) {
		if !inc.Excluded {
			n++
			asns[inc.ASN] = true
		}
	}
	if got := attrTexts(p, "incidents"); len(got) != 1 || strings.ReplaceAll(firstValue(got), ",", "") != strconv.Itoa(n) {
		t.Errorf("incidents shown %v, API %d", got, n)
	}
	if got := attrTexts(p, "networks"); len(got) != 1 || strings.ReplaceAll(firstValue(got), ",", "") != strconv.Itoa(len(asns)) {
		t.Errorf("networks involved shown %v, API %d", got, len(asns))
	}
}

// firstValue returns a value of m (its only one, where it is used).
func firstValue(m map[string]string) string {
	for _, v := range m {
		return v
	}
	return ""
}

// TestASN_NumbersMatchAPI compares an ASN page's holder, participation,
// scores and readiness with GET /api/v2/ases/{asn}, anonymously: a
// participant's ASN (whose non-public Actions are hidden) and another.
func TestASN_NumbersMatchAPI(t *testing.T) {
	dashboard(t)
	for _, asn := range []uint32{ownASN, otherASN, 4755} {
		t.Run(fmt.Sprintf("AS%d", asn), func(t *testing.T) {
			p := newPage(t).open(fmt.Sprintf("/asn/AS%d?month=%s", asn, month))
			p.checkClean()
			want := asnRecord(t, "", asn)
			if got := attrTexts(p, "participant"); firstValue(got) != map[bool]string{true: "yes", false: "no"}[want.Participant] {
				t.Errorf("participant shown %v, API %v", got, want.Participant)
			}
			if got := texts(p, "#holder"); want.Holder != "" && (len(got) != 1 || got[0] != want.Holder) {
				t.Errorf("holder shown %q, API %q", got, want.Holder)
			}
			scores, levels := attrTexts(p, "score"), attrTexts(p, "level")
			for _, s := range want.Scores {
				if s.Value != nil && scores[s.ID] != scoreText(s.Value) {
					t.Errorf("score %s = %q, API %s", s.ID, scores[s.ID], scoreText(s.Value))
				}
				if got, want := levels[s.ID], levelText(s.Level); !strings.Contains(got, want) {
					t.Errorf("readiness %s = %q, API %s (%q)", s.ID, got, s.Level, want)
				}
			}
			if n := count(p, "#history tbody tr", false); n < 2 {
				t.Errorf("history has %d months, want both stored months", n)
			}
		})
	}
}

// levelText is how the pages name the API's readiness levels.
func levelText(level string) string {
	switch level {
	case "ready":
		return "Ready"
	case "aspiring":
		return "Aspiring"
	case "lagging":
		return "Lagging"
	case "hidden":
		return "Not public"
	}
	return "No data"
}

// TestParticipants_TableMatchesAPI compares the participants table, row
// by row, with GET /api/v2/participants, and its CSV export too.
func TestParticipants_TableMatchesAPI(t *testing.T) {
	dashboard(t)
	p := newPage(t).open("/participants?month=" + month)
	want := participantsTable(t)
	rows := eval[map[string][]string](p, `Object.fromEntries(Array.from(document.querySelectorAll("#participants-table tbody tr"),
		r => [r.getAttribute("data-org"), Array.from(r.cells, c => c.textContent.trim().replace(/\s+/g, " "))]))`)
	if len(rows) != len(want) {
		t.Errorf("table has %d rows, API %d", len(rows), len(want))
	}
	for _, w := range want {
		got, ok := rows[w.Organisation]
		if !ok || len(got) < 9 {
			t.Errorf("no row (of 9 cells) for %s: %q", w.Organisation, got)
			continue
		}
		var asns []string
		for _, a := range w.ASNs {
			asns = append(asns, fmt.Sprintf("AS%d", a))
		}
		checks := []struct{ col, got, want string }{
			{"approved", got[1], w.Approved[:min(10, len(w.Approved))]},
			{"areas", got[2], strings.Join(w.Areas, ", ")},
			{"ASNs", got[3], strings.Join(asns, ", ")},
			{"Action 1", got[4], levelText(w.Action1Mark)},
		}
		for i, m := range []apiMark{w.AntiSpoofing, w.Coordination, w.IRR, w.RPKI} {
			want := levelText(m.Level)
			if m.Value != nil {
				want += " " + scoreText(m.Value)
			}
			checks = append(checks, struct{ col, got, want string }{[]string{"anti-spoofing", "coordination", "IRR", "RPKI"}[i], got[5+i], want})
		}
		for _, c := range checks {
			if !strings.Contains(c.got, c.want) {
				t.Errorf("%s, %s = %q, API %q", w.Organisation, c.col, c.got, c.want)
			}
		}
	}
	p.screenshot("table")
}

// TestParticipants_Search filters the table by typing into its search
// field (scripts on), and with the no-JavaScript form (?q=).
func TestParticipants_Search(t *testing.T) {
	dashboard(t)
	total := len(participantsTable(t))
	t.Run("typed", func(t *testing.T) {
		p := newPage(t).open("/participants?month=" + month)
		if n := count(p, "#participants-table tbody tr", true); n != total {
			t.Fatalf("%d rows shown before searching, want %d", n, total)
		}
		p.run("type into the search field", chromedp.SendKeys(chromedp.CSS("#q"), "kddi"))
		p.settle()
		if n := count(p, "#participants-table tbody tr", true); n != 1 {
			t.Errorf("%d rows shown after typing kddi, want 1", n)
		}
		if got := texts(p, `#participants-table tbody tr[data-org="KDDI"] th`); len(got) != 1 || count(p, `#participants-table tbody tr[data-org="KDDI"]`, true) != 1 {
			t.Errorf("KDDI's row is not the one shown: %q", got)
		}
		p.checkClean()
		p.screenshot("typed")
	})
	t.Run("no-js", func(t *testing.T) {
		p := newPage(t, noScript).open("/participants?month=" + month + "&q=telstra")
		if n := count(p, "#participants-table tbody tr", false); n != 1 {
			t.Errorf("%d rows for ?q=telstra without scripts, want 1", n)
		}
		// The form's submit button sends the query back.
		eval[chromedp.Void](p, `document.getElementById("q").value = ""`)
		p.run("type a search", chromedp.SendKeys(chromedp.CSS("#q"), "AS9038"))
		p.click(`form[action="/participants"] button[type="submit"]`)
		if n := count(p, "#participants-table tbody tr", false); n != 1 || !strings.Contains(p.location(), "q=AS9038") {
			t.Errorf("%d rows at %s after searching AS9038 without scripts, want 1", n, p.location())
		}
		p.checkClean()
		p.screenshot("nojs")
	})
}

// TestParticipants_Sort sorts by organisation through the header links,
// without scripts (the server sorts) and with (the script does).
func TestParticipants_Sort(t *testing.T) {
	dashboard(t)
	var orgs []string
	for _, w := range participantsTable(t) {
		orgs = append(orgs, w.Organisation)
	}
	slices.SortFunc(orgs, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	desc := slices.Clone(orgs)
	slices.Reverse(desc)
	order := func(p *page) []string {
		return eval[[]string](p, `Array.from(document.querySelectorAll("#participants-table tbody tr"), r => r.getAttribute("data-org"))`)
	}
	t.Run("query", func(t *testing.T) {
		p := newPage(t, noScript).open("/participants?month=" + month + "&sort=organisation&dir=desc")
		if got := order(p); !slices.Equal(got, desc) {
			t.Errorf("?sort=organisation&dir=desc: %q, want %q", got, desc)
		}
	})
	t.Run("click", func(t *testing.T) {
		p := newPage(t).open("/participants?month=" + month + "&sort=organisation&dir=desc")
		p.click(`#participants-table th[data-col="organisation"] a`)
		if got := order(p); !slices.Equal(got, orgs) {
			t.Errorf("after clicking Organisation: %q, want %q", got, orgs)
		}
		p.checkClean()
	})
}

// TestParticipants_CSV downloads the page's CSV link: one row per
// participant of GET /api/v2/participants with the same ASNs, marks,
// levels and values; with a search, the CSV holds the rows found.
func TestParticipants_CSV(t *testing.T) {
	dashboard(t)
	want := participantsTable(t)
	for _, c := range []struct {
		q    string
		rows int
	}{{"", len(want)}, {"kddi", 1}} {
		t.Run("q="+c.q, func(t *testing.T) {
			p := newPage(t).open("/participants?month=" + month + "&q=" + c.q)
			href := eval[string](p, `document.getElementById("csv").getAttribute("href")`)
			records, err := csv.NewReader(strings.NewReader(getText(t, href))).ReadAll()
			if err != nil || len(records) != c.rows+1 {
				t.Fatalf("%s: %d records, %v; want a header and %d rows", href, len(records), err, c.rows)
			}
			col := map[string]int{}
			for i, h := range records[0] {
				col[h] = i
			}
			rows := map[string][]string{}
			for _, r := range records[1:] {
				rows[r[col["Organisation"]]] = r
			}
			for _, w := range want {
				r, ok := rows[w.Organisation]
				if !ok {
					if c.q == "" {
						t.Errorf("%s lacks %s", href, w.Organisation)
					}
					continue
				}
				compareCSVRow(t, w, r, col)
			}
		})
	}
}

// compareCSVRow compares a participant's CSV row with the API's.
func compareCSVRow(t *testing.T, w apiParticipant, r []string, col map[string]int) {
	t.Helper()
	var asns []string
	for _, a := range w.ASNs {
		asns = append(asns, fmt.Sprintf("AS%d", a))
	}
	want := map[string]string{"ASNs": strings.Join(asns, " "), "Action 1 mark": w.Action1Mark}
	for name, m := range map[string]apiMark{"Anti-spoofing": w.AntiSpoofing, "Coordination": w.Coordination, "IRR": w.IRR, "RPKI": w.RPKI} {
		want[name+" level"] = m.Level
		want[name] = ""
		if m.Value != nil {
			want[name] = scoreText(m.Value)
		}
	}
	for name, v := range want {
		i, ok := col[name]
		if !ok {
			t.Errorf("the CSV has no column %q", name)
			continue
		}
		if r[i] != v {
			t.Errorf("%s, CSV %s = %q, API %q", w.Organisation, name, r[i], v)
		}
	}
}

// TestCompare_NumbersMatchAPI compares the ASN comparison's cells of the
// month with GET /api/v2/ases/{asn}.
func TestCompare_NumbersMatchAPI(t *testing.T) {
	dashboard(t)
	p := newPage(t).open(fmt.Sprintf("/compare?asn=AS%d&asn=AS%d", ownASN, otherASN))
	p.checkClean()
	cells := eval[map[string]string](p, `Object.fromEntries(Array.from(document.querySelectorAll("[data-compare]"),
		c => [c.dataset.compare + " " + c.dataset.item + " " + c.dataset.month, c.textContent.trim()]))`)
	if len(cells) == 0 {
		t.Fatal("no comparison cells")
	}
	for _, asn := range []uint32{ownASN, otherASN} {
		for _, s := range asnRecord(t, "", asn).Scores {
			if s.Value == nil {
				continue
			}
			key := fmt.Sprintf("%s AS%d %s", s.ID, asn, month)
			if got, ok := cells[key]; !ok || got != scoreText(s.Value) {
				t.Errorf("%s = %q (shown: %v), API %s", key, got, ok, scoreText(s.Value))
			}
		}
	}
}

// TestCompare_RegionsMatchAPI compares the region comparison's cells,
// for both months, with GET /api/v2/scores/summary.
func TestCompare_RegionsMatchAPI(t *testing.T) {
	dashboard(t)
	regions := []string{"world", "Asia", "JP"}
	p := newPage(t).open("/compare?region=" + strings.Join(regions, "&region="))
	p.checkClean()
	cells := eval[map[string]string](p, `Object.fromEntries(Array.from(document.querySelectorAll("[data-compare]"),
		c => [c.dataset.compare + " " + c.dataset.item + " " + c.dataset.month, c.textContent.trim()]))`)
	for _, m := range []string{prevMonth, month} {
		for _, region := range regions {
			for _, s := range summaryOf(t, m, region).Scores {
				key := fmt.Sprintf("%s %s %s", s.ID, region, m)
				if got, ok := cells[key]; !ok || got != scoreText(s.Value) {
					t.Errorf("%s = %q (shown: %v), API %s", key, got, ok, scoreText(s.Value))
				}
			}
		}
	}
}

// TestSpecs_ListMatchesAPI compares the specifications page with GET
// /api/v2/specs.
func TestSpecs_ListMatchesAPI(t *testing.T) {
	dashboard(t)
	var specs struct {
		Items []struct {
			Ref string `json:"ref"`
		} `json:"items"`
	}
	getJSON(t, "", "/api/v2/specs", &specs)
	p := newPage(t).open("/specs")
	got := eval[[]string](p, `Array.from(document.querySelectorAll("#specs [data-spec]"), r => r.getAttribute("data-spec"))`)
	var want []string
	for _, s := range specs.Items {
		want = append(want, s.Ref)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("specifications shown %q, API %q", got, want)
	}
	p.click(`form[action="/specs/diff"] button[type="submit"]`)
	if loc := p.location(); !strings.HasPrefix(loc, "/specs/diff?") {
		t.Errorf("the diff form went to %s", loc)
	}
	p.checkClean()
}

// TestMap_NumbersMatchAPI compares the map's table with the API, for a
// score (GET /api/v2/scores/summary of each economy) and for ROA
// coverage of IPv6 (GET /api/v2/roas/economy/{cc}): every economy with a
// value, and a few without.
func TestMap_NumbersMatchAPI(t *testing.T) {
	dashboard(t)
	for _, metric := range []string{"routingInformationRPKI", "roa6"} {
		t.Run(metric, func(t *testing.T) {
			p := newPage(t).open("/map?month=" + month + "&metric=" + metric)
			values := attrTexts(p, "value")
			if len(values) < 100 {
				t.Fatalf("map table has %d economies, want the world's", len(values))
			}
			noData := 0
			for cc, got := range values {
				if got == "no data" {
					if noData++; noData > 5 {
						continue
					}
				}
				var want string
				if metric == "roa6" {
					want = roaCoverage(t, cc, 6)
				} else {
					for _, s := range summary(t, cc).Scores {
						if s.ID == metric && s.Counts["ready"]+s.Counts["aspiring"]+s.Counts["lagging"] > 0 {
							want = scoreText(s.Value)
						}
					}
				}
				if want == "" {
					want = "no data"
				}
				if got != want {
					t.Errorf("%s of %s = %q, API %q", metric, cc, got, want)
				}
			}
		})
	}
}
