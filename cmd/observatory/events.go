package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/eventfeed"
	"github.com/observatory-net/observatory/internal/store"
)

func init() { register(newEventsCmd) }

// eventsFlags are the selection flags of `observatory events`.
type eventsFlags struct {
	monthFlags
	typ, asn, prefix, since string
	json                    bool
}

func newEventsCmd() *cobra.Command {
	var o eventsFlags
	cmd := &cobra.Command{
		Use:   "events --db DB [--month YYYY-MM] [--type hijack|leak|bogon] [--asn ASN] [--prefix P] [--since T] [--json]",
		Short: "List the month's public routing events: hijacks, route leaks and bogons, with their confidence",
		Long: `events lists the month's public events (docs/events.md), newest start first: one
per culprit incident of the hijack (M2), route-leak (M1) and bogon (M3, M4)
metrics, incidents accepted as false positives left out, as GET /api/v2/events
gives them. Each has its type, culprit, prefixes, the networks involved, start,
end, duration, the most collector peers that saw it, and its confidence:

  confidence = 0.4·visibility + 0.4·agreement + 0.2·persistence

--json prints the API's document (every event with its evidence paths), else a
table. --asn keeps the events that involve the ASN, --prefix those with an
overlapping prefix, --since those that ended at or after the time (RFC 3339 or
YYYY-MM-DD). Exit status 2 on bad flags or a month that is not stored.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			q, err := eventfeed.ParseQuery(o.typ, o.asn, o.prefix, o.since)
			if err != nil {
				return usageError(err)
			}
			return runEvents(cmd.Context(), cmd.OutOrStdout(), &o, q)
		},
	}
	o.register(cmd)
	f := cmd.Flags()
	f.StringVar(&o.typ, "type", "", "only this type: hijack, leak or bogon")
	f.StringVar(&o.asn, "asn", "", "only the events involving this ASN")
	f.StringVar(&o.prefix, "prefix", "", "only the events with a prefix overlapping this one")
	f.StringVar(&o.since, "since", "", "only the events that ended at or after this time (RFC 3339 or YYYY-MM-DD)")
	f.BoolVar(&o.json, "json", false, "print the API's JSON document")
	return cmd
}

func runEvents(ctx context.Context, w io.Writer, o *eventsFlags, q eventfeed.Query) error {
	if o.db == "" {
		return usageError(fmt.Errorf("--db is required"))
	}
	st, month, err := openMonth(ctx, o.db, o.month, o.spec)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := monthStored(ctx, st, month, o.spec); err != nil {
		return err
	}
	incs, err := st.Incidents(ctx, month, o.spec, 0)
	if err != nil {
		return fmt.Errorf("read the incidents of %s: %w", month.Format("2006-01"), err)
	}
	es, err := eventfeed.Build(incs)
	if err != nil {
		return err
	}
	es = q.Filter(es)
	if o.json {
		l := wire.EventList{MonthData: wire.MonthData{Month: month, Spec: o.spec}, Formula: wire.ConfidenceFormula,
			Total: len(es), Items: []wire.Event{}}
		for i := range es {
			l.Items = append(l.Items, es[i].Wire())
		}
		return writeIndented(w, l)
	}
	return writeRows(w, "table", eventfeed.CSVHeader, len(es), func(i int) []string { return tableRow(&es[i]) })
}

// tablePrefixes is how many prefixes a table row lists before "(+N)".
const tablePrefixes = 3

// tableRow is the event's CSV row with its prefixes cut to the first
// tablePrefixes: --json lists them all.
func tableRow(e *eventfeed.Event) []string {
	row := e.CSVRow()
	if n := len(e.Prefixes); n > tablePrefixes {
		ps := make([]string, 0, tablePrefixes+1)
		for _, p := range e.Prefixes[:tablePrefixes] {
			ps = append(ps, p.String())
		}
		row[3] = strings.Join(append(ps, fmt.Sprintf("(+%d)", n-tablePrefixes)), " ")
	}
	return row
}

// monthStored fails with exit status 2 unless month is stored under spec.
func monthStored(ctx context.Context, st store.Store, month time.Time, spec string) error {
	metas, err := st.Months(ctx)
	if err != nil {
		return fmt.Errorf("list the stored months: %w", err)
	}
	for _, m := range metas {
		if m.Month.Equal(month) && m.Spec == spec {
			return nil
		}
	}
	return &exitError{code: 2, err: fmt.Errorf("no month %s stored under %s", month.Format("2006-01"), spec)}
}
