package conformance

import (
	"slices"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// Point is one calendar month of one ASN's score.
type Point struct {
	Month    vocab.Month
	Stored   bool        // the month is stored for the specification
	Measured bool        // the ASN has a record in the month
	Score    store.Score // the score, when Measured
}

// Run is what Evaluate finds: a run of Months months of one Kind
// (wire.FlagLagging or wire.FlagNoData), the first of which is Since.
type Run struct {
	Kind   string
	Since  vocab.Month
	Months int
}

// state is a point's standing under the rule: "" (does not count: not
// stored, or before joining), a flag kind, or "ok".
func state(r spec.Minimum, p Point, joined vocab.Month) string {
	switch {
	case !p.Stored || p.Month.Start().Before(joined.Start()):
		return ""
	case !p.Measured || !p.Score.HasData:
		return wire.FlagNoData
	case r.Fails(p.Score.Level):
		return wire.FlagLagging
	}
	return "ok"
}

// Evaluate applies the rule to score's points of one ASN, one a calendar
// month, oldest first, the last the month judged. The run is followed back
// from the last point while the months are consecutive, stored, on or
// after joined (zero: always) and of the same standing; it is a flag when
// it reaches the rule's length for its kind (ConsecutiveMonths for a
// monitored score at a failing level, NoDataMonths for a NoDataScores
// score without data).
func Evaluate(r spec.Minimum, score string, pts []Point, joined vocab.Month) (Run, bool) {
	if len(pts) == 0 {
		return Run{}, false
	}
	last := pts[len(pts)-1]
	kind := state(r, last, joined)
	need := 0
	switch kind {
	case wire.FlagLagging:
		if slices.Contains(r.Scores, score) {
			need = r.ConsecutiveMonths
		}
	case wire.FlagNoData:
		if slices.Contains(r.NoDataScores, score) {
			need = r.NoDataMonths
		}
	}
	if need <= 0 {
		return Run{}, false
	}
	run := Run{Kind: kind, Since: last.Month, Months: 1}
	for i := len(pts) - 2; i >= 0; i-- {
		p := pts[i]
		if p.Month != run.Since.Prev() || state(r, p, joined) != kind {
			break
		}
		run.Since, run.Months = p.Month, run.Months+1
	}
	return run, run.Months >= need
}

// Need is the length of run the rule asks of kind: a run of exactly
// that length is new in its last month.
func Need(r spec.Minimum, kind string) int {
	if kind == wire.FlagNoData {
		return r.NoDataMonths
	}
	return r.ConsecutiveMonths
}
