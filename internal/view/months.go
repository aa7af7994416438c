package view

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
)

// monthList is the stored months, re-read when older than MonthsTTL.
type monthList struct {
	mu         sync.Mutex
	metas      []store.MonthMeta
	readAt     time.Time
	refreshing bool
}

// refreshTimeout bounds a background re-read of the months or the registry.
const refreshTimeout = 10 * time.Second

// Months returns the stored months, newest first. Once they have been
// read, a list older than MonthsTTL is still answered while one goroutine
// re-reads it: no request waits for the store on the hot path (on
// PostgreSQL the re-read is several round trips to another process, and
// every request in flight used to queue behind it). With MonthsTTL zero the
// list is read on every call.
func (v *View) Months(ctx context.Context) ([]store.MonthMeta, error) {
	m := &v.months
	m.mu.Lock()
	metas, age := m.metas, time.Since(m.readAt)
	if metas != nil && v.opt.MonthsTTL > 0 {
		if age >= v.opt.MonthsTTL && !m.refreshing {
			m.refreshing = true
			v.wg.Go(v.refreshMonths)
		}
		m.mu.Unlock()
		return metas, nil
	}
	m.mu.Unlock()
	metas, err := v.readMonths(ctx)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	m.metas, m.readAt = metas, time.Now()
	m.mu.Unlock()
	return metas, nil
}

// refreshMonths re-reads the months in the background. On failure the old
// list stays, and is tried again after MonthsTTL.
func (v *View) refreshMonths() {
	ctx, cancel := context.WithTimeout(context.Background(), refreshTimeout)
	defer cancel()
	metas, err := v.readMonths(ctx)
	m := &v.months
	m.mu.Lock()
	m.refreshing, m.readAt = false, time.Now()
	if err != nil {
		m.mu.Unlock()
		v.opt.Logger.Warn("re-read the stored months", "err", err)
		return
	}
	m.metas = metas
	m.mu.Unlock()
	if v.opt.Refreshed != nil {
		v.opt.Refreshed(metas)
	}
}

func (v *View) readMonths(ctx context.Context) ([]store.MonthMeta, error) {
	metas, err := v.opt.Store.Months(ctx)
	if err != nil {
		return nil, fmt.Errorf("list months: %w", err)
	}
	if metas == nil {
		metas = []store.MonthMeta{}
	}
	return metas, nil
}

// Resolve returns the month of metas (newest first) that want (zero: the
// newest) and ref ("": any specification) select, nil when none: for a
// month stored under several specifications, spec.Default when stored,
// else the first.
func Resolve(metas []store.MonthMeta, want time.Time, ref string) *store.MonthMeta {
	var found *store.MonthMeta
	for i := range metas {
		m := &metas[i]
		if (ref != "" && m.Spec != ref) || (!want.IsZero() && !m.Month.Equal(want)) {
			continue
		}
		switch {
		case found == nil:
			found = m
		case !m.Month.Equal(found.Month):
			// metas are newest first: only older months remain.
		case m.Spec == spec.Default:
			found = m
		}
	}
	return found
}

// Previous returns the newest stored month before m under m's
// specification, nil when there is none.
func (v *View) Previous(ctx context.Context, m *store.MonthMeta) (*store.MonthMeta, error) {
	metas, err := v.Months(ctx)
	if err != nil {
		return nil, err
	}
	for i := range metas {
		if metas[i].Spec == m.Spec && metas[i].Month.Before(m.Month) {
			return &metas[i], nil
		}
	}
	return nil, nil
}

// SpecMonths returns the stored months of one specification, newest first.
func (v *View) SpecMonths(ctx context.Context, ref string) ([]store.MonthMeta, error) {
	metas, err := v.Months(ctx)
	if err != nil {
		return nil, err
	}
	var out []store.MonthMeta
	for _, m := range metas {
		if m.Spec == ref {
			out = append(out, m)
		}
	}
	return out, nil
}
