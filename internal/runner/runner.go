// Package runner is the observatory's main job: fetch a month's public
// data, ingest it, and do it again on a schedule, the current month
// recomputed every day and the previous month finalised on the 1st. The
// ingest itself (compute, score, store in one transaction) is a function
// the command wires in; the clock is injectable for tests.
package runner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/observatory-net/observatory/internal/dataset"
	"github.com/observatory-net/observatory/internal/fetch"
	"github.com/observatory-net/observatory/internal/sources"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// Work is what one pass hands to the ingest.
type Work struct {
	Month time.Time
	Files []dataset.File
	// Inputs are the fetched files as the month records them: source URL,
	// kind, size and SHA-256 (none with a data directory).
	Inputs []store.Input
	// Warnings are the fetch coverage, recorded with the month.
	Warnings []string
}

// IngestFunc computes a month from the files and stores it.
type IngestFunc func(ctx context.Context, w Work) error

// ErrNoRoutes is returned by a pass that got no MRT file: the month is
// not computed, and a stored version of it is kept.
var ErrNoRoutes = errors.New("no MRT file fetched or found: the month is left as stored")

// Clock tells the time and waits; tests advance a fake one.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type systemClock struct{}

func (systemClock) Now() time.Time                         { return time.Now() }
func (systemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Config wires a Runner.
type Config struct {
	Catalogue *sources.Catalogue
	Fetch     fetch.Options
	// Data, when set, is ingested as it is, without fetching.
	Data   string
	Ingest IngestFunc
	// Final, when not nil, tells whether a month is stored as final; at
	// start Run then finalises the previous month if it is not (the
	// process was down on the 1st).
	Final func(ctx context.Context, month time.Time) (bool, error)
	// Report, when not nil, receives each fetch's coverage.
	Report func(*fetch.Report)
	Clock  Clock
	// At is the time of day (UTC) of the daily pass: the archives publish
	// the last files of a day some time after midnight. Default 02:00.
	At  time.Duration
	Log *slog.Logger
}

// Runner runs passes, once or on the schedule.
type Runner struct{ cfg Config }

// New returns a Runner.
func New(cfg Config) *Runner {
	if cfg.Clock == nil {
		cfg.Clock = systemClock{}
	}
	if cfg.At == 0 {
		cfg.At = 2 * time.Hour
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Runner{cfg: cfg}
}

// Pass fetches month (unless the Config names a data directory) and
// ingests what could be fetched.
func (r *Runner) Pass(ctx context.Context, month time.Time) error {
	start := r.cfg.Clock.Now()
	month = vocab.MonthOf(month).Start()
	w := Work{Month: month}
	if r.cfg.Data != "" {
		fs, err := dataset.Discover(ctx, r.cfg.Data)
		if err != nil {
			return err
		}
		w.Files = fs
	} else if err := r.fetch(ctx, &w); err != nil {
		return err
	}
	if !slices.ContainsFunc(w.Files, func(f dataset.File) bool { return f.Kind == dataset.KindMRT }) {
		// Offline, a pass would otherwise replace a stored month by an
		// empty one.
		return fmt.Errorf("%s: %w", month.Format(vocab.MonthLayout), ErrNoRoutes)
	}
	r.cfg.Log.Info("ingesting", "month", month.Format(vocab.MonthLayout), "files", len(w.Files))
	if err := r.cfg.Ingest(ctx, w); err != nil {
		return fmt.Errorf("ingest %s: %w", month.Format(vocab.MonthLayout), err)
	}
	r.cfg.Log.Info("month done", "month", month.Format(vocab.MonthLayout), "elapsed", r.cfg.Clock.Now().Sub(start))
	return nil
}

// fetch gets the month's files and identifies the usable ones.
func (r *Runner) fetch(ctx context.Context, w *Work) error {
	list, err := r.cfg.Catalogue.Expand(w.Month, r.cfg.Clock.Now())
	if err != nil {
		return err
	}
	rep, err := fetch.Fetch(ctx, w.Month.Format(vocab.MonthLayout), list, r.cfg.Fetch)
	if err != nil {
		return err
	}
	if r.cfg.Report != nil {
		r.cfg.Report(rep)
	}
	for _, res := range rep.Usable() {
		f, err := dataset.Identify(ctx, res.Path)
		if err != nil {
			return err
		}
		w.Files = append(w.Files, f)
		w.Inputs = append(w.Inputs, store.Input{Path: res.URL, Kind: string(f.Kind), Size: res.Size, SHA256: res.SHA256})
	}
	w.Warnings = rep.Lines()
	return nil
}

// Run passes the current month at once (after the previous month when
// Final says it is not final yet), then every day at At: on the 1st the
// previous month first, finalising it. A failed pass is logged and
// retried the next day; Run returns when ctx ends.
func (r *Runner) Run(ctx context.Context) error {
	now := r.cfg.Clock.Now().UTC()
	if r.cfg.Final != nil {
		prev := vocab.MonthOf(now).Prev().Start()
		final, err := r.cfg.Final(ctx, prev)
		if err != nil {
			r.cfg.Log.Error("read stored months", "err", err)
		} else if !final {
			r.pass(ctx, prev)
		}
	}
	r.pass(ctx, vocab.MonthOf(now).Start())
	for {
		day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
		next := day.Add(r.cfg.At)
		if !next.After(now) {
			next = next.AddDate(0, 0, 1)
		}
		r.cfg.Log.Info("next pass", "at", next)
		select {
		case <-ctx.Done():
			return nil
		case <-r.cfg.Clock.After(next.Sub(now)):
		}
		now = r.cfg.Clock.Now().UTC()
		if now.Day() == 1 {
			r.pass(ctx, vocab.MonthOf(now).Prev().Start())
		}
		r.pass(ctx, vocab.MonthOf(now).Start())
	}
}

func (r *Runner) pass(ctx context.Context, month time.Time) {
	err := r.Pass(ctx, month)
	switch {
	case err == nil:
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		r.cfg.Log.Info("pass interrupted", "month", month.Format(vocab.MonthLayout))
	default:
		r.cfg.Log.Error("pass failed; next attempt at the next pass", "month", month.Format(vocab.MonthLayout), "err", err)
	}
}
