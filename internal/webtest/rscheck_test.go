package webtest

import (
	"os/exec"
	"strconv"
	"sync"
	"testing"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/testenv"
)

// rsCheckOnce stores one check of the real NAMEX IPv4 route-server RIB in
// the dashboard's store, through the real binary.
var rsCheckOnce struct {
	sync.Once
	out []byte
	err error
}

// TestRSCheck_PageMatchesAPI stores a check of the NAMEX IPv4 RIB with
// `observatory rs-check --db`, then loads the Route servers pages as a
// participant, light and dark, clean and within their boxes: the list
// row and every finding row equal GET /api/v2/rs-checks/{id}, and the
// reason filter keeps the RPKI-invalid ones only.
func TestRSCheck_PageMatchesAPI(t *testing.T) {
	dashboard(t)
	e := setUp(t)
	rsCheckOnce.Do(func() {
		rsCheckOnce.out, rsCheckOnce.err = exec.Command(e.bin, "rs-check", "--vrps", testenv.File(t, "rpki/vrps-20200217-bgpsquelch-roa.csv"),
			"--skip-invalid", "--mrt", testenv.File(t, "mrt/ribs/namex-bgpd-rib-inet.mrt"), "--ixp", "NAMEX", "--db", e.db).CombinedOutput()
	})
	if rsCheckOnce.err != nil {
		t.Fatalf("rs-check --db: %v\n%s", rsCheckOnce.err, rsCheckOnce.out)
	}
	var list wire.RSCheckList
	getJSON(t, "participant", "/api/v2/rs-checks", &list)
	if len(list.Items) == 0 {
		t.Fatal("GET /api/v2/rs-checks: no check stored")
	}
	m := list.Items[0]
	var api wire.RSCheck
	getJSON(t, "participant", m.Report, &api)
	invalid := 0
	for _, f := range api.Result.Findings {
		for _, r := range f.Reasons {
			if r == "rpki-invalid" {
				invalid++
			}
		}
	}
	if len(api.Result.Findings) == 0 || invalid == 0 {
		t.Fatalf("the NAMEX check has %d findings, %d RPKI-invalid", len(api.Result.Findings), invalid)
	}
	page := "/rs-checks/" + strconv.FormatInt(m.ID, 10)
	for name, opts := range map[string][]pageOption{"light": nil, "dark": {darkMode}} {
		t.Run(name, func(t *testing.T) {
			p := signedIn(t, newPage(t, opts...), "participant").open("/rs-checks")
			p.checkClean()
			p.checkLayout()
			if n := count(p, `#rs-checks tr[data-id="`+strconv.FormatInt(m.ID, 10)+`"]`, true); n != 1 {
				t.Fatalf("the list has no row of check %d", m.ID)
			}
			if n := count(p, `nav a[href="/rs-checks"]`, true); n != 1 {
				t.Errorf("no Route servers link in the navigation")
			}
			p.open(page)
			p.checkClean()
			p.checkLayout()
			p.screenshot("")
			rows := eval[[]string](p, `[...document.querySelectorAll("#findings-table tbody tr")].map(r => r.dataset.member + " " + r.dataset.prefix + " " + r.querySelector("td[data-col=reasons]").textContent)`)
			if len(rows) != len(api.Result.Findings) {
				t.Fatalf("page shows %d findings, the API %d", len(rows), len(api.Result.Findings))
			}
			for i, f := range api.Result.Findings {
				want := strconv.FormatUint(uint64(f.Member), 10) + " " + f.Prefix + " "
				for j, r := range f.Reasons {
					if j > 0 {
						want += ", "
					}
					want += r
				}
				if rows[i] != want {
					t.Errorf("finding %d: page %q, API %q", i+1, rows[i], want)
				}
			}
			p.open(page + "?reason=rpki-invalid")
			if n := count(p, "#findings-table tbody tr", true); n != invalid {
				t.Errorf("reason filter: %d rows, want the %d RPKI-invalid", n, invalid)
			}
		})
	}
	t.Run("anonymous", func(t *testing.T) {
		p := newPage(t).open(page)
		if n := count(p, "#findings-table", false); n != 0 {
			t.Errorf("an anonymous visitor sees the findings")
		}
	})
}
