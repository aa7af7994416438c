package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/conformance"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

func init() { register(newConformanceCmd) }

func newConformanceCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "conformance",
		Short: "Minimum-conformance monitoring: the month's flags, and the secretariat's notification",
		Long: `conformance applies the specification's minimum (its "minimum" section) to the
stored months: a participant's ASN is flagged when one of its Actions stayed at a
failing level for the rule's consecutive months, or had no data for its months.`,
	}
	cmd.AddCommand(newConformanceFlagsCmd(), newConformanceNotifyCmd())
	return cmd
}

type conformanceFlagsOptions struct {
	monthFlags
	format string
}

func newConformanceFlagsCmd() *cobra.Command {
	var o conformanceFlagsOptions
	cmd := &cobra.Command{
		Use:   "flags --db DSN [--month YYYY-MM] [--format table|csv|json]",
		Short: "Print the month's minimum-conformance flags",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.format != "table" && o.format != "csv" && o.format != "json" {
				return usageError(fmt.Errorf("--format %q: want table, csv or json", o.format))
			}
			r, st, err := readFlags(cmd.Context(), o.monthFlags)
			if err != nil {
				return err
			}
			st.Close()
			return writeFlags(cmd.OutOrStdout(), r, o.format)
		},
	}
	o.monthFlags.register(cmd)
	cmd.Flags().StringVar(&o.format, "format", "table", "table, csv or json")
	return cmd
}

// readFlags computes the month's flags, with the store's registry; the
// store is left open for the caller, closed on error.
func readFlags(ctx context.Context, o monthFlags) (*wire.ConformanceFlags, store.Store, error) {
	st, m, err := openMonth(ctx, o.db, o.month, o.spec)
	if err != nil {
		return nil, nil, err
	}
	var reg []store.Registered
	if svc, ok := st.(store.Service); ok {
		if reg, err = svc.RegisteredParticipants(ctx); err != nil {
			st.Close()
			return nil, nil, fmt.Errorf("read the participants registry: %w", err)
		}
	}
	r, err := conformance.Flags(ctx, conformance.Input{Store: st, Registry: reg, Month: vocab.MonthOf(m), Spec: o.spec})
	if err != nil {
		st.Close()
		if errors.Is(err, conformance.ErrNoMonth) {
			return nil, nil, &exitError{code: 2, err: err}
		}
		return nil, nil, err
	}
	return r, st, nil
}

func writeFlags(w io.Writer, r *wire.ConformanceFlags, format string) error {
	switch format {
	case "csv":
		return conformance.WriteCSV(w, r)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "# %s %s: %d flags, %d participants checked (%s)\n", vocab.MonthOf(r.Month), r.Spec, len(r.Items), r.Participants, r.Source)
	fmt.Fprintln(tw, "ORGANISATION\tASN\tACTION\tSCORE\tKIND\tSINCE\tMONTHS\tNEW\tVALUE")
	for _, f := range r.Items {
		var v *float64
		if n := len(f.Evidence); n > 0 {
			v = f.Evidence[n-1].Value
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%d\t%t\t%s\n", f.Organisation, f.ASN, f.Action, f.Score, f.Kind,
			vocab.MonthOf(f.Since), f.Months, f.New, conformance.FormatValue(v))
	}
	return tw.Flush()
}

type conformanceNotifyOptions struct {
	monthFlags
	webhook  string
	attempts int
	backoff  time.Duration
}

func newConformanceNotifyCmd() *cobra.Command {
	var o conformanceNotifyOptions
	cmd := &cobra.Command{
		Use:   "notify --db DSN --webhook URL [--month YYYY-MM]",
		Short: "POST the month's new flags to the secretariat's webhook, once",
		Long: `notify POSTs the month's new flags (those whose run reached the rule's length
this month) as JSON to the webhook, retrying on 5xx answers and network errors,
and records it in the store: the same month is never sent twice. A month that
was sent already is reported and not sent again (exit status 0).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := conformance.CheckWebhook(o.webhook); err != nil {
				return usageError(err)
			}
			return runConformanceNotify(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), o)
		},
	}
	o.monthFlags.register(cmd)
	f := cmd.Flags()
	f.StringVar(&o.webhook, "webhook", "", "the secretariat's webhook, an http or https URL")
	f.IntVar(&o.attempts, "attempts", 4, "tries in all on 5xx answers and network errors")
	f.DurationVar(&o.backoff, "backoff", time.Second, "wait before the first retry, doubled after each")
	return cmd
}

func runConformanceNotify(ctx context.Context, out, errw io.Writer, o conformanceNotifyOptions) error {
	r, st, err := readFlags(ctx, o.monthFlags)
	if err != nil {
		return err
	}
	defer st.Close()
	if isReadOnly(st) {
		return fmt.Errorf("the store is read-only: a notification could not be recorded, so none is sent")
	}
	rec, ok := st.(store.Notifications)
	if !ok {
		return fmt.Errorf("store %T keeps no record of notifications", st)
	}
	res, err := conformance.Notify(ctx, rec, r, conformance.NotifyOptions{Webhook: o.webhook, Attempts: o.attempts, Backoff: o.backoff,
		Logger: slog.New(slog.NewTextHandler(errw, nil))})
	if err != nil {
		return err
	}
	month := vocab.MonthOf(r.Month)
	if res.Already != nil {
		fmt.Fprintf(out, "%s %s: already sent at %s (digest %s); not sent again\n", month, r.Spec,
			res.Already.SentAt.Format(time.RFC3339), res.Already.Digest)
		return nil
	}
	fmt.Fprintf(out, "%s %s: sent %d new flags of %d in %d attempts (digest %s)\n", month, r.Spec, res.Flags, len(r.Items), res.Attempts, res.Digest)
	return nil
}
