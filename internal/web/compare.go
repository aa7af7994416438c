package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/view"
	"github.com/observatory-net/observatory/internal/vocab"
)

// comparePage is /compare: two to five ASNs or regions over the stored
// months of the newest month's specification (at most 12).
type comparePage struct {
	Kind   string // asn or region
	Items  []string
	Months []string // oldest first
	Scores []compareScore
	Error  string
}

func (p comparePage) PageTitle() string { return "Compare " + strings.Join(p.Items, ", ") }

// Label names the form's i-th field (from 0) for its label element.
func (p comparePage) Label(i int) string {
	what := "ASN"
	if p.Kind == "region" {
		what = "Region"
	}
	return what + " " + strconv.Itoa(i+1)
}

type compareScore struct {
	ID    string
	Chart string
	Rows  []compareRow // by month, newest first
}

type compareRow struct {
	Month  string
	Values []compareCell // by item
}

type compareCell struct {
	Value *float64
	Level string
}

// compare: GET /compare?asn=AS1&asn=AS2… or ?region=…&region=….
func (s *Server) compare(q *request) error {
	v := q.r.URL.Query()
	p := comparePage{Kind: "asn", Items: v["asn"]}
	if len(v["region"]) > 0 {
		p.Kind, p.Items = "region", v["region"]
	}
	if len(p.Items) == 0 {
		return q.render(http.StatusOK, "compare", p)
	}
	if len(p.Items) < 2 || len(p.Items) > 5 || (len(v["asn"]) > 0 && len(v["region"]) > 0) {
		return badRequest("compare two to five ASNs, or two to five regions")
	}
	newest, err := q.month()
	if err != nil {
		return err
	}
	metas, err := s.shared.SpecMonths(q.ctx(), newest.Spec)
	if err != nil {
		return err
	}
	var months []store.MonthMeta
	for _, m := range metas {
		if !m.Month.After(newest.Month) && len(months) < 12 {
			months = append(months, m)
		}
	}
	slices.Reverse(months)
	// cells[month][item][score]
	cells := make([][][]compareCell, len(months))
	for i := range months {
		if cells[i], err = s.compareMonth(q, &months[i], &p); err != nil {
			return err
		}
	}
	for _, m := range months {
		p.Months = append(p.Months, m.Month.Format(vocab.MonthLayout))
	}
	for j, id := range scoreIDs {
		cs := compareScore{ID: id}
		var ss []series
		for k, item := range p.Items {
			sr := series{Name: item}
			for i := range months {
				sr.Values = append(sr.Values, cells[i][k][j].Value)
			}
			ss = append(ss, sr)
		}
		cs.Chart = lineChart(scoreNames[id], p.Months, ss, 300, 150, view.Readiness(specOf(newest)))
		for i := len(months) - 1; i >= 0; i-- {
			row := compareRow{Month: p.Months[i]}
			for k := range p.Items {
				row.Values = append(row.Values, cells[i][k][j])
			}
			cs.Rows = append(cs.Rows, row)
		}
		p.Scores = append(p.Scores, cs)
	}
	return q.render(http.StatusOK, "compare", p)
}

// compareMonth returns one month's cells by item and score.
func (s *Server) compareMonth(q *request, m *store.MonthMeta, p *comparePage) ([][]compareCell, error) {
	out := make([][]compareCell, len(p.Items))
	if p.Kind == "region" {
		v, err := s.view(q.ctx(), m)
		if err != nil {
			return nil, err
		}
		for k, item := range p.Items {
			if len(item) > 100 {
				return nil, badRequest("region: longer than 100 bytes")
			}
			aggs, _ := v.lookup(item)
			for _, id := range scoreIDs {
				c := compareCell{Level: vocab.NoData.API()}
				if a, ok := aggs[id]; ok && hasData(a) {
					c.Value, c.Level = finite(a.Value), ""
				}
				out[k] = append(out[k], c)
			}
		}
		return out, nil
	}
	asns := make([]uint32, len(p.Items))
	for k, item := range p.Items {
		a, ok := parseASN(item)
		if !ok {
			return nil, badRequest("asn %q: want AS followed by a number", truncate(item, 40))
		}
		asns[k] = a
		p.Items[k] = "AS" + strconv.FormatUint(uint64(a), 10)
	}
	recs, err := s.st.ASNs(q.ctx(), m.Month, m.Spec, store.Filter{ASNs: asns})
	if err != nil {
		return nil, fmt.Errorf("read ASNs: %w", err)
	}
	r, err := s.registered(q.ctx())
	if err != nil {
		return nil, err
	}
	reg := r.ASNs
	sp := specOf(m)
	for k, a := range asns {
		i := slices.IndexFunc(recs, func(r store.ASN) bool { return r.ASN == a })
		for j := range scoreIDs {
			c := compareCell{Level: vocab.NoData.API()}
			if i >= 0 {
				sc := scoresFor(&recs[i], sp, q.who, reg)[j]
				c = compareCell{Value: sc.Value, Level: sc.Level}
			}
			out[k] = append(out[k], c)
		}
	}
	return out, nil
}
