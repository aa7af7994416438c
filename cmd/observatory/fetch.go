package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/observatory-net/observatory/internal/fetch"
	"github.com/observatory-net/observatory/internal/sources"
	"github.com/observatory-net/observatory/internal/vocab"
)

func init() { register(newFetchCmd) }

// fetchFlags are the flags fetch and run share.
type fetchFlags struct {
	dest, mirror, sources string
	concurrency, attempts int
	backoff               time.Duration
}

func (o *fetchFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&o.dest, "dest", "observatory-cache", "cache directory, laid out by source and date")
	f.StringVar(&o.mirror, "mirror", "", "base URL or directory standing for every source's host, in the sources' path layout")
	f.StringVar(&o.sources, "sources", "", "user sources file merged over the built-in catalogue (see observatory sources)")
	f.IntVar(&o.concurrency, "concurrency", 0, "downloads at once (0: the catalogue's setting)")
	f.IntVar(&o.attempts, "attempts", 0, "attempts per file on network errors and 5xx (0: the catalogue's setting)")
	f.DurationVar(&o.backoff, "backoff", 0, "first wait between attempts, doubled each time (0: the catalogue's setting)")
}

// options reads the catalogue and turns the flags into fetch options.
func (o *fetchFlags) options(stderr io.Writer, quiet, verbose bool) (*sources.Catalogue, fetch.Options, error) {
	cat, err := sources.Load(o.sources)
	if err != nil {
		return nil, fetch.Options{}, usageError(err)
	}
	st := cat.Settings
	opt := fetch.Options{Dest: o.dest, Mirror: o.mirror, Concurrency: st.Concurrency, Attempts: st.Attempts,
		Backoff: time.Duration(st.Backoff), UserAgent: "observatory/" + version, Log: cliLogger(stderr, quiet, verbose)}
	if o.concurrency > 0 {
		opt.Concurrency = o.concurrency
	}
	if o.attempts > 0 {
		opt.Attempts = o.attempts
	}
	if o.backoff > 0 {
		opt.Backoff = o.backoff
	}
	opt.Progress = fileProgress(stderr, quiet)
	return cat, opt, nil
}

// fileProgress shows a bar of files on a terminal; nil otherwise.
func fileProgress(w io.Writer, quiet bool) func(done, total int, bytes int64) {
	f, ok := w.(*os.File)
	if quiet || !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	var bar *progressbar.ProgressBar
	return func(done, total int, bytes int64) {
		if bar == nil {
			bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription("fetching"),
				progressbar.OptionShowCount(), progressbar.OptionClearOnFinish(), progressbar.OptionFullWidth(),
				progressbar.OptionThrottle(100*time.Millisecond))
		}
		bar.Describe(fmt.Sprintf("fetching (%.1f MB)", float64(bytes)/1e6))
		bar.Set(done) //nolint:errcheck // rendering errors only
		if done == total {
			bar.Finish() //nolint:errcheck // rendering errors only
		}
	}
}

func newFetchCmd() *cobra.Command {
	var (
		o              fetchFlags
		rd             rdapFlags
		month, format  string
		quiet, verbose bool
	)
	cmd := &cobra.Command{
		Use:   "fetch --month YYYY-MM [--dest DIR] [--mirror URL|DIR] [--sources FILE]",
		Short: "Download the public data a month needs into a cache",
		Long: `fetch expands the sources catalogue for a month (up to today for the
current month) and downloads its files into --dest, laid out by source and
date: 4 at once by default, resuming partial files (HTTP Range), retrying
network errors and 5xx with exponential backoff, and verifying every file
(decompressed to its end, its content recognised). The report, with the size
and SHA-256 of every file, goes to DEST/manifest-YYYY-MM.json; a missing or
corrupt file is reported, never fatal.

--mirror replaces every source's host by a base URL, or by a directory,
keeping each source's path layout (offline use, tests).

--rdap arin,lacnic then asks those registries' RDAP servers for the
registry contacts (Coordination, M8) of every ASN the delegated statistics
under --dest give them, one request per --rdap-interval (1 s), and keeps
each answer in DEST/rdap/REGISTRY/autnum/ASn.json, which ingest reads
offline. Cached answers are not asked again; --rdap-max bounds the
requests of one run. RDAP answers are today's, whatever the month.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := parseMonth(month)
			if err != nil {
				return err
			}
			cat, opt, err := o.options(cmd.ErrOrStderr(), quiet, verbose)
			if err != nil {
				return err
			}
			rep, err := fetchMonth(cmd.Context(), cat, opt, m, time.Now())
			if err != nil {
				return err
			}
			if err := printReport(cmd.OutOrStdout(), rep, format); err != nil || len(rd.registries) == 0 {
				return err
			}
			st, err := fillRDAP(cmd.Context(), o.dest, opt.UserAgent, rd, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			if !quiet {
				fmt.Fprintln(cmd.ErrOrStderr(), st)
			}
			return nil
		},
	}
	o.register(cmd)
	f := cmd.Flags()
	rd.register(f)
	f.StringVar(&month, "month", "", "month to fetch, YYYY-MM")
	f.StringVar(&format, "format", "text", "report format: text or json")
	f.BoolVarP(&quiet, "quiet", "q", false, "print nothing but errors")
	f.BoolVarP(&verbose, "verbose", "v", false, "log every step")
	cmd.MarkFlagRequired("month") //nolint:errcheck // the flag exists
	return cmd
}

// fetchMonth expands the catalogue for a month and fetches it.
func fetchMonth(ctx context.Context, cat *sources.Catalogue, opt fetch.Options, month, now time.Time) (*fetch.Report, error) {
	files, err := cat.Expand(month, now)
	if err != nil {
		return nil, usageError(err)
	}
	return fetch.Fetch(ctx, month.Format(vocab.MonthLayout), files, opt)
}

func printReport(w io.Writer, rep *fetch.Report, format string) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	case "text":
		for _, l := range rep.Lines() {
			fmt.Fprintln(w, l)
		}
		return nil
	}
	return usageError(fmt.Errorf("--format %q: want text or json", format))
}
