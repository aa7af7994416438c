package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

func init() {
	register(newAggregatesCmd)
	register(newROAStatsCmd)
}

// groupOptions are the flags shared by aggregates and roa-stats.
type groupOptions struct {
	monthFlags
	format, scope, key string
}

var aggregateScopes = vocab.Strings([]vocab.Scope{vocab.ScopeWorld, vocab.ScopeRegion, vocab.ScopeSubRegion, vocab.ScopeRIR,
	vocab.ScopeEconomy, vocab.ScopeParticipants})

func (o *groupOptions) flags(cmd *cobra.Command, scopes []string) {
	f := cmd.Flags()
	o.monthFlags.register(cmd)
	f.StringVar(&o.format, "format", "table", "csv, json or table")
	f.StringVar(&o.scope, "scope", "", "only this scope: "+strings.Join(scopes, ", "))
	f.StringVar(&o.key, "key", "", `only this key of the scope ("Europe", "NL", "AS3333", "netops"; case-insensitive)`)
}

func (o *groupOptions) check(scopes []string) error {
	if o.format != "csv" && o.format != "json" && o.format != "table" {
		return usageError(fmt.Errorf("--format %q: want csv, json or table", o.format))
	}
	if o.scope != "" && !slices.Contains(scopes, o.scope) {
		return usageError(fmt.Errorf("--scope %q: want one of %s", o.scope, strings.Join(scopes, ", ")))
	}
	return nil
}

func (o *groupOptions) keep(key string) bool { return o.key == "" || strings.EqualFold(o.key, key) }

func newAggregatesCmd() *cobra.Command {
	var o groupOptions
	cmd := &cobra.Command{
		Use:   "aggregates --db FILE [--month YYYY-MM] [--scope S] [--key K] [--format csv|json|table]",
		Short: "Print the month's scores per region, economy, RIR and participant programme",
		Long: `aggregates prints, per scope (world, region, subregion, rir, economy,
participants) and key, each score's mean over the networks with data and how
many networks are ready, aspiring, lagging or without data. Three network
shares compare participants with all networks: roaValidShare (networks with at
least one RPKI-valid announcement, among those announcing anything),
rovFilteringShare (networks never seen passing on an RPKI-invalid route, among
those seen passing on at least 100 routes) and rovDeployedShare (networks
inferred to deploy ROV, among those the inference could judge: see
"observatory rov"); for them "ready" counts the networks that pass and
"lagging" those that do not.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.check(aggregateScopes); err != nil {
				return err
			}
			return runAggregates(cmd.Context(), cmd.OutOrStdout(), o)
		},
	}
	o.flags(cmd, aggregateScopes)
	return cmd
}

func runAggregates(ctx context.Context, w io.Writer, o groupOptions) error {
	st, month, err := openMonth(ctx, o.db, o.month, o.spec)
	if err != nil {
		return err
	}
	defer st.Close()
	all, err := st.Aggregates(ctx, month, o.spec, o.scope)
	if err != nil {
		return err
	}
	var rows []store.Aggregate
	for _, a := range all {
		if o.keep(a.Key) {
			rows = append(rows, a)
		}
	}
	if len(rows) == 0 && o.key != "" {
		return &exitError{code: 2, err: fmt.Errorf("no aggregates for key %q in %s", o.key, month.Format(vocab.MonthLayout))}
	}
	header := []string{"scope", "key", "score", "value", "ready", "aspiring", "lagging", "no_data"}
	text := func(a store.Aggregate) []string {
		return []string{a.Scope, a.Key, a.Score, strconv.FormatFloat(a.Value, 'f', 4, 64),
			strconv.Itoa(a.Ready), strconv.Itoa(a.Aspire), strconv.Itoa(a.Lag), strconv.Itoa(a.NoData)}
	}
	switch o.format {
	case "json":
		type row struct {
			Scope    string  `json:"scope"`
			Key      string  `json:"key"`
			Score    string  `json:"score"`
			Value    float64 `json:"value"`
			Ready    int     `json:"ready"`
			Aspiring int     `json:"aspiring"`
			Lagging  int     `json:"lagging"`
			NoData   int     `json:"noData"`
		}
		out := make([]row, len(rows))
		for i, a := range rows {
			out[i] = row{a.Scope, a.Key, a.Score, a.Value, a.Ready, a.Aspire, a.Lag, a.NoData}
		}
		return writeGroupJSON(w, month, o.spec, "aggregates", out)
	default:
		return writeRows(w, o.format, header, len(rows), func(i int) []string { return text(rows[i]) })
	}
}

var roaScopes = append([]string{string(vocab.ScopeASN)}, aggregateScopes...)

func newROAStatsCmd() *cobra.Command {
	var o groupOptions
	var family int
	cmd := &cobra.Command{
		Use:   "roa-stats --db FILE [--month YYYY-MM] [--scope S] [--key K] [--family 4|6] [--format csv|json|table]",
		Short: "Print ROA coverage per ASN, economy, region, RIR and programme, in the manner of ROAST",
		Long: `roa-stats prints, per scope and key and per address family, how many announcements
(distinct prefix/origin pairs) were RPKI valid, invalid (wrong origin or too
specific) and not found, and the address space of each: the union of the
prefixes, in addresses for IPv4 and in /64 networks for IPv6. An announcement
counts in the economy, region and RIR of its origin AS.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.check(roaScopes); err != nil {
				return err
			}
			if family != 0 && family != 4 && family != 6 {
				return usageError(fmt.Errorf("--family %d: want 4 or 6", family))
			}
			return runROAStats(cmd.Context(), cmd.OutOrStdout(), o, family)
		},
	}
	o.flags(cmd, roaScopes)
	cmd.Flags().IntVar(&family, "family", 0, "only IPv4 (4) or IPv6 (6)")
	return cmd
}

func runROAStats(ctx context.Context, w io.Writer, o groupOptions, family int) error {
	st, month, err := openMonth(ctx, o.db, o.month, o.spec)
	if err != nil {
		return err
	}
	defer st.Close()
	all, err := st.ROAStats(ctx, month, o.spec, o.scope)
	if err != nil {
		return err
	}
	var rows []store.ROAStat
	for _, r := range all {
		if o.keep(r.Key) && (family == 0 || r.Family == family) {
			rows = append(rows, r)
		}
	}
	if len(rows) == 0 && o.key != "" {
		return &exitError{code: 2, err: fmt.Errorf("no ROA statistics for key %q in %s", o.key, month.Format(vocab.MonthLayout))}
	}
	header := []string{"scope", "key", "family", "valid", "invalid", "not_found", "valid_pct", "valid_space", "invalid_space", "not_found_space"}
	i64 := func(n int64) string { return strconv.FormatInt(n, 10) }
	text := func(r store.ROAStat) []string {
		return []string{r.Scope, r.Key, strconv.Itoa(r.Family), i64(r.Valid), i64(r.Invalid), i64(r.NotFound),
			strconv.FormatFloat(pct(r.Valid, r.Valid+r.Invalid+r.NotFound), 'f', 2, 64),
			i64(r.ValidSpace), i64(r.InvalidSpace), i64(r.NotFoundSpace)}
	}
	if o.format == "json" {
		type row struct {
			Scope         string  `json:"scope"`
			Key           string  `json:"key"`
			Family        int     `json:"family"`
			Valid         int64   `json:"valid"`
			Invalid       int64   `json:"invalid"`
			NotFound      int64   `json:"notFound"`
			ValidPct      float64 `json:"validPct"`
			SpaceUnit     string  `json:"spaceUnit"`
			ValidSpace    int64   `json:"validSpace"`
			InvalidSpace  int64   `json:"invalidSpace"`
			NotFoundSpace int64   `json:"notFoundSpace"`
		}
		out := make([]row, len(rows))
		for i, r := range rows {
			unit := "address"
			if r.Family == 6 {
				unit = "/64"
			}
			out[i] = row{r.Scope, r.Key, r.Family, r.Valid, r.Invalid, r.NotFound, pct(r.Valid, r.Valid+r.Invalid+r.NotFound),
				unit, r.ValidSpace, r.InvalidSpace, r.NotFoundSpace}
		}
		return writeGroupJSON(w, month, o.spec, "roaStats", out)
	}
	return writeRows(w, o.format, header, len(rows), func(i int) []string { return text(rows[i]) })
}

func pct(n, total int64) float64 {
	if total == 0 {
		return 0
	}
	return 100 * float64(n) / float64(total)
}

// writeRows prints a header and rows as CSV or an aligned table.
func writeRows(w io.Writer, format string, header []string, n int, row func(int) []string) error {
	if format == "csv" {
		cw := csv.NewWriter(w)
		cw.Write(header) //nolint:errcheck // checked by Flush/Error
		for i := range n {
			cw.Write(row(i)) //nolint:errcheck // checked by Flush/Error
		}
		cw.Flush()
		return cw.Error()
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.ToUpper(strings.Join(header, "\t")))
	for i := range n {
		fmt.Fprintln(tw, strings.Join(row(i), "\t"))
	}
	return tw.Flush()
}

// writeGroupJSON wraps rows with the month and specification they belong to.
func writeGroupJSON(w io.Writer, month time.Time, specRef, field string, rows any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(map[string]any{"month": month.Format(vocab.MonthLayout), "spec": specRef, field: rows})
}
