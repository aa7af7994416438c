package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/outreach"
	"github.com/observatory-net/observatory/internal/store"
)

func init() {
	register(newOutreachCmd)
	register(newGrowthCmd)
}

func checkFormat(format string) error {
	if format != "csv" && format != "json" && format != "table" {
		return usageError(fmt.Errorf("--format %q: want csv, json or table", format))
	}
	return nil
}

func newOutreachCmd() *cobra.Command {
	var (
		o      monthFlags
		q      outreach.Query
		format string
	)
	cmd := &cobra.Command{
		Use:   "outreach --db FILE [--month YYYY-MM] [--region R | --economy CC] [--top N] [--format table|csv|json]",
		Short: "Rank the networks that are not participants by impact and readiness, for outreach",
		Long: `outreach ranks the month's networks that are not participants (neither in the
month's records nor in the participants registry), in the world, a region (UN
region, sub-region or RIR) or an economy, by

  priority = impact × (1 + readiness)
  impact   = ln(1 + customer cone) + ln(1 + IPv4 /24s) + ln(1 + IPv6 /32s) + ln(1 + incidents)

readiness being the share of the specification's Actions the network is ready
on (docs/outreach.md). Ties: the larger cone first, then the lower ASN.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			if err := q.Validate(); err != nil {
				return usageError(err)
			}
			return runOutreach(cmd.Context(), cmd.OutOrStdout(), o, q, format)
		},
	}
	o.register(cmd)
	f := cmd.Flags()
	f.StringVar(&q.Region, "region", "", "only this UN region, sub-region or RIR (case-insensitive)")
	f.StringVar(&q.Economy, "economy", "", "only this economy, ISO 3166 alpha-2")
	f.IntVar(&q.Top, "top", 0, "only the first N (0: all)")
	f.StringVar(&format, "format", "table", "table, csv or json")
	return cmd
}

func runOutreach(ctx context.Context, w io.Writer, o monthFlags, q outreach.Query, format string) error {
	st, month, err := openMonth(ctx, o.db, o.month, o.spec)
	if err != nil {
		return err
	}
	defer st.Close()
	svc, _ := st.(store.Service)
	reg, err := outreach.Registered(ctx, svc)
	if err != nil {
		return err
	}
	ts, err := outreach.Load(ctx, st, month, o.spec, reg, q)
	if err != nil {
		return err
	}
	if format == "json" {
		l := wire.OutreachList{MonthData: wire.MonthData{Month: month, Spec: o.spec}, Region: q.Region, Economy: strings.ToUpper(q.Economy),
			Formula: wire.OutreachFormula, Total: len(ts), Items: []wire.OutreachTarget{}}
		for i := range ts {
			l.Items = append(l.Items, ts[i].Wire())
		}
		return writeIndented(w, l)
	}
	return writeRows(w, format, outreach.CSVHeader, len(ts), func(i int) []string { return ts[i].CSVRow() })
}

func newGrowthCmd() *cobra.Command {
	var db, format string
	cmd := &cobra.Command{
		Use:   "growth --db FILE [--format table|csv|json]",
		Short: "Print participation growth by programme and month, and participants vs all networks",
		Long: `growth prints, from the participants registry's approval dates (or the newest
month's participants when the registry is empty), how many participants of each
programme were approved in each month and in all by its end; and, for every
stored month, the network shares roaValidShare and rovFilteringShare of all
networks (group world) and of each programme's participants (docs/outreach.md).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			return runGrowth(cmd.Context(), cmd.OutOrStdout(), db, format)
		},
	}
	cmd.Flags().StringVar(&db, "db", "", "store: an SQLite file or a PostgreSQL URL")
	cmd.Flags().StringVar(&format, "format", "table", "table, csv or json")
	return cmd
}

func runGrowth(ctx context.Context, w io.Writer, db, format string) error {
	st, err := openStore(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	svc, _ := st.(store.Service)
	g, err := outreach.LoadGrowth(ctx, st, svc)
	if err != nil {
		return err
	}
	if len(g.Shares) == 0 && len(g.Participation) == 0 {
		return &exitError{code: 2, err: fmt.Errorf("no month stored and no participant approved: nothing to show")}
	}
	if format == "json" {
		return writeIndented(w, g.Wire())
	}
	rows := g.GrowthRows()
	return writeRows(w, format, outreach.GrowthHeader, len(rows), func(i int) []string { return rows[i] })
}
