package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/internal/manrsexport"
	"github.com/observatory-net/observatory/internal/testenv"
)

// TestCompareExport_LACNICOctober2022 compares the MANRS Observatory's
// October 2022 LACNIC export with a month ingested from LACNIC's
// delegated-extended statistics of 2022-10-31 (issue 11 item 6): the
// Country, region and RIR columns agree on at least 99 % of the export's
// ASNs, and the counts equal those of an independent join of the export
// with our scores CSV.
func TestCompareExport_LACNICOctober2022(t *testing.T) {
	export := testenv.File(t, "manrs/MANRS_Details_202210_1667568420728.csv")
	db := filepath.Join(t.TempDir(), "oct.db")
	if code, out := runCLI(t, "ingest", "--db", db, "--month", "2022-10", "--quiet",
		"--delegated", testenv.File(t, "rir-delegated/2022/delegated-lacnic-extended-20221031")); code != 0 {
		t.Fatalf("ingest exit %d: %s", code, out)
	}
	code, out := runCLI(t, "compare-export", export, "--db", db, "--format", "json", "--top", "2")
	var c comparison
	if err := json.Unmarshal([]byte(out), &c); code != 0 || err != nil {
		t.Fatalf("compare-export exit %d, %v: %.500s", code, err, out)
	}
	// The independent join: the export against `scores --format csv`.
	want := joinCounts(t, export, db)
	if c.ASNs != want.rows || len(c.Columns) != 9 {
		t.Fatalf("%d ASNs, %d columns; want %d ASNs, 9 columns", c.ASNs, len(c.Columns), want.rows)
	}
	for i, col := range c.Columns[:4] {
		if col.Exact != want.exact[i] {
			t.Errorf("%s: %d agree, the join says %d", col.Column, col.Exact, want.exact[i])
		}
		if share := float64(col.Exact) / float64(c.ASNs); share < 0.99 {
			t.Errorf("%s agrees on %.4f of the export's ASNs, want ≥ 0.99", col.Column, share)
		}
		if col.Exact+col.Disagree != c.ASNs {
			t.Errorf("%s: %d + %d ≠ %d", col.Column, col.Exact, col.Disagree, c.ASNs)
		}
	}
	for _, col := range c.Columns[4:] {
		if n := col.Exact + col.Within005 + col.Disagree; n != c.ASNs {
			t.Errorf("%s: counts sum to %d, want %d", col.Column, n, c.ASNs)
		}
		e := col.Export
		if e.Zero+e.One+e.Between+e.NoData != c.ASNs {
			t.Errorf("%s: export distribution %+v does not cover %d ASNs", col.Column, e, c.ASNs)
		}
		if col.Disagree > 0 && len(col.Largest) != min(2, col.Disagree) {
			t.Errorf("%s: %d largest disagreements, want %d", col.Column, len(col.Largest), min(2, col.Disagree))
		}
	}
	// Coordination: the export says 1 for many ASNs that have no contact
	// in our data; the largest disagreements carry M8.
	coord := c.Columns[6]
	if len(coord.Largest) == 0 || len(coord.Largest[0].Metrics) == 0 || coord.Largest[0].Metrics[0].ID != "M8" {
		t.Errorf("coordination disagreements lack M8 evidence: %+v", coord.Largest)
	}
	if code, out := runCLI(t, "compare-export", export, "--db", db); code != 0 || !strings.Contains(out, "Largest disagreements, Coordination") {
		t.Errorf("table output exit %d: %.300s", code, out)
	}
}

type joined struct {
	rows  int
	exact [4]int
}

func joinCounts(t *testing.T, export, db string) joined {
	t.Helper()
	code, out := runCLI(t, "scores", "--db", db, "--format", "csv")
	if code != 0 {
		t.Fatalf("scores exit %d", code)
	}
	ours, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	byASN := map[string][]string{}
	for _, r := range ours[1:] {
		byASN[r[0]] = r
	}
	f, err := os.Open(export)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var j joined
	for _, r := range rows[1:] {
		j.rows++
		o, ok := byASN[r[0]]
		for i := range 4 {
			if ok && o[2+i] == r[2+i] {
				j.exact[i]++
			}
		}
	}
	return j
}

// TestCompareExport_BadInput: a file that is not an export, or a damaged
// record, is refused with exit 2 (internal/manrsexport tests the errors).
func TestCompareExport_BadInput(t *testing.T) {
	dir := t.TempDir()
	db := smallDB(t)
	head := strings.Join(manrsexport.Columns, ",") + "\n"
	cases := map[string]string{
		"vrps.csv":  "ASN,IP Prefix,Max Length,Trust Anchor\n",
		"score.csv": head + "278,U,MX,Americas,L,LACNIC,1,,1,0.99,0.67\n676,U,AR,Americas,L,LACNIC,1.5,,1,1,0\n",
	}
	for name, body := range cases {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if code, out := runCLI(t, "compare-export", p, "--db", db); code != 2 || out != "" {
			t.Errorf("%s: exit %d, output %q; want 2 and nothing on stdout", name, code, out)
		}
	}
}
