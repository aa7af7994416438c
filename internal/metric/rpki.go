package metric

import (
	"github.com/observatory-net/observatory/internal/score"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

func init() {
	register(Unit{ID: vocab.M7RPKI, Inputs: "Routes.Announced, Routes.Valid, Routes.Invalid; Spec.RPKI",
		Evidence: "the RPKI-invalid routes with their covering VRPs (ingest.RPKIEvidence); the raw value is their count", Formula: rpkiMetric})
}

// rpkiMetric is M7RPKI (§4.4, score.RPKI): the valid share of the
// announced routes less the weighted invalid share; no announcement, no
// data.
func rpkiMetric(f *Facts) Result {
	r := f.Routes
	v, ok := score.RPKI(r.Valid, r.Invalid, r.Announced, *f.Spec)
	return Result{Metric: store.Metric{ID: string(vocab.M7RPKI), Raw: float64(r.Invalid), Score: v, HasData: ok}}
}
