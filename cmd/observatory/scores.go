package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/manrsexport"
	"github.com/observatory-net/observatory/internal/recwire"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
)

func init() { register(newScoresCmd) }

type scoresOptions struct {
	monthFlags
	format, region string
	asns           []string
}

func newScoresCmd() *cobra.Command {
	var o scoresOptions
	cmd := &cobra.Command{
		Use:   "scores --db FILE [--month YYYY-MM] [--format csv|json|table] [--asn N...] [--region R]",
		Short: "Print the month's scores per ASN",
		Long: `scores prints every measured ASN's five scores. The CSV has exactly the columns
of the MANRS Observatory's export; scores are fractions rounded to two
decimals, empty where there is no data. --region matches a UN region or
sub-region, an RIR, or an economy code.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runScores(cmd.Context(), cmd.OutOrStdout(), o)
		},
	}
	f := cmd.Flags()
	o.monthFlags.register(cmd)
	f.StringVar(&o.format, "format", "table", "csv, json or table")
	f.StringSliceVar(&o.asns, "asn", nil, "only these ASNs (123 or AS123; repeat or comma-separate)")
	f.StringVar(&o.region, "region", "", "only this region, sub-region, RIR or economy")
	return cmd
}

func runScores(ctx context.Context, w io.Writer, o scoresOptions) error {
	if o.format != "csv" && o.format != "json" && o.format != "table" {
		return usageError(fmt.Errorf("--format %q: want csv, json or table", o.format))
	}
	filter, err := asnFilter(o.asns)
	if err != nil {
		return err
	}
	filter.Region = o.region
	st, month, recs, err := openMonthASNs(ctx, o.db, o.month, o.spec, filter)
	if err != nil {
		return err
	}
	defer st.Close()
	switch o.format {
	case "csv":
		return writeScoresCSV(w, recs)
	case "json":
		return writeScoresJSON(w, month, o.spec, recs)
	}
	return writeScoresTable(w, recs)
}

// monthFlags are the flags of the commands that read one stored month.
type monthFlags struct {
	db, month, spec string
}

// register adds --db, --month and --spec to cmd.
func (m *monthFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&m.db, "db", "", "store: an SQLite file")
	f.StringVar(&m.month, "month", "", "month, YYYY-MM (default: the newest stored)")
	f.StringVar(&m.spec, "spec", spec.Default, "scoring specification ID@VERSION")
}

// openMonth opens the store and resolves the month (newest when empty).
func openMonth(ctx context.Context, db, month, specRef string) (store.Store, time.Time, error) {
	if _, err := spec.Get(specRef); err != nil {
		return nil, time.Time{}, usageError(err)
	}
	var m time.Time
	var err error
	if month != "" {
		if m, err = parseMonth(month); err != nil {
			return nil, m, err
		}
	}
	st, err := openStore(ctx, db)
	if err != nil {
		return nil, m, err
	}
	if m.IsZero() {
		if m, err = latestMonth(ctx, st, specRef); err != nil {
			st.Close()
			return nil, m, &exitError{code: 2, err: err}
		}
	}
	return st, m, nil
}

// openMonthASNs is openMonth, then the month's ASNs that f selects. The
// store is closed on error, left open for the caller otherwise.
func openMonthASNs(ctx context.Context, db, month, specRef string, f store.Filter) (store.Store, time.Time, []store.ASN, error) {
	st, m, err := openMonth(ctx, db, month, specRef)
	if err != nil {
		return nil, m, nil, err
	}
	recs, err := st.ASNs(ctx, m, specRef, f)
	if err != nil {
		st.Close()
		return nil, m, nil, err
	}
	return st, m, recs, nil
}

func asnFilter(args []string) (store.Filter, error) {
	var f store.Filter
	for _, a := range args {
		n, err := bgp.ParseASN(a)
		if err != nil {
			return f, usageError(err)
		}
		f.ASNs = append(f.ASNs, uint32(n))
	}
	return f, nil
}

// scoreText formats a score as the export does: rounded to two decimals,
// shortest form, empty for no data.
func scoreText(s store.Score, ok bool) string {
	if !ok || !s.HasData {
		return ""
	}
	return strconv.FormatFloat(math.Round(s.Value*100)/100, 'f', -1, 64)
}

func scoreOf(r store.ASN, id string) (store.Score, bool) {
	for _, s := range r.Scores {
		if s.ID == id {
			return s, true
		}
	}
	return store.Score{}, false
}

func exportRow(r store.ASN) []string {
	row := []string{strconv.FormatUint(uint64(r.ASN), 10), r.Holder, r.Country, r.Region, r.SubRegion, r.RIR}
	for _, id := range manrsexport.Scores {
		s, ok := scoreOf(r, id)
		row = append(row, scoreText(s, ok))
	}
	return row
}

func writeScoresCSV(w io.Writer, recs []store.ASN) error {
	cw := csv.NewWriter(w)
	cw.Write(manrsexport.Columns)
	for _, r := range recs {
		cw.Write(exportRow(r))
	}
	cw.Flush()
	return cw.Error()
}

func writeScoresTable(w io.Writer, recs []store.ASN) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ASN\tHOLDER\tCC\tFILTERING\tANTI-SPOOFING\tCOORDINATION\tIRR\tRPKI")
	for _, r := range recs {
		row := exportRow(r)
		cells := []string{"AS" + row[0], truncate(row[1], 32), row[2]}
		for i, id := range manrsexport.Scores {
			s, _ := scoreOf(r, id)
			cell := row[6+i]
			if cell == "" {
				cell = "-"
			}
			cells = append(cells, cell+" "+levelMark(s.Level))
		}
		for i, c := range cells {
			if i > 0 {
				fmt.Fprint(tw, "\t")
			}
			fmt.Fprint(tw, c)
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}

// levelMark shows readiness in words, not colour alone.
func levelMark(level string) string {
	switch level {
	case "ready":
		return "(ready)"
	case "aspiring":
		return "(aspiring)"
	case "lagging":
		return "(lagging)"
	}
	return "(no data)"
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

type jsonScores struct {
	Month string    `json:"month"`
	Spec  string    `json:"spec"`
	ASNs  []jsonASN `json:"asns"`
}

type jsonASN struct {
	ASN          uint32                 `json:"asn"`
	Holder       string                 `json:"holder"`
	Country      string                 `json:"country"`
	Region       string                 `json:"region"`
	SubRegion    string                 `json:"subRegion"`
	RIR          string                 `json:"rir"`
	Participant  bool                   `json:"participant"`
	Peers        int                    `json:"peers"`
	Announced    int                    `json:"announced"`
	ROV          wire.ROVInference      `json:"rov,omitzero"` // as the API's AS record has it
	Leak         wire.LeakProtection    `json:"leakProtection,omitzero"`
	Organisation wire.Organisation      `json:"organisation,omitzero"`
	Scores       map[string]*jsonScore  `json:"scores"`
	Metrics      map[string]*jsonMetric `json:"metrics,omitempty"`
}

type jsonScore struct {
	Value *float64 `json:"value"`
	Level string   `json:"level"`
}

type jsonMetric struct {
	Raw      float64         `json:"raw"`
	Score    *float64        `json:"score"`
	Counted  bool            `json:"counted"`
	Evidence json.RawMessage `json:"evidence,omitempty"` // M8: the contacts and their source
}

func toJSONASN(r store.ASN, withMetrics bool) jsonASN {
	j := jsonASN{ASN: r.ASN, Holder: r.Holder, Country: r.Country, Region: r.Region, SubRegion: r.SubRegion, RIR: r.RIR,
		Participant: r.Participant, Peers: r.Peers, Announced: r.Announced, Scores: map[string]*jsonScore{}}
	j.ROV, j.Leak, j.Organisation = recwire.ROV(&r), recwire.Leak(&r), recwire.Org(r.Org)
	for _, s := range r.Scores {
		js := &jsonScore{Level: s.Level}
		if s.HasData {
			v := s.Value
			js.Value = &v
		}
		j.Scores[s.ID] = js
	}
	if withMetrics {
		j.Metrics = map[string]*jsonMetric{}
		for _, m := range r.Metrics {
			jm := &jsonMetric{Raw: m.Raw, Counted: m.Counted, Evidence: m.Evidence}
			if m.HasData {
				v := m.Score
				jm.Score = &v
			}
			j.Metrics[m.ID] = jm
		}
	}
	return j
}

func writeScoresJSON(w io.Writer, month time.Time, specRef string, recs []store.ASN) error {
	out := jsonScores{Month: month.Format(time.RFC3339), Spec: specRef, ASNs: make([]jsonASN, 0, len(recs))}
	for _, r := range recs {
		out.ASNs = append(out.ASNs, toJSONASN(r, false))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
