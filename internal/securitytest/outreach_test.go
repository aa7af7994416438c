package securitytest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/asrel"
	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/testenv"
)

// TestOutreach_RealBinary runs the outreach and growth operations of the
// real binary over May 2014 of the shared data, on each store: the CLI
// and the API agree, the registry's participants are not targets, the
// large transit networks rank high in their region, every cone size is
// internal/asrel's computation from the same as-rel file, and the
// operations answer each caller as docs/outreach.md says.
func TestOutreach_RealBinary(t *testing.T) {
	g := loadASRel(t)
	eachStore(t, func(t *testing.T, kind string) {
		dsn := monthStore(t, kind)
		ids := participantIDs(t, dsn)
		_, participant := createKey(t, dsn, "--role", "participant", "--participant", ids["Qualitynet"])
		_, partner := createKey(t, dsn, "--role", "partner")
		_, sec := createKey(t, dsn, "--role", "secretariat")
		revokedID, revoked := createKey(t, dsn, "--role", "partner")
		mustRun(t, "keys", "revoke", "--db", dsn, revokedID)

		var cli wire.OutreachList
		if err := json.Unmarshal([]byte(mustRun(t, "outreach", "--db", dsn, "--month", month, "--format", "json")), &cli); err != nil {
			t.Fatal(err)
		}
		if cli.Total < 1000 || len(cli.Items) != cli.Total {
			t.Fatalf("CLI ranks %d networks (%d items); want the month's thousands", cli.Total, len(cli.Items))
		}
		for _, it := range cli.Items {
			if it.ASN == ownASN || it.ASN == otherASN || it.ASN == 3333 {
				t.Errorf("participant AS%d is an outreach target", it.ASN)
			}
			if want := g.CustomerConeSize(bgp.ASN(it.ASN)); it.CustomerCone != want {
				t.Errorf("AS%d: cone %d, internal/asrel says %d", it.ASN, it.CustomerCone, want)
			}
		}

		srv := start(t, dsn, "--rate", "0", "--anonymous-rate", "0")
		var api wire.OutreachList
		r := srv.get(t, "/api/v2/outreach?month="+month+"&pageSize=1000", sec)
		if r.status != 200 {
			t.Fatalf("secretariat outreach: %d %.300s", r.status, r.body)
		}
		decode(t, r, &api)
		if api.Total != cli.Total || !slices.Equal(api.Items, cli.Items[:len(api.Items)]) || api.NextPageToken == "" {
			t.Errorf("API (total %d, %d items) and CLI (total %d) disagree", api.Total, len(api.Items), cli.Total)
		}

		// The large transit networks of the Americas rank high there.
		var americas wire.OutreachList
		decode(t, srv.get(t, "/api/v2/outreach?month="+month+"&region=Americas&pageSize=10", partner), &americas)
		top := map[wire.ASN]bool{}
		for _, it := range americas.Items {
			top[it.ASN] = true
			if it.Region != "Americas" {
				t.Errorf("AS%d of %q in the Americas' list", it.ASN, it.Region)
			}
		}
		for _, a := range []wire.ASN{3356, 174} {
			if !top[a] {
				t.Errorf("AS%d is not in the Americas' first ten: %v", a, americas.Items)
			}
		}
		if americas.Items[0].CustomerCone < 1000 {
			t.Errorf("the Americas' first network has a cone of %d", americas.Items[0].CustomerCone)
		}
		// Kuwait's participant AS9155 is left out of its economy's list.
		var kw wire.OutreachList
		decode(t, srv.get(t, "/api/v2/outreach?month="+month+"&economy=kw", sec), &kw)
		if kw.Total == 0 || slices.ContainsFunc(kw.Items, func(it wire.OutreachTarget) bool { return it.ASN == ownASN || it.Economy != "KW" }) {
			t.Errorf("Kuwait: %+v", kw.Items)
		}

		for _, c := range []struct {
			who, token       string
			outreach, growth int
		}{
			{"anonymous", "", 401, 200},
			{"participant", participant, 403, 200},
			{"partner", partner, 200, 200},
			{"secretariat", sec, 200, 200},
			{"revoked", revoked, 401, 401},
		} {
			for path, want := range map[string]int{"/api/v2/outreach?economy=US": c.outreach, "/api/v2/growth": c.growth} {
				r := srv.get(t, path, c.token)
				if r.status != want {
					t.Errorf("%s GET %s: %d, want %d: %.200s", c.who, path, r.status, want, r.body)
				}
				if want != 200 && (r.header.Get("Content-Type") != "application/problem+json" || strings.Contains(r.body, "LEVEL3")) {
					t.Errorf("%s GET %s: %s %.200s; want a problem naming no network", c.who, path, r.header.Get("Content-Type"), r.body)
				}
			}
		}
		for _, path := range []string{"/api/v2/outreach?economy=USA", "/api/v2/outreach?region=Europe&economy=NL",
			"/api/v2/outreach?month=2014-13", "/api/v2/outreach?pageSize=5000"} {
			if r := srv.get(t, path, sec); r.status != 400 || r.header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("GET %s: %d %s, want 400 problem+json", path, r.status, r.header.Get("Content-Type"))
			}
		}
		if res := run(t, "outreach", "--db", dsn, "--economy", "USA"); res.code != 2 || !strings.Contains(res.stderr, "ISO 3166") {
			t.Errorf("outreach --economy USA: exit %d, %s", res.code, res.stderr)
		}

		// Growth: the registry's three netops participants, approved
		// 2015-01, 2016-03 and 2017-06; the month's shares.
		var growth wire.Growth
		decode(t, srv.get(t, "/api/v2/growth", ""), &growth)
		var cliGrowth wire.Growth
		if err := json.Unmarshal([]byte(mustRun(t, "growth", "--db", dsn, "--format", "json")), &cliGrowth); err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(growth)
		b, _ := json.Marshal(cliGrowth)
		if string(a) != string(b) {
			t.Errorf("growth: API and CLI disagree:\n%s\n%s", a, b)
		}
		n := len(growth.Participation)
		if growth.Source != "registry" || n == 0 || growth.Participation[0].Month.Format(wire.MonthLayout) != "2015-01" ||
			growth.Participation[n-1].Month.Format(wire.MonthLayout) != "2017-06" || growth.Participation[n-1].Total["netops"] != 3 {
			t.Errorf("participation: source %q, %d months", growth.Source, n)
		}
		if len(growth.Shares) != 1 || growth.Shares[0].World.ROAValidShare == nil || growth.Shares[0].Participants["netops"].ROAJudged == 0 {
			t.Errorf("shares: %+v", growth.Shares)
		}
	})
}

// loadASRel reads the fixture's AS relationships with internal/asrel.
func loadASRel(t *testing.T) *asrel.Graph {
	t.Helper()
	var path string
	for _, rel := range mayInputs {
		if strings.HasPrefix(rel, "as-relationships/") {
			path = filepath.Join(testenv.SharedData(t), rel)
		}
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g, err := asrel.Load(context.Background(), f, path, &inputerr.Log{})
	if err != nil {
		t.Fatal(err)
	}
	return g
}
