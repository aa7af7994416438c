package web

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/view"
	"github.com/observatory-net/observatory/internal/vocab"
)

// chartsPage is /charts: the two headline figures of the Observatory, each
// with the table it is drawn from.
//
// Figure 1: participants with valid ROAs, over the stored months: by
// programme, the participants' networks with at least one RPKI-valid
// announcement (the participants scope's roaValidShare aggregate: Ready
// counts the networks that pass, Value is their share).
//
// Figure 2: ROA coverage by region, for one month: the share of each
// region's announced address space that is RPKI-valid (ROAST's measure,
// measurement framework §6), IPv4 and IPv6.
type chartsPage struct {
	Month   string
	Months  []string
	Growth  string // Figure 1
	Groups  []string
	ROARows []chartsROARow // oldest first
	Regions string         // Figure 2
	Cover   []chartsCoverRow
}

func (p chartsPage) PageTitle() string { return "Charts, " + p.Month }

// chartsROARow is one month of Figure 1: per group, networks passing and judged.
type chartsROARow struct {
	Month  string
	Valid  []int
	Judged []int
	Share  []*float64
}

// chartsCoverRow is one region of Figure 2.
type chartsCoverRow struct {
	Region   string
	V4, V6   *float64 // valid space ÷ announced space
	V4Space  int64    // announced addresses
	V6Space  int64    // announced /64s
	Networks int      // of the region's roaValidShare aggregate
}

// chartMonths is the most months Figure 1 draws.
const chartMonths = 24

// charts: GET /charts?month=.
func (s *Server) charts(q *request) error {
	m, err := q.month()
	if err != nil {
		return err
	}
	p := chartsPage{Month: m.Month.Format(vocab.MonthLayout)}
	if p.Months, err = s.monthNames(q); err != nil {
		return err
	}
	if err := s.chartsGrowth(q, &p); err != nil {
		return err
	}
	v, err := s.view(q.ctx(), m)
	if err != nil {
		return err
	}
	p.Cover = coverRows(v)
	p.Regions = coverChart(fmt.Sprintf("ROA coverage of announced address space by region, %s", p.Month), p.Cover)
	return q.render(http.StatusOK, "charts", p)
}

// chartsGrowth fills Figure 1 from the newest chartMonths months, each as
// ?month= would resolve it.
func (s *Server) chartsGrowth(q *request, p *chartsPage) error {
	metas, err := s.monthList(q.ctx())
	if err != nil {
		return err
	}
	var months []*store.MonthMeta
	names := p.Months
	if len(names) > chartMonths {
		names = names[:chartMonths]
	}
	for i := len(names) - 1; i >= 0; i-- {
		t, err := vocab.ParseMonth(names[i])
		if err != nil {
			return err
		}
		if m := view.Resolve(metas, t.Start(), ""); m != nil {
			months = append(months, m)
		}
	}
	views := make([]*monthView, len(months))
	for i, m := range months {
		if views[i], err = s.view(q.ctx(), m); err != nil {
			return err
		}
		for _, k := range views[i].keys["participants"] {
			if !slices.Contains(p.Groups, k) {
				p.Groups = append(p.Groups, k)
			}
		}
	}
	slices.Sort(p.Groups)
	var labels []string
	ss := make([]series, len(p.Groups))
	most := 0
	for i, v := range views {
		row := chartsROARow{Month: months[i].Month.Format(vocab.MonthLayout)}
		labels = append(labels, row.Month)
		for g, k := range p.Groups {
			a, ok := v.aggs["participants"][strings.ToLower(k)][string(vocab.ROAValidShare)]
			var share *float64
			if ok && a.Ready+a.Lag > 0 {
				share = finite(a.Value)
			}
			row.Valid, row.Judged, row.Share = append(row.Valid, a.Ready), append(row.Judged, a.Ready+a.Lag), append(row.Share, share)
			most = max(most, a.Ready)
			var n *float64
			if ok {
				f := float64(a.Ready)
				n = &f
			}
			ss[g].Name = k
			ss[g].Values = append(ss[g].Values, n)
		}
		p.ROARows = append(p.ROARows, row)
	}
	if len(labels) > 0 && len(p.Groups) > 0 {
		p.Growth = countChart("Participants' networks with a valid ROA, by programme and month", labels, ss, most, 640, 240)
	}
	return nil
}

// coverRows are the world and then each region of a month with their ROA
// coverage, by name.
func coverRows(v *monthView) []chartsCoverRow {
	row := func(scope, key string) chartsCoverRow {
		lk := strings.ToLower(key)
		r := chartsCoverRow{Region: key}
		if st, ok := v.roa[scope][lk][4]; ok {
			r.V4, r.V4Space = spaceShare(st), st.ValidSpace+st.InvalidSpace+st.NotFoundSpace
		}
		if st, ok := v.roa[scope][lk][6]; ok {
			r.V6, r.V6Space = spaceShare(st), st.ValidSpace+st.InvalidSpace+st.NotFoundSpace
		}
		if a, ok := v.aggs[scope][lk][string(vocab.ROAValidShare)]; ok {
			r.Networks = a.Ready + a.Lag
		}
		return r
	}
	keys := slices.Clone(v.keys["region"])
	for lk := range v.roa["region"] {
		if !slices.ContainsFunc(keys, func(k string) bool { return strings.EqualFold(k, lk) }) {
			keys = append(keys, lk)
		}
	}
	slices.Sort(keys)
	out := []chartsCoverRow{row("world", vocab.WorldKey)}
	for _, k := range keys {
		out = append(out, row("region", k))
	}
	return out
}

// spaceShare is the valid share of a ROA statistic's address space, nil
// when it has none.
func spaceShare(r store.ROAStat) *float64 {
	total := r.ValidSpace + r.InvalidSpace + r.NotFoundSpace
	if total <= 0 {
		return nil
	}
	return finite(float64(r.ValidSpace) / float64(total))
}
