package webtest

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// conformancePath is the Conformance page of the newest month; it needs
// a signed-in visitor, so it is not in the anonymous pages list.
const conformancePath = "/conformance?month=" + month

// TestConformance_PageSignedIn signs in through the form as the partner
// and as a participant, and loads the Conformance page light and dark:
// clean, within its boxes, linked from the navigation, its flag count that of
// GET /api/v2/conformance/flags for the same key, with a CSV link.
func TestConformance_PageSignedIn(t *testing.T) {
	dashboard(t)
	e := setUp(t)
	for _, role := range []string{"partner", "participant"} {
		for _, dark := range []bool{false, true} {
			name := role
			var opts []pageOption
			if dark {
				name, opts = role+"/dark", []pageOption{darkMode}
			}
			t.Run(name, func(t *testing.T) {
				p := newPage(t, opts...).open("/signin?next=" + strings.ReplaceAll(conformancePath, "?", "%3F"))
				p.run("type the key", chromedp.SendKeys(chromedp.CSS("#token"), e.tokens[role]))
				p.click(`form[action="/signin"] button[type="submit"]`)
				p.open(conformancePath)
				p.checkClean()
				p.checkLayout()
				if dark {
					if l := backgroundLuminance(p); l > 0.4 {
						t.Errorf("background luminance %.2f in dark mode", l)
					}
				}
				var api struct {
					Items []struct {
						ASN uint32 `json:"asn"`
					} `json:"items"`
				}
				getJSON(t, role, "/api/v2/conformance/flags?month="+month, &api)
				if got := texts(p, "#flag-count"); len(got) != 1 || got[0] != strconv.Itoa(len(api.Items)) {
					t.Errorf("page shows %q flags, the API %d", got, len(api.Items))
				}
				if n := count(p, `nav a[href="/conformance"][aria-current="page"]`, true); n != 1 {
					t.Errorf("the navigation's Conformance link: %d, want 1 current", n)
				}
				if n := count(p, `a#csv[href^="/conformance.csv"]`, true); n != 1 {
					t.Error("no CSV link")
				}
				p.screenshot("")
			})
		}
	}
}
