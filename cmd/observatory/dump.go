package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/observatory-net/observatory/internal/bgpdump"
	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/mrt"
)

func init() { register(newDumpCmd) }

type dumpFlags struct {
	large, index, strict, resync, quiet bool
}

func newDumpCmd() *cobra.Command {
	var f dumpFlags
	cmd := &cobra.Command{
		Use:   "dump FILE...",
		Short: "Print MRT files in bgpdump's -m one-line format",
		Long: `dump prints every route of MRT files (RFC 6396) exactly as "bgpdump -m" does:
one line per RIB entry, announced or withdrawn prefix, or state change.
Compression (gzip, bzip2, zstd) is recognised from the content, not the name;
"-" reads standard input. Undecodable records are reported on standard error
with their file, record number and byte offset, and skipped.

Differences from bgpdump 1.6.2, on purpose: prefixes are printed masked,
4-octet AGGREGATORs in TABLE_DUMP records are read as such, and lines of the
deprecated BGP type keep their communities field.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDump(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), args, f)
		},
	}
	cmd.Flags().BoolVarP(&f.large, "large-communities", "l", false, "add the large-communities field (bgpdump -l)")
	cmd.Flags().BoolVarP(&f.index, "packet-index", "p", false, "add the 0-based MRT record index as the second field (bgpdump -p)")
	cmd.Flags().BoolVar(&f.strict, "strict", false, "stop at the first undecodable record with exit status 1")
	cmd.Flags().BoolVar(&f.resync, "resync", true, "skip damaged framing to the next plausible record header")
	cmd.Flags().BoolVarP(&f.quiet, "quiet", "q", false, "do not report skipped records on standard error")
	return cmd
}

func runDump(ctx context.Context, stdout, stderr io.Writer, files []string, f dumpFlags) error {
	w := bufio.NewWriterSize(stdout, 1<<20)
	defer w.Flush()
	var failed error
	for _, name := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := dumpFile(w, stderr, name, f); err != nil {
			if f.strict {
				return err
			}
			fmt.Fprintln(stderr, "observatory dump:", err)
			failed = &exitError{code: 1, err: fmt.Errorf("%s: not fully read", name)}
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return failed
}

func dumpFile(w *bufio.Writer, stderr io.Writer, name string, f dumpFlags) error {
	var in io.Reader = os.Stdin
	if name != "-" {
		fh, err := os.Open(name)
		if err != nil {
			return err
		}
		defer fh.Close()
		in = fh
	}
	dr, err := decompress.NewReader(in)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	defer dr.Close()
	warn := func(err error) {
		if !f.quiet {
			fmt.Fprintln(stderr, "observatory dump: warning:", err)
		}
	}
	sc := mrt.NewScanner(mrt.NewReader(dr, name, mrt.Options{Resync: f.resync, Warn: warn}), f.strict)
	opt := bgpdump.Options{Large: f.large, RecordIndex: f.index}
	var line []byte
	for e := range sc.Elems() {
		line = bgpdump.AppendLine(line[:0], e, opt)
		if _, err := w.Write(line); err != nil {
			return err
		}
	}
	return sc.Err()
}
