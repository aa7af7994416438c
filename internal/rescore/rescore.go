// Package rescore re-scores a stored month after the secretariat accepts
// a participant's feedback that an incident is a false positive
// (measurement-framework.md §13.6): the incident no longer counts, so its
// ASN's incident metrics, its five Action scores and their levels, and
// the month's score aggregates change. Nothing is read again from the
// routing data: the stored incidents carry their scores, and the stored
// metrics that do not rest on incidents (M5, M7, M8) are kept.
//
// Re-scoring uses the formulas ingest uses (score.Curve, score.Actions,
// score.Aggregates), so that re-scoring an unmodified month gives
// back exactly the stored records.
package rescore

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/observatory-net/observatory/internal/score"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// ASN returns rec re-scored under s: the raw value of each incident metric
// is the penalty (the sum of the scores, in the order given) of the
// incidents of rec's ASN and that metric that are not Excluded, its score
// that penalty through the penalty curve; the other metrics are kept; the
// Action scores and levels are made again from the metrics. incidents may
// hold other ASNs' incidents, which are ignored. rec is not modified.
func ASN(s *spec.Spec, rec *store.ASN, incidents []store.Incident) store.ASN {
	penalty := map[string]float64{}
	for _, in := range incidents {
		if in.ASN == rec.ASN && !in.Excluded {
			penalty[in.Metric] += in.Score
		}
	}
	out := *rec
	out.Metrics = slices.Clone(rec.Metrics)
	for i := range out.Metrics {
		x := &out.Metrics[i]
		if score.IncidentMetric(x.ID) {
			x.Raw = penalty[x.ID]
			x.Score = score.Curve(x.Raw, s.PenaltyCurve)
		}
	}
	score.Actions(s, &out)
	return out
}

// Aggregates returns the score aggregates of a month of ASN records (in
// ASN order, as the store returns them) and participants, as ingest
// computes them.
func Aggregates(asns []store.ASN, participants []store.Participant) []store.Aggregate {
	return score.Aggregates(asns, participants)
}

// accepting serialises Accept within the process: two acceptances on one
// ASN re-scored at once would each miss the other's exclusion. (Across
// processes sharing a PostgreSQL database, reviews must go through one
// server.)
var accepting sync.Mutex

// Accept accepts a pending feedback: it re-scores the feedback's ASN
// without the incident and the month's score aggregates, and records the
// verdict by reviewer at now with the note, together with the re-scored
// records, in one store transaction (store.Service.Review). s must be the
// specification the month was scored under. Feedback that is not pending
// is store.ErrConflict.
func Accept(ctx context.Context, svc store.Service, s *spec.Spec, fb *store.Feedback, reviewer, note string, now time.Time) error {
	accepting.Lock()
	defer accepting.Unlock()
	r, err := acceptance(ctx, svc, s, fb)
	if err != nil {
		return fmt.Errorf("rescore: accept feedback %d: %w", fb.ID, err)
	}
	r.ReviewedBy, r.ReviewedAt, r.Note = reviewer, now, note
	if err := svc.Review(ctx, r); err != nil {
		return fmt.Errorf("rescore: accept feedback %d: %w", fb.ID, err)
	}
	return nil
}

// acceptance reads the feedback's month and returns the review that
// accepts it, without reviewer, time and note.
func acceptance(ctx context.Context, svc store.Service, s *spec.Spec, fb *store.Feedback) (*store.Review, error) {
	if fb.Verdict != store.VerdictPending {
		return nil, fmt.Errorf("%w: feedback is %s, not pending", store.ErrConflict, fb.Verdict)
	}
	if s.Ref() != fb.Spec {
		return nil, fmt.Errorf("%w: feedback is on a month scored under %s, not %s", store.ErrInvalid, fb.Spec, s.Ref())
	}
	asns, err := svc.ASNs(ctx, fb.Month, fb.Spec, store.Filter{})
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(asns, func(a store.ASN) bool { return a.ASN == fb.ASN })
	if i < 0 {
		return nil, fmt.Errorf("AS%d has no record in %s: %w", fb.ASN, fb.Month.Format(vocab.MonthLayout), store.ErrNotFound)
	}
	incidents, err := svc.Incidents(ctx, fb.Month, fb.Spec, fb.ASN)
	if err != nil {
		return nil, err
	}
	if err := exclude(incidents, fb.IncidentID); err != nil {
		return nil, err
	}
	participants, err := svc.Participants(ctx, fb.Month, fb.Spec)
	if err != nil {
		return nil, err
	}
	rec := ASN(s, &asns[i], incidents)
	asns[i] = rec
	return &store.Review{FeedbackID: fb.ID, Verdict: store.VerdictAccepted, ASN: &rec,
		Aggregates: Aggregates(asns, participants)}, nil
}

// exclude marks the incident with the given ID excluded.
func exclude(incidents []store.Incident, id string) error {
	for i := range incidents {
		if incidents[i].ID == id {
			incidents[i].Excluded = true
			return nil
		}
	}
	return fmt.Errorf("incident %q is not in the month: %w", id, store.ErrNotFound)
}

// Reject rejects a pending feedback: the verdict is recorded, the month
// is left as it is.
func Reject(ctx context.Context, svc store.Service, fb *store.Feedback, reviewer, note string, now time.Time) error {
	err := svc.Review(ctx, &store.Review{FeedbackID: fb.ID, Verdict: store.VerdictRejected,
		ReviewedBy: reviewer, ReviewedAt: now, Note: note})
	if err != nil {
		return fmt.Errorf("rescore: reject feedback %d: %w", fb.ID, err)
	}
	return nil
}

// Decide loads feedback id and accepts or rejects it (verdict), under the
// specification its month was scored under: what the secretariat's review
// endpoint calls. An unknown feedback is store.ErrNotFound, one no longer
// pending store.ErrConflict, another verdict store.ErrInvalid.
func Decide(ctx context.Context, svc store.Service, id int64, verdict store.Verdict, reviewer, note string, now time.Time) error {
	fb, err := svc.Feedback(ctx, id)
	if err != nil {
		return fmt.Errorf("rescore: %w", err)
	}
	switch verdict {
	case store.VerdictRejected:
		return Reject(ctx, svc, fb, reviewer, note, now)
	case store.VerdictAccepted:
		s, err := spec.Get(fb.Spec)
		if err != nil {
			return fmt.Errorf("rescore: feedback %d: %w", id, err)
		}
		return Accept(ctx, svc, s, fb, reviewer, note, now)
	}
	return fmt.Errorf("rescore: feedback %d: %w: verdict %q", id, store.ErrInvalid, verdict)
}
