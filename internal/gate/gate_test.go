package gate_test

import (
	"encoding/json"
	"testing"

	"github.com/observatory-net/observatory/internal/gate"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

func TestParseMin(t *testing.T) {
	for in, want := range map[string]vocab.Level{"ready": vocab.Ready, "aspiring": vocab.Aspiring} {
		if got, err := gate.ParseMin(in); err != nil || got != want {
			t.Errorf("ParseMin(%q) = %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"lagging", "no_data_available", "noData", "Ready", ""} {
		if _, err := gate.ParseMin(bad); err == nil {
			t.Errorf("ParseMin(%q) accepted", bad)
		}
	}
}

func TestPasses(t *testing.T) {
	tests := []struct {
		s          store.Score
		ready, asp bool
	}{
		{store.Score{HasData: true, Level: string(vocab.Ready)}, true, true},
		{store.Score{HasData: true, Level: string(vocab.Aspiring)}, false, true},
		{store.Score{HasData: true, Level: string(vocab.Lagging)}, false, false},
		{store.Score{Level: string(vocab.NoData)}, true, true}, // no data does not fail
	}
	for _, tt := range tests {
		if got := gate.Passes(tt.s, vocab.Ready); got != tt.ready {
			t.Errorf("Passes(%+v, ready) = %v", tt.s, got)
		}
		if got := gate.Passes(tt.s, vocab.Aspiring); got != tt.asp {
			t.Errorf("Passes(%+v, aspiring) = %v", tt.s, got)
		}
	}
}

// TestCheck checks the verdict keeps the specification's order, skips
// the Actions not asked for, and fails on one score below the level.
func TestCheck(t *testing.T) {
	sp, err := spec.Get(spec.Default)
	if err != nil {
		t.Fatal(err)
	}
	sc := func(id vocab.ScoreID, v float64, l vocab.Level) store.Score {
		return store.Score{ID: string(id), Value: v, HasData: l != vocab.NoData, Level: string(l)}
	}
	rec := store.ASN{ASN: 64496, Scores: []store.Score{
		sc(vocab.RoutingInformationRPKI, 0.85, vocab.Aspiring),
		sc(vocab.Filtering, 1, vocab.Ready),
		sc(vocab.AntiSpoofing, 0, vocab.NoData),
		sc(vocab.Coordination, 0.2, vocab.Lagging),
		sc(vocab.RoutingInformationIRR, 0.95, vocab.Ready),
	}}
	r := gate.Check(sp, rec, []int{1, 2, 4}, vocab.Aspiring)
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"asn":64496,"pass":true,"scores":[` +
		`{"score":"filtering","action":1,"value":1,"level":"ready","pass":true},` +
		`{"score":"antiSpoofing","action":2,"value":null,"level":"no_data_available","pass":true},` +
		`{"score":"routingInformationIRR","action":4,"value":0.95,"level":"ready","pass":true},` +
		`{"score":"routingInformationRPKI","action":4,"value":0.85,"level":"aspiring","pass":true}]}`
	if string(b) != want {
		t.Errorf("Check =\n%s\nwant\n%s", b, want)
	}
	if r := gate.Check(sp, rec, []int{1, 2, 4}, vocab.Ready); r.Pass || gate.AllPass([]gate.Result{r}) {
		t.Error("an aspiring RPKI score passes at ready")
	}
	if r := gate.Check(sp, rec, []int{3}, vocab.Aspiring); r.Pass || len(r.Scores) != 1 {
		t.Errorf("Action 3 only: %+v", r)
	}
	if !gate.AllPass(nil) {
		t.Error("no result fails")
	}
}
