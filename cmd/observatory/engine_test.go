package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"maps"
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

// monthsJSON runs months --format json on db and returns its one month.
func monthsJSON(t *testing.T, db string) monthJSON {
	t.Helper()
	code, out := runCLI(t, "months", "--db", db, "--format", "json")
	var ms []monthJSON
	if err := json.Unmarshal([]byte(out), &ms); code != 0 || err != nil || len(ms) != 1 {
		t.Fatalf("months exit %d, %v: %.500s", code, err, out)
	}
	return ms[0]
}

// TestEngine_OneCoherentMonth: a data directory holding reference files of
// many years (delegated statistics of 2013 to 2026, AS relationships of
// 2014, 2017 and 2018, VRPs of 2016, 2020 and 2023) gives May 2014 the
// snapshots nearest to it, per registry for delegated statistics, and
// lists the others as not used with why, in months text and JSON; a file
// named with a kind flag is used whatever its date, and replaces the
// others of its group.
func TestEngine_OneCoherentMonth(t *testing.T) {
	root := testenv.SharedData(t)
	dir := t.TempDir()
	for _, rel := range []string{"mrt/updates/ris.rrc06.updates.1401488100.gz", "mrt/updates/updates.20160811.1600.gz",
		"rir-delegated", "as-relationships", "rpki"} {
		if err := os.Symlink(filepath.Join(root, rel), filepath.Join(dir, filepath.Base(rel))); err != nil {
			t.Fatal(err)
		}
	}
	db := filepath.Join(t.TempDir(), "m.db")
	if code, out := runCLI(t, "ingest", "--db", db, "--data", dir, "--month", "2014-05", "--quiet"); code != 0 {
		t.Fatalf("ingest exit %d: %s", code, out)
	}
	m := monthsJSON(t, db)
	used := map[string]bool{}
	for _, in := range m.Inputs {
		used[strings.TrimPrefix(in.Path, dir+"/")] = true
	}
	reasons := map[string]string{}
	for _, n := range m.NotUsed {
		reasons[strings.TrimPrefix(n.Path, dir+"/")] = n.Reason
	}
	for _, want := range []string{"rir-delegated/2014/delegated-apnic-latest", "rir-delegated/2014/delegated-lacnic-latest",
		"rir-delegated/2014/delegated-ripencc-latest", "rir-delegated/2013/delegated-arin-latest",
		"rir-delegated/2019/delegated-afrinic-extended-latest", // AFRINIC's nearest
		"as-relationships/20140101.as-rel.txt", "ris.rrc06.updates.1401488100.gz"} {
		if !used[want] {
			t.Errorf("%s not among the inputs %v", want, slices.Sorted(maps.Keys(used)))
		}
	}
	for path, why := range map[string]string{
		"rir-delegated/2019/delegated-apnic-latest":             "apnic: 2019-09-11 is 5 years 4 months from 2014-05; nearer: 2014-05-21",
		"rir-delegated/2019/delegated-lacnic-extended-latest":   "lacnic: 2019-09-10 is 5 years 4 months from 2014-05; nearer: 2014-05-20",
		"rir-delegated/2022/delegated-lacnic-extended-20221031": "lacnic: 2022-10-31 is 8 years 5 months from 2014-05; nearer: 2014-05-20",
		"rir-delegated/2026/delegated-afrinic-extended-latest":  "afrinic: 2026-05-05 is 12 years from 2014-05; nearer: 2019-09-11",
		"as-relationships/20170101.as-rel.txt":                  "2017-01-01 is 2 years 8 months from 2014-05; nearer: 2014-01-01",
		"as-relationships/20180101.as-rel.txt":                  "2018-01-01 is 3 years 8 months from 2014-05; nearer: 2014-01-01",
		"rpki/vrps-20200217-bgpsquelch-roa.csv":                 "2020-02-17 is 5 years 9 months from 2014-05; nearer: 2016-01-01",
		"rpki/rpki-client-prepdev-20230504.json.gz":             "2023-05-04 is 9 years from 2014-05; nearer: 2016-01-01",
		"updates.20160811.1600.gz":                              "no record in 2014-05 (the file is dated 2016-08-11)",
	} {
		if reasons[path] != why {
			t.Errorf("%s: not used because %q, want %q", path, reasons[path], why)
		}
		if used[path] {
			t.Errorf("%s is an input of 2014-05", path)
		}
	}
	if _, text := runCLI(t, "months", "--db", db); !strings.Contains(text, "not used delegated "+dir+"/rir-delegated/2019/delegated-apnic-latest: apnic: 2019-09-11 is 5 years 4 months from 2014-05; nearer: 2014-05-21") {
		t.Errorf("months text does not list the 2019 APNIC file as not used:\n%s", text)
	}

	// Pinned: the 2019 APNIC file and the 2018 relationships, named by
	// kind, are used; the 2014 APNIC file and the other graphs are not.
	pinned := filepath.Join(t.TempDir(), "p.db")
	apnic2019, rel2018 := filepath.Join(dir, "rir-delegated/2019/delegated-apnic-latest"), filepath.Join(dir, "as-relationships/20180101.as-rel.txt")
	if code, out := runCLI(t, "ingest", "--db", pinned, "--data", dir, "--month", "2014-05", "--quiet",
		"--delegated", apnic2019, "--as-rel", rel2018); code != 0 {
		t.Fatalf("pinned ingest exit %d: %s", code, out)
	}
	m = monthsJSON(t, pinned)
	used = map[string]bool{}
	for _, in := range m.Inputs {
		used[in.Path] = true
	}
	reasons = map[string]string{}
	for _, n := range m.NotUsed {
		reasons[n.Path] = n.Reason
	}
	if !used[apnic2019] || !used[rel2018] || used[filepath.Join(dir, "as-relationships/20140101.as-rel.txt")] {
		t.Errorf("pinned files not used, or the 2014 graph still used: %v", slices.Sorted(maps.Keys(used)))
	}
	if why := reasons[filepath.Join(dir, "rir-delegated/2014/delegated-apnic-latest")]; why != "apnic: another file of this kind was named explicitly: "+apnic2019 {
		t.Errorf("2014 APNIC file: not used because %q", why)
	}
	if !used[filepath.Join(dir, "rir-delegated/2014/delegated-lacnic-latest")] {
		t.Error("pinning an APNIC file left out LACNIC's")
	}
}
