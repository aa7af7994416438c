package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/observatory-net/observatory/internal/region"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// overviewPage is / : one month and one region key.
type overviewPage struct {
	Month, Previous string // YYYY-MM; Previous empty when none is stored
	Months          []string
	Region, Scope   string
	RegionName      string
	Groups          []optionGroup
	Scores          []scoreCard
	Incidents       incidentCount
	HasIncidents    bool
	ROA             []roaCard
	Shares          []shareRow
	Final           bool
	Spec            string
	MeasuredASN     int
	Thresholds      string // the readiness levels of the specification, in words
	// RPKIReady is the networks ready on Routing information (RPKI) of
	// RPKIJudged with data: set beside the valid-ROA share, a stricter
	// test of the same data.
	RPKIReady, RPKIJudged int
	HasRPKI               bool
}

func (p overviewPage) PageTitle() string { return "Overview: " + p.RegionName + ", " + p.Month }

type optionGroup struct {
	Label   string
	Options []option
}

type option struct {
	Value, Label string
	Selected     bool
}

// scoreCard is one score of the summary, the numbers of the API's
// /scores/summary: value, trend, counts and percentages.
type scoreCard struct {
	ID          string
	Value       *float64
	Trend       *float64
	Counts      [4]int     // ready, aspiring, lagging, no data
	Networks    int        // with data: the mean is over them
	Percentages [4]float64 // of the total, 0..100
	Bar         string     // inline SVG
}

type roaCard struct {
	Family                   int
	Coverage, InvalidShare   float64 // of the announced address space
	Valid, Invalid, NotFound int64   // announcements
	ValidSpace, TotalSpace   int64
	SpaceUnit                string
	HasData                  bool
}

// shareRow compares the region's networks with participants'.
type shareRow struct {
	ID      string
	Region  *float64
	Ready   int
	Judged  int
	Program []programShare
}

type programShare struct {
	Programme string
	Value     *float64
}

// overview: GET /?month=&region=.
func (s *Server) overview(q *request) error {
	m, err := q.month()
	if err != nil {
		return err
	}
	key := q.r.URL.Query().Get("region")
	if key == "" {
		key = "world"
	}
	if len(key) > 100 {
		return badRequest("region: longer than 100 bytes")
	}
	v, err := s.view(q.ctx(), m)
	if err != nil {
		return err
	}
	cur, scope := v.lookup(key)
	if cur == nil {
		return notFound("no aggregates for region %q in %s", truncate(key, 40), m.Month.Format(vocab.MonthLayout))
	}
	p := overviewPage{Month: m.Month.Format(vocab.MonthLayout), Region: key, Scope: scope, RegionName: regionName(key, scope),
		Final: m.Final, Spec: m.Spec, MeasuredASN: m.Stats.MeasuredASN}
	if p.Months, err = s.monthNames(q); err != nil {
		return err
	}
	prevM, err := s.shared.Previous(q.ctx(), m)
	if err != nil {
		return err
	}
	var prev map[string]store.Aggregate
	if prevM != nil {
		p.Previous = prevM.Month.Format(vocab.MonthLayout)
		pv, err := s.view(q.ctx(), prevM)
		if err != nil {
			return err
		}
		prev, _ = pv.lookup(key)
	}
	for _, id := range scoreIDs {
		a, ok := cur[id]
		if !ok {
			continue
		}
		p.Scores = append(p.Scores, cardOf(a, prev))
	}
	p.Incidents, p.HasIncidents = v.incidents[scope][strings.ToLower(key)], scope != "participants"
	p.ROA = roaCards(v.roa[scope][strings.ToLower(key)])
	p.Shares = shareRows(v, cur, scope, key)
	p.Thresholds = thresholds(specOf(m))
	if a, ok := cur[string(vocab.RoutingInformationRPKI)]; ok {
		p.RPKIReady, p.RPKIJudged, p.HasRPKI = a.Ready, a.Ready+a.Aspire+a.Lag, true
	}
	p.Groups = regionGroups(v, key)
	return q.render(http.StatusOK, "overview", p)
}

// hasData reports whether any network of the aggregate had the score.
func hasData(a store.Aggregate) bool { return a.Ready+a.Aspire+a.Lag > 0 }

// cardOf computes a score's card as GET /api/v2/scores/summary does.
func cardOf(a store.Aggregate, prev map[string]store.Aggregate) scoreCard {
	c := scoreCard{ID: a.Score, Counts: [4]int{a.Ready, a.Aspire, a.Lag, a.NoData}, Networks: a.Ready + a.Aspire + a.Lag}
	if hasData(a) { // a mean over no network is no data, not 0
		c.Value = finite(a.Value)
	}
	if total := float64(a.Ready + a.Aspire + a.Lag + a.NoData); total > 0 {
		for i, n := range c.Counts {
			c.Percentages[i] = float64(n) * 100 / total
		}
	}
	if pa, ok := prev[a.Score]; ok && c.Value != nil && hasData(pa) {
		c.Trend = finite(a.Value - pa.Value)
	}
	c.Bar = readinessBar(c.Counts, c.Percentages)
	return c
}

func roaCards(byFam map[int]store.ROAStat) []roaCard {
	var out []roaCard
	for _, fam := range []int{4, 6} {
		r, ok := byFam[fam]
		c := roaCard{Family: fam, SpaceUnit: "addresses"}
		if fam == 6 {
			c.SpaceUnit = "/64s"
		}
		if ok {
			total := r.ValidSpace + r.InvalidSpace + r.NotFoundSpace
			c.Valid, c.Invalid, c.NotFound, c.ValidSpace, c.TotalSpace = r.Valid, r.Invalid, r.NotFound, r.ValidSpace, total
			if total > 0 {
				c.HasData = true
				c.Coverage = float64(r.ValidSpace) / float64(total)
				c.InvalidShare = float64(r.InvalidSpace) / float64(total)
			}
		}
		out = append(out, c)
	}
	return out
}

// shareRows are the network shares of the region beside every programme's.
// When the region is itself a programme, its column is not repeated.
func shareRows(v *monthView, cur map[string]store.Aggregate, scope, key string) []shareRow {
	progs := slices.Clone(v.keys["participants"])
	slices.Sort(progs)
	if scope == "participants" {
		progs = slices.DeleteFunc(progs, func(p string) bool { return strings.EqualFold(p, key) })
	}
	var out []shareRow
	for _, id := range []string{"roaValidShare", "rovFilteringShare", "rovDeployedShare"} {
		a, ok := cur[id]
		if !ok {
			continue
		}
		r := shareRow{ID: id, Region: finite(a.Value), Ready: a.Ready, Judged: a.Ready + a.Lag}
		if r.Judged == 0 {
			r.Region = nil
		}
		for _, pk := range progs {
			pa, ok := v.aggs["participants"][strings.ToLower(pk)][id]
			ps := programShare{Programme: pk}
			if ok && pa.Ready+pa.Lag > 0 {
				ps.Value = finite(pa.Value)
			}
			r.Program = append(r.Program, ps)
		}
		out = append(out, r)
	}
	return out
}

// regionGroups lists the keys with aggregates for the region selector.
func regionGroups(v *monthView, selected string) []optionGroup {
	labels := map[string]string{"world": "World", "region": "UN regions", "subregion": "UN sub-regions",
		"rir": "RIR regions", "economy": "Economies", "participants": "Participants (programme)"}
	var out []optionGroup
	for _, scope := range summaryScopes {
		keys := slices.Clone(v.keys[scope])
		if len(keys) == 0 {
			continue
		}
		g := optionGroup{Label: labels[scope]}
		for _, k := range keys {
			g.Options = append(g.Options, option{Value: k, Label: regionName(k, scope), Selected: strings.EqualFold(k, selected)})
		}
		slices.SortFunc(g.Options, func(a, b option) int { return strings.Compare(a.Label, b.Label) })
		out = append(out, g)
	}
	return out
}

// regionName is how a key is shown: an economy's name with its code.
func regionName(key, scope string) string {
	switch scope {
	case "world":
		return "World"
	case "economy":
		if e, ok := region.Lookup(key); ok {
			return e.Name + " (" + e.Code + ")"
		}
	case "participants":
		return "Participants: " + key
	case "rir":
		return rirName(key)
	}
	return key
}

// monthNames lists the stored months for the selector, newest first.
func (s *Server) monthNames(q *request) ([]string, error) {
	metas, err := s.monthList(q.ctx())
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range metas {
		n := m.Month.Format(vocab.MonthLayout)
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out, nil
}
