package view

import (
	"context"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/access"
	"github.com/observatory-net/observatory/internal/conformance"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// ConformanceFlags is month m's minimum-conformance flags (issue 13 item
// 3) as who may see them: all for the partner and the secretariat, its
// own participant's for a participant key; anonymous callers are refused.
// The API and the dashboard both answer from it.
func (v *View) ConformanceFlags(ctx context.Context, who *access.Principal, m *store.MonthMeta) (*wire.ConformanceFlags, error) {
	if who.Key == nil {
		return nil, refuse(Unauthorized, "the conformance flags need an API key")
	}
	reg, err := v.Registry(ctx)
	if err != nil {
		return nil, err
	}
	metas, err := v.Months(ctx)
	if err != nil {
		return nil, err
	}
	r, err := conformance.Flags(ctx, conformance.Input{Store: v.opt.Store, Months: metas, Registry: reg.List,
		Month: vocab.MonthOf(m.Month), Spec: m.Spec})
	if err != nil {
		return nil, err
	}
	return conformance.Visible(r, who), nil
}
