package view

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/observatory-net/observatory/internal/store"
)

// Options configure a View. Store is required.
type Options struct {
	// Store holds the months.
	Store store.Store
	// Service holds the registry and the feedback trail; nil when the
	// store keeps neither (the registry is then empty and writes answer
	// Unavailable).
	Service store.Service
	// Logger receives the failures of background re-reads.
	Logger *slog.Logger
	// MonthsTTL is how long the list of months and the registry are
	// trusted before they are read again; zero: read on every call.
	MonthsTTL time.Duration
	// Now returns the time (default time.Now).
	Now func() time.Time
	// Refreshed, when set, is called with the months after each
	// background re-read of the list: the API prepares a new version of
	// the month most queries read before they ask for it.
	Refreshed func(metas []store.MonthMeta)
}

// View is the shared, cached view of the store. It is safe for concurrent
// use; create it with New.
type View struct {
	opt    Options
	months monthList
	reg    registry
	audits auditMonths
	gen    atomic.Uint64
	wg     sync.WaitGroup // background re-reads in flight, for Close
}

// Fill checks that there is a Store and sets the defaults that the View
// and the servers built on it share: the Store as the Service when it is
// one, a Logger that discards, and time.Now.
func (o *Options) Fill() error {
	if o.Store == nil {
		return errors.New("Options.Store is required")
	}
	if o.Service == nil {
		o.Service, _ = o.Store.(store.Service)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return nil
}

// New returns a View of opt.Store, with opt's defaults filled (Fill).
func New(opt Options) (*View, error) {
	if err := opt.Fill(); err != nil {
		return nil, fmt.Errorf("view: %w", err)
	}
	return &View{opt: opt}, nil
}

// Service returns the store's service, nil when it has none.
func (v *View) Service() store.Service { return v.opt.Service }

// Generation counts the writes made through the view (feedback, its
// review, registry changes): what is derived from a month's data, as
// responses and pages are, must be recomputed when it changes, since a
// review re-scores a month without re-ingesting it.
func (v *View) Generation() uint64 { return v.gen.Load() }

// Changed records a write that changes what callers derived of the
// months: the generation moves on.
func (v *View) Changed() { v.gen.Add(1) }

// Close waits for the background re-reads in flight. It does not close
// the store.
func (v *View) Close() { v.wg.Wait() }
