package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"time"

	"github.com/spf13/cobra"

	"github.com/observatory-net/observatory/internal/dataset"
	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/monthjob"
	"github.com/observatory-net/observatory/internal/participants"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

func init() { register(newIngestCmd) }

type ingestOptions struct {
	db, data, month, spec string
	participants          string
	explicit              map[dataset.Kind]*[]string
	allTime, strict       bool
	workers               int
	quiet, verbose        bool
	cache                 cacheFlags
}

func newIngestCmd() *cobra.Command {
	var o ingestOptions
	cmd := &cobra.Command{
		Use:   "ingest --db FILE (--data DIR | --mrt F --vrps F ...) [--month YYYY-MM]",
		Short: "Compute a month from a data directory and store it",
		Long: `ingest reads a data directory laid out like ../shared/data (files are
recognised by content, at any depth), streams every MRT file in parallel,
classifies every route, scores every measured ASN with the specification, and
writes the month to the store in one transaction: a failed or interrupted
ingest leaves the previous data intact.

Inputs may also be named one kind at a time (--mrt, --vrps, --irr, --as-rel,
--delegated, --iana, --bogons, --peeringdb, --spoofer, --asnames; files or directories,
repeatable), alone or added to --data; a file whose content is another kind
is refused.

--month defaults to the month of the newest dated MRT file. --all-time keeps
MRT records outside the month (for test data of another period).

Damaged input follows one rule: a damaged record (a line, object, element
or MRT record that cannot be decoded, or the end of a truncated file) is
reported with its file, record and byte offset, and skipped; the month is
computed from the rest. The report is counted per file, with the first few
locations, on standard error and in the month's warnings (observatory
months). --strict makes the first damaged record fatal instead: exit 2,
the error naming file, record and offset, and nothing written (the stored
version of the month stays). Files whose content is not recognised are not
read, and listed in the warnings.

Symbolic links in the data directory are followed, to files and to
directories (a directory reached twice is read once); the month records,
for each input reached through a link, the link's path and the real path
it resolved to (observatory months shows both). A link that leads back to
a directory being read (a loop) is an error.

--cache DIR keeps each MRT file's partial (what the file says, ready to be
merged) in DIR: a file collected before with the same month and options is
not read again, and the month is the same as from scratch (see
docs/incremental.md). --cache-prune N then removes the partials this month
did not use that are older than N days.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runIngest(cmd.Context(), cmd.ErrOrStderr(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.db, "db", "", "store: an SQLite file")
	f.StringVar(&o.data, "data", "", "data directory")
	f.StringVar(&o.month, "month", "", "month to compute, YYYY-MM")
	f.StringVar(&o.spec, "spec", spec.Default, "scoring specification ID[@VERSION]")
	f.StringVar(&o.participants, "participants", "", "participants file (CSV or JSON): adds the participants scope")
	f.BoolVar(&o.allTime, "all-time", false, "do not drop MRT records outside the month")
	f.BoolVar(&o.strict, "strict", false, "make the first damaged input record fatal (exit 2, nothing written) instead of skipping and reporting it")
	f.IntVar(&o.workers, "workers", runtime.GOMAXPROCS(0), "MRT files read at once")
	o.explicit = map[dataset.Kind]*[]string{}
	for _, k := range explicitKinds {
		o.explicit[k.kind] = f.StringSlice(k.flag, nil, k.help)
	}
	f.BoolVarP(&o.quiet, "quiet", "q", false, "print nothing but errors")
	f.BoolVarP(&o.verbose, "verbose", "v", false, "log every step")
	o.cache.register(f, "directory of the MRT files' partials: a file collected before with the same options is not read again (docs/incremental.md)", 0)
	return cmd
}

// explicitKinds are the per-kind input flags of ingest.
var explicitKinds = []struct {
	flag string
	kind dataset.Kind
	help string
}{
	{"mrt", dataset.KindMRT, "MRT RIB or update dumps"},
	{"vrps", dataset.KindVRP, "RPKI VRPs/ASPA (rpki-client or Routinator JSON/CSV)"},
	{"irr", dataset.KindIRR, "IRR databases and RIR whois dumps (RPSL: route, aut-num, person, role)"},
	{"as-rel", dataset.KindASRel, "CAIDA AS relationships"},
	{"delegated", dataset.KindDelegated, "RIR delegated statistics"},
	{"iana", dataset.KindIANAv4, "IANA IPv4 address space registry"},
	{"bogons", dataset.KindBogons, "bogon prefix lists"},
	{"peeringdb", dataset.KindPeeringDB, "PeeringDB API pages or dump"},
	{"spoofer", dataset.KindSpoofer, "CAIDA Spoofer results"},
	{"asnames", dataset.KindASNames, "AS name lists (potaroo autnums, pyasn asnames.json)"},
	{"rdap", dataset.KindRDAP, "cached RDAP autnum answers (ARIN, LACNIC), one JSON file per ASN"},
}

// inputFiles gathers the files of --data and of the per-kind flags, each
// path once.
func inputFiles(ctx context.Context, o ingestOptions) ([]dataset.File, error) {
	var files []dataset.File
	if o.data != "" {
		fs, err := dataset.Discover(ctx, o.data)
		if err != nil {
			return nil, usageError(err)
		}
		files = fs
	}
	for _, k := range explicitKinds {
		for _, p := range *o.explicit[k.kind] {
			fs, err := dataset.Explicit(ctx, k.kind, p)
			if err != nil {
				return nil, usageError(fmt.Errorf("--%s: %w", k.flag, err))
			}
			files = append(files, fs...)
		}
	}
	// A file both found in --data and named with a kind flag is pinned.
	seen := map[string]int{}
	out := files[:0]
	for _, f := range files {
		if i, ok := seen[f.Path]; ok {
			out[i].Pinned = out[i].Pinned || f.Pinned
			continue
		}
		seen[f.Path] = len(out)
		out = append(out, f)
	}
	if len(out) == 0 {
		return nil, usageError(fmt.Errorf("no input: give --data DIR or per-kind flags (--mrt, --vrps, …)"))
	}
	return out, nil
}

func runIngest(ctx context.Context, stderr io.Writer, o ingestOptions) error {
	sp, err := spec.Get(o.spec)
	if err != nil {
		return usageError(err)
	}
	log := cliLogger(stderr, o.quiet, o.verbose)
	if err := o.cache.check(); err != nil {
		return err
	}
	start := time.Now()
	files, err := inputFiles(ctx, o)
	if err != nil {
		return err
	}
	month, err := ingestMonth(o.month, files)
	if err != nil {
		return err
	}
	damaged := &inputerr.Log{Strict: o.strict}
	parts, err := readParticipants(o.participants, damaged)
	if err != nil {
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
	job := monthjob.Job{Files: files, Month: month, Spec: sp, Participants: parts, Damaged: damaged,
		Workers: o.workers, AllTime: o.allTime, Log: log}
	cached := o.cache.job(&job)
	m, err := runJob(ctx, st, job, stderr, o.quiet)
	if err != nil {
		return err
	}
	if line := o.cache.done(cached, log); line != "" && !o.quiet {
		fmt.Fprintln(stderr, line)
	}
	for _, w := range m.Meta.Warnings {
		log.Warn(w)
	}
	if !o.quiet {
		fmt.Fprintf(stderr, "ingested %s with %s: %d RIB entries, %d updates, %d routes, %d ASNs, %d incidents, %d warnings (%d damaged records skipped) in %s\n",
			month.Format(vocab.MonthLayout), sp.Ref(), m.Meta.Stats.RIBEntries, m.Meta.Stats.Updates, m.Meta.Stats.Routes,
			m.Meta.Stats.MeasuredASN, m.Meta.Stats.Incidents, len(m.Meta.Warnings), damaged.Count(), time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// readParticipants reads a participants file, if one is named, with the
// rule for damaged records of the other inputs.
func readParticipants(path string, damaged *inputerr.Log) (*participants.List, error) {
	if path == "" {
		return nil, nil
	}
	parts, err := participants.LoadFile(path, damaged)
	if err != nil {
		return nil, &exitError{code: 2, err: err}
	}
	return parts, nil
}

// writable refuses a store that was opened read-only before an ingest
// spends minutes on a month it could not write.
func writable(st store.Store, dsn string) error {
	if isReadOnly(st) {
		return &exitError{code: 2, err: fmt.Errorf("store %s: %w: the month could not be written", redactDSN(dsn), store.ErrReadOnly)}
	}
	return nil
}

// runJob runs a month job with the command's progress bar on stderr, and
// maps a failure on the input to exit status 2.
func runJob(ctx context.Context, st store.Store, j monthjob.Job, stderr io.Writer, quiet bool) (*store.Month, error) {
	j.Progress = func(total int64) monthjob.Progress { return newProgress(stderr, quiet, total, "reading MRT") }
	m, err := monthjob.Run(ctx, st, j)
	if ie := (*monthjob.InputError)(nil); errors.As(err, &ie) {
		return nil, &exitError{code: 2, err: ie.Err}
	}
	return m, err
}

// ingestMonth is --month, or the month of the newest dated MRT file.
func ingestMonth(flag string, files []dataset.File) (time.Time, error) {
	if flag != "" {
		return parseMonth(flag)
	}
	month, ok := monthjob.NewestMonth(files)
	if !ok {
		return time.Time{}, usageError(fmt.Errorf("no dated MRT file in the data directory: give --month"))
	}
	return month, nil
}

// cliLogger logs warnings (and with verbose, progress) to stderr.
func cliLogger(w io.Writer, quiet, verbose bool) *slog.Logger {
	return leveledLogger(w, slog.LevelWarn, quiet, verbose)
}

// leveledLogger logs from level up: from errors only with quiet, from
// debug with verbose.
func leveledLogger(w io.Writer, level slog.Level, quiet, verbose bool) *slog.Logger {
	switch {
	case quiet:
		level = slog.LevelError
	case verbose:
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}
