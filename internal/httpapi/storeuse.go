package httpapi

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/observatory-net/observatory/internal/store"
)

// countedStore is the store as the API reads it: every read of month data
// is counted (observatory_store_reads_total), and a read that fails with
// damage (store.ErrCorrupt) is reported to /healthz.
type countedStore struct {
	store.Store
	m       *metrics
	corrupt func(error)
	lastOK  atomic.Int64 // when a read last succeeded, Unix nanoseconds
}

// read counts one read of method and, when it failed, its error.
func (c *countedStore) read(method string, whole bool, err error) {
	scope := "part"
	if whole {
		scope = "month"
	}
	c.m.storeReads.WithLabelValues(method, scope).Inc()
	if err == nil || errors.Is(err, store.ErrNotFound) {
		c.lastOK.Store(time.Now().UnixNano())
		return
	}
	kind := "other"
	if errors.Is(err, store.ErrCorrupt) {
		kind = "corrupt"
		c.corrupt(err)
	}
	c.m.storeErrors.WithLabelValues(method, kind).Inc()
}

// Months lists the months; counted as a part (it is one small table).
func (c *countedStore) Months(ctx context.Context) ([]store.MonthMeta, error) {
	out, err := c.Store.Months(ctx)
	c.read("Months", false, err)
	return out, err
}

// ASNs reads ASN records; without an ASN list it reads the whole month.
func (c *countedStore) ASNs(ctx context.Context, month time.Time, spec string, f store.Filter) ([]store.ASN, error) {
	out, err := c.Store.ASNs(ctx, month, spec, f)
	c.read("ASNs", len(f.ASNs) == 0, err)
	return out, err
}

// Incidents reads incidents; of every ASN (0) it reads the whole month's.
func (c *countedStore) Incidents(ctx context.Context, month time.Time, spec string, asn uint32) ([]store.Incident, error) {
	out, err := c.Store.Incidents(ctx, month, spec, asn)
	c.read("Incidents", asn == 0, err)
	return out, err
}

// Routes reads the routes of one ASN.
func (c *countedStore) Routes(ctx context.Context, month time.Time, spec string, asn uint32) ([]store.Route, error) {
	out, err := c.Store.Routes(ctx, month, spec, asn)
	c.read("Routes", false, err)
	return out, err
}

// ROAStats reads the ROA statistics of a scope ("": all of them).
func (c *countedStore) ROAStats(ctx context.Context, month time.Time, spec, scope string) ([]store.ROAStat, error) {
	out, err := c.Store.ROAStats(ctx, month, spec, scope)
	c.read("ROAStats", scope == "", err)
	return out, err
}

// Aggregates reads the aggregates of a scope ("": all of them).
func (c *countedStore) Aggregates(ctx context.Context, month time.Time, spec, scope string) ([]store.Aggregate, error) {
	out, err := c.Store.Aggregates(ctx, month, spec, scope)
	c.read("Aggregates", scope == "", err)
	return out, err
}

// Participants reads the participants recorded with a month.
func (c *countedStore) Participants(ctx context.Context, month time.Time, spec string) ([]store.Participant, error) {
	out, err := c.Store.Participants(ctx, month, spec)
	c.read("Participants", false, err)
	return out, err
}

// answeredWithin reports whether a read succeeded within d.
func (c *countedStore) answeredWithin(d time.Duration) bool {
	return time.Since(time.Unix(0, c.lastOK.Load())) < d
}
