package view

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/access"
	"github.com/observatory-net/observatory/internal/audit"
	"github.com/observatory-net/observatory/internal/store"
)

// MaySeeAudits refuses supply-chain audits to any caller but the
// secretariat and partners: an audit names a network's providers and
// their failings, the programme's or a partner's work with an enterprise.
func MaySeeAudits(who *access.Principal) error {
	switch {
	case who.SeesAll():
		return nil
	case who.Key == nil:
		return refuse(Unauthorized, "supply-chain audits need a secretariat or partner key")
	}
	return refuse(Forbidden, "a %s key may not run supply-chain audits: secretariat and partner only", who.Role())
}

// auditMonths keeps the month last loaded for audits (audit.Load): an
// audit then reads memory only. It is loaded again when another month,
// a new version of it or another registry is asked for; one load at a
// time.
type auditMonths struct {
	mu  sync.Mutex
	key string
	m   *audit.Month
}

// Audit audits q over month m for who (audit.Month.Audit).
func (v *View) Audit(ctx context.Context, who *access.Principal, m *store.MonthMeta, q audit.Query) (*wire.Audit, error) {
	if err := MaySeeAudits(who); err != nil {
		return nil, err
	}
	if err := q.Validate(); err != nil {
		return nil, refuse(Invalid, "%s", err.Error())
	}
	am, err := v.auditMonth(ctx, m)
	if err != nil {
		return nil, err
	}
	return am.Audit(q)
}

// auditMonth returns month m loaded for audits.
func (v *View) auditMonth(ctx context.Context, m *store.MonthMeta) (*audit.Month, error) {
	reg, err := v.Registry(ctx)
	if err != nil {
		return nil, err
	}
	key := m.Month.Format(time.RFC3339) + "\x00" + m.Spec + "\x00" + strconv.FormatInt(m.IngestedAt.UnixNano(), 10) +
		"\x00" + strconv.FormatUint(v.Generation(), 10) + "\x00" + reg.Version
	a := &v.audits
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.key == key {
		return a.m, nil
	}
	am, err := audit.Load(ctx, v.opt.Store, *m, reg.ASNs)
	if err != nil {
		return nil, err
	}
	a.key, a.m = key, am
	return am, nil
}

// Sectors computes the month's routing security per sector of orgs for
// who (audit.Month.Sectors); the organisations name ASNs, as the API
// has no PeeringDB to resolve organisation ids.
func (v *View) Sectors(ctx context.Context, who *access.Principal, m *store.MonthMeta, orgs []audit.Org) ([]audit.SectorRow, error) {
	if err := MaySeeAudits(who); err != nil {
		return nil, err
	}
	am, err := v.auditMonth(ctx, m)
	if err != nil {
		return nil, err
	}
	return am.Sectors(orgs)
}
