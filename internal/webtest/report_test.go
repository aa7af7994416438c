package webtest

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// reportPath is the Report page of the newest month; it needs a signed-in
// visitor, so it is not in the anonymous pages list.
const reportPath = "/report?month=" + month

// TestReport_PageSignedIn signs in as a participant and loads its Report
// page light and dark: clean, within its boxes, linked from the
// navigation, its scores those of GET /api/v2/reports/{participant} for
// the same key, with a PDF link.
func TestReport_PageSignedIn(t *testing.T) {
	dashboard(t)
	e := setUp(t)
	for _, dark := range []bool{false, true} {
		name := "participant"
		var opts []pageOption
		if dark {
			name, opts = name+"/dark", []pageOption{darkMode}
		}
		t.Run(name, func(t *testing.T) {
			p := newPage(t, opts...).open("/signin?next=" + strings.ReplaceAll(reportPath, "?", "%3F"))
			p.run("type the key", chromedp.SendKeys(chromedp.CSS("#token"), e.tokens["participant"]))
			p.click(`form[action="/signin"] button[type="submit"]`)
			p.open(reportPath)
			p.checkClean()
			p.checkLayout()
			if dark {
				if l := backgroundLuminance(p); l > 0.4 {
					t.Errorf("background luminance %.2f in dark mode", l)
				}
			}
			id := eval[string](p, `document.querySelector("#report-head").dataset.participant`)
			var api struct {
				ASNs []struct {
					Scores []struct {
						Value *float64 `json:"value"`
					} `json:"scores"`
				} `json:"asns"`
			}
			getJSON(t, "participant", "/api/v2/reports/"+id+"?month="+month, &api)
			var want []string
			for _, a := range api.ASNs {
				for _, s := range a.Scores {
					v := "–"
					if s.Value != nil {
						v = strconv.FormatFloat(*s.Value, 'f', 3, 64)
					}
					want = append(want, v)
				}
			}
			got := eval[[]string](p, `[...document.querySelectorAll(".report-asn tr[data-score] td:nth-of-type(1)")].map(td => td.textContent.trim())`)
			if strings.Join(got, " ") != strings.Join(want, " ") || len(want) == 0 {
				t.Errorf("page scores %q, the API's %q", got, want)
			}
			if n := count(p, `nav a[href="/report"][aria-current="page"]`, true); n != 1 {
				t.Errorf("the navigation's Report link: %d, want 1 current", n)
			}
			if n := count(p, `a#pdf[href^="/report.pdf"]`, true); n != 1 {
				t.Error("no PDF link")
			}
			p.screenshot("")
		})
	}
}
