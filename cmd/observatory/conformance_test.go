package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/store/sqlite"
	"github.com/observatory-net/observatory/internal/vocab"
)

// conformanceParticipants: KDDI joined in April 2014, mid-way through the
// three months; the others long before.
const conformanceParticipants = "organisation,programme,asns,approved,areas\n" +
	"Qualitynet,netops,AS9155,2010-03-01,KW\n" +
	"KDDI,netops,AS2516,2014-04-15,JP\n" +
	"RIPE NCC,netops,AS3333,2010-01-12,NL\n" +
	"Jordan Telecom,netops,AS9038,2010-09-01,JO\n"

// binCLI runs the built binary and returns its exit status and output.
func binCLI(t *testing.T, bin string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return exit.ExitCode(), stdout.String(), stderr.String()
	case err != nil:
		t.Fatalf("observatory %s: %v", strings.Join(args, " "), err)
	}
	return 0, stdout.String(), stderr.String()
}

// TestConformance_E2E ingests April and May 2014 from the shared data with
// the real binary, writes March as a copy of April through the store (a
// third month, so that runs of three months exist), and checks the flags
// of May from the CLI (json, csv, table) and the API of `serve` against an
// independent reading of the three months, a participant key's view, and
// the notification to a webhook that fails the first attempt, sent once.
func TestConformance_E2E(t *testing.T) {
	bin, _, db := aprilMayStore(t)
	want := writeMarchAndExpect(t, db)
	t.Logf("expected flags of May 2014: %q", want)
	if len(want) == 0 {
		t.Fatal("the three months give no flag to check: the test would prove nothing")
	}

	// The CLI.
	code, out, stderr := binCLI(t, bin, "conformance", "flags", "--db", db, "--month", "2014-05", "--format", "json")
	if code != 0 {
		t.Fatalf("conformance flags: exit %d\n%s", code, stderr)
	}
	var cliFlags wire.ConformanceFlags
	if err := json.Unmarshal([]byte(out), &cliFlags); err != nil {
		t.Fatal(err)
	}
	if got := flagKeys(cliFlags.Items); !slices.Equal(got, want) {
		t.Errorf("CLI flags\n%q\nwant (from the store)\n%q", got, want)
	}
	for _, f := range cliFlags.Items {
		if f.ASN == 2516 {
			t.Errorf("KDDI joined in April, but is flagged: %+v", f)
		}
		if len(f.History) != 12 || len(f.Evidence) != f.Months || f.History[11].State == wire.PointNotStored {
			t.Errorf("flag %s %s: history %d, evidence %d for %d months", f.ASN, f.Score, len(f.History), len(f.Evidence), f.Months)
		}
	}
	_, csvOut, _ := binCLI(t, bin, "conformance", "flags", "--db", db, "--month", "2014-05", "--format", "csv")
	if lines := strings.Split(strings.TrimSpace(csvOut), "\n"); len(lines) != len(want)+1 || !strings.HasPrefix(lines[0], "Month,Spec,Organisation") {
		t.Errorf("CSV: %d lines, want %d:\n%s", len(lines), len(want)+1, csvOut)
	}
	if _, table, _ := binCLI(t, bin, "conformance", "flags", "--db", db, "--month", "2014-05"); !strings.Contains(table, "ORGANISATION") {
		t.Errorf("table:\n%s", table)
	}
	for _, bad := range [][]string{
		{"conformance", "flags", "--db", db, "--format", "xml"},
		{"conformance", "flags", "--db", db, "--month", "2014-13"},
		{"conformance", "flags", "--db", db, "--month", "2013-01"},
		{"conformance", "notify", "--db", db, "--webhook", "ftp://example.org/"},
	} {
		if code, _, _ := binCLI(t, bin, bad...); code != 2 {
			t.Errorf("observatory %s: exit %d, want 2", strings.Join(bad, " "), code)
		}
	}

	// The API, on the same store.
	_, sec, _ := binCLI(t, bin, "keys", "create", "--db", db, "--role", "secretariat")
	_, list, _ := binCLI(t, bin, "participants", "list", "--db", db, "--format", "json")
	var regs []struct {
		ID           int64  `json:"id"`
		Organisation string `json:"organisation"`
	}
	if err := json.Unmarshal([]byte(list), &regs); err != nil {
		t.Fatal(err)
	}
	owner := cliFlags.Items[0]
	var ownerID string
	for _, r := range regs {
		if r.Organisation == owner.Organisation {
			ownerID = itoa64(r.ID)
		}
	}
	_, own, _ := binCLI(t, bin, "keys", "create", "--db", db, "--role", "participant", "--participant", ownerID)
	secTok, ownTok := tokenOf(t, sec), tokenOf(t, own)
	url, stop := startServe(t, bin, db)
	all := apiFlags(t, url, secTok, http.StatusOK)
	if got := flagKeys(all.Items); !slices.Equal(got, want) {
		t.Errorf("API flags\n%q\nwant\n%q", got, want)
	}
	if a, c := mustJSON(t, all.Items), mustJSON(t, cliFlags.Items); a != c {
		t.Errorf("the API's flags differ from the CLI's:\n%s\n%s", a, c)
	}
	// A participant key sees every participant's readiness (issue 16),
	// the values and evidence of its own ASNs only.
	mine := apiFlags(t, url, ownTok, http.StatusOK).Items
	if got := flagKeys(mine); !slices.Equal(got, want) {
		t.Errorf("participant key's flags\n%q\nwant\n%q", got, want)
	}
	for _, f := range mine {
		if f.Organisation == owner.Organisation {
			continue
		}
		if len(f.Evidence) > 0 {
			t.Errorf("%s's key sees the evidence of %s's flag %s %s", owner.Organisation, f.Organisation, f.ASN, f.Score)
		}
		for _, h := range f.History {
			if h.Value != nil {
				t.Errorf("%s's key sees a value of %s's flag %s %s", owner.Organisation, f.Organisation, f.ASN, f.Score)
			}
		}
	}
	apiFlags(t, url, "", http.StatusUnauthorized)
	stop()

	// The notification: the first attempt fails, the second is accepted;
	// a second run sends nothing.
	var mu sync.Mutex
	var posts []wire.ConformanceFlag
	attempts := 0
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		attempts++
		if attempts == 1 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		var n struct {
			Flags []wire.ConformanceFlag `json:"flags"`
		}
		if err := json.NewDecoder(r.Body).Decode(&n); err != nil {
			t.Errorf("webhook body: %v", err)
		}
		posts = append(posts, n.Flags...)
	}))
	defer hook.Close()
	for i, wantOut := range []string{"in 2 attempts", "already sent"} {
		code, out, stderr := binCLI(t, bin, "conformance", "notify", "--db", db, "--month", "2014-05", "--webhook", hook.URL, "--backoff", "10ms")
		if code != 0 || !strings.Contains(out, wantOut) {
			t.Errorf("notify #%d: exit %d, %q, want %q\n%s", i+1, code, out, wantOut, stderr)
		}
	}
	var newOnes []string
	for _, f := range cliFlags.Items {
		if f.New {
			newOnes = append(newOnes, flagKey(f))
		}
	}
	if attempts != 2 || !slices.Equal(flagKeys(posts), newOnes) {
		t.Errorf("webhook: %d attempts, flags %q; want 2 attempts with the new flags %q", attempts, flagKeys(posts), newOnes)
	}
}

// writeMarchAndExpect writes March 2014 as a copy of April's records of
// the participants' ASNs, and returns the flags of May that an
// independent reading of the three months gives.
func writeMarchAndExpect(t *testing.T, db string) []string {
	t.Helper()
	st, err := sqlite.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := t.Context()
	april := time.Date(2014, 4, 1, 0, 0, 0, 0, time.UTC)
	reg, err := st.RegisteredParticipants(ctx)
	if err != nil || len(reg) != 4 {
		t.Fatalf("registry: %d, %v", len(reg), err)
	}
	var asns []uint32
	for _, p := range reg {
		asns = append(asns, p.ASNs...)
	}
	recs, err := st.ASNs(ctx, april, spec.Default, store.Filter{ASNs: asns})
	if err != nil {
		t.Fatal(err)
	}
	march := april.AddDate(0, -1, 0)
	if err := st.WriteMonth(ctx, &store.Month{Meta: store.MonthMeta{Month: march, Spec: spec.Default, IngestedAt: time.Now().UTC(), Final: true},
		ASNs: recs}); err != nil {
		t.Fatal(err)
	}
	sp, err := spec.Get(spec.Default)
	if err != nil {
		t.Fatal(err)
	}
	rule := sp.MinimumRule()
	byMonth := map[time.Time]map[uint32]store.ASN{}
	for _, m := range []time.Time{march, april, april.AddDate(0, 1, 0)} {
		list, err := st.ASNs(ctx, m, spec.Default, store.Filter{ASNs: asns})
		if err != nil {
			t.Fatal(err)
		}
		byMonth[m] = map[uint32]store.ASN{}
		for _, a := range list {
			byMonth[m][a.ASN] = a
		}
	}
	var want []string
	slices.SortFunc(reg, func(a, b store.Registered) int { return strings.Compare(a.Organisation, b.Organisation) })
	for _, p := range reg {
		if p.Approved.After(march) {
			continue // joined after March: no run of three months
		}
		for _, asn := range p.ASNs {
			for _, a := range sp.Actions {
				lag, none := true, true
				for _, m := range byMonth {
					r, ok := m[asn]
					var sc store.Score
					for _, s := range r.Scores {
						if s.ID == a.Score {
							sc = s
						}
					}
					lag = lag && ok && sc.HasData && sc.Level == string(vocab.Lagging)
					none = none && (!ok || !sc.HasData)
				}
				switch {
				case lag && slices.Contains(rule.Scores, a.Score):
					want = append(want, wire.ASN(asn).String()+" "+a.Score+" "+wire.FlagLagging)
				case none && slices.Contains(rule.NoDataScores, a.Score):
					want = append(want, wire.ASN(asn).String()+" "+a.Score+" "+wire.FlagNoData)
				}
			}
		}
	}
	return want
}

func flagKey(f wire.ConformanceFlag) string {
	return f.ASN.String() + " " + string(f.Score) + " " + f.Kind
}

func flagKeys(fs []wire.ConformanceFlag) []string {
	var out []string
	for _, f := range fs {
		out = append(out, flagKey(f))
	}
	return out
}

func itoa64(n int64) string { b, _ := json.Marshal(n); return string(b) }

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func tokenOf(t *testing.T, out string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^token: +(obs_\S+)$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("keys create printed no token:\n%s", out)
	}
	return m[1]
}

func apiFlags(t *testing.T, url, token string, status int) *wire.ConformanceFlags {
	t.Helper()
	code, _, b := get(t, url+"/api/v2/conformance/flags?month=2014-05", token)
	if code != status {
		t.Fatalf("GET flags: %d, want %d: %s", code, status, b)
	}
	var r wire.ConformanceFlags
	if status == http.StatusOK {
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatal(err)
		}
	}
	return &r
}

// startServe runs the binary's serve on a free loopback port and returns
// its URL and how to stop it.
func startServe(t *testing.T, bin, db string) (string, func()) {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--db", db, "--listen", "127.0.0.1:0", "--rate", "0", "--anonymous-rate", "0", "--access-log=false", "--grace", "2s")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := regexp.MustCompile(`msg=serving addr=(\S+)`).FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		close(addr)
	}()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cmd.Process.Signal(os.Interrupt)
			cmd.Wait()
		})
	}
	select {
	case a, ok := <-addr:
		if !ok {
			stop()
			t.Fatal("serve exited before listening")
		}
		t.Cleanup(stop)
		return "http://" + a, stop
	case <-time.After(30 * time.Second):
		stop()
		t.Fatal("serve did not listen within 30 s")
	}
	return "", nil
}
