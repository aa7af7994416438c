package view

import (
	"context"
	"fmt"

	"github.com/observatory-net/observatory/internal/eventfeed"
	"github.com/observatory-net/observatory/internal/store"
)

// Events returns month m's public events (internal/eventfeed), newest
// start first. They are the same for every caller, anonymous included:
// eventfeed.Build reads only what is public (docs/events.md, "Who sees
// what"), never the feedback trail, the review or the registry, so no
// principal is asked for.
func (v *View) Events(ctx context.Context, m *store.MonthMeta) ([]eventfeed.Event, error) {
	incs, err := v.opt.Store.Incidents(ctx, m.Month, m.Spec, 0)
	if err != nil {
		return nil, fmt.Errorf("read the incidents of %s: %w", m.Month.Format("2006-01"), err)
	}
	return eventfeed.Build(incs)
}

// Event returns month m's public event id; an unknown id is NotFound.
func (v *View) Event(ctx context.Context, m *store.MonthMeta, id string) (*eventfeed.Event, error) {
	es, err := v.Events(ctx, m)
	if err != nil {
		return nil, err
	}
	e, ok := eventfeed.Find(es, id)
	if !ok {
		return nil, refuse(NotFound, "no event %s in %s", Quote(id), m.Month.Format("2006-01"))
	}
	return e, nil
}
