package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/observatory-net/observatory/internal/fetch"
	"github.com/observatory-net/observatory/internal/forwarded"
	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/monthjob"
	"github.com/observatory-net/observatory/internal/runner"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store/postgres"
	"github.com/observatory-net/observatory/internal/vocab"
)

func init() { register(newRunCmd) }

type runOptions struct {
	fetchFlags
	serve                                       serveOptions
	db, data, month, spec, participants, listen string
	once, quiet, verbose, strict                bool
	workers                                     int
	cache                                       cacheFlags
	cacheSet                                    bool // --cache given: "" turns the cache off
}

func newRunCmd() *cobra.Command {
	var o runOptions
	cmd := &cobra.Command{
		Use:   "run [--db FILE] [--once] [--month YYYY-MM] [--mirror URL|DIR | --data DIR] [--listen ADDR]",
		Short: "Fetch, ingest, score and serve, on a daily schedule",
		Long: `run is the observatory's main job, in one process with the embedded store:
it fetches the current month's public data (see observatory fetch and
observatory sources), ingests and scores it, serves the API on --listen, and
keeps going: the current month is recomputed every day at 02:00 UTC, and on
the 1st the previous month is computed a last time and so finalised (at
start too, when it is not stored as final yet). The
fetch coverage (files missing, failed or corrupt, and why) is recorded with
the month's warnings: observatory months shows them.

--once does one pass (fetch, ingest, score) for --month (default: the current
month) and exits, without serving. --month without --once computes that
month once and then serves it, with no schedule (offline use with --data). --data DIR ingests a directory instead of
fetching (offline use); --mirror fetches from a mirror in the sources' layout.

Damaged input records are reported and skipped, as observatory ingest does
(see its help); --strict makes the first one fail the pass (the stored
month stays as it was).

SIGINT or SIGTERM stop it gracefully: a month is written in one transaction,
so an interrupted pass leaves the stored months as they were; run again and
the fetch resumes from the cache.

Each MRT file is read once: its partial is kept in --cache (default: a
partials directory beside the SQLite store, or beside --dest with
PostgreSQL; --cache '' reads every file every day), so the daily pass reads
only the new day's files and merges the partials of the others, with the
same result as from scratch (docs/incremental.md). Partials no pass used
for --cache-prune days are removed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			o.cacheSet = cmd.Flags().Changed("cache")
			return runMain(ctx, cmd.OutOrStdout(), cmd.ErrOrStderr(), o)
		},
	}
	o.fetchFlags.register(cmd)
	f := cmd.Flags()
	f.StringVar(&o.db, "db", "observatory.db", "store: an SQLite file or a postgres:// DSN")
	f.StringVar(&o.data, "data", "", "ingest this data directory instead of fetching")
	f.StringVar(&o.month, "month", "", "month to compute, YYYY-MM: with --once, then exit; without, then serve it (no schedule)")
	f.BoolVar(&o.once, "once", false, "one pass (fetch, ingest, score), then exit")
	f.StringVar(&o.listen, "listen", "127.0.0.1:8080", "address the API listens on (not with --once)")
	o.serve.flags(f) // the server's settings are serve's, under the same flags
	f.StringVar(&o.spec, "spec", spec.Default, "scoring specification ID[@VERSION]")
	f.StringVar(&o.participants, "participants", "", "participants file (CSV or JSON): adds the participants scope")
	f.IntVar(&o.workers, "workers", runtime.GOMAXPROCS(0), "MRT files read at once")
	f.BoolVar(&o.strict, "strict", false, "make the first damaged input record fail the pass instead of skipping and reporting it")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "print nothing but errors")
	f.BoolVarP(&o.verbose, "verbose", "v", false, "log every step")
	o.cache.register(f, "directory of the MRT files' partials (default: partials beside the SQLite store, or beside --dest)", 45)
	return cmd
}

func runMain(ctx context.Context, stdout, stderr io.Writer, o runOptions) error {
	sp, err := spec.Get(o.spec)
	if err != nil {
		return usageError(err)
	}
	if o.data != "" && o.mirror != "" {
		return usageError(errorf("--data and --mirror exclude each other"))
	}
	if _, err := forwarded.ParseProxies(o.serve.trustedProxies); err != nil { // before hours of fetching
		return usageError(fmt.Errorf("--trusted-proxy: %w", err))
	}
	cat, fopt, err := o.fetchFlags.options(stderr, o.quiet, o.verbose)
	if err != nil {
		return err
	}
	// The participants file is read once; its damaged records, if any,
	// are reported with every month computed.
	partsDamaged := &inputerr.Log{Strict: o.strict}
	parts, err := readParticipants(o.participants, partsDamaged)
	if err != nil {
		return err
	}
	log := cliLogger(stderr, o.quiet, o.verbose)
	if !o.verbose && !o.quiet { // the passes are what an operator follows
		log = runLogger(stderr)
	}
	if !o.cacheSet {
		o.cache.dir = defaultPartials(o.db, o.dest)
	}
	if err := o.cache.check(); err != nil {
		return err
	}
	st, err := openStore(ctx, o.db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := writable(st, o.db); err != nil {
		return err
	}
	ingestFn := func(ctx context.Context, w runner.Work) error {
		damaged := &inputerr.Log{Strict: o.strict}
		job := monthjob.Job{Files: w.Files, Month: w.Month, Spec: sp, Participants: parts, Damaged: damaged,
			Workers: o.workers, Inputs: w.Inputs, Warnings: slices.Concat(w.Warnings, partsDamaged.Lines()), Log: log}
		cached := o.cache.job(&job)
		_, err := runJob(ctx, st, job, stderr, o.quiet)
		for _, l := range damaged.Lines() { // in the month's warnings too
			log.Warn(l)
		}
		if err == nil {
			if line := o.cache.done(cached, log); line != "" {
				log.Info(line, "month", w.Month.Format(vocab.MonthLayout))
			}
		}
		return err
	}
	final := func(ctx context.Context, month time.Time) (bool, error) { return monthjob.Final(ctx, st, sp, month) }
	r := runner.New(runner.Config{Catalogue: cat, Fetch: fopt, Data: o.data, Ingest: ingestFn, Final: final, Log: log,
		Report: func(rep *fetch.Report) {
			if o.once {
				printReport(stdout, rep, "text") //nolint:errcheck // best effort, the month records it too
			}
		}})
	if o.once || o.month != "" {
		month := vocab.MonthOf(time.Now()).Start()
		if o.month != "" {
			if month, err = parseMonth(o.month); err != nil {
				return err
			}
		}
		if err := r.Pass(ctx, month); err != nil || o.once {
			return err
		}
		// A month named without --once is computed once, then served:
		// there is no schedule for a fixed month.
		if o.listen == "" {
			return nil
		}
		return serve(ctx, o.serveOptions(), stderr, nil)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 1)
	if o.listen != "" {
		go func() {
			defer cancel() // a server that cannot listen stops the schedule
			errc <- serve(ctx, o.serveOptions(), stderr, nil)
		}()
	} else {
		errc <- nil
	}
	err = r.Run(ctx)
	if serr := <-errc; err == nil {
		err = serr
	}
	return err
}

// serveOptions are the server's settings under run: serve's flags, on
// run's store and address.
func (o *runOptions) serveOptions() serveOptions {
	so := o.serve
	so.db, so.listen = o.db, o.listen
	so.accessLog = so.accessLog && !o.quiet // --quiet prints nothing but errors
	return so
}

// defaultPartials is run's partial cache: beside the SQLite store, or
// with PostgreSQL beside the fetch cache, never inside a data directory
// (whose files are all read as inputs).
func defaultPartials(db, dest string) string {
	if postgres.IsDSN(db) {
		return filepath.Join(filepath.Dir(filepath.Clean(dest)), "partials")
	}
	return filepath.Join(filepath.Dir(db), "partials")
}

// errorf is fmt.Errorf for the messages of this file.
func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

// runLogger logs the passes (info) of run to stderr.
func runLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}
