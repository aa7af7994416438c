// Package jobs shares a month's ingest between processes, on any number of
// machines, through a PostgreSQL job queue (River, on pgx): one collect
// job per MRT file reads the file into the partial cache (ingest's
// CollectOptions.Cache), and a final month job, once every collect job of
// its batch has completed, runs the month's ingest with the same cache
// (every file a hit) and writes the month in one store transaction, as
// observatory ingest does. docs/workers.md explains how to run it.
//
// Both jobs are idempotent. A collect job's cache entry is keyed by the
// file and the options and written whole or not at all, so a job rerun
// after its worker was killed collects the file again or finds the entry;
// a month job rerun writes the same month again.
package jobs

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/observatory-net/observatory/internal/ingest"
	"github.com/observatory-net/observatory/internal/inputerr"
)

// DefaultSchema is the PostgreSQL schema of River's tables, beside the
// store's own tables in the same database.
const DefaultSchema = "river"

// Kinds of the jobs, as River stores them.
const (
	KindCollect = "collect"
	KindMonth   = "month"
)

// HoldEnv, set to a duration, makes a collect job wait that long on its
// first attempt, after logging "collect job held" and before reading its
// file: for tests that kill a worker while it holds a job.
const HoldEnv = "OBSERVATORY_JOBS_HOLD"

// CollectArgs is one MRT file to read into the partial cache, with the
// options that make its cache key (ingest.CollectOptionsFor the month).
type CollectArgs struct {
	Path    string `json:"path"`
	Month   string `json:"month"` // YYYY-MM, for the log
	From    uint32 `json:"from"`
	To      uint32 `json:"to"`
	RIBSpan uint32 `json:"rib_span"`
	Strict  bool   `json:"strict"`
	Cache   string `json:"cache"`
}

// Kind is the River job kind.
func (CollectArgs) Kind() string { return KindCollect }

// options are the collect options of the job, the ones the month's
// Compute derives (ingest.CollectOptionsFor).
func (a CollectArgs) options() ingest.CollectOptions {
	return ingest.CollectOptions{Workers: 1, From: a.From, To: a.To, RIBSpan: a.RIBSpan,
		Damaged: &inputerr.Log{Strict: a.Strict}, Cache: a.Cache, CacheStats: &ingest.CacheStats{}, PartsOnly: true}
}

// NewCollectArgs returns the collect job of path for the month cfg
// computes (its Month, RIBSpan, AllTime, Damaged and Cache).
func NewCollectArgs(path string, cfg ingest.Config) CollectArgs {
	opt := ingest.CollectOptionsFor(cfg)
	return CollectArgs{Path: path, Month: cfg.Month.Format("2006-01"), From: opt.From, To: opt.To, RIBSpan: opt.RIBSpan,
		Strict: cfg.Damaged.IsStrict(), Cache: opt.Cache}
}

// CollectWorker works collect jobs.
type CollectWorker struct {
	river.WorkerDefaults[CollectArgs]
	Log *slog.Logger
	// Cache, when not empty, is where this worker sees the shared cache
	// directory (the job's own path otherwise; the key does not include it).
	Cache string
}

// Work reads the job's file into the cache (or finds it there). A damaged
// record in a strict job cancels it: rereading would not repair the file.
func (w *CollectWorker) Work(ctx context.Context, job *river.Job[CollectArgs]) error {
	a := job.Args
	log := w.Log.With("job", job.ID, "kind", KindCollect, "attempt", job.Attempt, "file", a.Path)
	start := time.Now()
	log.Info("collect job started")
	if err := hold(ctx, job.Attempt, log); err != nil {
		return err
	}
	opt := a.options()
	opt.Cache = cmp.Or(w.Cache, opt.Cache)
	opt.Log = log
	facts, err := ingest.Collect(ctx, []string{a.Path}, opt)
	if err != nil {
		err = fmt.Errorf("collect job: %w", err) // err names the file
		log.Error("collect job failed", "elapsed", time.Since(start), "err", err)
		if errors.As(err, new(*inputerr.Error)) {
			return river.JobCancel(err)
		}
		return err
	}
	st := opt.CacheStats
	log.Info("collect job done", "elapsed", time.Since(start).Round(time.Millisecond), "rib_entries", facts.RIBEntries,
		"updates", facts.Updates, "hits", st.Hits.Load(), "stored", st.Stored.Load())
	return nil
}

// hold is HoldEnv's wait, on a job's first attempt.
func hold(ctx context.Context, attempt int, log *slog.Logger) error {
	d, err := time.ParseDuration(os.Getenv(HoldEnv))
	if err != nil || d <= 0 || attempt > 1 {
		return nil
	}
	log.Info("collect job held", "for", d)
	select {
	case <-time.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Migrate creates River's tables in schema (made if missing) of the
// database of pool, or brings them up to date. Concurrent callers (workers
// starting together) take turns on an advisory lock.
func Migrate(ctx context.Context, pool *pgxpool.Pool, schema string) error {
	m, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Schema: schema, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	// River's migrations run one transaction each (one adds an enum
	// value, which cannot be used in the transaction that adds it), so the
	// lock is a session's, on a connection of its own.
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	defer conn.Release()
	const lock = "observatory river migrate"
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(hashtext($1))", lock); err != nil {
		return fmt.Errorf("river migrations: lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(hashtext($1))", lock) //nolint:errcheck // the session ends with the connection anyway
	if _, err := conn.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{schema}.Sanitize()); err != nil {
		return fmt.Errorf("river migrations: schema %s: %w", schema, err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("river migrations in schema %s: %w", schema, err)
	}
	return nil
}
