package web

import (
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/observatory-net/observatory/internal/outreach"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/view"
	"github.com/observatory-net/observatory/internal/vocab"
)

// outreachPageRows is how many networks the Outreach page shows; the
// CSV download has them all.
const outreachPageRows = 200

type outreachPage struct {
	Month   string
	Months  []string
	Region  string
	Economy string
	Rows    []outreach.Target
	Total   int
	CSV     string
	Formula string
}

func (p outreachPage) PageTitle() string { return "Outreach, " + p.Month }

// refusal is the page error of a request the view refuses.
func refusal(err error) error {
	var e *view.Error
	if !errors.As(err, &e) {
		return err
	}
	status := map[view.Kind]int{view.Unauthorized: http.StatusUnauthorized, view.Forbidden: http.StatusForbidden,
		view.Invalid: http.StatusBadRequest, view.NotFound: http.StatusNotFound}[e.Kind]
	if status == 0 {
		status = http.StatusServiceUnavailable
	}
	return &httpError{status: status, msg: e.Detail}
}

// ranking is the outreach ranking the query asks for (?month=&region=
// or &economy=), for the secretariat and partners only.
func (s *Server) ranking(q *request) (*outreachPage, error) {
	if err := view.MaySeeOutreach(&q.who.Principal); err != nil {
		return nil, refusal(err)
	}
	v := q.r.URL.Query()
	query := outreach.Query{Region: strings.TrimSpace(v.Get("region")), Economy: strings.TrimSpace(v.Get("economy"))}
	if err := query.Validate(); err != nil {
		return nil, badRequest("%s", err.Error())
	}
	m, err := q.month()
	if err != nil {
		return nil, err
	}
	ts, err := s.shared.Outreach(q.ctx(), &q.who.Principal, m, query)
	if err != nil {
		return nil, refusal(err)
	}
	p := &outreachPage{Month: m.Month.Format(vocab.MonthLayout), Region: query.Region, Economy: strings.ToUpper(query.Economy),
		Rows: ts, Total: len(ts), Formula: "priority = impact × (1 + readiness)"}
	keep := url.Values{"month": {p.Month}}
	if p.Region != "" {
		keep.Set("region", p.Region)
	}
	if p.Economy != "" {
		keep.Set("economy", p.Economy)
	}
	p.CSV = "/outreach.csv?" + keep.Encode()
	return p, nil
}

// outreachPage: GET /outreach, the ranked non-participant networks.
func (s *Server) outreachPage(q *request) error {
	p, err := s.ranking(q)
	if err != nil {
		return err
	}
	if p.Months, err = s.monthNames(q); err != nil {
		return err
	}
	p.Rows = p.Rows[:min(len(p.Rows), outreachPageRows)]
	return q.render(http.StatusOK, "outreach", p)
}

// outreachCSV: GET /outreach.csv, the whole ranking of the page's query,
// as `observatory outreach --format csv` writes it.
func (s *Server) outreachCSV(q *request) error {
	p, err := s.ranking(q)
	if err != nil {
		return err
	}
	name := "outreach-" + p.Month
	if k := p.Region + p.Economy; k != "" {
		name += "-" + strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
				return r
			}
			return '_'
		}, k)
	}
	h := q.w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.csv"`, name))
	h.Set("Cache-Control", "private, no-store")
	w := csv.NewWriter(q.w)
	w.Write(outreach.CSVHeader) //nolint:errcheck // checked by Flush
	for i := range p.Rows {
		row := p.Rows[i].CSVRow()
		row[2] = csvSafe(row[2]) // the holder name is not ours
		w.Write(row)             //nolint:errcheck // checked by Flush
	}
	w.Flush()
	return w.Error()
}

type growthPage struct {
	Source       string
	Programmes   []string
	Participants string // chart
	MaxTotal     int
	ROAChart     string
	ROVChart     string
	Groups       []string // world, then the programmes with shares
	Counts       []growthCountRow
	Shares       []growthShareRow
	Undated      map[string]int
}

func (growthPage) PageTitle() string { return "Growth" }

type growthCountRow struct {
	Month  string
	Joined []int
	Total  []int
}

type growthShareRow struct {
	Month    string
	ROA, ROV []string // per group, as percentages
}

// growthPage: GET /growth, public: participation by programme and month,
// and participants vs all networks over the stored months.
func (s *Server) growthPage(q *request) error {
	g, err := s.shared.Growth(q.ctx())
	if err != nil {
		return err
	}
	p := growthPage{Source: g.Source, Programmes: g.Programmes, Undated: g.Undated}
	var labels []string
	for _, m := range g.Participation {
		labels = append(labels, m.Month.String())
		row := growthCountRow{Month: m.Month.String()}
		for _, prog := range g.Programmes {
			row.Joined = append(row.Joined, m.Joined[prog])
			row.Total = append(row.Total, m.Total[prog])
			p.MaxTotal = max(p.MaxTotal, m.Total[prog])
		}
		p.Counts = append(p.Counts, row)
	}
	if p.MaxTotal > 0 {
		var ss []series
		for _, prog := range g.Programmes {
			sr := series{Name: prog}
			for _, m := range g.Participation {
				v := float64(m.Total[prog]) / float64(p.MaxTotal)
				sr.Values = append(sr.Values, &v)
			}
			ss = append(ss, sr)
		}
		p.Participants = lineChart(fmt.Sprintf("Participants by programme, as a share of the largest total (%d)", p.MaxTotal),
			labels, ss, 640, 220, noThresholds)
	}
	p.Groups = []string{vocab.WorldKey}
	for _, sh := range g.Shares {
		for k := range sh.Participants {
			if !slices.Contains(p.Groups, k) {
				p.Groups = append(p.Groups, k)
			}
		}
	}
	slices.Sort(p.Groups[1:])
	var months []string
	roa, rov := make([]series, len(p.Groups)), make([]series, len(p.Groups))
	for i, k := range p.Groups {
		roa[i].Name, rov[i].Name = k, k
	}
	for _, sh := range g.Shares {
		months = append(months, sh.Month.String())
		row := growthShareRow{Month: sh.Month.String()}
		for i, k := range p.Groups {
			x := sh.World
			if i > 0 {
				x = sh.Participants[k]
			}
			row.ROA, row.ROV = append(row.ROA, growthShare(x.ROAValid)), append(row.ROV, growthShare(x.ROVFiltering))
			roa[i].Values, rov[i].Values = append(roa[i].Values, x.ROAValid), append(rov[i].Values, x.ROVFiltering)
		}
		p.Shares = append(p.Shares, row)
	}
	if len(months) > 0 {
		p.ROAChart = lineChart("ROA-valid share: all networks and participants", months, roa, 640, 220, noThresholds)
		p.ROVChart = lineChart("ROV filtering share: all networks and participants", months, rov, 640, 220, noThresholds)
	}
	return q.render(http.StatusOK, "growth", p)
}

// noThresholds are the guides of charts that are not of scores: halves.
var noThresholds = spec.Readiness{Ready: 1, Aspiring: 0.5}

// growthShare formats a share for the growth tables.
func growthShare(v *float64) string {
	if v == nil {
		return "–"
	}
	return strconv.FormatFloat(*v*100, 'f', 1, 64) + " %"
}
