package application

import (
	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/store"
)

// Wire returns a as the API sends it (api/wire), without the applicant
// key: the API adds it to the answer of the submission alone. The CLI
// prints the same document.
func Wire(a *store.Application) wire.Application {
	out := wire.Application{ID: a.ID, Organisation: a.Organisation, Programme: wire.Programme(a.Programme),
		ASNs: make([]wire.ASN, 0, len(a.ASNs)), Email: a.Email, Areas: a.Areas, State: string(a.State),
		Checks: make([]wire.ApplicationCheck, 0, len(a.Checks)), CheckedMonth: a.CheckedMonth.UTC(),
		CheckedSpec: a.CheckedSpec, CheckedCriteria: a.CheckedCriteria, ParticipantID: a.ParticipantID,
		CreatedAt: a.CreatedAt.UTC(), UpdatedAt: a.UpdatedAt.UTC(), Trail: make([]wire.ApplicationTransition, 0, len(a.Trail))}
	if out.Areas == nil {
		out.Areas = []string{}
	}
	for _, n := range a.ASNs {
		out.ASNs = append(out.ASNs, wire.ASN(n))
	}
	for _, c := range a.Checks {
		wc := wire.ApplicationCheck{Check: c.Check, Action: c.Action, Passed: c.Passed, Rule: c.Rule,
			Evidence: make([]wire.ApplicationEvidence, 0, len(c.Evidence))}
		for _, e := range c.Evidence {
			wc.Evidence = append(wc.Evidence, wire.ApplicationEvidence{ASN: wire.ASN(e.ASN), Passed: e.Passed, Value: e.Value, Detail: e.Detail})
		}
		out.Checks = append(out.Checks, wc)
	}
	for _, t := range a.Trail {
		out.Trail = append(out.Trail, wire.ApplicationTransition{From: string(t.From), To: string(t.To), By: t.By, At: t.At.UTC(), Comment: t.Comment})
	}
	return out
}
