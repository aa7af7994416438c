package securitytest

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/client"
	"github.com/observatory-net/observatory/internal/testenv"
)

// TestReport_RealBinary runs the monthly conformance report of the real
// binary over May 2014 of the shared data, on each store: the CLI and
// the API agree, the API answers each caller and format as the access
// rules say, bad input is a 4xx problem, and `report send` delivers to a
// real SMTP server (Mailpit) exactly once although its first run fails.
func TestReport_RealBinary(t *testing.T) {
	eachStore(t, func(t *testing.T, kind string) {
		dsn := monthStore(t, kind)
		ids := participantIDs(t, dsn)
		a, b := ids["Qualitynet"], ids["KDDI"]
		_, pa := createKey(t, dsn, "--role", "participant", "--participant", a)
		_, pb := createKey(t, dsn, "--role", "participant", "--participant", b)
		_, partner := createKey(t, dsn, "--role", "partner")
		_, sec := createKey(t, dsn, "--role", "secretariat")
		revokedID, revoked := createKey(t, dsn, "--role", "participant", "--participant", a)
		mustRun(t, "keys", "revoke", "--db", dsn, revokedID)

		var cli wire.Report
		if err := json.Unmarshal([]byte(mustRun(t, "report", "--db", dsn, "--participant", a, "--month", month)), &cli); err != nil {
			t.Fatal(err)
		}
		if len(cli.ASNs) != 1 || cli.ASNs[0].ASN != 9155 || len(cli.ASNs[0].Incidents) != 3 || len(cli.ASNs[0].Findings) == 0 {
			t.Fatalf("Qualitynet's report: %+v", cli)
		}
		srv := start(t, dsn, "--rate", "0", "--anonymous-rate", "0")
		path := "/api/v2/reports/" + a + "?month=" + month
		var api wire.Report
		decode(t, srv.get(t, path, sec), &api)
		x, _ := json.Marshal(api)
		y, _ := json.Marshal(cli)
		if string(x) != string(y) {
			t.Errorf("report: API and CLI disagree:\n%s\n%s", x, y)
		}
		// The SDK reads the same report, and its PDF.
		cl, err := client.New(srv.url, client.WithAPIKey(pa))
		if err != nil {
			t.Fatal(err)
		}
		id, _ := strconv.ParseInt(a, 10, 64)
		opts := &client.MonthOptions{Month: api.Month}
		if r, err := cl.Report(t.Context(), id, opts); err != nil || r.Organisation != "Qualitynet" || len(r.ASNs) != 1 {
			t.Errorf("client Report() = %+v, %v", r, err)
		}
		if pdf, err := cl.ReportPDF(t.Context(), id, opts); err != nil || !strings.HasPrefix(string(pdf), "%PDF-") {
			t.Errorf("client ReportPDF() = %.10q, %v", pdf, err)
		}
		idB, _ := strconv.ParseInt(b, 10, 64)
		if _, err := cl.Report(t.Context(), idB, opts); err == nil {
			t.Error("client Report() of another participant: no error")
		}
		for _, c := range []struct {
			who, token string
			status     int
		}{
			{"anonymous", "", 401}, {"participant A", pa, 200}, {"participant B", pb, 403},
			{"partner", partner, 200}, {"secretariat", sec, 200}, {"revoked", revoked, 401},
		} {
			for format, ctype := range map[string]string{"json": "application/json", "html": "text/html; charset=utf-8", "pdf": "application/pdf"} {
				r := srv.get(t, path+"&format="+format, c.token)
				got := r.header.Get("Content-Type")
				if r.status != c.status || (c.status == 200 && got != ctype) || (c.status != 200 && (got != "application/problem+json" || strings.Contains(r.body, "AS9155"))) {
					t.Errorf("%s GET %s as %s: %d %s, want %d: %.200s", c.who, path, format, r.status, got, c.status, r.body)
				}
			}
		}
		for p, want := range map[string]int{
			"/api/v2/reports/x": 400, "/api/v2/reports/-1": 400, "/api/v2/reports/99999": 404,
			path + "&format=docx": 400, "/api/v2/reports/" + a + "?month=2014-13": 400, "/api/v2/reports/" + a + "?month=2001-01": 404,
		} {
			if r := srv.get(t, p, sec); r.status != want || r.header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("GET %s: %d %s, want %d problem+json", p, r.status, r.header.Get("Content-Type"), want)
			}
		}
		srv.stop()

		// Delivery: down, then up, then again.
		dir := t.TempDir()
		contacts := filepath.Join(dir, "contacts")
		if err := os.WriteFile(contacts, []byte(a+" noc@qualitynet.example\n"+b+" noc@kddi.example\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		smtpPort, httpPort := testenv.FreePort(t), testenv.FreePort(t)
		send := func() result {
			return run(t, "report", "send", "--db", dsn, "--month", month, "--smtp", "127.0.0.1:"+smtpPort,
				"--from", "reports@observatory.example", "--contacts", contacts, "--timeout", "5s")
		}
		if r := send(); r.code != 1 || !strings.Contains(r.stdout, "queued 2,") || !strings.Contains(r.stdout, "failed 2") {
			t.Fatalf("send, server down: exit %d %s %s", r.code, r.stdout, r.stderr)
		}
		mailpit := testenv.StartMailpit(t, smtpPort, httpPort)
		if r := send(); r.code != 0 || !strings.Contains(r.stdout, "queued 0, 2 queued before") || !strings.Contains(r.stdout, "sent 2, failed 0") {
			t.Fatalf("send, server up: exit %d %s %s", r.code, r.stdout, r.stderr)
		}
		if r := send(); r.code != 0 || !strings.Contains(r.stdout, "sent 0, failed 0") {
			t.Fatalf("send again: exit %d %s %s", r.code, r.stdout, r.stderr)
		}
		msgs := mailpitMessages(t, mailpit)
		per := map[string]int{}
		for _, m := range msgs.Messages {
			for _, to := range m.To {
				per[to.Address]++
			}
		}
		if msgs.Total != 2 || per["noc@qualitynet.example"] != 1 || per["noc@kddi.example"] != 1 {
			t.Errorf("Mailpit holds %d messages %v; want one per participant", msgs.Total, per)
		}
	})
}

// mailbox is what Mailpit's /api/v1/messages lists.
type mailbox struct {
	Total    int
	Messages []struct {
		To      []struct{ Address string }
		Subject string
	}
}

// mailpitMessages reads the messages the Mailpit at base holds.
func mailpitMessages(t *testing.T, base string) mailbox {
	t.Helper()
	resp, err := http.Get(base + "/api/v1/messages")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m mailbox
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}
