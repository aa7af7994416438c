package application

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// CheckMeasured is the id of the check that the ASNs are measured at all;
// the other checks are named by the score of their Action.
const CheckMeasured = "measured"

// ErrNoMonth is returned when no month is stored: nothing to check against.
var ErrNoMonth = errors.New("no month is stored: an application cannot be checked yet")

// Checked is the outcome of the checks of a set of ASNs.
type Checked struct {
	Month    time.Time // the newest stored month
	Spec     string    // the specification of its scores
	Criteria string    // the specification whose participation criteria applied
	Results  []store.CheckResult
}

// Passed reports whether every check passed.
func (c *Checked) Passed() bool {
	return !slices.ContainsFunc(c.Results, func(r store.CheckResult) bool { return !r.Passed })
}

// State is the state the checks lead to.
func (c *Checked) State() store.AppState {
	if c.Passed() {
		return store.AppAwaitingReview
	}
	return store.AppChecksFailed
}

// Check checks asns against the newest stored month and the participation
// criteria of criteria; nil criteria: those of the month's specification.
func Check(ctx context.Context, st store.Store, asns []uint32, criteria *spec.Spec) (*Checked, error) {
	months, err := st.Months(ctx)
	if err != nil {
		return nil, fmt.Errorf("list the stored months: %w", err)
	}
	if len(months) == 0 {
		return nil, ErrNoMonth
	}
	m := months[0]
	if criteria == nil {
		if criteria, err = spec.Get(m.Spec); err != nil {
			return nil, fmt.Errorf("the specification of month %s: %w", vocab.MonthOf(m.Month), err)
		}
	}
	recs, err := st.ASNs(ctx, m.Month, m.Spec, store.Filter{ASNs: asns})
	if err != nil {
		return nil, fmt.Errorf("read the ASNs in %s: %w", vocab.MonthOf(m.Month), err)
	}
	byASN := map[uint32]*store.ASN{}
	for i := range recs {
		byASN[recs[i].ASN] = &recs[i]
	}
	p := criteria.Participation
	out := &Checked{Month: m.Month, Spec: m.Spec, Criteria: criteria.Ref()}
	month := vocab.MonthOf(m.Month).String()

	measured := store.CheckResult{Check: CheckMeasured, Rule: "every ASN has a record in the newest month"}
	if !p.RequireMeasured {
		measured.Rule = "not required (informative)"
	}
	for _, a := range asns {
		e := store.CheckEvidence{ASN: a, Passed: byASN[a] != nil || !p.RequireMeasured}
		if r := byASN[a]; r != nil {
			e.Detail = fmt.Sprintf("measured in %s: prefixes announced %d, collector peers that saw them %d", month, r.Announced, r.Peers)
		} else {
			e.Detail = fmt.Sprintf("no record in %s: not seen announcing anything", month)
		}
		measured.Evidence = append(measured.Evidence, e)
	}
	out.Results = append(out.Results, finish(measured))

	contact := 0.0 // informative
	if p.RequireContact {
		contact = 1 // M8 is 1 with a registered contact, else 0
	}
	out.Results = append(out.Results,
		metricCheck(asns, byASN, vocab.Coordination, vocab.M8, 3, contact, month),
		metricCheck(asns, byASN, vocab.RoutingInformationIRR, vocab.M7IRR, 4, p.MinIRR, month),
		metricCheck(asns, byASN, vocab.RoutingInformationRPKI, vocab.M7RPKI, 4, p.MinRPKI, month))

	inc, err := incidentCheck(ctx, st, months, asns, p)
	if err != nil {
		return nil, err
	}
	out.Results = append(out.Results, inc)
	return out, nil
}

// finish sets a check's verdict from its evidence.
func finish(r store.CheckResult) store.CheckResult {
	r.Passed = !slices.ContainsFunc(r.Evidence, func(e store.CheckEvidence) bool { return !e.Passed })
	return r
}

// metricCheck checks that every ASN's metric scores at least min (min 0:
// informative, always passes).
func metricCheck(asns []uint32, byASN map[uint32]*store.ASN, score vocab.ScoreID, metric vocab.MetricID, action int, min float64, month string) store.CheckResult {
	r := store.CheckResult{Check: string(score), Action: action, Rule: fmt.Sprintf("%s ≥ %g in the newest month", metric, min)}
	if min == 0 {
		r.Rule = fmt.Sprintf("%s: not required (informative)", metric)
	}
	for _, a := range asns {
		e := store.CheckEvidence{ASN: a}
		rec := byASN[a]
		i := -1
		if rec != nil {
			i = slices.IndexFunc(rec.Metrics, func(m store.Metric) bool { return m.ID == string(metric) })
		}
		switch {
		case rec == nil:
			e.Detail = fmt.Sprintf("no record in %s", month)
		case i < 0 || !rec.Metrics[i].HasData:
			e.Detail = fmt.Sprintf("%s: no data in %s", metric, month)
		default:
			v := rec.Metrics[i].Score
			e.Value = &v
			e.Passed = v >= min
			e.Detail = fmt.Sprintf("%s %.3f in %s (minimum %g)", metric, v, month, min)
		}
		if min == 0 {
			e.Passed = true
		}
		r.Evidence = append(r.Evidence, e)
	}
	return finish(r)
}

// incidentCheck counts every ASN's incidents of the criteria's metrics
// over the newest stored months of the newest month's specification.
func incidentCheck(ctx context.Context, st store.Store, months []store.MonthMeta, asns []uint32, p spec.Participation) (store.CheckResult, error) {
	var use []store.MonthMeta
	for _, m := range months {
		if m.Spec == months[0].Spec && len(use) < p.IncidentMonths {
			use = append(use, m)
		}
	}
	r := store.CheckResult{Check: string(vocab.Filtering), Action: 1,
		Rule: fmt.Sprintf("at most %d incidents of %v over the %d newest stored months", p.MaxIncidents, p.IncidentMetrics, p.IncidentMonths)}
	for _, a := range asns {
		n := 0
		for _, m := range use {
			incs, err := st.Incidents(ctx, m.Month, m.Spec, a)
			if err != nil {
				return r, fmt.Errorf("read the incidents of AS%d in %s: %w", a, vocab.MonthOf(m.Month), err)
			}
			for _, in := range incs {
				if !in.Excluded && slices.Contains(p.IncidentMetrics, in.Metric) {
					n++
				}
			}
		}
		v := float64(n)
		r.Evidence = append(r.Evidence, store.CheckEvidence{ASN: a, Passed: n <= p.MaxIncidents, Value: &v,
			Detail: fmt.Sprintf("%d incidents in %d stored months (%s back to %s)", n, len(use),
				vocab.MonthOf(use[0].Month), vocab.MonthOf(use[len(use)-1].Month))})
	}
	return finish(r), nil
}
