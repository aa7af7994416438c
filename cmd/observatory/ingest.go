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
	"github.com/observatory-net/observatory/internal/ingest"
	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/participants"
	"github.com/observatory-net/observatory/internal/rescore"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
)

func init() { register(newIngestCmd) }

type ingestOptions struct {
	db, data, month, spec string
	participants          string
	explicit              map[dataset.Kind]*[]string
	allTime, strict       bool
	workers               int
	quiet, verbose        bool
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
a directory being read (a loop) is an error.`,
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
	m, err := ingestFiles(ctx, st, ingestJob{files: files, month: month, spec: sp, participants: parts, damaged: damaged,
		workers: o.workers, allTime: o.allTime, log: log, stderr: stderr, quiet: o.quiet})
	if err != nil {
		return err
	}
	for _, w := range m.Meta.Warnings {
		log.Warn(w)
	}
	if !o.quiet {
		fmt.Fprintf(stderr, "ingested %s with %s: %d RIB entries, %d updates, %d routes, %d ASNs, %d incidents, %d warnings (%d damaged records skipped) in %s\n",
			month.Format("2006-01"), sp.Ref(), m.Meta.Stats.RIBEntries, m.Meta.Stats.Updates, m.Meta.Stats.Routes,
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

// ingestJob is one ingest of files into a store.
type ingestJob struct {
	files        []dataset.File
	month        time.Time
	spec         *spec.Spec
	participants *participants.List
	// damaged receives the damaged records of the inputs; its report
	// joins the month's warnings. Nil is strict.
	damaged *inputerr.Log
	workers int
	allTime bool
	// inputs, when set, are what the month records it rests on (run: the
	// fetched files with their sizes and SHA-256).
	inputs []store.Input
	// warnings are added to the month's own (run adds the fetch coverage).
	warnings []string
	log      *slog.Logger
	stderr   io.Writer
	quiet    bool
}

// ingestFiles loads the reference data, computes the month and writes it
// in one transaction.
func ingestFiles(ctx context.Context, st store.Store, j ingestJob) (*store.Month, error) {
	start := time.Now()
	set, err := dataset.Load(ctx, j.files, dataset.Options{Month: j.month, Damaged: j.damaged, Log: j.log})
	if err != nil {
		return nil, &exitError{code: 2, err: err}
	}
	j.log.Info("loaded reference data", "files", len(j.files), "mrt", len(set.MRT), "vrps", set.RPKI.Len(), "elapsed", time.Since(start))
	bar := newProgress(j.stderr, j.quiet, mrtBytes(set), "reading MRT")
	m, err := ingest.Compute(ctx, ingest.Config{Month: j.month, Spec: j.spec, Data: set, Workers: j.workers, AllTime: j.allTime,
		Participants: j.participants, Damaged: j.damaged, Progress: bar.Set, Log: j.log})
	if err != nil {
		bar.Done()
		if errors.As(err, new(*inputerr.Error)) { // a damaged MRT record under --strict
			return nil, &exitError{code: 2, err: err}
		}
		return nil, err
	}
	if err := keepVerdicts(ctx, st, j.spec, m, j.log); err != nil {
		bar.Done()
		return nil, err
	}
	m.Meta.Warnings = append(m.Meta.Warnings, j.warnings...)
	if len(j.inputs) > 0 {
		m.Meta.Inputs = j.inputs
	}
	bar.Describe("writing the month")
	wstart := time.Now()
	err = st.WriteMonth(ctx, m)
	bar.Done()
	j.log.Info("stored the month", "elapsed", time.Since(wstart))
	if err != nil {
		return nil, fmt.Errorf("store month %s: %w", j.month.Format("2006-01"), err)
	}
	return m, nil
}

// ingestMonth is --month, or the month of the newest dated MRT file.
func ingestMonth(flag string, files []dataset.File) (time.Time, error) {
	if flag != "" {
		return parseMonth(flag)
	}
	var newest time.Time
	for _, f := range files {
		if f.Kind == dataset.KindMRT && f.Date.After(newest) {
			newest = f.Date
		}
	}
	if newest.IsZero() {
		return time.Time{}, usageError(fmt.Errorf("no dated MRT file in the data directory: give --month"))
	}
	return ingest.MonthStart(newest), nil
}

// mrtBytes is the size of the MRT files to read, for the progress bar.
func mrtBytes(set *dataset.Set) int64 {
	var n int64
	for _, f := range set.MRT {
		n += f.Size
	}
	return n
}

// cliLogger logs warnings (and with verbose, progress) to stderr.
func cliLogger(w io.Writer, quiet, verbose bool) *slog.Logger {
	level := slog.LevelWarn
	switch {
	case quiet:
		level = slog.LevelError
	case verbose:
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// keepVerdicts excludes again, from a re-computed month, the incidents
// whose false-positive feedback the secretariat accepted on the version
// being replaced, and re-scores their ASNs (rescore.Apply).
func keepVerdicts(ctx context.Context, st store.Store, sp *spec.Spec, m *store.Month, log *slog.Logger) error {
	svc, ok := st.(store.Service)
	if !ok {
		return nil
	}
	ids, err := rescore.Accepted(ctx, svc, m.Meta.Month, sp.Ref())
	if err != nil || len(ids) == 0 {
		return err
	}
	n := rescore.Apply(sp, m, ids)
	log.Info("kept accepted feedback", "accepted", len(ids), "excluded", n)
	return nil
}
