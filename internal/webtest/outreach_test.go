package webtest

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/observatory-net/observatory/api/wire"
)

// signedIn opens the sign-in form and signs in with the key of role.
func signedIn(t *testing.T, p *page, role string) *page {
	t.Helper()
	p.open("/signin")
	p.run("type the key", chromedp.SendKeys(chromedp.CSS("#token"), setUp(t).tokens[role]))
	p.click(`form[action="/signin"] button[type="submit"]`)
	if n := count(p, `[data-testid="signed-in"]`, true); n != 1 {
		t.Fatalf("not signed in as %s, at %s", role, p.location())
	}
	return p
}

// TestOutreach_PageMatchesAPI signs in as a partner, loads the Outreach
// page of a region, light and dark, clean and within its boxes, and
// compares its rows with GET /api/v2/outreach; a participant is refused.
func TestOutreach_PageMatchesAPI(t *testing.T) {
	dashboard(t)
	path := "/outreach?month=" + month + "&region=Asia"
	var api wire.OutreachList
	getJSON(t, "partner", "/api/v2/outreach?month="+month+"&region=Asia&pageSize=200", &api)
	if len(api.Items) == 0 {
		t.Fatalf("the API ranks no network of Asia in %s", month)
	}
	for name, opts := range map[string][]pageOption{"light": nil, "dark": {darkMode}} {
		t.Run(name, func(t *testing.T) {
			p := signedIn(t, newPage(t, opts...), "partner").open(path)
			p.checkClean()
			p.checkLayout()
			p.screenshot("")
			rows := eval[[]string](p, `[...document.querySelectorAll("#outreach-table tbody tr[data-asn]")].map(r => "AS" + r.dataset.asn)`)
			if len(rows) != len(api.Items) {
				t.Fatalf("page shows %d networks, the API %d", len(rows), len(api.Items))
			}
			for i, it := range api.Items {
				if rows[i] != it.ASN.String() {
					t.Errorf("row %d: page %s, API %s", i+1, rows[i], it.ASN)
				}
			}
			if n := count(p, `a#csv[download]`, true); n != 1 {
				t.Errorf("no CSV download link")
			}
			if n := count(p, `nav a[href="/outreach"]`, true); n != 1 {
				t.Errorf("no Outreach link in the navigation")
			}
		})
	}
	t.Run("participant", func(t *testing.T) {
		p := signedIn(t, newPage(t), "participant").open(path)
		if n := count(p, "#outreach-table", false); n != 0 {
			t.Errorf("a participant sees the outreach table")
		}
		if n := count(p, `nav a[href="/outreach"]`, false); n != 0 {
			t.Errorf("a participant has the Outreach link")
		}
	})
}
