package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/spf13/cobra"

	"github.com/observatory-net/observatory/internal/dataset"
	"github.com/observatory-net/observatory/internal/ingest"
	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/jobs"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/vocab"
)

// The enqueuing side of the job queue is a command of its own rather than
// a flag of ingest (observatory ingest --queue): ingest's flags (per-kind
// inputs, --workers, --cache-prune) mostly mean nothing to a queued month,
// and its file is another helper's.
func init() { register(newEnqueueCmd) }

type enqueueOptions struct {
	db, schema, data, month, spec, participants, cache string
	strict, allTime, wait, quiet                       bool
	poll                                               time.Duration
}

func newEnqueueCmd() *cobra.Command {
	var o enqueueOptions
	cmd := &cobra.Command{
		Use:   "enqueue --db postgres://… --data DIR --cache DIR [--month YYYY-MM] [--wait]",
		Short: "Put a month's ingest on the PostgreSQL job queue, for observatory worker",
		Long: `enqueue puts a month's ingest on the River job queue of the PostgreSQL
database of --db: one collect job per MRT file of --data, and the month job
that merges and scores them once all are collected, all in one transaction.
Workers (observatory worker --db, the same database) do the jobs; the month
is written to that database as observatory ingest would write it, and the
same (docs/workers.md).

--data, --cache and --participants must name the same files on every
worker's machine (a shared file system): they are made absolute here, and
the MRT files' paths are part of the cache keys. --month defaults to the
month of the newest dated MRT file.

--wait follows the jobs until the month job ends, printing progress: exit 0
once the month is stored, 1 with the job's error otherwise.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runEnqueue(ctx, cmd.ErrOrStderr(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.db, "db", "", "store and job queue: a postgres:// URL")
	f.StringVar(&o.schema, "river-schema", jobs.DefaultSchema, "PostgreSQL schema of River's tables")
	f.StringVar(&o.data, "data", "", "data directory, as every worker sees it")
	f.StringVar(&o.month, "month", "", "month to compute, YYYY-MM")
	f.StringVar(&o.spec, "spec", spec.Default, "scoring specification ID[@VERSION]")
	f.StringVar(&o.participants, "participants", "", "participants file (CSV or JSON): adds the participants scope")
	f.StringVar(&o.cache, "cache", "", "directory of the MRT files' partials, shared by the workers")
	f.BoolVar(&o.strict, "strict", false, "make the first damaged input record fatal")
	f.BoolVar(&o.allTime, "all-time", false, "do not drop MRT records outside the month")
	f.BoolVar(&o.wait, "wait", false, "wait for the month job to end; exit non-zero if it failed")
	f.DurationVar(&o.poll, "poll", 500*time.Millisecond, "with --wait, how often to look at the jobs")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "print nothing but errors")
	return cmd
}

// enqueuePlan is what enqueue inserts.
type enqueuePlan struct {
	collect []jobs.CollectArgs
	month   jobs.MonthArgs
}

// planEnqueue checks the flags and finds the month's MRT files.
func planEnqueue(ctx context.Context, o *enqueueOptions) (*enqueuePlan, error) {
	if err := queueDB(o.db); err != nil {
		return nil, err
	}
	if o.data == "" || o.cache == "" {
		return nil, usageError(fmt.Errorf("--data and --cache are required"))
	}
	sp, err := spec.Get(o.spec)
	if err != nil {
		return nil, usageError(err)
	}
	for _, p := range []*string{&o.data, &o.cache, &o.participants} {
		if *p == "" {
			continue
		}
		if *p, err = filepath.Abs(*p); err != nil {
			return nil, usageError(err)
		}
	}
	if err := os.MkdirAll(o.cache, 0o755); err != nil {
		return nil, usageError(fmt.Errorf("--cache: %w", err))
	}
	if o.participants != "" {
		if _, err := os.Stat(o.participants); err != nil {
			return nil, usageError(fmt.Errorf("--participants: %w", err))
		}
	}
	files, err := dataset.Discover(ctx, o.data)
	if err != nil {
		return nil, usageError(err)
	}
	month, err := ingestMonth(o.month, files)
	if err != nil {
		return nil, err
	}
	cfg := ingest.Config{Month: month, Damaged: &inputerr.Log{Strict: o.strict}, AllTime: o.allTime, Cache: o.cache}
	p := &enqueuePlan{month: jobs.MonthArgs{Data: o.data, Month: month.Format(vocab.MonthLayout), Spec: sp.Ref(),
		Participants: o.participants, Strict: o.strict, AllTime: o.allTime, Cache: o.cache}}
	for _, f := range files {
		if f.Kind == dataset.KindMRT {
			p.collect = append(p.collect, jobs.NewCollectArgs(f.Path, cfg))
		}
	}
	return p, nil
}

func runEnqueue(ctx context.Context, stderr io.Writer, o enqueueOptions) error {
	p, err := planEnqueue(ctx, &o)
	if err != nil {
		return err
	}
	pool, err := openQueue(ctx, o.db, o.schema)
	if err != nil {
		return err
	}
	defer pool.Close()
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{Schema: o.schema, Logger: cliLogger(stderr, o.quiet, false)})
	if err != nil {
		return fmt.Errorf("job queue: %w", err)
	}
	var b jobs.Batch
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		b, err = jobs.Enqueue(ctx, client, tx, p.collect, p.month)
		return err
	})
	if err != nil {
		return err
	}
	if !o.quiet {
		fmt.Fprintf(stderr, "enqueued %s: %d collect jobs and month job %d\n", p.month.Month, len(b.Collect), b.Month)
	}
	if !o.wait {
		return nil
	}
	start := time.Now()
	s, err := jobs.Wait(ctx, client, b, o.poll, func(s jobs.Status) {
		if !o.quiet {
			fmt.Fprintf(stderr, "%s: %d of %d files collected, month job %s\n", time.Since(start).Round(100*time.Millisecond), s.Collected, s.Files, s.Month)
		}
	})
	if err != nil {
		return fmt.Errorf("waiting for month job %d: %w", b.Month, err)
	}
	if s.Output == nil {
		return fmt.Errorf("month job %d %s: %s", b.Month, s.Month, s.Err)
	}
	if !o.quiet {
		out := s.Output
		fmt.Fprintf(stderr, "stored %s with %s: %d RIB entries, %d updates, %d routes, %d ASNs, %d incidents (%d of %d MRT files from the partial cache) in %s\n",
			p.month.Month, p.month.Spec, out.RIBEntries, out.Updates, out.Routes, out.ASNs, out.Incidents, out.Hits, out.Hits+out.Misses,
			time.Since(start).Round(time.Millisecond))
	}
	return nil
}
