package metric

import (
	"github.com/observatory-net/observatory/internal/score"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

func init() {
	register(Unit{ID: vocab.M7IRR, Inputs: "Routes.Announced, Routes.IRRExact, Routes.IRRCovered; Spec.IRR",
		Evidence: "none; the raw value is the count of routes without a matching route object", Formula: irrMetric})
}

// irrMetric is M7IRR (§4.4, score.IRR): the share of the announced routes
// with a matching route object — of the same prefix, or covering and
// less specific when the specification allows it (coveringLessSpecific);
// no announcement, no data.
func irrMetric(f *Facts) Result {
	r := f.Routes
	registered := r.IRRExact
	if f.Spec.IRR.CoveringLessSpecific {
		registered += r.IRRCovered
	}
	v, ok := score.IRR(registered, r.Announced)
	return Result{Metric: store.Metric{ID: string(vocab.M7IRR), Raw: float64(r.Announced - registered), Score: v, HasData: ok}}
}
