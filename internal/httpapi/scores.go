package httpapi

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// specOf returns the embedded specification a month was scored with, nil
// when this build does not know it.
func specOf(m *store.MonthMeta) *spec.Spec {
	sp, err := spec.Get(m.Spec)
	if err != nil {
		return nil
	}
	return sp
}

// fingerprint binds page tokens to a month version and a query.
func (c *call) fingerprint(m *store.MonthMeta) string {
	return fmt.Sprint(m.Month.Unix(), m.Spec, m.IngestedAt.UnixNano(), c.r.URL.Path, withoutPaging(c.q))
}

// listASNs: GET /api/v2/asns, the month's participant ASNs, from the
// month view.
func (s *Server) listASNs(c *call) error {
	pr, m, err := c.pagedMonth()
	if err != nil {
		return err
	}
	c.heavy = true
	return c.serveMonth(m, viewAnonymous, func() (any, error) {
		v, err := c.monthView(m)
		if err != nil {
			return nil, err
		}
		asns := v.participants(c.reg)
		p, err := pr.window(len(asns))
		if err != nil {
			return nil, err
		}
		return asnList{MonthData: head(m), NextPageToken: p.next, Items: orEmpty(wireASNs(asns[p.start:p.end])),
			ASNs: orEmpty(wireASNs(asns))}, nil
	})
}

// economy matches an ISO 3166 alpha-2 code.
var economy = regexp.MustCompile(`^[A-Za-z]{2}$`)

// listASes: GET /api/v2/ases?economies=&region=&month=, from the month
// view: what a page costs is what it holds.
func (s *Server) listASes(c *call) error {
	var ccs []string
	if e := c.q.Get("economies"); e != "" {
		for cc := range strings.SplitSeq(e, ",") {
			if !economy.MatchString(cc) {
				return badRequest("economies: %s is not an ISO 3166 alpha-2 code", quote(cc))
			}
			ccs = append(ccs, strings.ToUpper(cc))
		}
	}
	region := c.q.Get("region")
	if len(region) > 100 {
		return badRequest("region: longer than 100 bytes")
	}
	pr, m, err := c.pagedMonth()
	if err != nil {
		return err
	}
	c.heavy = true
	return c.serveMonth(m, c.who.view(), func() (any, error) {
		v, err := c.monthView(m)
		if err != nil {
			return nil, err
		}
		sel := v.ases(ccs, region)
		p, err := pr.window(sel.len())
		if err != nil {
			return nil, err
		}
		sp := specOf(m)
		out := asList{MonthData: head(m), NextPageToken: p.next, Items: make([]asJSON, 0, p.end-p.start)}
		for i := p.start; i < p.end; i++ {
			out.Items = append(out.Items, publicAS(&v.asns[sel.at(i)], sp, c.who, c.reg))
		}
		return out, nil
	})
}

// recordOf returns the month record of one ASN with its scores, without
// metrics: from the month view when it is loaded, else read alone (a
// request for one ASN never waits for a whole month). 404 when not
// measured.
func (s *Server) recordOf(c *call, m *store.MonthMeta, asn uint32) (*store.ASN, error) {
	v := s.peekView(m)
	if v == nil {
		return s.readASN(c, m, asn, store.Filter{ASNs: []uint32{asn}, ScoresOnly: true})
	}
	if a := v.find(asn); a != nil {
		return a, nil
	}
	return nil, notFound("AS%d is not measured in %s", asn, m.Month.Format(vocab.MonthLayout))
}

// oneASN reads the month record of one ASN, 404 when not measured.
func (s *Server) oneASN(c *call, m *store.MonthMeta, asn uint32) (*store.ASN, error) {
	return s.readASN(c, m, asn, store.Filter{ASNs: []uint32{asn}})
}

// readASN reads the month record of asn that f selects, 404 when not
// measured.
func (s *Server) readASN(c *call, m *store.MonthMeta, asn uint32, f store.Filter) (*store.ASN, error) {
	recs, err := s.st.ASNs(c.ctx(), m.Month, m.Spec, f)
	if err != nil {
		return nil, fmt.Errorf("read AS%d: %w", asn, err)
	}
	if len(recs) == 0 {
		return nil, notFound("AS%d is not measured in %s", asn, m.Month.Format(vocab.MonthLayout))
	}
	return &recs[0], nil
}

// getAS: GET /api/v2/ases/{asn}.
func (s *Server) getAS(c *call) error {
	asn, err := parseASN(c.r.PathValue("asn"))
	if err != nil {
		return err
	}
	m, err := c.month()
	if err != nil {
		return err
	}
	// Two versions of a record exist: the public one and the full one.
	view := viewAnonymous
	if c.who.SeesDetails(asn) {
		view = viewAll
	} else if c.who.Key != nil {
		view = "keyed-public"
	}
	return c.serveMonth(m, view, func() (any, error) {
		a, err := s.recordOf(c, m, asn)
		if err != nil {
			return nil, err
		}
		return asRecord{MonthData: head(m), AS: publicAS(a, specOf(m), c.who, c.reg)}, nil
	})
}

// summaryScopes are the aggregate scopes a region key is looked up in.
var summaryScopes = []string{"world", "region", "subregion", "rir", "economy", "participants"}

// scoreSummary: GET /api/v2/scores/summary?region=&month=, or with
// asns= or economies= a summary of those networks (compat.go).
func (s *Server) scoreSummary(c *call) error {
	sel, err := c.parseSummarySelection()
	if err != nil {
		return err
	}
	m, err := c.month()
	if err != nil {
		return err
	}
	if sel != nil {
		return s.selectionSummary(c, m, sel)
	}
	region := c.q.Get("region")
	if region == "" {
		region = "world"
	}
	if len(region) > 100 {
		return badRequest("region: longer than 100 bytes")
	}
	return c.serveMonth(m, viewAnonymous, func() (any, error) {
		cur, scope, err := s.aggregatesOf(c, m, region)
		if err != nil {
			return nil, err
		}
		if cur == nil {
			return nil, notFound("no aggregates for region %s in %s", quote(region), m.Month.Format(vocab.MonthLayout))
		}
		out := scoreSummary{MonthData: head(m), Region: region, Scope: scope}
		prevM, err := c.previousMonth(m)
		if err != nil {
			return nil, err
		}
		var prev map[string]store.Aggregate
		if prevM != nil {
			out.PreviousMonth = head(prevM).Month
			if prev, _, err = s.aggregatesOf(c, prevM, region); err != nil {
				return nil, err
			}
		}
		out.Aggregates = scoreAggregates(cur, prev)
		out.Scores = keyFigures(out.Aggregates)
		return out, nil
	})
}

// hasData reports whether any network of the aggregate had the score.
func hasData(a store.Aggregate) bool { return a.Ready+a.Aspire+a.Lag > 0 }

// requireASN reads the asn query parameter of a keyed endpoint and checks
// the caller may see its details: 401 without a key, 403 for a
// participant asking about another's ASN.
func (c *call) requireASN(s string) (uint32, error) {
	if err := c.needKey(); err != nil {
		return 0, err
	}
	if s == "" {
		return 0, badRequest("query parameter asn is required")
	}
	asn, err := parseASN(s)
	if err != nil {
		return 0, err
	}
	if !c.who.SeesDetails(asn) {
		return 0, forbidden("this key may not see the details of AS%d", asn)
	}
	return asn, nil
}

// scoreDetails: GET /api/v2/scores/details?asn=&month=.
func (s *Server) scoreDetails(c *call) error {
	asn, err := c.requireASN(c.q.Get("asn"))
	if err != nil {
		return err
	}
	m, err := c.month()
	if err != nil {
		return err
	}
	return c.serveMonth(m, viewAll, func() (any, error) {
		a, err := s.oneASN(c, m, asn)
		if err != nil {
			return nil, err
		}
		out := scoreDetails{MonthData: head(m), AS: publicAS(a, specOf(m), c.who, c.reg),
			Metrics: []metricJSON{}, Routes: []routeJSON{}}
		for _, mt := range a.Metrics {
			j := metricJSON{ID: mt.ID, Counted: mt.Counted, HasData: mt.HasData, Evidence: mt.Evidence}
			if mt.HasData { // no input, no value: null, not a score of 0 or 1
				j.Raw, j.Score = finite(mt.Raw), finite(mt.Score)
			}
			out.Metrics = append(out.Metrics, j)
		}
		routes, err := s.st.Routes(c.ctx(), m.Month, m.Spec, asn)
		if err != nil {
			return nil, fmt.Errorf("read routes of AS%d: %w", asn, err)
		}
		for _, r := range routes {
			src := r.IRRSource
			if src == nil {
				src = []string{}
			}
			out.Routes = append(out.Routes, routeJSON{Prefix: r.Prefix, RPKI: r.RPKI, IRR: r.IRR, IRRSources: src,
				Bogon: r.Bogon, Peers: r.Peers, FirstSeen: r.FirstSeen.UTC(), LastSeen: r.LastSeen.UTC()})
		}
		if out.Incidents, err = s.incidentsWithTrail(c, m, []uint32{asn}); err != nil {
			return nil, err
		}
		return out, nil
	})
}

// incidentsWithTrail returns the month's incidents of the given ASNs (all
// for nil) with the feedback given on each, as far as the caller sees
// trails (access.Principal.SeesTrail).
func (s *Server) incidentsWithTrail(c *call, m *store.MonthMeta, asns []uint32) ([]incidentJSON, error) {
	var incs []store.Incident
	if asns == nil {
		c.chargeMonthRead()
		all, err := s.st.Incidents(c.ctx(), m.Month, m.Spec, 0)
		if err != nil {
			return nil, fmt.Errorf("read incidents: %w", err)
		}
		incs = all
	}
	for _, asn := range asns {
		some, err := s.st.Incidents(c.ctx(), m.Month, m.Spec, asn)
		if err != nil {
			return nil, fmt.Errorf("read incidents of AS%d: %w", asn, err)
		}
		incs = append(incs, some...)
	}
	trail := map[string][]store.Feedback{}
	if len(incs) > 0 {
		var err error
		if trail, err = s.view.Trail(c.ctx(), m, asns, &c.who.Principal); err != nil {
			return nil, err
		}
	}
	out := make([]incidentJSON, 0, len(incs))
	for i := range incs {
		j := toIncident(&incs[i])
		for k := range trail[incs[i].ID] {
			j.Feedback = append(j.Feedback, toFeedback(&trail[incs[i].ID][k]))
		}
		out = append(out, j)
	}
	return out, nil
}
