package conformance

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

func month(t *testing.T, s string) vocab.Month {
	t.Helper()
	m, err := vocab.ParseMonth(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// seq builds consecutive points from first, one a letter: R ready, A
// aspiring, L lagging, N stored without data, U stored and the ASN not
// measured, _ not stored.
func seq(t *testing.T, first, letters string) []Point {
	t.Helper()
	m := month(t, first)
	var pts []Point
	for _, c := range letters {
		p := Point{Month: m, Stored: c != '_', Measured: c != '_' && c != 'U'}
		switch c {
		case 'R':
			p.Score = store.Score{Value: 0.95, HasData: true, Level: string(vocab.Ready)}
		case 'A':
			p.Score = store.Score{Value: 0.85, HasData: true, Level: string(vocab.Aspiring)}
		case 'L':
			p.Score = store.Score{Value: 0.2, HasData: true, Level: string(vocab.Lagging)}
		case 'N':
			p.Score = store.Score{Level: string(vocab.NoData)}
		}
		pts = append(pts, p)
		m = m.Next()
	}
	return pts
}

func TestEvaluate(t *testing.T) {
	rule := spec.DefaultMinimum() // N = 3, M = 3
	irr := string(vocab.RoutingInformationIRR)
	spoof := string(vocab.AntiSpoofing)
	tests := []struct {
		name    string
		score   string
		letters string
		joined  string
		want    Run
		flagged bool
	}{
		{name: "three lagging months flag", score: irr, letters: "RLLL", want: Run{wire.FlagLagging, month(t, "2024-02"), 3}, flagged: true},
		{name: "two lagging months do not", score: irr, letters: "RRLL", want: Run{wire.FlagLagging, month(t, "2024-03"), 2}},
		{name: "the run goes back as far as it lasts", score: irr, letters: "LLLLL", want: Run{wire.FlagLagging, month(t, "2024-01"), 5}, flagged: true},
		{name: "a month not stored breaks the run", score: irr, letters: "LL_LL", want: Run{wire.FlagLagging, month(t, "2024-04"), 2}},
		{name: "ready in the judged month: no flag", score: irr, letters: "LLLR"},
		{name: "aspiring is not failing", score: irr, letters: "AAAA"},
		{name: "no data is not lagging", score: irr, letters: "LNLL", want: Run{wire.FlagLagging, month(t, "2024-03"), 2}},
		{name: "lagging is not no data", score: irr, letters: "NNLN", want: Run{wire.FlagNoData, month(t, "2024-04"), 1}},
		{name: "three months without data flag", score: irr, letters: "RNNN", want: Run{wire.FlagNoData, month(t, "2024-02"), 3}, flagged: true},
		{name: "not measured is no data", score: irr, letters: "RUNU", want: Run{wire.FlagNoData, month(t, "2024-02"), 3}, flagged: true},
		{name: "anti-spoofing without data is never flagged", score: spoof, letters: "NNNN"},
		{name: "anti-spoofing lagging is", score: spoof, letters: "LLL", want: Run{wire.FlagLagging, month(t, "2024-01"), 3}, flagged: true},
		{name: "months before joining do not count", score: irr, letters: "LLLL", joined: "2024-03", want: Run{wire.FlagLagging, month(t, "2024-03"), 2}},
		{name: "joining mid-way, then three months", score: irr, letters: "LLLLL", joined: "2024-03", want: Run{wire.FlagLagging, month(t, "2024-03"), 3}, flagged: true},
		{name: "the judged month not stored", score: irr, letters: "LLL_"},
		{name: "no points", score: irr, letters: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var joined vocab.Month
			if tt.joined != "" {
				joined = month(t, tt.joined)
			}
			got, flagged := Evaluate(rule, tt.score, seq(t, "2024-01", tt.letters), joined)
			if flagged != tt.flagged {
				t.Errorf("Evaluate() flagged = %v, want %v (run %+v)", flagged, tt.flagged, got)
			}
			if flagged || tt.want.Kind != "" {
				if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b vocab.Month) bool { return a == b })); diff != "" {
					t.Errorf("Evaluate() mismatch (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestEvaluate_ConfigurableRule(t *testing.T) {
	rule := spec.DefaultMinimum()
	rule.ConsecutiveMonths = 2
	rule.Failing = []string{string(vocab.Lagging), string(vocab.Aspiring)}
	rule.NoDataMonths = 0
	irr := string(vocab.RoutingInformationIRR)
	if _, ok := Evaluate(rule, irr, seq(t, "2024-01", "RAL"), vocab.Month{}); !ok {
		t.Error("aspiring then lagging with N=2 and aspiring failing: not flagged")
	}
	if _, ok := Evaluate(rule, irr, seq(t, "2024-01", "NNNNN"), vocab.Month{}); ok {
		t.Error("noDataMonths 0 flagged missing data")
	}
}
