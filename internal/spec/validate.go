package spec

import (
	"errors"
	"fmt"
	"slices"
)

// knownMetrics are the metric ids of measurement-framework.md §3.
var knownMetrics = []string{"M1", "M1C", "M2", "M2C", "M3", "M3C", "M4", "M4C", "M5", "M7IRR", "M7RPKI", "M8"}

// knownScores are the five v2 score ids.
var knownScores = []string{"filtering", "antiSpoofing", "coordination", "routingInformationIRR", "routingInformationRPKI"}

// Validate lists every problem of a specification at once.
func (s *Spec) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if s.ID == "" || s.Version == "" {
		bad("id and version are required")
	}
	seen := map[string]bool{}
	for _, a := range s.Actions {
		if !slices.Contains(knownScores, a.Score) || seen[a.Score] {
			bad("action score %q unknown or repeated", a.Score)
		}
		seen[a.Score] = true
		if len(a.Counted) == 0 {
			bad("action %s counts no metric", a.Score)
		}
		for _, m := range append(slices.Clone(a.Counted), a.Shown...) {
			if !slices.Contains(knownMetrics, m) {
				bad("action %s: unknown metric %q", a.Score, m)
			}
		}
		if a.Combine != "mean" && a.Combine != "min" {
			bad("action %s: combine %q is not mean or min", a.Score, a.Combine)
		}
	}
	in := s.Incidents
	if in.AcceptableSeconds <= 0 || in.TolerantSeconds <= in.AcceptableSeconds {
		bad("incidents: need 0 < acceptableSeconds < tolerantSeconds")
	}
	if in.LongPenalty != "linear" && in.LongPenalty != "exponential" {
		bad("incidents: longPenalty %q is not linear or exponential", in.LongPenalty)
	}
	if c := s.PenaltyCurve; c.Kind != "sqrt-decay" || c.Base <= 0 || c.Base >= 1 || c.Scale <= 0 {
		bad("penaltyCurve: need kind sqrt-decay, 0 < base < 1, scale > 0")
	}
	if r := s.Readiness; !(0 < r.Aspiring && r.Aspiring < r.Ready && r.Ready <= 1) {
		bad("readiness: need 0 < aspiring < ready <= 1")
	}
	if s.RPKI.InvalidWeight < 0 {
		bad("rpki: negative invalidWeight")
	}
	return errors.Join(errs...)
}
