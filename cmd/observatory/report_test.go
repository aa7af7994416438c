package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/report"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/store/sqlite"
	"github.com/observatory-net/observatory/internal/testenv"
)

// TestReport_E2E ingests April and May 2014 from the shared data with the
// real binary and checks the monthly conformance reports of May: the
// CLI's numbers equal the API's (/ases/{asn} of both months), the PDF
// reads back with pdftotext, the authorization matrix of the API, bad
// input (4xx problem+json, CLI exit 2, no file written), and the e-mail
// delivery to a real SMTP server (Mailpit) exactly once although the first
// attempt fails.
func TestReport_E2E(t *testing.T) {
	bin, dir, db := aprilMayStore(t)
	ids := participantIDs(t, db)
	ripe, qnet := ids["RIPE NCC"], ids["Qualitynet"]

	// The CLI's report of RIPE NCC.
	code, out, stderr := binCLI(t, bin, "report", "--db", db, "--participant", itoa64(ripe), "--month", "2014-05")
	if code != 0 {
		t.Fatalf("report: exit %d\n%s", code, stderr)
	}
	var cli wire.Report
	if err := json.Unmarshal([]byte(out), &cli); err != nil {
		t.Fatal(err)
	}
	april := time.Date(2014, 4, 1, 0, 0, 0, 0, time.UTC)
	if cli.Organisation != "RIPE NCC" || len(cli.ASNs) != 1 || cli.ASNs[0].ASN != 3333 || cli.Previous == nil || !cli.Previous.Equal(april) {
		t.Fatalf("report of RIPE NCC: %s", out)
	}
	if len(cli.ASNs[0].Scores) != 5 {
		t.Fatalf("AS3333: %d scores, want 5", len(cli.ASNs[0].Scores))
	}

	// Keys, and the API on the same store.
	key := func(args ...string) string {
		_, o, e := binCLI(t, bin, append([]string{"keys", "create", "--db", db}, args...)...)
		if !strings.Contains(o, "token:") {
			t.Fatalf("keys create %v: %s", args, e)
		}
		return tokenOf(t, o)
	}
	tok := map[string]string{
		"anonymous":     "",
		"participant A": key("--role", "participant", "--participant", itoa64(ripe)),
		"participant B": key("--role", "participant", "--participant", itoa64(qnet)),
		"partner":       key("--role", "partner"),
		"secretariat":   key("--role", "secretariat"),
		"revoked":       key("--role", "participant", "--participant", itoa64(ripe)),
	}
	revokedID := strings.Split(tok["revoked"], "_")[1]
	if code, _, e := binCLI(t, bin, "keys", "revoke", "--db", db, revokedID); code != 0 {
		t.Fatalf("keys revoke: %s", e)
	}
	url, stop := startServe(t, bin, db)
	defer stop()
	reportURL := fmt.Sprintf("%s/api/v2/reports/%d?month=2014-05", url, ripe)

	// (1) The report's numbers are the API's, this month and the previous.
	sec := tok["secretariat"]
	for _, a := range cli.ASNs {
		now := getAS(t, url, sec, a.ASN, "2014-05")
		before := getAS(t, url, sec, a.ASN, "2014-04")
		for _, s := range a.Scores {
			got, ok := now.Score(s.ID)
			prev, okPrev := before.Score(s.ID)
			if !ok || !okPrev {
				t.Fatalf("%s: the API has no %s", a.ASN, s.ID)
			}
			if !sameScore(s.Value, got.Value) || s.Level != got.Level || !sameScore(s.Previous, prev.Value) || s.PreviousLevel != prev.Level {
				t.Errorf("%s %s: report %s %s (before %s %s), API %s %s (before %s %s)", a.ASN, s.ID,
					report.FormatScore(s.Value), s.Level, report.FormatScore(s.Previous), s.PreviousLevel,
					report.FormatScore(got.Value), got.Level, report.FormatScore(prev.Value), prev.Level)
			}
			if s.Value != nil && s.Previous != nil && (s.Change == nil || *s.Change != *s.Value-*s.Previous) {
				t.Errorf("%s %s: change %v, want %v", a.ASN, s.ID, s.Change, *s.Value-*s.Previous)
			}
		}
	}
	status, ctype, body := get(t, reportURL, sec)
	if status != http.StatusOK || ctype != "application/json" {
		t.Fatalf("GET report: %d %s: %s", status, ctype, body)
	}
	var api wire.Report
	if err := json.Unmarshal(body, &api); err != nil {
		t.Fatal(err)
	}
	if a, c := mustJSON(t, api), mustJSON(t, cli); a != c {
		t.Errorf("the API's report differs from the CLI's:\n%s\n%s", a, c)
	}

	// (4) The authorization matrix, in every format.
	want := map[string]int{"anonymous": 401, "participant A": 200, "participant B": 403, "partner": 200, "secretariat": 200, "revoked": 401}
	for _, format := range []string{"", "json", "html", "pdf"} {
		for who, code := range want {
			status, ctype, body := get(t, reportURL+"&format="+format, tok[who])
			if status != code {
				t.Errorf("GET report format %q as %s: %d, want %d: %.200s", format, who, status, code, body)
				continue
			}
			switch {
			case code != 200:
				if ctype != "application/problem+json" {
					t.Errorf("GET report as %s: %s, want problem+json", who, ctype)
				}
			case format == "html" && (!strings.HasPrefix(ctype, "text/html") || !strings.Contains(string(body), "AS3333")):
				t.Errorf("HTML report as %s: %s %.200s", who, ctype, body)
			case format == "pdf" && (ctype != "application/pdf" || !strings.HasPrefix(string(body), "%PDF-")):
				t.Errorf("PDF report as %s: %s %.20q", who, ctype, body)
			}
		}
	}
	// B's key reads B's own report.
	if status, _, body := get(t, fmt.Sprintf("%s/api/v2/reports/%d?month=2014-05", url, qnet), tok["participant B"]); status != 200 {
		t.Errorf("B's own report: %d %s", status, body)
	}

	// (5) Bad input.
	for _, bad := range []struct {
		path   string
		status int
	}{
		{"/api/v2/reports/abc?month=2014-05", 400},
		{"/api/v2/reports/0?month=2014-05", 400},
		{"/api/v2/reports/999999?month=2014-05", 404},
		{fmt.Sprintf("/api/v2/reports/%d?month=2014-13", ripe), 400},
		{fmt.Sprintf("/api/v2/reports/%d?month=2013-01", ripe), 404},
		{fmt.Sprintf("/api/v2/reports/%d?month=2014-05&format=xml", ripe), 400},
		{fmt.Sprintf("/api/v2/reports/%d?month=2014-05&colour=red", ripe), 422},
	} {
		status, ctype, body := get(t, url+bad.path, sec)
		if status != bad.status || ctype != "application/problem+json" {
			t.Errorf("GET %s: %d %s, want %d problem+json: %s", bad.path, status, ctype, bad.status, body)
		}
	}
	stop()
	outFile := filepath.Join(dir, "bad.out")
	for _, bad := range [][]string{
		{"--participant", "999999", "--month", "2014-05"},
		{"--participant", itoa64(ripe), "--month", "2014-13"},
		{"--participant", itoa64(ripe), "--month", "2013-01"},
		{"--participant", itoa64(ripe), "--month", "2014-05", "--format", "xml"},
		{"--month", "2014-05"},
	} {
		args := append([]string{"report", "--db", db, "-o", outFile}, bad...)
		if code, _, _ := binCLI(t, bin, args...); code != 2 {
			t.Errorf("observatory %s: exit %d, want 2", strings.Join(args, " "), code)
		}
		if _, err := os.Stat(outFile); !os.IsNotExist(err) {
			t.Errorf("observatory %s wrote %s", strings.Join(args, " "), outFile)
		}
	}

	// (2) The PDF opens: pdftotext reads the scores back.
	pdftotext := testenv.Tool(t, "pdftotext")
	pdf := filepath.Join(dir, "ripe.pdf")
	if code, _, e := binCLI(t, bin, "report", "--db", db, "--participant", itoa64(ripe), "--month", "2014-05", "--format", "pdf", "-o", pdf); code != 0 {
		t.Fatalf("report --format pdf: %s", e)
	}
	text, err := exec.Command(pdftotext, "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	checkPDFText(t, string(text), &cli)

	// (3) Delivery: the first run finds no SMTP server (pending, 1
	// attempt), the second delivers, the third sends nothing new.
	contacts := filepath.Join(dir, "contacts.txt")
	if err := os.WriteFile(contacts, fmt.Appendf(nil, "# test\n%d noc@ripe.example\n%d noc@qualitynet.example\n", ripe, qnet), 0o644); err != nil {
		t.Fatal(err)
	}
	smtpPort, httpPort := testenv.FreePort(t), testenv.FreePort(t)
	send := func() (int, string, string) {
		return binCLI(t, bin, "report", "send", "--db", db, "--month", "2014-05", "--smtp", "127.0.0.1:"+smtpPort,
			"--from", "reports@observatory.example", "--contacts", contacts, "--timeout", "5s")
	}
	stranger := filepath.Join(dir, "stranger")
	if err := os.WriteFile(stranger, []byte("99999 noc@stranger.example\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]string{
		{"--smtp", "nohost", "--from", "a@b.example", "--contacts", contacts},
		{"--smtp", "127.0.0.1:1", "--from", "not an address", "--contacts", contacts},
		{"--smtp", "127.0.0.1:1", "--from", "a@b.example", "--contacts", stranger}, // no such participant
		{"--smtp", "127.0.0.1:1", "--from", "a@b.example", "--contacts", filepath.Join(dir, "none.txt")},
	} {
		args := append([]string{"report", "send", "--db", db, "--month", "2014-05"}, bad...)
		if code, _, _ := binCLI(t, bin, args...); code != 2 {
			t.Errorf("observatory %s: exit %d, want 2", strings.Join(args, " "), code)
		}
	}
	if mails := outbox(t, db); len(mails) != 0 {
		t.Fatalf("bad input queued %d mails", len(mails))
	}
	code, out, stderr = send()
	if code != 1 || !strings.Contains(out, "queued 2") || !strings.Contains(out, "sent 0, failed 2") {
		t.Fatalf("send without a server: exit %d, %s\n%s", code, out, stderr)
	}
	for _, m := range outbox(t, db) {
		if m.State != store.MailPending || m.Attempts != 1 || m.LastError == "" {
			t.Errorf("after a failed run: mail %d %s, attempts %d, error %q", m.ID, m.State, m.Attempts, m.LastError)
		}
	}
	mailpitAPI := testenv.StartMailpit(t, smtpPort, httpPort)
	code, out, stderr = send()
	if code != 0 || !strings.Contains(out, "queued 0, 2 queued before") || !strings.Contains(out, "sent 2, failed 0") {
		t.Fatalf("send with the server: exit %d, %s\n%s", code, out, stderr)
	}
	code, out, stderr = send()
	if code != 0 || !strings.Contains(out, "queued 0, 2 queued before") || !strings.Contains(out, "sent 0, failed 0") {
		t.Fatalf("third send: exit %d, %s\n%s", code, out, stderr)
	}
	for _, m := range outbox(t, db) {
		if m.State != store.MailSent || m.Attempts != 2 || m.SentAt.IsZero() { // the failed attempt and the delivery
			t.Errorf("after delivery: mail %d %s, attempts %d, sent %v", m.ID, m.State, m.Attempts, m.SentAt)
		}
	}
	got := mailpitMessages(t, mailpitAPI)
	perRecipient := map[string]int{}
	for _, m := range got {
		for _, to := range m.To {
			perRecipient[to.Address]++
		}
		if !strings.HasPrefix(m.Subject, "MANRS conformance report 2014-05: ") || m.Attachments != 1 {
			t.Errorf("message %q: %d attachments", m.Subject, m.Attachments)
		}
	}
	if len(got) != 2 || perRecipient["noc@ripe.example"] != 1 || perRecipient["noc@qualitynet.example"] != 1 {
		t.Errorf("Mailpit holds %d messages, per recipient %v; want one each", len(got), perRecipient)
	}
}

// aprilMayStore builds the binary into a temporary directory and, with
// it, ingests April (the RIS file alone, --all-time) and May 2014 of the
// shared data with the participants, and imports them into the registry.
func aprilMayStore(t *testing.T) (bin, dir, db string) {
	t.Helper()
	root := testenv.SharedData(t)
	gobin := testenv.Tool(t, "go")
	dir = t.TempDir()
	bin = filepath.Join(dir, "observatory")
	if out, err := exec.Command(gobin, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	parts := filepath.Join(dir, "participants.csv")
	if err := os.WriteFile(parts, []byte(conformanceParticipants), 0o644); err != nil {
		t.Fatal(err)
	}
	may, april := filepath.Join(dir, "may"), filepath.Join(dir, "april")
	for _, d := range []string{may, april} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := linkSmallData(root, may); err != nil {
		t.Fatal(err)
	}
	for _, rel := range smallInputs {
		if strings.Contains(rel, "route-views") {
			continue
		}
		if err := os.Symlink(filepath.Join(root, rel), filepath.Join(april, filepath.Base(rel))); err != nil {
			t.Fatal(err)
		}
	}
	db = filepath.Join(dir, "obs.db")
	for _, args := range [][]string{
		{"ingest", "--db", db, "--data", april, "--month", "2014-04", "--all-time", "--participants", parts, "--quiet"},
		{"ingest", "--db", db, "--data", may, "--month", "2014-05", "--participants", parts, "--quiet"},
		{"participants", "import", "--db", db, parts},
	} {
		if code, _, stderr := binCLI(t, bin, args...); code != 0 {
			t.Fatalf("observatory %s: exit %d\n%s", strings.Join(args, " "), code, stderr)
		}
	}
	return bin, dir, db
}

func get(t *testing.T, url, token string) (int, string, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), b
}

func getAS(t *testing.T, url, token string, asn wire.ASN, month string) *wire.ASRecord {
	t.Helper()
	status, _, body := get(t, fmt.Sprintf("%s/api/v2/ases/%s?month=%s", url, asn, month), token)
	if status != http.StatusOK {
		t.Fatalf("GET ases/%s %s: %d %s", asn, month, status, body)
	}
	var r wire.ASRecord
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

func sameScore(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

// checkPDFText finds, in the text of the PDF, each ASN and a line of each
// of its scores with the Action, the score id, the value and the level.
func checkPDFText(t *testing.T, text string, r *wire.Report) {
	t.Helper()
	if !strings.Contains(text, "MANRS conformance report 2014-05: "+r.Organisation) {
		t.Errorf("the PDF's text has no title:\n%s", text)
	}
	lines := strings.Split(text, "\n")
	for _, a := range r.ASNs {
		if !strings.Contains(text, a.ASN.String()) {
			t.Errorf("the PDF's text has no %s", a.ASN)
		}
		for _, s := range a.Scores {
			want := []string{fmt.Sprint(s.Action), string(s.ID), report.FormatScore(s.Value), string(s.Level),
				report.FormatScore(s.Previous), report.FormatChange(s.Change)}
			found := false
			for _, l := range lines {
				if strings.Join(strings.Fields(l), " ") == strings.Join(strings.Fields(strings.Join(want, " ")), " ") {
					found = true
				}
			}
			if !found {
				t.Errorf("the PDF's text has no line %q:\n%s", strings.Join(want, " "), text)
			}
		}
	}
}

func outbox(t *testing.T, db string) []store.Mail {
	t.Helper()
	st, err := sqlite.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ms, err := st.Mails(t.Context(), time.Time{}, "")
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

type mailpitMessage struct {
	Subject     string
	Attachments int
	To          []struct{ Address string }
}

func mailpitMessages(t *testing.T, api string) []mailpitMessage {
	t.Helper()
	resp, err := http.Get(api + "/api/v1/messages?limit=100")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		Total    int
		Messages []mailpitMessage
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	if r.Total != len(r.Messages) {
		t.Errorf("Mailpit: total %d, listed %d", r.Total, len(r.Messages))
	}
	return r.Messages
}
