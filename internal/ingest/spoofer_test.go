package ingest

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/dataset"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
)

// TestCompute_spooferAPI ingests a Spoofer data API page (written by hand
// in the API's shape, testdata/spoofer-sessions-2014-05.json) with the
// jinx routes of May 2014, the file recognised by its content: Action 2
// (antiSpoofing, M5 §4.3) has data for the ASNs tested in the month, and
// for those only. AS3741 has none: its May session was behind a NAT
// (§9: tests behind NAT are invalid) and its June session is outside
// the calendar month (§2); AS15169 let spoofed packets out of one /24 in two
// sessions (raw 1) and filtered its /64; AS30844 of a /24 and a /64
// (raw 2).
func TestCompute_spooferAPI(t *testing.T) {
	set := jinxSet(t)
	f, err := dataset.Identify(context.Background(), "testdata/spoofer-sessions-2014-05.json")
	if err != nil {
		t.Fatal(err)
	}
	if f.Kind != dataset.KindSpoofer {
		t.Fatalf("Identify() kind %q, want spoofer", f.Kind)
	}
	sp, err := dataset.Load(context.Background(), []dataset.File{f}, dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	set.Spoofer = sp.Spoofer
	s, _ := spec.Get(spec.Default)
	m, err := Compute(context.Background(), Config{Month: time.Date(2014, 5, 1, 0, 0, 0, 0, time.UTC), Spec: s, Data: set, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	curve := func(raw float64) float64 { return math.Pow(0.6, math.Sqrt(2*raw)) } // §12: 0.6^sqrt(2·raw)
	want := map[uint32]float64{15169: curve(1), 30844: curve(2)}
	withData := 0
	for _, a := range m.ASNs {
		sc := findScore(a.Scores, "antiSpoofing")
		w, tested := want[a.ASN]
		if !tested {
			if sc.HasData {
				t.Errorf("AS%d: antiSpoofing %+v without a Spoofer test", a.ASN, sc)
			}
			continue
		}
		withData++
		if !sc.HasData || math.Abs(sc.Value-w) > 0.01 {
			t.Errorf("AS%d: antiSpoofing %+v, want %.3f with data", a.ASN, sc, w)
		}
	}
	if withData != len(want) {
		t.Errorf("%d of the %d tested ASNs measured", withData, len(want))
	}
}

func findScore(scores []store.Score, id string) store.Score {
	for _, s := range scores {
		if s.ID == id {
			return s
		}
	}
	return store.Score{}
}
