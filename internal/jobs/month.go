package jobs

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/observatory-net/observatory/internal/dataset"
	"github.com/observatory-net/observatory/internal/ingest"
	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/monthjob"
	"github.com/observatory-net/observatory/internal/participants"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// MonthArgs is the final job of a month: what its ingest reads (the data
// directory, found again by the worker, and the participants file), how
// (specification, strictness, cache) and the collect jobs it waits for.
// The store is the worker's own.
type MonthArgs struct {
	Data         string  `json:"data"`
	Month        string  `json:"month"` // YYYY-MM
	Spec         string  `json:"spec"`
	Participants string  `json:"participants,omitempty"`
	Strict       bool    `json:"strict"`
	AllTime      bool    `json:"all_time"`
	Cache        string  `json:"cache"`
	Collect      []int64 `json:"collect"` // the batch's collect job IDs
}

// Kind is the River job kind.
func (MonthArgs) Kind() string { return KindMonth }

// MonthOutput is what a month job records when done (river.RecordOutput).
type MonthOutput struct {
	RIBEntries int64 `json:"rib_entries"`
	Updates    int64 `json:"updates"`
	Routes     int64 `json:"routes"`
	ASNs       int   `json:"asns"`
	Incidents  int   `json:"incidents"`
	Hits       int64 `json:"cache_hits"`
	Misses     int64 `json:"cache_misses"`
}

// MonthWorker works month jobs into Store.
type MonthWorker struct {
	river.WorkerDefaults[MonthArgs]
	Store store.Store
	Log   *slog.Logger
	// Timeout bounds a month job (the merge, scoring and write), which
	// takes longer than a collect job; zero is River's client timeout.
	MonthTimeout time.Duration
	// Cache, when not empty, overrides the job's cache directory, as
	// CollectWorker.Cache.
	Cache string
	// Snooze is how long a month job waits before looking again at its
	// collect jobs (default 1 s).
	Snooze time.Duration
}

// Timeout is the month job's own timeout.
func (w *MonthWorker) Timeout(*river.Job[MonthArgs]) time.Duration { return w.MonthTimeout }

// Work snoozes until every collect job of the batch has completed, then
// runs the month's ingest with the cache and writes the month.
func (w *MonthWorker) Work(ctx context.Context, job *river.Job[MonthArgs]) error {
	a := job.Args
	log := w.Log.With("job", job.ID, "kind", KindMonth, "attempt", job.Attempt, "month", a.Month)
	pending, err := pendingCollects(ctx, a.Collect)
	if err != nil {
		return err
	}
	if pending > 0 {
		log.Debug("month job snoozed", "pending_collect_jobs", pending)
		return river.JobSnooze(cmp.Or(w.Snooze, time.Second))
	}
	start := time.Now()
	log.Info("month job started", "files", len(a.Collect))
	out, err := w.run(ctx, a, log)
	if err != nil {
		log.Error("month job failed", "elapsed", time.Since(start), "err", err)
		if ie := (*monthjob.InputError)(nil); errors.As(err, &ie) {
			return river.JobCancel(err)
		}
		return err
	}
	log.Info("month job done", "elapsed", time.Since(start).Round(time.Millisecond), "rib_entries", out.RIBEntries,
		"updates", out.Updates, "asns", out.ASNs, "cache_hits", out.Hits, "cache_misses", out.Misses)
	return river.RecordOutput(ctx, out)
}

// pendingCollects counts the collect jobs not completed yet; one that can
// no longer complete (discarded or cancelled) cancels the month job.
func pendingCollects(ctx context.Context, ids []int64) (int, error) {
	client := river.ClientFromContext[pgx.Tx](ctx)
	pending := 0
	for _, id := range ids {
		j, err := client.JobGet(ctx, id)
		if err != nil {
			return 0, fmt.Errorf("collect job %d: %w", id, err)
		}
		switch j.State {
		case rivertype.JobStateCompleted:
		case rivertype.JobStateCancelled, rivertype.JobStateDiscarded:
			return 0, river.JobCancel(fmt.Errorf("collect job %d %s: %s", id, j.State, lastError(j)))
		default:
			pending++
		}
	}
	return pending, nil
}

// lastError is the error of a job's last failed attempt.
func lastError(j *rivertype.JobRow) string {
	if len(j.Errors) == 0 {
		return "no error recorded"
	}
	return j.Errors[len(j.Errors)-1].Error
}

// run is the month's ingest, as observatory ingest runs it.
func (w *MonthWorker) run(ctx context.Context, a MonthArgs, log *slog.Logger) (*MonthOutput, error) {
	sp, err := spec.Get(a.Spec)
	if err != nil {
		return nil, &monthjob.InputError{Err: err}
	}
	month, err := vocab.ParseMonth(a.Month)
	if err != nil {
		return nil, &monthjob.InputError{Err: err}
	}
	files, err := dataset.Discover(ctx, a.Data)
	if err != nil {
		return nil, &monthjob.InputError{Err: err}
	}
	damaged := &inputerr.Log{Strict: a.Strict}
	var parts *participants.List
	if a.Participants != "" {
		if parts, err = participants.LoadFile(a.Participants, damaged); err != nil {
			return nil, &monthjob.InputError{Err: err}
		}
	}
	st := &ingest.CacheStats{}
	m, err := monthjob.Run(ctx, w.Store, monthjob.Job{Files: files, Month: month.Start(), Spec: sp, Participants: parts,
		Damaged: damaged, Workers: runtime.GOMAXPROCS(0), AllTime: a.AllTime, Log: log, Cache: cmp.Or(w.Cache, a.Cache), CacheStats: st})
	if err != nil {
		return nil, err
	}
	for _, w := range m.Meta.Warnings {
		log.Warn(w)
	}
	return &MonthOutput{RIBEntries: m.Meta.Stats.RIBEntries, Updates: m.Meta.Stats.Updates, Routes: m.Meta.Stats.Routes,
		ASNs: m.Meta.Stats.MeasuredASN, Incidents: m.Meta.Stats.Incidents, Hits: st.Hits.Load(), Misses: st.Misses.Load()}, nil
}

// ClientConfig is a worker's River client.
type ClientConfig struct {
	Schema      string
	Concurrency int
	// JobTimeout bounds a collect job; MonthTimeout a month job.
	JobTimeout, MonthTimeout time.Duration
	// RescueAfter is how long a job may run before River's rescuer (on
	// the elected leader) makes it available again: a killed worker's
	// job. It must exceed both timeouts.
	RescueAfter time.Duration
	Store       store.Store
	// Cache, when not empty, is where this worker sees the shared cache
	// directory, whatever path the jobs name.
	Cache string
	// Log receives a line per job; RiverLog River's own messages.
	Log, RiverLog *slog.Logger
}

// WorkerConfig returns the configuration of a River client that works
// both kinds of job on the default queue.
func WorkerConfig(c ClientConfig) *river.Config {
	workers := river.NewWorkers()
	river.AddWorker(workers, &CollectWorker{Log: c.Log, Cache: c.Cache})
	river.AddWorker(workers, &MonthWorker{Store: c.Store, Log: c.Log, MonthTimeout: c.MonthTimeout, Cache: c.Cache})
	return &river.Config{
		Schema:               c.Schema,
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: max(c.Concurrency, 1)}},
		Workers:              workers,
		JobTimeout:           c.JobTimeout,
		RescueStuckJobsAfter: c.RescueAfter,
		Logger:               c.RiverLog,
	}
}
