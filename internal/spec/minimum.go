package spec

import (
	"errors"
	"fmt"
	"slices"

	"github.com/observatory-net/observatory/internal/vocab"
)

// Minimum is the minimum conformance a participant must keep, the rule
// behind the steering committee's flags (issue 13 item 3): a participant
// is flagged when one of its ASNs has, for ConsecutiveMonths stored
// months in a row, a monitored Action at one of the Failing levels
// (measurement-framework.md §4.5, with the thresholds of §13.1), or has
// no data on a NoDataScores Action for NoDataMonths months in a row.
//
// Months are calendar months, one snapshot each (§2): a month that is
// not stored breaks a run, since nobody measured the network then. A
// month before the participant's approval does not count either.
type Minimum struct {
	// Scores are the monitored Actions, by v2 score id.
	Scores []string `json:"scores"`
	// Failing are the readiness levels that count against the minimum
	// (vocab level ids: "lagging", maybe "aspiring").
	Failing []string `json:"failing"`
	// ConsecutiveMonths is N: how many months in a row at a failing level
	// raise a flag.
	ConsecutiveMonths int `json:"consecutiveMonths"`
	// NoDataScores are the Actions whose lack of data counts: not
	// Anti-spoofing, which has no data without a Spoofer test (§4.3,
	// §13.1). An ASN not measured in a stored month has no data on all.
	NoDataScores []string `json:"noDataScores"`
	// NoDataMonths is M: how many months in a row without data raise a
	// flag; 0 never flags missing data.
	NoDataMonths int `json:"noDataMonths"`
	// HistoryMonths is how many months, the flagged one included, a flag's
	// history shows and a run is followed back.
	HistoryMonths int    `json:"historyMonths"`
	Note          string `json:"note,omitempty"`
}

// DefaultMinimum is the rule of a specification that states none: every
// Action, lagging for 3 months in a row, or without data for 3 months
// (not Anti-spoofing), over a 12-month history.
func DefaultMinimum() Minimum {
	return Minimum{
		Scores:            vocab.Strings(vocab.Scores),
		Failing:           []string{string(vocab.Lagging)},
		ConsecutiveMonths: 3,
		NoDataScores: vocab.Strings([]vocab.ScoreID{vocab.Filtering, vocab.Coordination,
			vocab.RoutingInformationIRR, vocab.RoutingInformationRPKI}),
		NoDataMonths:  3,
		HistoryMonths: 12,
	}
}

// MinimumRule is the specification's minimum, DefaultMinimum's values in
// the fields it leaves out.
func (s *Spec) MinimumRule() Minimum {
	m, d := s.Minimum, DefaultMinimum()
	if m.Scores == nil {
		m.Scores = d.Scores
	}
	if m.Failing == nil {
		m.Failing = d.Failing
	}
	if m.ConsecutiveMonths == 0 {
		m.ConsecutiveMonths = d.ConsecutiveMonths
	}
	if m.NoDataScores == nil {
		m.NoDataScores = d.NoDataScores
	}
	if m.HistoryMonths == 0 {
		m.HistoryMonths = max(d.HistoryMonths, m.ConsecutiveMonths, m.NoDataMonths)
	}
	return m
}

// Fails reports whether level counts against the minimum.
func (m Minimum) Fails(level string) bool { return slices.Contains(m.Failing, level) }

// Validate lists every problem of the rule at once.
func (m Minimum) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("minimum: "+format, args...)) }
	for _, id := range slices.Concat(m.Scores, m.NoDataScores) {
		if !knownScore(id) {
			bad("unknown score %q", id)
		}
	}
	for _, l := range m.Failing {
		if l != string(vocab.Lagging) && l != string(vocab.Aspiring) {
			bad("failing level %q is not lagging or aspiring", l)
		}
	}
	if m.ConsecutiveMonths < 1 {
		bad("consecutiveMonths must be at least 1")
	}
	if m.NoDataMonths < 0 {
		bad("noDataMonths must not be negative")
	}
	if m.HistoryMonths < max(m.ConsecutiveMonths, m.NoDataMonths) || m.HistoryMonths > 120 {
		bad("historyMonths must cover consecutiveMonths and noDataMonths, and be at most 120")
	}
	return errors.Join(errs...)
}
