package securitytest

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/api/wire"
)

// TestAudit_RealBinary runs `observatory audit` and GET /api/v2/audits of
// the real binary over May 2014 of the shared data, on each store: the
// CLI and the API give the same document for AS8151 and AS9829 (which
// have upstreams in the month), and the operation answers each caller as
// docs/audit.md says (partner and secretariat only), bad input a 400
// problem naming no network.
func TestAudit_RealBinary(t *testing.T) {
	eachStore(t, func(t *testing.T, kind string) {
		dsn := monthStore(t, kind)
		ids := participantIDs(t, dsn)
		_, participant := createKey(t, dsn, "--role", "participant", "--participant", ids["Qualitynet"])
		_, partner := createKey(t, dsn, "--role", "partner")
		_, sec := createKey(t, dsn, "--role", "secretariat")
		revokedID, revoked := createKey(t, dsn, "--role", "partner")
		mustRun(t, "keys", "revoke", "--db", dsn, revokedID)

		var cli wire.Audit
		if err := json.Unmarshal([]byte(mustRun(t, "audit", "--db", dsn, "--month", month, "--asn", "AS8151", "--asn", "9829",
			"--format", "json")), &cli); err != nil {
			t.Fatal(err)
		}
		if len(cli.Providers) == 0 || cli.Prefixes == 0 {
			t.Fatalf("CLI audit: %d providers, %d announcements", len(cli.Providers), cli.Prefixes)
		}
		srv := start(t, dsn, "--rate", "0", "--anonymous-rate", "0")
		const path = "/api/v2/audits?month=" + month + "&asn=AS8151,9829"
		r := srv.get(t, path, partner)
		if r.status != 200 {
			t.Fatalf("partner audit: %d %.300s", r.status, r.body)
		}
		var api wire.Audit
		decode(t, r, &api)
		a, _ := json.Marshal(api)
		b, _ := json.Marshal(cli)
		if string(a) != string(b) {
			t.Errorf("audit: API and CLI disagree:\n%.400s\n%.400s", a, b)
		}
		for _, c := range []struct {
			who, token string
			want       int
		}{
			{"anonymous", "", 401}, {"participant", participant, 403}, {"partner", partner, 200},
			{"secretariat", sec, 200}, {"revoked", revoked, 401},
		} {
			r := srv.get(t, path, c.token)
			if r.status != c.want {
				t.Errorf("%s GET %s: %d, want %d: %.200s", c.who, path, r.status, c.want, r.body)
			}
			if c.want != 200 && (r.header.Get("Content-Type") != "application/problem+json" || strings.Contains(r.body, "8151")) {
				t.Errorf("%s GET %s: %s %.200s; want a problem naming no network", c.who, path, r.header.Get("Content-Type"), r.body)
			}
		}
		for _, bad := range []string{"/api/v2/audits", "/api/v2/audits?asn=ASX", "/api/v2/audits?prefix=192.0.2.0/33",
			"/api/v2/audits?asn=8151&month=2014-13"} {
			if r := srv.get(t, bad, sec); r.status != 400 || r.header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("GET %s: %d %s, want 400 problem+json", bad, r.status, r.header.Get("Content-Type"))
			}
		}
		if res := run(t, "audit", "--db", dsn, "--month", month); res.code != 2 || !strings.Contains(res.stderr, "at least one ASN") {
			t.Errorf("audit without networks: exit %d, %s", res.code, res.stderr)
		}
	})
}
