package webtest

import (
	"testing"

	"github.com/observatory-net/observatory/api/wire"
)

// TestAudit_PageMatchesAPI signs in as the secretariat, loads the Supply
// chain page of AS8151 (Uninet) and AS9829 (BSNL), light and dark, clean and within its
// boxes, and compares its providers, their control results and the graph
// with GET /api/v2/audits; a participant is refused.
func TestAudit_PageMatchesAPI(t *testing.T) {
	dashboard(t)
	path := "/audit?month=" + month + "&asn=AS8151,AS9829"
	var api wire.Audit
	getJSON(t, "partner", "/api/v2/audits?month="+month+"&asn=AS8151,AS9829", &api)
	if len(api.Providers) == 0 {
		t.Fatalf("the API finds no upstream of AS8151 (Uninet) and AS9829 (BSNL) in %s", month)
	}
	for name, opts := range map[string][]pageOption{"light": nil, "dark": {darkMode}} {
		t.Run(name, func(t *testing.T) {
			p := signedIn(t, newPage(t, opts...), "secretariat").open(path)
			p.checkClean()
			p.checkLayout()
			p.screenshot("")
			rows := eval[[]string](p, `[...document.querySelectorAll("#providers tbody tr[data-asn]")].map(r => r.dataset.asn + " " + [...r.querySelectorAll("td[data-result]")].map(c => c.dataset.result).join(","))`)
			if len(rows) != len(api.Providers) {
				t.Fatalf("page shows %d providers, the API %d", len(rows), len(api.Providers))
			}
			for i, pr := range api.Providers {
				want := pr.ASN.String() + " "
				for j, c := range pr.Controls {
					if j > 0 {
						want += ","
					}
					want += c.Result
				}
				if rows[i] != want {
					t.Errorf("row %d: page %q, API %q", i+1, rows[i], want)
				}
			}
			if n := count(p, `#chain g.node`, true); n < 3 {
				t.Errorf("the graph draws %d nodes", n)
			}
			if n := count(p, `nav a[href="/audit"]`, true); n != 1 {
				t.Errorf("no Supply chain link in the navigation")
			}
		})
	}
	t.Run("participant", func(t *testing.T) {
		p := signedIn(t, newPage(t), "participant").open(path)
		if n := count(p, "#providers", false); n != 0 {
			t.Errorf("a participant sees the providers")
		}
		if n := count(p, `nav a[href="/audit"]`, false); n != 0 {
			t.Errorf("a participant has the Supply chain link")
		}
	})
}
