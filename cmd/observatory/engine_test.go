package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/internal/testenv"
)

// runCLI runs the CLI in-process and returns its exit status and output.
func runCLI(t *testing.T, args ...string) (int, string) {
	t.Helper()
	r, w, _ := os.Pipe()
	stdout := os.Stdout
	os.Stdout = w
	done := make(chan []byte)
	go func() {
		var b bytes.Buffer
		b.ReadFrom(r)
		done <- b.Bytes()
	}()
	code := runWithOutput(args, w)
	w.Close()
	os.Stdout = stdout
	return code, string(<-done)
}

func TestEngine_IngestScoresCheck(t *testing.T) {
	db := smallDB(t)
	code, csvOut := runCLI(t, "scores", "--db", db, "--format", "csv")
	if code != 0 {
		t.Fatalf("scores exit %d", code)
	}
	rows, err := csv.NewReader(strings.NewReader(csvOut)).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("csv: %v, %d rows", err, len(rows))
	}
	// The header is the Observatory's own export header, to the letter.
	f, err := os.Open(testenv.File(t, "manrs/MANRS_Details_202210_1667568420728.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan()
	if want := strings.Split(strings.TrimPrefix(sc.Text(), "\ufeff"), ","); !slices.Equal(rows[0], want) {
		t.Errorf("CSV header %q, want the Observatory's %q", rows[0], want)
	}
	// Pick an ASN with a failing filtering score and one passing.
	var failing, passing string
	for _, r := range rows[1:] {
		switch {
		case r[6] != "" && r[6] < "0.9" && failing == "":
			failing = r[0]
		case r[6] == "1" && r[9] == "" && passing == "":
			passing = r[0]
		}
	}
	if failing == "" || passing == "" {
		t.Fatalf("no failing (%q) or passing (%q) ASN in %d rows", failing, passing, len(rows))
	}
	if code, out := runCLI(t, "check", "AS"+failing, "--db", db, "--actions", "1"); code != 1 {
		t.Errorf("check AS%s (filtering below ready) exit %d, want 1: %s", failing, code, out)
	}
	if code, out := runCLI(t, "check", passing, "--db", db, "--actions", "1", "--format", "json"); code != 0 || !strings.Contains(out, `"pass":true`) {
		t.Errorf("check AS%s exit %d, want 0: %s", passing, code, out)
	}
	if code, _ := runCLI(t, "check", "AS4294967294", "--db", db); code != 2 {
		t.Errorf("unmeasured ASN exit %d, want 2", code)
	}
	if code, _ := runCLI(t, "check", "AS1", "--db", db, "--min", "perfect"); code != 2 {
		t.Errorf("bad --min exit %d, want 2", code)
	}
	// Re-ingesting the same inputs gives the same scores.
	if code, out := runCLI(t, smallIngest(db, smallData(t), "--quiet")...); code != 0 {
		t.Fatalf("re-ingest exit %d: %s", code, out)
	}
	if _, again := runCLI(t, "scores", "--db", db, "--format", "csv"); again != csvOut {
		t.Error("scores differ after re-ingesting the same inputs")
	}
}

// TestEngine_ExplicitInputs: naming every input by kind gives the month
// that discovering them in a directory gives; a file given as the wrong
// kind is refused with exit 2.
func TestEngine_ExplicitInputs(t *testing.T) {
	root := testenv.SharedData(t)
	byDir, byFlag := smallDB(t), filepath.Join(t.TempDir(), "flags.db")
	in := func(rel string) string { return filepath.Join(root, rel) }
	if code, out := runCLI(t, "ingest", "--db", byFlag, "--month", "2014-05", "--quiet",
		"--mrt", in("mrt/updates/ris.rrc06.updates.1401488100.gz"), "--mrt", in("mrt/updates/routeviews.route-views.jinx.updates.1401493500.bz2"),
		"--vrps", in("rpki/rpki-client-prepdev-20230504.json.gz"), "--irr", in("irr"),
		"--as-rel", in("as-relationships/20140101.as-rel.txt"), "--delegated", in("rir-delegated/2014"), "--bogons", in("bogons"), "--participants", shared.participants); code != 0 {
		t.Fatalf("ingest by kind exit %d: %s", code, out)
	}
	_, a := runCLI(t, "scores", "--db", byDir, "--format", "csv")
	_, b := runCLI(t, "scores", "--db", byFlag, "--format", "csv")
	if a != b || len(a) < 1000 {
		t.Errorf("scores differ between --data and per-kind flags (%d and %d bytes)", len(a), len(b))
	}
	if code, _ := runCLI(t, "ingest", "--db", byFlag, "--irr", in("rpki/ripe-ncc-test-roas-2016.csv")); code != 2 {
		t.Errorf("VRPs given as --irr: exit %d, want 2", code)
	}
}
