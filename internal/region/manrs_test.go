package region

import (
	"encoding/csv"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/observatory-net/observatory/internal/testenv"
)

// TestLookup_manrsExport checks the table against the groupings the MANRS
// Observatory itself showed in its 2022-10 export for the LACNIC region
// (columns Country, UN Regions, UN Sub-Regions, RIR Regions): the
// observatory's sub-region is the M49 sub-region, as here.
func TestLookup_manrsExport(t *testing.T) {
	f, err := os.Open(testenv.File(t, "manrs/MANRS_Details_202210_1667568420728.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	if _, err := r.Read(); err != nil { // header
		t.Fatal(err)
	}
	type groups struct{ Region, SubRegion, RIR string }
	seen := map[string]bool{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		cc := rec[2]
		if seen[cc] {
			continue
		}
		seen[cc] = true
		e, ok := Lookup(cc)
		if !ok {
			t.Errorf("Lookup(%q) failed", cc)
			continue
		}
		want := groups{rec[3], rec[4], rec[5]}
		if diff := cmp.Diff(want, groups{e.Region, e.SubRegion, e.RIR}); diff != "" {
			t.Errorf("%s mismatch with the MANRS export (-want +got):\n%s", cc, diff)
		}
	}
	t.Logf("%d economies checked against the MANRS export", len(seen))
}
