package score

import (
	"slices"

	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// Actions sets the Counted flag of every metric of rec and replaces its
// Action scores with those the specification combines from its metrics
// (§13.2) and their readiness levels (§13.1). Ingest scores every ASN
// with it, and re-scoring after a review (internal/rescore) does again.
func Actions(s *spec.Spec, rec *store.ASN) {
	metrics := make(map[string]Metric, len(rec.Metrics))
	for i := range rec.Metrics {
		x := &rec.Metrics[i]
		x.Counted = counted(s, x.ID)
		metrics[x.ID] = Metric{Score: x.Score, OK: x.HasData}
	}
	rec.Scores = make([]store.Score, 0, len(s.Actions))
	for _, act := range s.Actions {
		v, ok := Combine(act, metrics)
		rec.Scores = append(rec.Scores, store.Score{ID: act.Score, Value: v, HasData: ok, Level: string(Readiness(v, ok, s.Readiness))})
	}
}

// counted reports whether any Action of s counts the metric.
func counted(s *spec.Spec, metric string) bool {
	return slices.ContainsFunc(s.Actions, func(a spec.Action) bool { return slices.Contains(a.Counted, metric) })
}

// IncidentMetric reports whether a metric is an incident metric
// (vocab.IncidentMetrics): its raw value is the penalty of the ASN's
// incidents of the metric (§4.1), its score that penalty through the
// penalty curve.
func IncidentMetric(id string) bool {
	return slices.Contains(vocab.IncidentMetrics, vocab.MetricID(id))
}
