package securitytest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/testenv"
)

// TestRSCheck_RealBinary stores route-server checks of the real NAMEX and
// NL-ix RIBs with `observatory rs-check --db` on each store and reads them
// back through GET /api/v2/rs-checks of the real binary: the stored
// report equals the one the CLI wrote, field for field; the operations
// answer participant, partner and secretariat keys and refuse anonymous
// and revoked ones with a problem naming no member; bad input stores
// nothing.
func TestRSCheck_RealBinary(t *testing.T) {
	vrps := testenv.File(t, "rpki/vrps-20200217-bgpsquelch-roa.csv")
	namex := testenv.File(t, "mrt/ribs/namex-bgpd-rib-inet.mrt")
	nlix := testenv.File(t, "mrt/ribs/185.186.nlix.mrt")
	eachStore(t, func(t *testing.T, kind string) {
		dsn := monthStore(t, kind)
		ids := participantIDs(t, dsn)
		_, participant := createKey(t, dsn, "--role", "participant", "--participant", ids["Qualitynet"])
		_, partner := createKey(t, dsn, "--role", "partner")
		_, sec := createKey(t, dsn, "--role", "secretariat")
		revokedID, revoked := createKey(t, dsn, "--role", "partner")
		mustRun(t, "keys", "revoke", "--db", dsn, revokedID)

		dir := t.TempDir()
		cliFiles := map[string]string{}
		for _, c := range []struct{ ixp, rib string }{{"NAMEX", namex}, {"NL-ix", nlix}} {
			out := filepath.Join(dir, c.ixp+".json")
			res := run(t, "rs-check", "--vrps", vrps, "--skip-invalid", "--mrt", c.rib, "--ixp", c.ixp, "--db", dsn,
				"--format", "json", "-o", out)
			if res.code != 0 || !strings.Contains(res.stderr, "stored as check") {
				t.Fatalf("rs-check %s --db: exit %d, %s", c.ixp, res.code, res.stderr)
			}
			cliFiles[c.ixp] = out
		}
		// Bad input stores nothing: --db without --ixp, and a RIB that is
		// not MRT.
		bad := filepath.Join(dir, "bad.mrt")
		if err := os.WriteFile(bad, []byte("not an MRT file at all, just text\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if res := run(t, "rs-check", "--vrps", vrps, "--skip-invalid", "--mrt", namex, "--db", dsn); res.code != 2 ||
			!strings.Contains(res.stderr, "--ixp") {
			t.Errorf("rs-check --db without --ixp: exit %d, %s", res.code, res.stderr)
		}
		if res := run(t, "rs-check", "--vrps", vrps, "--skip-invalid", "--mrt", bad, "--ixp", "X", "--db", dsn); res.code == 0 {
			t.Errorf("rs-check of a non-MRT file: exit 0, %s", res.stderr)
		}

		srv := start(t, dsn, "--rate", "0", "--anonymous-rate", "0")
		r := srv.get(t, "/api/v2/rs-checks", partner)
		var list wire.RSCheckList
		decode(t, r, &list)
		if r.status != 200 || len(list.Items) != 2 || list.Items[0].IXP != "NL-ix" || list.Items[1].IXP != "NAMEX" {
			t.Fatalf("GET /api/v2/rs-checks: %d, %+v; want NL-ix then NAMEX, nothing of the refused runs", r.status, list.Items)
		}
		for _, m := range list.Items {
			r := srv.get(t, m.Report, participant)
			if r.status != 200 {
				t.Fatalf("GET %s: %d %.200s", m.Report, r.status, r.body)
			}
			var api wire.RSCheck
			decode(t, r, &api)
			var cli wire.RSCheckReport
			b, err := os.ReadFile(cliFiles[m.IXP])
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &cli); err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(api.Result)
			want, _ := json.Marshal(cli)
			if string(got) != string(want) {
				t.Errorf("%s: the API's report differs from the CLI's:\n%.300s\n%.300s", m.IXP, got, want)
			}
			if api.Routes != cli.Total.Routes || api.Rejectable != cli.Total.Rejectable || cli.Total.Rejectable == 0 {
				t.Errorf("%s: API totals %d/%d, CLI %d/%d (want some rejectable)", m.IXP, api.Rejectable, api.Routes,
					cli.Total.Rejectable, cli.Total.Routes)
			}
		}
		path := list.Items[1].Report
		for _, c := range []struct {
			who, token string
			want       int
		}{
			{"anonymous", "", 401}, {"participant", participant, 200}, {"partner", partner, 200},
			{"secretariat", sec, 200}, {"revoked", revoked, 401},
		} {
			for _, p := range []string{"/api/v2/rs-checks", path} {
				r := srv.get(t, p, c.token)
				if r.status != c.want {
					t.Errorf("%s GET %s: %d, want %d: %.200s", c.who, p, r.status, c.want, r.body)
				}
				if c.want != 200 && (r.header.Get("Content-Type") != "application/problem+json" || strings.Contains(r.body, "NAMEX")) {
					t.Errorf("%s GET %s: %s %.200s; want a problem naming no IXP", c.who, p, r.header.Get("Content-Type"), r.body)
				}
			}
		}
		for bad, want := range map[string]int{"/api/v2/rs-checks/999": 404, "/api/v2/rs-checks/x": 400, "/api/v2/rs-checks/0": 400} {
			if r := srv.get(t, bad, sec); r.status != want || r.header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("GET %s: %d %s, want %d problem+json", bad, r.status, r.header.Get("Content-Type"), want)
			}
		}
	})
}
