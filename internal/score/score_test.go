package score

import (
	"math"
	"strings"
	"testing"
	"time"

	"context"
	"github.com/google/go-cmp/cmp"
	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/irr"
	"github.com/observatory-net/observatory/internal/spec"
	"net/netip"
)

func netops(t *testing.T) *spec.Spec {
	t.Helper()
	s, err := spec.Get("netops@2024.1")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDurationScore(t *testing.T) {
	s := netops(t).Incidents
	for _, tc := range []struct {
		d    time.Duration
		want float64
	}{
		{0, 0},
		{29 * time.Minute, 0.5},
		{30*time.Minute - time.Second, 0.5},
		{30 * time.Minute, 1},
		{13 * time.Hour, 1},
		{24*time.Hour - time.Second, 1},
		{24 * time.Hour, 2},
		{25 * time.Hour, 2},
		{72*time.Hour + time.Minute, 4},
	} {
		if got := DurationScore(tc.d, s); got != tc.want {
			t.Errorf("DurationScore(%v) = %v, want %v", tc.d, got, tc.want)
		}
	}
	exp := s
	exp.LongPenalty = "exponential"
	if got := DurationScore(72*time.Hour, exp); got != 8 {
		t.Errorf("exponential 3 days = %v, want 8", got)
	}
}

// TestPenalty_WorkedExample is §4.1's official example: incidents of
// 29 min, 13 h and 25 h give 0.5 + 1 + 2 = 3.5.
func TestPenalty_WorkedExample(t *testing.T) {
	s := netops(t).Incidents
	month := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	at := func(h float64) time.Time { return month.Add(time.Duration(h * float64(time.Hour))) }
	events := []Event{
		{ID: "a", Start: at(1), End: at(1).Add(29 * time.Minute), Weight: 1},
		{ID: "b", Start: at(100), End: at(113), Weight: 1},
		{ID: "c", Start: at(300), End: at(325), Weight: 1},
	}
	inc := Merge(events, month, month.AddDate(0, 1, 0), s)
	if got := Penalty(inc); got != 3.5 {
		t.Errorf("penalty = %v, want 3.5 (%+v)", got, inc)
	}
}

func TestMerge(t *testing.T) {
	s := netops(t).Incidents
	m := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	end := m.AddDate(0, 1, 0)
	h := func(x float64) time.Time { return m.Add(time.Duration(x * float64(time.Hour))) }
	events := []Event{
		{ID: "1", Start: h(10), End: h(12), Weight: 1},
		{ID: "2", Start: h(11), End: h(20), Weight: 1},    // overlaps 1
		{ID: "3", Start: h(20), End: h(21), Weight: 1},    // touches 2
		{ID: "4", Start: h(11), End: h(12), Weight: 0.5},  // other weight: its own incident
		{ID: "5", Start: h(-48), End: h(0.25), Weight: 1}, // clipped to the month: 15 min
		{ID: "6", Start: h(-5), End: h(-1), Weight: 1},    // outside the month
	}
	got := Merge(events, m, end, s)
	want := []Incident{
		{Start: m, End: h(0.25), Weight: 1, Events: []string{"5"}, Score: 0.5},
		{Start: h(10), End: h(21), Weight: 1, Events: []string{"1", "2", "3"}, Score: 1},
		{Start: h(11), End: h(12), Weight: 0.5, Events: []string{"4"}, Score: 0.5},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Merge() mismatch (-want +got):\n%s", d)
	}
}

// TestCurve_AntiSpoofing pins §4.3's documented points: raw 0.5, 1, 2, 4
// score 0.60, 0.49, 0.36, 0.24 (two decimals), and no penalty scores 1.
func TestCurve_AntiSpoofing(t *testing.T) {
	c := netops(t).PenaltyCurve
	for raw, want := range map[float64]float64{0: 1, 0.5: 0.60, 1: 0.49, 2: 0.36, 4: 0.24} {
		if got := math.Round(Curve(raw, c)*100) / 100; got != want {
			t.Errorf("Curve(%v) = %.4f, want %.2f", raw, Curve(raw, c), want)
		}
	}
}

func TestRPKI(t *testing.T) {
	s := *netops(t)
	for _, tc := range []struct {
		valid, invalid, total int
		want                  float64
		ok                    bool
	}{
		{10, 0, 10, 1, true},
		{9, 0, 10, 0.9, true},
		{9, 1, 10, 0, true}, // 0.9 − 10 × 0.1 = −0.1, clamped
		{95, 0, 100, 0.95, true},
		{98, 1, 100, 0.88, true}, // 0.98 − 0.10
		{0, 0, 0, 0, false},
	} {
		got, ok := RPKI(tc.valid, tc.invalid, tc.total, s)
		if ok != tc.ok || math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("RPKI(%d, %d, %d) = %v %v, want %v %v", tc.valid, tc.invalid, tc.total, got, ok, tc.want, tc.ok)
		}
	}
}

// TestIRR_CoveringLessSpecific counts a more-specific covered by a route
// object of the same origin as registered (§4.4), through a real IRR index.
func TestIRR_CoveringLessSpecific(t *testing.T) {
	rpsl := "route: 192.0.2.0/23\norigin: AS64500\nsource: TEST\n\nroute6: 2001:db8::/32\norigin: AS64500\nsource: TEST\n"
	var b irr.Builder
	if _, err := b.Load(context.Background(), strings.NewReader(rpsl), irr.Options{File: "test"}); err != nil {
		t.Fatal(err)
	}
	idx := b.Build()
	announced := []string{"192.0.2.0/23", "192.0.2.0/24", "192.0.3.0/24", "198.51.100.0/24", "2001:db8:1::/48"}
	reg := 0
	for _, p := range announced {
		if idx.Best(netip.MustParsePrefix(p), bgp.ASN(64500)) != irr.None {
			reg++
		}
	}
	got, ok := IRR(reg, len(announced))
	if !ok || got != 0.8 {
		t.Errorf("M7IRR = %v (%d of %d registered), want 0.8", got, reg, len(announced))
	}
	if idx.Best(netip.MustParsePrefix("192.0.2.0/24"), 64501) != irr.None {
		t.Error("other origin must not match")
	}
}

func TestReadinessAndCombine(t *testing.T) {
	s := netops(t)
	for _, tc := range []struct {
		v    float64
		ok   bool
		want Level
	}{{0.95, true, Ready}, {0.90, true, Ready}, {0.85, true, Aspiring}, {0.79, true, Lagging}, {0, false, NoData}} {
		if got := Readiness(tc.v, tc.ok, s.Readiness); got != tc.want {
			t.Errorf("Readiness(%v, %v) = %s, want %s", tc.v, tc.ok, got, tc.want)
		}
	}
	f, _ := s.Action("filtering")
	v, ok := Combine(f, map[string]Metric{"M2": {1, true}, "M3": {0.5, true}, "M1": {0, true}, "M4": {0, false}})
	if !ok || v != 0.75 {
		t.Errorf("Combine = %v %v, want 0.75 (M1 not counted, M4 without data left out)", v, ok)
	}
	if _, ok := Combine(f, nil); ok {
		t.Error("no metrics must be no data")
	}
}
