package spec

import (
	"errors"
	"fmt"
	"slices"

	"github.com/observatory-net/observatory/internal/vocab"
)

// knownMetric reports whether m is a metric id of
// measurement-framework.md §3 (vocab.Metrics).
func knownMetric(m string) bool { return slices.Contains(vocab.Metrics, vocab.MetricID(m)) }

// knownScore reports whether id is one of the five v2 score ids
// (vocab.Scores).
func knownScore(id string) bool { return slices.Contains(vocab.Scores, vocab.ScoreID(id)) }

// Validate lists every problem of a specification at once.
func (s *Spec) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if s.ID == "" || s.Version == "" {
		bad("id and version are required")
	}
	seen := map[string]bool{}
	for _, a := range s.Actions {
		if !knownScore(a.Score) || seen[a.Score] {
			bad("action score %q unknown or repeated", a.Score)
		}
		seen[a.Score] = true
		if len(a.Counted) == 0 {
			bad("action %s counts no metric", a.Score)
		}
		for _, m := range append(slices.Clone(a.Counted), a.Shown...) {
			if !knownMetric(m) {
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
	if err := s.MinimumRule().Validate(); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, s.Participation.validate())
	return errors.Join(errs...)
}
