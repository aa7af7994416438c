package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

func init() { register(newMonthsCmd) }

func newMonthsCmd() *cobra.Command {
	var db, format string
	cmd := &cobra.Command{
		Use:   "months --db DSN [--format text|json]",
		Short: "List the stored months with what they rest on",
		Long: `months lists the stored months, newest first: when each was computed,
whether the month had ended (final), its inputs, the reference files found
but not used and why (of each kind of reference data, and within it of each
registry or IRR source, only the snapshot nearest to the month is read: one
coherent month), and its warnings, among
them the fetch coverage run records (files missing, failed or corrupt, and
why) and the damaged input records ingest skipped (file, record, offset).

Each input is listed with its kind, path (or URL), size and SHA-256 of the
bytes read; an input reached through a symbolic link also shows the real
path it resolved to ("PATH -> TARGET"; Target in JSON).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := openStore(cmd.Context(), db)
			if err != nil {
				return err
			}
			defer st.Close()
			months, err := st.Months(cmd.Context())
			if err != nil {
				return err
			}
			return printMonths(cmd.OutOrStdout(), months, format)
		},
	}
	cmd.Flags().StringVar(&db, "db", "", "store: an SQLite file or a postgres:// DSN")
	cmd.Flags().StringVar(&format, "format", "text", "text or json")
	return cmd
}

// monthJSON is a month's metadata as months --format json prints it.
type monthJSON struct {
	Month      string        `json:"month"`
	Spec       string        `json:"spec"`
	IngestedAt time.Time     `json:"ingested_at"`
	Final      bool          `json:"final"`
	Inputs     []store.Input `json:"inputs"`
	// NotUsed are the reference files found and left out, with why.
	NotUsed  []store.NotUsedInput `json:"not_used"`
	Warnings []string             `json:"warnings"`
	Stats    store.Stats          `json:"stats"`
}

func printMonths(w io.Writer, months []store.MonthMeta, format string) error {
	switch format {
	case "json":
		out := make([]monthJSON, 0, len(months))
		for _, m := range months {
			if m.NotUsed == nil {
				m.NotUsed = []store.NotUsedInput{}
			}
			out = append(out, monthJSON{Month: m.Month.Format(vocab.MonthLayout), Spec: m.Spec, IngestedAt: m.IngestedAt,
				Final: m.Final, Inputs: m.Inputs, NotUsed: m.NotUsed, Warnings: m.Warnings, Stats: m.Stats})
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "text":
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, m := range months {
			fmt.Fprintf(tw, "%s\t%s\tcomputed %s\tfinal %t\t%d inputs\t%d not used\t%d warnings\n", m.Month.Format(vocab.MonthLayout), m.Spec,
				m.IngestedAt.UTC().Format(time.RFC3339), m.Final, len(m.Inputs), len(m.NotUsed), len(m.Warnings))
			for _, in := range m.Inputs {
				fmt.Fprintf(tw, "\tinput %s\n", inputLine(in))
			}
			for _, n := range m.NotUsed {
				fmt.Fprintf(tw, "\tnot used %s %s: %s\n", n.Kind, n.Path, n.Reason)
			}
			for _, x := range m.Warnings {
				fmt.Fprintf(tw, "\twarning %s\n", x)
			}
		}
		return tw.Flush()
	}
	return usageError(fmt.Errorf("--format %q: want text or json", format))
}

// inputLine renders an input for the text listing: "KIND PATH [-> TARGET]
// SIZE bytes sha256 HEX".
func inputLine(in store.Input) string {
	path := in.Path
	if in.Target != "" {
		path += " -> " + in.Target
	}
	sum := in.SHA256
	if sum == "" {
		sum = "unknown"
	}
	return fmt.Sprintf("%s %s %d bytes sha256 %s", in.Kind, path, in.Size, sum)
}
