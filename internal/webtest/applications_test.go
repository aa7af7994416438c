package webtest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestApplications_ApplyAndList applies through the Apply page's form in
// the browser: the answer shows the applicant key and the checks as the
// API has them. Signed in as the secretariat, the Applications page
// lists the application with its state, light and dark.
func TestApplications_ApplyAndList(t *testing.T) {
	dashboard(t)
	e := setUp(t)
	p := newPage(t).open("/apply")
	p.checkClean()
	org := fmt.Sprintf("Webtest Networks %d", time.Now().UnixNano())
	p.run("fill the form",
		chromedp.SendKeys(chromedp.CSS("#organisation"), org),
		chromedp.SendKeys(chromedp.CSS("#asns"), "AS15654"),
		chromedp.SendKeys(chromedp.CSS("#email"), "noc@example.net"),
		chromedp.SendKeys(chromedp.CSS("#areas"), "NL"))
	p.click(`#apply-form button[type="submit"]`)
	p.checkClean()
	key := texts(p, "#applicant-key")
	if len(key) != 1 || !strings.HasPrefix(key[0], "obs_") {
		t.Fatalf("no applicant key shown: %q", key)
	}
	shown := attrTexts(p, "check")
	p.screenshot("applied")

	var list struct {
		Items []struct {
			ID           int64  `json:"id"`
			Organisation string `json:"organisation"`
			State        string `json:"state"`
			Checks       []struct {
				Check  string `json:"check"`
				Passed bool   `json:"passed"`
			} `json:"checks"`
		} `json:"items"`
	}
	getJSON(t, "secretariat", "/api/v2/applications", &list)
	if len(list.Items) == 0 || list.Items[0].Organisation != org {
		t.Fatalf("the API lists %+v, want %q first", list.Items, org)
	}
	app := list.Items[0]
	if len(shown) != len(app.Checks) {
		t.Errorf("the page shows %d checks, the API %d", len(shown), len(app.Checks))
	}
	passed := attrValues(p, "check", "passed")
	for _, c := range app.Checks {
		if passed[c.Check] != fmt.Sprint(c.Passed) {
			t.Errorf("check %s: page passed=%q, API %v", c.Check, passed[c.Check], c.Passed)
		}
	}

	for _, opts := range [][]pageOption{nil, {darkMode}} {
		s := newPage(t, opts...).open("/signin?next=/applications")
		s.run("type the key", chromedp.SendKeys(chromedp.CSS("#token"), e.tokens["secretariat"]))
		s.click(`form[action="/signin"] button[type="submit"]`)
		s.checkClean()
		if loc := s.location(); loc != "/applications" {
			t.Fatalf("signed in at %s, want /applications", loc)
		}
		states := attrValues(s, "application", "state")
		if got := states[fmt.Sprint(app.ID)]; got != app.State {
			t.Errorf("the Applications page shows application %d as %q, the API %q", app.ID, got, app.State)
		}
		// One application's page: its state and checks as the API has
		// them, the review form, clean and within its layout.
		s.click(fmt.Sprintf(`a[href="/applications/%d"]`, app.ID))
		s.checkClean()
		s.checkLayout()
		if st := attrValues(s, "state", "state"); st[app.State] != app.State {
			t.Errorf("the application's page shows state %v, the API %q", st, app.State)
		}
		if got := attrValues(s, "check", "passed"); len(got) != len(app.Checks) {
			t.Errorf("the application's page shows %d checks, the API %d", len(got), len(app.Checks))
		}
		if n := eval[int](s, `document.querySelectorAll("#review-form").length`); n != 1 {
			t.Errorf("%d review forms for the secretariat, want 1", n)
		}
		if len(opts) > 0 {
			if l := backgroundLuminance(s); l > 0.4 {
				t.Errorf("background luminance %.2f in dark mode", l)
			}
			s.screenshot("dark")
		} else {
			s.screenshot("")
		}
	}
}

// attrValues returns, by the value of data-name, the value of data-attr
// of the same elements.
func attrValues(p *page, name, attr string) map[string]string {
	p.t.Helper()
	return eval[map[string]string](p, fmt.Sprintf(`Object.fromEntries(Array.from(document.querySelectorAll("[data-%s]"),
		e => [e.getAttribute("data-%s"), e.getAttribute("data-%s")]))`, name, name, attr))
}
