package webtest

import (
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// newPages are the pages added since the pages list, for the anonymous visitor.
var newPages = []struct{ name, path string }{
	{"charts", "/charts?month=" + month},
}

// signedInPages are the pages only a signed-in visitor sees; the
// secretariat sees them all.
var signedInPages = []struct{ name, path string }{
	{"conformance", conformancePath},
	{"report", reportPath},
	{"outreach", "/outreach?month=" + month + "&region=Asia"},
	{"audit", "/audit?month=" + month},
	{"alerts", "/alerts"},
	{"rs-checks", "/rs-checks"},
	{"applications", "/applications"},
}

// viewport sets the tab's width (CSS pixels, 900 high); below 600 px it
// is a phone's: mobile, with overlay scrollbars.
func viewport(width int64) pageOption {
	return func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: width, Height: 900, DeviceScaleFactor: 1, Mobile: width < 600})
		return err
	}
}

// noSidewaysJS reports the page scrolling sideways as issue 16 words it:
// the document wider than the window.
const noSidewaysJS = `(() => { const de = document.documentElement;
	return de.scrollWidth <= window.innerWidth ? "" : "the document is " + de.scrollWidth + " px wide in a " + window.innerWidth + " px window"; })()`

// TestLayout_Widths loads every page, anonymous and signed in, at 1280 px
// and 390 px, light and dark: nothing scrolls sideways (tables scroll in
// their own box), nothing overflows its box. At 390 px it saves a
// screenshot of each (TestPages_LoadClean saves the 1280 px ones). One
// tab per width, theme and visitor, reused from page to page. At 1280 px
// it leaves out what other tests check already: the anonymous pages in
// the light theme (TestPages_Layout) and the signed-in pages (each one's
// own test, light and dark), except the new pages.
func TestLayout_Widths(t *testing.T) {
	dashboard(t)
	anon := append(append([]struct{ name, path string }{}, pages...), newPages...)
	for _, width := range []int64{1280, 390} {
		for _, dark := range []bool{false, true} {
			opts := []pageOption{viewport(width)}
			theme := "light"
			if dark {
				opts, theme = append(opts, darkMode), "dark"
			}
			for _, role := range []string{"", "secretariat"} {
				list, who := anon, "anonymous"
				if role != "" {
					list, who = signedInPages, role
				}
				if width == 1280 && role != "" {
					continue
				}
				if width == 1280 && !dark {
					list = newPages
				}
				t.Run(fmt.Sprintf("%d/%s/%s", width, theme, who), func(t *testing.T) {
					tab := newPage(t, opts...)
					if role != "" {
						signedIn(t, tab, role)
					}
					for _, pg := range list {
						t.Run(pg.name, func(t *testing.T) {
							p := *tab
							p.t = t
							p.open(pg.path)
							if msg := eval[string](&p, noSidewaysJS); msg != "" {
								t.Errorf("%s: %s", pg.path, msg)
							}
							p.checkLayout()
							if width < 600 {
								p.screenshot("")
							}
						})
					}
				})
			}
		}
	}
}

// TestLayout_MenuCollapses: at 390 px the navigation hides behind its
// Menu button, which opens and closes it and says so (aria-expanded); at
// 1280 px there is no button and the links show.
func TestLayout_MenuCollapses(t *testing.T) {
	dashboard(t)
	p := newPage(t, viewport(390)).open("/?month=" + month)
	if n := count(p, "#menu", true); n != 1 {
		t.Fatalf("%d Menu buttons shown at 390 px, want 1", n)
	}
	if n := count(p, `nav[aria-label=Main] a`, true); n != 0 {
		t.Errorf("%d navigation links shown before Menu is pressed, want 0", n)
	}
	p.run("press Menu", chromedp.Click(chromedp.CSS("#menu")))
	if n := count(p, `nav[aria-label=Main] a`, true); n < 5 {
		t.Errorf("%d navigation links shown after Menu, want them all", n)
	}
	if got := eval[string](p, `document.getElementById("menu").getAttribute("aria-expanded")`); got != "true" {
		t.Errorf("aria-expanded %q after opening, want true", got)
	}
	if msg := eval[string](p, noSidewaysJS); msg != "" {
		t.Errorf("menu open: %s", msg)
	}
	p.screenshot("open")
	wide := newPage(t).open("/?month=" + month)
	if n := count(wide, "#menu", true); n != 0 {
		t.Errorf("a Menu button at 1280 px")
	}
	if n := count(wide, `nav[aria-label=Main] a`, true); n < 5 {
		t.Errorf("%d navigation links at 1280 px", n)
	}
}

// cellsJS reads a table's cells by itself, not through app.js: innerText
// of each cell of each shown row, whitespace collapsed.
const cellsJS = `Array.from(document.querySelectorAll("main table"), t => Array.from(t.rows).filter(r => !r.hidden)
	.map(r => Array.from(r.cells, c => c.innerText.replace(/\s+/g, " ").trim())))`

// TestExport_CSVEqualsCells: every table on the map, charts, compare and
// participants pages has a CSV button, and the CSV it downloads
// (Observatory.tableCSV) holds the table's cells, row by row.
func TestExport_CSVEqualsCells(t *testing.T) {
	dashboard(t)
	for _, path := range []string{"/map?month=" + month + "&metric=roa6", "/charts?month=" + month,
		fmt.Sprintf("/compare?asn=AS%d&asn=AS%d", ownASN, otherASN), "/participants?month=" + month, "/?month=" + month} {
		t.Run(path, func(t *testing.T) {
			p := newPage(t).open(path)
			p.checkClean()
			tables := eval[[][][]string](p, cellsJS)
			csvs := eval[[]string](p, `Array.from(document.querySelectorAll("main table"), t => Observatory.tableCSV(t))`)
			buttons := count(p, `.exports button[data-export=csv]`, true)
			if len(tables) == 0 || buttons != len(tables) || len(csvs) != len(tables) {
				t.Fatalf("%d tables, %d CSV buttons, %d CSVs", len(tables), buttons, len(csvs))
			}
			for i, want := range tables {
				r := csv.NewReader(strings.NewReader(csvs[i]))
				r.FieldsPerRecord = -1
				got, err := r.ReadAll()
				if err != nil {
					t.Fatalf("table %d: CSV: %v", i, err)
				}
				if len(got) != len(want) {
					t.Errorf("table %d: %d CSV rows, %d table rows", i, len(got), len(want))
					continue
				}
				for j := range want {
					row := got[j]
					for k := range row {
						row[k] = strings.TrimPrefix(row[k], "'") // a defused formula
					}
					if strings.Join(row, "\x00") != strings.Join(want[j], "\x00") {
						t.Errorf("table %d row %d: CSV %q, cells %q", i, j, row, want[j])
					}
				}
			}
		})
	}
}

// TestExport_Charts: every chart has SVG and PNG buttons; the SVG is a
// standalone document with the page's colours on it, the PNG decodes at
// twice the chart's size.
func TestExport_Charts(t *testing.T) {
	dashboard(t)
	for _, path := range []string{"/map?month=" + month, "/charts?month=" + month, "/growth"} {
		t.Run(path, func(t *testing.T) {
			p := newPage(t).open(path)
			charts := count(p, "main svg.chart, main svg.worldmap, main svg.timeline", false)
			if charts == 0 || count(p, `.exports button[data-export=svg]`, true) != charts || count(p, `.exports button[data-export=png]`, true) != charts {
				t.Fatalf("%d charts, %d SVG and %d PNG buttons", charts, count(p, `.exports button[data-export=svg]`, true), count(p, `.exports button[data-export=png]`, true))
			}
			res := eval[map[string]any](p, `(() => {
				const svg = document.querySelector("main svg.chart, main svg.worldmap");
				const doc = new DOMParser().parseFromString(Observatory.svgText(svg), "image/svg+xml");
				const err = doc.querySelector("parsererror");
				const filled = Array.from(doc.querySelectorAll("path[fill], rect[fill], circle[fill]")).length;
				return {error: err ? err.textContent : "", filled: filled, width: svg.viewBox.baseVal.width};
			})()`)
			if res["error"] != "" || res["filled"].(float64) == 0 {
				t.Errorf("SVG export: parse error %q, %v filled shapes", res["error"], res["filled"])
			}
			w, err := chromedp.Run(p.ctx, chromedp.Evaluate[float64](`(async () => {
				const b = await Observatory.svgPNG(document.querySelector("main svg.chart, main svg.worldmap"));
				if (b.type !== "image/png") return -1;
				return (await createImageBitmap(b)).width;
			})()`, chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatalf("PNG export: %v", err)
			}
			if want := 2 * res["width"].(float64); w != want {
				t.Errorf("PNG export %v px wide, want %v", w, want)
			}
			p.checkClean()
		})
	}
}

// TestKeyboard_SkipLinks: on every page the first Tab reaches "Skip to
// content", which moves the focus to the main content; on the map the
// table's first link is a few Tabs from the top, the map's 200 shapes
// being links for the mouse only.
func TestKeyboard_SkipLinks(t *testing.T) {
	dashboard(t)
	p := newPage(t)
	for _, pg := range append(append([]struct{ name, path string }{}, pages...), newPages...) {
		p.open(pg.path)
		p.run("press Tab", chromedp.KeyEvent("\t"))
		if got := eval[string](p, `document.activeElement.textContent + "|" + document.activeElement.getAttribute("href")`); got != "Skip to content|#main" {
			t.Errorf("%s: first Tab stop %q, want the skip link", pg.path, got)
			continue
		}
		p.run("press Enter", chromedp.KeyEvent("\r"))
		if got := eval[string](p, `document.activeElement.id`); got != "main" {
			t.Errorf("%s: the skip link moved the focus to %q, want main", pg.path, got)
		}
	}
	p.open("/map?month=" + month)
	n := eval[int](p, `(() => {
		const all = Array.from(document.querySelectorAll("a[href], button, input, select, textarea, [tabindex]"))
			.filter(e => e.tabIndex >= 0 && !e.disabled && e.getClientRects().length > 0);
		return all.indexOf(document.querySelector("#map-table a"));
	})()`)
	t.Logf("the map table's first link is tab stop %d", n)
	if n < 0 || n > 40 {
		t.Errorf("the map table's first link is tab stop %d, want a few (under 40)", n)
	}
}

// TestKeyboard_Labels: the compare form's inputs have labels that say
// what to type, and the theme button says what it will do, without
// aria-pressed.
func TestKeyboard_Labels(t *testing.T) {
	dashboard(t)
	p := newPage(t).open(fmt.Sprintf("/compare?asn=AS%d&asn=AS%d", ownASN, otherASN))
	labels := eval[[]string](p, `Array.from(document.querySelectorAll("form.filters input"), i => i.labels.length ? i.labels[0].textContent.trim() : "")`)
	if strings.Join(labels, "|") != "ASN 1|ASN 2|ASN 3 (optional)" {
		t.Errorf("compare labels %q", labels)
	}
	btn := func() string {
		return eval[string](p, `(b => b.textContent + "|" + b.hasAttribute("aria-pressed"))(document.getElementById("theme"))`)
	}
	if got := btn(); got != "Switch to dark theme|false" {
		t.Errorf("theme button %q, want Switch to dark theme without aria-pressed", got)
	}
	p.run("press the theme button", chromedp.Click(chromedp.CSS("#theme")))
	if got := btn(); got != "Switch to light theme|false" {
		t.Errorf("theme button after a press %q", got)
	}
	if l := backgroundLuminance(p); l > 0.4 {
		t.Errorf("background luminance %.2f after switching to dark", l)
	}
}

// TestFreshness_MatchesInputs: the freshness line and the footer of a page
// count the month's inputs as GET /api/v2/inputs lists them.
func TestFreshness_MatchesInputs(t *testing.T) {
	dashboard(t)
	var in struct {
		Inputs []struct {
			Kind string `json:"kind"`
		} `json:"inputs"`
		Stats struct {
			Peers int `json:"peers"`
		} `json:"stats"`
	}
	getJSON(t, "", "/api/v2/inputs?month="+month, &in)
	mrt := 0
	for _, f := range in.Inputs {
		if f.Kind == "mrt" {
			mrt++
		}
	}
	for _, path := range []string{"/map?month=" + month, "/charts?month=" + month, "/specs"} {
		p := newPage(t).open(path)
		got := eval[map[string]string](p, `(() => { const f = document.getElementById("fresh"), c = document.getElementById("coverage");
			return f && c ? {month: f.dataset.month, files: c.dataset.files, mrt: c.dataset.mrtFiles, peers: c.dataset.peers} : {}; })()`)
		want := map[string]string{"month": month, "files": fmt.Sprint(len(in.Inputs)), "mrt": fmt.Sprint(mrt), "peers": fmt.Sprint(in.Stats.Peers)}
		for k, w := range want {
			if got[k] != w {
				t.Errorf("%s: %s %q, API %q", path, k, got[k], w)
			}
		}
	}
}
