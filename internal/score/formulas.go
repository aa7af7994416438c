package score

import (
	"math"

	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/vocab"
)

// Curve maps a raw penalty to a score in [0, 1] (§4.3): base^sqrt(scale·raw),
// so that with base 0.6 and scale 2, raw 0.5 scores 0.60, raw 1 0.49,
// raw 2 0.36 and raw 4 0.24. No penalty scores 1.
func Curve(raw float64, c spec.Curve) float64 {
	if raw <= 0 {
		return 1
	}
	return math.Pow(c.Base, math.Sqrt(c.Scale*raw))
}

// RPKI is M7RPKI (§4.4): the valid share of announced prefixes minus
// InvalidWeight times the invalid share, clamped to [0, 1] when the
// specification says so. ok is false when nothing was announced.
func RPKI(valid, invalid, total int, s spec.Spec) (v float64, ok bool) {
	if total <= 0 {
		return 0, false
	}
	v = float64(valid)/float64(total) - s.RPKI.InvalidWeight*float64(invalid)/float64(total)
	if s.RPKI.Clamp {
		v = clamp01(v)
	}
	return v, true
}

// IRR is M7IRR (§4.4): the share of announced prefixes that have a
// matching route object (exact, or covering less-specific with the same
// origin when the specification allows it; the caller classifies). ok is
// false when nothing was announced.
func IRR(registered, total int) (v float64, ok bool) {
	if total <= 0 {
		return 0, false
	}
	return clamp01(float64(registered) / float64(total)), true
}

func clamp01(v float64) float64 { return math.Max(0, math.Min(1, v)) }

// Level is a readiness level (§4.5): the vocabulary's, under its old
// name here.
type Level = vocab.Level

// Readiness levels (vocab.Ready, …), as the store keeps them.
const (
	Ready    = vocab.Ready
	Aspiring = vocab.Aspiring
	Lagging  = vocab.Lagging
	NoData   = vocab.NoData
)

// Readiness returns the level of a score (§13.1); ok false means no data.
func Readiness(v float64, ok bool, r spec.Readiness) Level {
	switch {
	case !ok:
		return NoData
	case v >= r.Ready:
		return Ready
	case v >= r.Aspiring:
		return Aspiring
	}
	return Lagging
}

// Metric is one metric's value for an ASN: its score in [0, 1] and whether
// there was any input.
type Metric struct {
	Score float64
	OK    bool
}

// Combine makes an Action score from its counted metrics (§13.2): the
// mean (or minimum) of the metrics that have data; no data when none has.
func Combine(a spec.Action, metrics map[string]Metric) (float64, bool) {
	var sum, lowest float64 = 0, 1
	n := 0
	for _, id := range a.Counted {
		m, ok := metrics[id]
		if !ok || !m.OK {
			continue
		}
		sum += m.Score
		lowest = math.Min(lowest, m.Score)
		n++
	}
	if n == 0 {
		return 0, false
	}
	if a.Combine == "min" {
		return lowest, true
	}
	return sum / float64(n), true
}
