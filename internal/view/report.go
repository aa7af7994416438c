package view

import (
	"context"
	"errors"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/access"
	"github.com/observatory-net/observatory/internal/report"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// MaySeeReport refuses participant id's monthly report to whoever may not
// see it: a participant key sees its own participant's only, the partner
// and the secretariat every participant's; anonymous callers are refused.
func MaySeeReport(who *access.Principal, id int64) error {
	switch {
	case who.Key == nil:
		return refuse(Unauthorized, "the conformance reports need an API key")
	case who.SeesAll():
		return nil
	case who.Role() == store.RoleParticipant && who.Key.ParticipantID == id:
		return nil
	}
	return refuse(Forbidden, "a %s key may not see the report of participant %d", who.Role(), id)
}

// Report is participant id's conformance report of month m (issue 13
// item 2, internal/report) for who. The API and the dashboard both answer
// from it.
func (v *View) Report(ctx context.Context, who *access.Principal, m *store.MonthMeta, id int64) (*wire.Report, error) {
	if err := MaySeeReport(who, id); err != nil {
		return nil, err
	}
	if v.opt.Service == nil {
		return nil, errNoService
	}
	p, err := v.opt.Service.RegisteredParticipant(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, refuse(NotFound, "no participant %d in the registry", id)
	}
	if err != nil {
		return nil, err
	}
	metas, err := v.Months(ctx)
	if err != nil {
		return nil, err
	}
	return report.Build(ctx, report.Input{Store: v.opt.Store, Months: metas, Participant: *p,
		Month: vocab.MonthOf(m.Month), Spec: m.Spec})
}
