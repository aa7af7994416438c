package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/observatory-net/observatory/internal/manrsexport"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

func init() { register(newCompareExportCmd) }

type compareOptions struct {
	monthFlags
	format string
	top    int
}

func newCompareExportCmd() *cobra.Command {
	var o compareOptions
	cmd := &cobra.Command{
		Use:   "compare-export FILE --db FILE [--month YYYY-MM] [--format table|json] [--top N]",
		Short: "Compare a month's scores with a MANRS Observatory per-ASN export",
		Long: `compare-export reads a MANRS Observatory per-ASN export (the CSV with the
columns ASN, Holder, Country, UN Regions, UN Sub-Regions, RIR Regions and the
five scores) and compares it, ASN by ASN, with the stored month. For each
column it prints how many of the export's ASNs agree exactly, agree within
0.05 (scores only) and disagree; an export ASN we did not measure counts as
a disagreement. For each score it prints the distribution on both sides
(share of 0, of 1, in between, no data) and the largest disagreements with
the metrics and evidence behind our score. See docs/fidelity.md.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCompareExport(cmd.Context(), cmd.OutOrStdout(), args[0], o)
		},
	}
	f := cmd.Flags()
	o.monthFlags.register(cmd)
	f.StringVar(&o.format, "format", "table", "table or json")
	f.IntVar(&o.top, "top", 5, "largest disagreements shown per score column")
	return cmd
}

// columnResult is the agreement on one export column.
type columnResult struct {
	Column      string       `json:"column"`
	Exact       int          `json:"exact"`
	Within005   int          `json:"within005,omitempty"`
	Disagree    int          `json:"disagree"`
	NotMeasured int          `json:"notMeasured"`
	Ours        *distrib     `json:"ours,omitempty"`
	Export      *distrib     `json:"export,omitempty"`
	Largest     []difference `json:"largest,omitempty"`
	ScoreID     string       `json:"-"`
	differences []difference
}

// distrib is the distribution of one score over the export's ASNs.
type distrib struct {
	Zero    int `json:"zero"`
	One     int `json:"one"`
	Between int `json:"between"`
	NoData  int `json:"noData"`
}

func (d *distrib) add(v *float64) {
	switch {
	case v == nil:
		d.NoData++
	case *v == 0:
		d.Zero++
	case *v == 1:
		d.One++
	default:
		d.Between++
	}
}

// difference is one ASN on which a score column disagrees.
type difference struct {
	ASN     uint32         `json:"asn"`
	Export  *float64       `json:"export"`
	Ours    *float64       `json:"ours"`
	Gap     float64        `json:"gap"` // |ours-export|; 1 when only one side has data
	Metrics []store.Metric `json:"metrics,omitempty"`
}

// comparison is the whole result of compare-export.
type comparison struct {
	File    string         `json:"file"`
	Month   string         `json:"month"`
	Spec    string         `json:"spec"`
	ASNs    int            `json:"asns"`
	Columns []columnResult `json:"columns"`
}

func runCompareExport(ctx context.Context, w io.Writer, path string, o compareOptions) error {
	if o.format != "table" && o.format != "json" {
		return usageError(fmt.Errorf("--format %q: want table or json", o.format))
	}
	if o.top < 0 {
		return usageError(fmt.Errorf("--top %d: want 0 or more", o.top))
	}
	exp, err := manrsexport.ReadFile(path)
	if err != nil {
		return usageError(err)
	}
	f := store.Filter{ASNs: make([]uint32, len(exp))}
	for i, e := range exp {
		f.ASNs[i] = e.ASN
	}
	st, month, recs, err := openMonthASNs(ctx, o.db, o.month, o.spec, f)
	if err != nil {
		return err
	}
	defer st.Close()
	s, _ := spec.Get(o.spec)
	c := compare(exp, recs, s, o.top)
	c.File, c.Month, c.Spec = path, month.Format(vocab.MonthLayout), o.spec
	if o.format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(c)
	}
	return writeComparison(w, c)
}

// compare matches the export's ASNs with ours, column by column.
func compare(exp []manrsexport.Record, recs []store.ASN, s *spec.Spec, top int) comparison {
	ours := make(map[uint32]store.ASN, len(recs))
	for _, r := range recs {
		ours[r.ASN] = r
	}
	cols := make([]columnResult, 0, 9)
	for _, name := range manrsexport.Columns[2:6] {
		cols = append(cols, columnResult{Column: name})
	}
	for i, name := range manrsexport.Columns[6:] {
		cols = append(cols, columnResult{Column: name, ScoreID: manrsexport.Scores[i], Ours: &distrib{}, Export: &distrib{}})
	}
	for _, e := range exp {
		r, ok := ours[e.ASN]
		for i := range cols {
			c := &cols[i]
			switch {
			case i < 4:
				compareGroup(c, e.Groups[i], r, ok, i)
			default:
				compareScore(c, e.ASN, e.Scores[i-4], r, ok, s)
			}
		}
	}
	for i := range cols {
		c := &cols[i]
		slices.SortFunc(c.differences, func(a, b difference) int {
			return cmp.Or(cmp.Compare(b.Gap, a.Gap), cmp.Compare(a.ASN, b.ASN))
		})
		c.Largest = c.differences[:min(top, len(c.differences))]
	}
	return comparison{ASNs: len(exp), Columns: cols}
}

func compareGroup(c *columnResult, want string, r store.ASN, ok bool, i int) {
	if !ok {
		c.NotMeasured++
		c.Disagree++
		return
	}
	got := [4]string{r.Country, r.Region, r.SubRegion, r.RIR}[i]
	if got == want {
		c.Exact++
	} else {
		c.Disagree++
	}
}

func compareScore(c *columnResult, asn uint32, want *float64, r store.ASN, ok bool, s *spec.Spec) {
	c.Export.add(want)
	var got *float64
	if ok {
		if sc, found := scoreOf(r, c.ScoreID); found && sc.HasData {
			v := math.Round(sc.Value*100) / 100 // the export's precision
			got = &v
		}
	} else {
		c.NotMeasured++
	}
	c.Ours.add(got)
	gap := 1.0
	switch {
	case got == nil && want == nil:
		gap = 0
	case got != nil && want != nil:
		gap = math.Abs(*got - *want)
	}
	switch {
	case gap < 1e-9:
		c.Exact++
		return
	case gap <= 0.05+1e-9:
		c.Within005++
		return
	}
	c.Disagree++
	d := difference{ASN: asn, Export: want, Ours: got, Gap: math.Round(gap*100) / 100}
	if ok {
		d.Metrics = actionMetrics(r, c.ScoreID, s)
	}
	c.differences = append(c.differences, d)
}

// actionMetrics are the metrics of r that make the score id.
func actionMetrics(r store.ASN, id string, s *spec.Spec) []store.Metric {
	act, _ := s.Action(id)
	var out []store.Metric
	for _, m := range r.Metrics {
		if slices.Contains(act.Counted, m.ID) {
			out = append(out, m)
		}
	}
	return out
}

func writeComparison(w io.Writer, c comparison) error {
	fmt.Fprintf(w, "%s against %s (%s): %d ASNs in the export\n\n", c.File, c.Month, c.Spec, c.ASNs)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "COLUMN\tEXACT\tWITHIN 0.05\tDISAGREE\tNOT MEASURED\tAGREE %")
	for _, col := range c.Columns {
		within := "-"
		if col.Ours != nil {
			within = strconv.Itoa(col.Within005)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t%d\t%.2f\n", col.Column, col.Exact, within, col.Disagree, col.NotMeasured,
			pct(int64(col.Exact+col.Within005), int64(c.ASNs)))
	}
	tw.Flush()
	fmt.Fprintln(w, "\nDistributions over the export's ASNs (share of 0 / 1 / in between / no data):")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SCORE\tEXPORT\tOURS")
	for _, col := range c.Columns {
		if col.Ours != nil {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", col.Column, col.Export.text(c.ASNs), col.Ours.text(c.ASNs))
		}
	}
	tw.Flush()
	for _, col := range c.Columns {
		if len(col.Largest) == 0 {
			continue
		}
		fmt.Fprintf(w, "\nLargest disagreements, %s:\n", col.Column)
		for _, d := range col.Largest {
			fmt.Fprintf(w, "  AS%d  export %s  ours %s  gap %.2f\n", d.ASN, optScore(d.Export), optScore(d.Ours), d.Gap)
			for _, m := range d.Metrics {
				fmt.Fprintf(w, "      %s raw %g score %s%s\n", m.ID, m.Raw, metricText(m), evidenceText(m))
			}
		}
	}
	return nil
}

func (d *distrib) text(n int) string {
	return fmt.Sprintf("%.1f%% / %.1f%% / %.1f%% / %.1f%%", pct(int64(d.Zero), int64(n)), pct(int64(d.One), int64(n)), pct(int64(d.Between), int64(n)), pct(int64(d.NoData), int64(n)))
}

func optScore(v *float64) string {
	if v == nil {
		return "no data"
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

func metricText(m store.Metric) string {
	if !m.HasData {
		return "no data"
	}
	return strconv.FormatFloat(math.Round(m.Score*100)/100, 'f', -1, 64)
}

func evidenceText(m store.Metric) string {
	if len(m.Evidence) == 0 || string(m.Evidence) == "null" {
		return ""
	}
	return "  evidence " + string(m.Evidence)
}
