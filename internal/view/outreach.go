package view

import (
	"context"

	"github.com/observatory-net/observatory/internal/access"
	"github.com/observatory-net/observatory/internal/outreach"
	"github.com/observatory-net/observatory/internal/store"
)

// MaySeeOutreach refuses the outreach ranking to whoever may not see it:
// it names networks that are not participants as targets, so the
// secretariat and partners only (access.Principal.SeesAll), as for every
// network's details.
func MaySeeOutreach(who *access.Principal) error {
	switch {
	case who.SeesAll():
		return nil
	case who.Key == nil:
		return refuse(Unauthorized, "the outreach ranking needs a secretariat or partner key")
	}
	return refuse(Forbidden, "a %s key may not see the outreach ranking: secretariat and partner only", who.Role())
}

// Outreach ranks month m's networks that are not participants, by the
// month's records and the registry, for who (outreach.Load).
func (v *View) Outreach(ctx context.Context, who *access.Principal, m *store.MonthMeta, q outreach.Query) ([]outreach.Target, error) {
	if err := MaySeeOutreach(who); err != nil {
		return nil, err
	}
	if err := q.Validate(); err != nil {
		return nil, refuse(Invalid, "%s", err.Error())
	}
	reg, err := v.Registry(ctx)
	if err != nil {
		return nil, err
	}
	return outreach.Load(ctx, v.opt.Store, m.Month, m.Spec, reg.ASNs, q)
}

// Growth is the participation growth and the participants vs all
// networks shares over the stored months (outreach.LoadGrowth): public.
func (v *View) Growth(ctx context.Context) (*outreach.Growth, error) {
	return outreach.LoadGrowth(ctx, v.opt.Store, v.opt.Service)
}
