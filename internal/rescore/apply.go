package rescore

import (
	"context"
	"fmt"
	"time"

	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
)

// Apply marks the incidents of a freshly computed month m that have the
// given IDs Excluded, re-scores their ASNs and replaces the month's score
// aggregates, so that a re-ingest keeps the verdicts accepted on the
// month before: store.Store.WriteMonth replaces the whole month. m's ASN
// records must be in ASN order, as ingest.Compute returns them. It returns
// how many incidents it excluded; IDs the month lacks are skipped.
func Apply(s *spec.Spec, m *store.Month, ids []string) int {
	want := make(map[string]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	affected, n := map[uint32]bool{}, 0
	for i := range m.Incidents {
		if in := &m.Incidents[i]; want[in.ID] && !in.Excluded {
			in.Excluded, affected[in.ASN] = true, true
			n++
		}
	}
	if n == 0 {
		return 0
	}
	for i := range m.ASNs {
		if affected[m.ASNs[i].ASN] {
			m.ASNs[i] = ASN(s, &m.ASNs[i], m.Incidents)
		}
	}
	fresh := Aggregates(m.ASNs, m.Participants)
	index := make(map[[3]string]int, len(fresh))
	for i, a := range fresh {
		index[[3]string{a.Scope, a.Key, a.Score}] = i
	}
	for i, a := range m.Aggregates {
		if j, ok := index[[3]string{a.Scope, a.Key, a.Score}]; ok {
			m.Aggregates[i] = fresh[j]
		}
	}
	return n
}

// Accepted returns the IDs of the incidents of a month and specification
// whose feedback was accepted, for Apply.
func Accepted(ctx context.Context, svc store.Service, month time.Time, ref string) ([]string, error) {
	fs, err := svc.Feedbacks(ctx, store.FeedbackFilter{Month: month, Verdict: store.VerdictAccepted})
	if err != nil {
		return nil, fmt.Errorf("rescore: accepted feedback: %w", err)
	}
	var ids []string
	for _, f := range fs {
		if f.Spec == ref {
			ids = append(ids, f.IncidentID)
		}
	}
	return ids, nil
}
