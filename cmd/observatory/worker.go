package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/spf13/cobra"

	"github.com/observatory-net/observatory/internal/jobs"
	"github.com/observatory-net/observatory/internal/store/postgres"
)

func init() { register(newWorkerCmd) }

type workerOptions struct {
	db, schema, cache                     string
	concurrency                           int
	jobTimeout, monthTimeout, rescueAfter time.Duration
	quiet, verbose                        bool
}

func newWorkerCmd() *cobra.Command {
	var o workerOptions
	cmd := &cobra.Command{
		Use:   "worker --db postgres://… [--cache DIR] [--concurrency N] [--rescue-after D]",
		Short: "Work a month's collect and month jobs from the PostgreSQL job queue",
		Long: `worker takes jobs from the River job queue in the PostgreSQL database of
--db, which is also the store the months are written to, until SIGINT or
SIGTERM: collect jobs (read one MRT file into the partial cache) and month
jobs (merge the cached partials, score and write the month in one
transaction). Any number of workers, on any number of machines, share a
month that observatory enqueue put on the queue; each logs every job with
its file and elapsed time.

River's tables live in the schema --river-schema of the same database,
created or migrated on start (idempotently; workers starting together take
turns). A job still running after --rescue-after (its worker was killed or
lost) and longer than its timeout (--job-timeout, --month-timeout) is made
available again by the queue's leader and done by another worker: a
collect job is idempotent (its cache entry is written whole, once per key),
and a month job writes the same month again. See docs/workers.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runWorker(ctx, cmd.ErrOrStderr(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.db, "db", "", "store and job queue: a postgres:// URL")
	f.StringVar(&o.cache, "cache", "", "where this machine sees the shared partial cache, if not at the path the jobs name (enqueue --cache)")
	f.StringVar(&o.schema, "river-schema", jobs.DefaultSchema, "PostgreSQL schema of River's tables")
	f.IntVar(&o.concurrency, "concurrency", 1, "jobs worked at once by this process")
	f.DurationVar(&o.jobTimeout, "job-timeout", 10*time.Minute, "longest a collect job may run before it is cancelled and retried")
	f.DurationVar(&o.monthTimeout, "month-timeout", time.Hour, "longest a month job may run")
	f.DurationVar(&o.rescueAfter, "rescue-after", 0, "a job running this long (and longer than its timeout) is taken back from its worker, a killed one, and retried; default: --job-timeout plus 5 minutes")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "print nothing but errors")
	f.BoolVarP(&o.verbose, "verbose", "v", false, "log every step")
	return cmd
}

// queueDB checks --db names PostgreSQL, the only store with a job queue.
func queueDB(dsn string) error {
	if dsn == "" {
		return usageError(fmt.Errorf("--db is required"))
	}
	if !postgres.IsDSN(dsn) {
		return usageError(fmt.Errorf("--db %s: the job queue needs a PostgreSQL store (postgres://…)", dsn))
	}
	return nil
}

// openQueue connects to the queue's database and migrates River's tables.
func openQueue(ctx context.Context, dsn, schema string) (*pgxpool.Pool, error) {
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("job queue %s: %w", redactDSN(dsn), err)
	}
	if err := jobs.Migrate(ctx, pool, schema); err != nil {
		pool.Close()
		return nil, fmt.Errorf("job queue %s: %w", redactDSN(dsn), err)
	}
	return pool, nil
}

func runWorker(ctx context.Context, stderr io.Writer, o workerOptions) error {
	if err := queueDB(o.db); err != nil {
		return err
	}
	if o.rescueAfter == 0 {
		o.rescueAfter = o.jobTimeout + 5*time.Minute
	}
	if o.concurrency < 1 || o.jobTimeout <= 0 || o.monthTimeout <= 0 || o.rescueAfter <= o.jobTimeout {
		return usageError(fmt.Errorf("want --concurrency ≥ 1, positive timeouts, and --rescue-after (%s) longer than --job-timeout (%s)",
			o.rescueAfter, o.jobTimeout))
	}
	log := workerLogger(stderr, o.quiet, o.verbose)
	st, err := openStore(ctx, o.db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := writable(st, o.db); err != nil {
		return err
	}
	pool, err := openQueue(ctx, o.db, o.schema)
	if err != nil {
		return err
	}
	defer pool.Close()
	cfg := jobs.WorkerConfig(jobs.ClientConfig{Schema: o.schema, Concurrency: o.concurrency, JobTimeout: o.jobTimeout,
		MonthTimeout: o.monthTimeout, RescueAfter: o.rescueAfter, Store: st, Cache: o.cache, Log: log, RiverLog: cliLogger(stderr, o.quiet, false)})
	client, err := river.NewClient(riverpgxv5.New(pool), cfg)
	if err != nil {
		return fmt.Errorf("job queue: %w", err)
	}
	if err := client.Start(ctx); err != nil {
		return fmt.Errorf("job queue: start: %w", err)
	}
	log.Info("worker started", "concurrency", o.concurrency, "schema", o.schema, "job_timeout", o.jobTimeout, "rescue_after", o.rescueAfter)
	<-ctx.Done()
	log.Info("worker stopping: finishing the jobs it holds")
	stopCtx, cancel := context.WithTimeout(context.Background(), o.jobTimeout)
	defer cancel()
	if err := client.Stop(stopCtx); err != nil {
		return fmt.Errorf("job queue: stop: %w", err)
	}
	return nil
}

// workerLogger logs each job (info), every step with verbose, and only
// errors with quiet.
func workerLogger(w io.Writer, quiet, verbose bool) *slog.Logger {
	return leveledLogger(w, slog.LevelInfo, quiet, verbose)
}
