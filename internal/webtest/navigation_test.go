package webtest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestNavigation_MapToOverview clicks a country on the map, and an
// economy in the map's table, and lands on that economy's overview.
func TestNavigation_MapToOverview(t *testing.T) {
	dashboard(t)
	for _, c := range []struct{ name, link string }{
		{"map", `svg a[href*="region=AU"]`},
		{"table", `#map-table a[href*="region=BR"]`},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := newPage(t).open("/map?month=" + month)
			cc := c.link[strings.Index(c.link, "region=")+len("region=") : len(c.link)-2]
			p.click(c.link)
			if loc := p.location(); !strings.Contains(loc, "region="+cc) {
				t.Errorf("clicking %s went to %s", c.link, loc)
			}
			if got := eval[string](p, `document.getElementById("region-name")?.getAttribute("data-region") ?? ""`); got != cc {
				t.Errorf("overview of region %q, want %s", got, cc)
			}
			p.checkClean()
		})
	}
}

// TestNavigation_ParticipantToASN clicks an ASN in the participants
// table and lands on its drill-down.
func TestNavigation_ParticipantToASN(t *testing.T) {
	dashboard(t)
	p := newPage(t).open("/participants?month=" + month)
	p.click(fmt.Sprintf(`#participants-table a[data-asn="%d"]`, otherASN))
	if loc := p.location(); !strings.HasPrefix(loc, fmt.Sprintf("/asn/AS%d", otherASN)) {
		t.Errorf("clicking AS%d went to %s", otherASN, loc)
	}
	if got := attrTexts(p, "asn")[fmt.Sprint(otherASN)]; got != fmt.Sprintf("AS%d", otherASN) {
		t.Errorf("drill-down heading %q, want AS%d", got, otherASN)
	}
	p.checkClean()
}

// TestNavigation_Keyboard tabs from the top of the overview to each main
// navigation link, and follows one with Enter.
func TestNavigation_Keyboard(t *testing.T) {
	dashboard(t)
	p := newPage(t).open("/?month=" + month)
	var seen []string
	reached := map[string]bool{}
	for range 25 {
		p.run("press Tab", chromedp.KeyEvent("\t"))
		href := eval[string](p, `(e => e && e.closest("nav") && e.getAttribute("href") || (e && e.tagName) || "")(document.activeElement)`)
		seen = append(seen, href)
		reached[href] = true
		if strings.HasPrefix(href, "/") && !focusShown(p) {
			t.Errorf("the focused link %s has no visible focus indicator (outline or box-shadow)", href)
		}
		if href == "/participants" {
			break
		}
	}
	for _, nav := range []string{"/", "/map", "/participants"} {
		if !reached[nav] {
			t.Errorf("Tab did not reach the navigation link %s; focus went %q", nav, seen)
		}
	}
	if !reached["/participants"] {
		return
	}
	p.rec.reset()
	p.run("press Enter", chromedp.KeyEvent("\r"))
	p.waitLoaded()
	if loc := p.location(); !strings.HasPrefix(loc, "/participants") {
		t.Errorf("Enter on the Participants link went to %s", loc)
	}
	p.checkClean()
}

// focusShown reports whether the focused element draws a focus
// indicator: an outline or a box shadow.
func focusShown(p *page) bool {
	return eval[bool](p, `(s => s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0 || s.boxShadow !== "none")(getComputedStyle(document.activeElement))`)
}

// TestNavigation_ASNJump types an ASN into the header's form and lands
// on its drill-down, with scripts and without.
func TestNavigation_ASNJump(t *testing.T) {
	dashboard(t)
	for _, c := range []struct {
		name string
		opts []pageOption
	}{{"js", nil}, {"no-js", []pageOption{noScript}}} {
		t.Run(c.name, func(t *testing.T) {
			p := newPage(t, c.opts...).open("/?month=" + month)
			p.run("type an ASN", chromedp.SendKeys(chromedp.CSS("#asnq"), fmt.Sprintf("as%d", otherASN)))
			p.click(`form[data-asnjump] button[type="submit"]`)
			if loc := p.location(); !strings.HasPrefix(loc, fmt.Sprintf("/asn/AS%d", otherASN)) {
				t.Errorf("the ASN form went to %s", loc)
			}
			p.checkClean()
		})
	}
}

// TestSignIn_ParticipantSeesOwnEvidence signs in with a participant's key
// through the form: its own ASN shows the evidence and a feedback button
// per incident the API lists, one of which it presses; another
// participant's ASN shows neither.
func TestSignIn_ParticipantSeesOwnEvidence(t *testing.T) {
	dashboard(t)
	e := setUp(t)
	own := fmt.Sprintf("/asn/AS%d?month=%s", ownASN, month)
	p := newPage(t).open("/signin?next=" + strings.ReplaceAll(own, "?", "%3F"))
	p.run("type the key", chromedp.SendKeys(chromedp.CSS("#token"), e.tokens["participant"]))
	p.click(`form[action="/signin"] button[type="submit"]`)
	p.checkClean()
	if n := count(p, `[data-testid="signed-in"]`, true); n != 1 {
		t.Fatalf("not signed in after the form, at %s", p.location())
	}

	p.open(own)
	p.checkClean()
	want := incidents(t, "participant", ownASN)
	if len(want) == 0 {
		t.Fatalf("AS%d has no incident in %s to give feedback on", ownASN, month)
	}
	if n := count(p, "#evidence", true); n != 1 {
		t.Errorf("AS%d's own page shows no evidence", ownASN)
	}
	checkEvidence(t, p, ownASN)
	if got := texts(p, "#incident-count"); len(got) != 1 || got[0] != fmt.Sprint(len(want)) {
		t.Errorf("incident count shown %q, API %d", got, len(want))
	}
	// Every incident has its button, or the feedback given (by an earlier
	// run of this test on the same store, with -count).
	var flag string
	for _, inc := range want {
		button := count(p, fmt.Sprintf(`form[data-flag=%q] button`, inc.ID), true)
		given := count(p, fmt.Sprintf(`[data-incident=%q] [data-feedback]`, inc.ID), true)
		switch {
		case !inc.Excluded && button+given == 0:
			t.Errorf("no feedback button for incident %s", inc.ID)
		case button == 1:
			flag = inc.ID
		}
	}
	p.screenshot("own")
	if flag != "" {
		flagIncident(t, p, flag)
	}

	p.open(fmt.Sprintf("/asn/AS%d?month=%s", otherASN, month))
	p.checkClean()
	if n := count(p, "#evidence", false) + count(p, "form[data-flag]", false); n != 0 {
		t.Errorf("AS%d, another participant's, shows evidence or feedback buttons to this key", otherASN)
	}
	p.screenshot("other")
}

// flagIncident flags an incident as a false positive with its button and
// checks the page's confirmation and the feedback the API then lists.
func flagIncident(t *testing.T, p *page, id string) {
	t.Helper()
	reason := "webtest: announced by a customer with our consent"
	p.run("type a reason", chromedp.SendKeys(chromedp.CSS(fmt.Sprintf(`form[data-flag=%q] input[name="reason"]`, id)), reason))
	p.click(fmt.Sprintf(`form[data-flag=%q] button`, id))
	p.checkClean()
	if n := count(p, `[role="status"]`, true); n != 1 {
		t.Errorf("no confirmation after flagging %s", id)
	}
	if n := count(p, fmt.Sprintf(`form[data-flag=%q]`, id), false); n != 0 {
		t.Errorf("incident %s still has its button after being flagged", id)
	}
	var fb struct {
		Items []struct {
			IncidentID string `json:"incidentId"`
			Reason     string `json:"reason"`
		} `json:"items"`
	}
	getJSON(t, "participant", "/api/v2/feedback", &fb)
	for _, f := range fb.Items {
		if f.IncidentID == id && f.Reason == reason {
			return
		}
	}
	t.Errorf("GET /api/v2/feedback lacks the feedback on %s: %+v", id, fb.Items)
}

// checkEvidence compares an ASN page's metrics and routes, as the
// participant sees them, with GET /api/v2/scores/details.
func checkEvidence(t *testing.T, p *page, asn uint32) {
	t.Helper()
	var d struct {
		Metrics []struct {
			ID      string  `json:"id"`
			Score   float64 `json:"score"`
			HasData bool    `json:"hasData"`
		} `json:"metrics"`
		Routes []struct {
			Prefix string `json:"prefix"`
			RPKI   string `json:"rpki"`
			IRR    string `json:"irr"`
		} `json:"routes"`
	}
	getJSON(t, "participant", fmt.Sprintf("/api/v2/scores/details?month=%s&asn=%d", month, asn), &d)
	metrics := attrTexts(p, "metric")
	for _, m := range d.Metrics {
		want := "no data"
		if m.HasData {
			want = scoreText(&m.Score)
		}
		if got := metrics[m.ID]; got != want {
			t.Errorf("metric %s = %q, API %q", m.ID, got, want)
		}
	}
	if got := texts(p, "#route-count"); len(got) != 1 || got[0] != fmt.Sprint(len(d.Routes)) {
		t.Errorf("route count shown %q, API %d", got, len(d.Routes))
	}
	shown := eval[[][]string](p, `Array.from(document.querySelectorAll("#routes tbody tr"), r => Array.from(r.cells, c => c.textContent.trim()))`)
	if len(shown) == 0 {
		t.Errorf("no route shown")
	}
	byPrefix := map[string]string{}
	for _, r := range d.Routes {
		byPrefix[r.Prefix] = r.RPKI + " " + r.IRR
	}
	for _, r := range shown {
		if len(r) < 4 || byPrefix[r[0]] != r[1]+" "+r[3] {
			t.Errorf("route shown %q, API %q", r, byPrefix[r[0]])
		}
	}
}
