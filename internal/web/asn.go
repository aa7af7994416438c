package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/observatory-net/observatory/internal/region"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/view"
	"github.com/observatory-net/observatory/internal/vocab"
)

// routesPerPage bounds the route table of one page.
const routesPerPage = 100

type asnPage struct {
	ASN         uint32
	Month       string
	Months      []string
	Rec         *store.ASN
	Participant bool
	PrevMonth   string // the month the scores' changes are against
	Member      string // the registry's organisation (programme) of the ASN, when it lists it
	Scores      []scoreRow
	Details     bool // the visitor may see metrics and evidence
	Owner       bool // a participant key on its own ASN: may flag
	Metrics     []metricRow
	Economy     string // the economy's name
	Routes      []routeRow
	RouteCount  int
	AllRoutes   int          // before ?rpki=invalid
	OnlyInvalid bool         // ?rpki=invalid
	InvalidHref string       // the route table of the invalid routes only
	AllHref     string       // the route table of every route
	Summary     routeSummary // the routes by RPKI state
	HasVRPs     bool         // the month recorded the covering VRPs
	TotalPeers  int          // the month's collector peers
	Thresholds  string
	API         string // the incidents in the API (JSON)
	RoutePage   int
	RoutePages  []pageLink
	RouteHeads  []sortHead
	Incidents   []incidentRow
	Timeline    string
	History     []historyRow
	HistoryNote string
	Chart       string
	Flagged     string
	CSRF        string
}

func (p asnPage) PageTitle() string {
	return "AS" + strconv.FormatUint(uint64(p.ASN), 10) + ", " + p.Month
}

// metricRow is a metric with the readiness level of its score, and
// whether and why its Action counts it.
type metricRow struct {
	store.Metric
	Level string
	Role  metricRole
}

// pageLink is one link of a pager.
type pageLink struct {
	N    int
	Href string
}

type scoreRow struct {
	ID    string
	Value *float64
	Level string   // ready, aspiring, lagging, noData, hidden
	Delta *float64 // the change since the previous month, when both have a value
}

type incidentRow struct {
	store.Incident
	Duration string
	Evidence evidence
	Feedback []store.Feedback
	CanFlag  bool
}

type historyRow struct {
	Month  string
	Scores []scoreRow
}

// parseASN reads "AS123" or "123" (vocab.ParseASN).
func parseASN(s string) (uint32, bool) {
	n, err := vocab.ParseASN(s)
	return n, err == nil
}

// asnJump: GET /asn/?asn=AS123, the header's form, redirects to the page.
func (s *Server) asnJump(q *request) error {
	asn, ok := parseASN(strings.TrimSpace(q.r.URL.Query().Get("asn")))
	if !ok {
		return badRequest("asn: want AS followed by a number")
	}
	http.Redirect(q.w, q.r, "/asn/AS"+strconv.FormatUint(uint64(asn), 10), http.StatusSeeOther)
	return nil
}

// scoresFor returns a's scores as the visitor may see them: all of a
// non-participant's, or of an ASN whose details it may see; a
// participant's public Actions otherwise, the others marked hidden.
func scoresFor(a *store.ASN, sp *spec.Spec, who *principal, reg map[uint32]bool) []scoreRow {
	_, full := view.Visibility(a, &who.Principal, reg)
	var out []scoreRow
	for _, id := range scoreIDs {
		row := scoreRow{ID: id, Level: vocab.NoData.API()}
		i := slices.IndexFunc(a.Scores, func(sc store.Score) bool { return sc.ID == id })
		switch {
		case !full && !view.PublicScore(sp, id):
			row.Level = "hidden"
		case i >= 0:
			sc := a.Scores[i]
			row.Level = view.Level(sc.Level, sc.HasData)
			if sc.HasData {
				row.Value = finite(sc.Value)
			}
		}
		out = append(out, row)
	}
	return out
}

// scoreDeltas sets each score's change since the previous stored month
// of the history (newest first), when both months have a value.
func (p *asnPage) scoreDeltas() {
	if len(p.History) < 2 || p.History[0].Month != p.Month || len(p.History[1].Scores) != len(p.Scores) {
		return
	}
	p.PrevMonth = p.History[1].Month
	for i := range p.Scores {
		cur, old := p.Scores[i].Value, p.History[1].Scores[i].Value
		if cur != nil && old != nil {
			p.Scores[i].Delta = finite(*cur - *old)
		}
	}
}

func specOf(m *store.MonthMeta) *spec.Spec {
	sp, err := spec.Get(m.Spec)
	if err != nil {
		return nil
	}
	return sp
}

// asnPage: GET /asn/{asn}?month=&rpage=.
func (s *Server) asnPage(q *request) error {
	asn, ok := parseASN(q.r.PathValue("asn"))
	if !ok {
		return notFound("no such ASN %q", truncate(q.r.PathValue("asn"), 40))
	}
	m, err := q.month()
	if err != nil {
		return err
	}
	recs, err := s.st.ASNs(q.ctx(), m.Month, m.Spec, store.Filter{ASNs: []uint32{asn}})
	if err != nil {
		return fmt.Errorf("read AS%d: %w", asn, err)
	}
	if len(recs) == 0 {
		return notFound("AS%d is not measured in %s", asn, m.Month.Format(vocab.MonthLayout))
	}
	r, err := s.registered(q.ctx())
	if err != nil {
		return err
	}
	reg := r.ASNs
	a := &recs[0]
	participant, _ := view.Visibility(a, &q.who.Principal, reg)
	p := asnPage{ASN: asn, Month: m.Month.Format(vocab.MonthLayout), Rec: a, Participant: participant,
		Scores: scoresFor(a, specOf(m), q.who, reg), Details: q.who.SeesDetails(asn), Owner: q.who.Owns(asn),
		Flagged: q.r.URL.Query().Get("flagged"), CSRF: s.csrfToken(q.who)}
	if p.Months, err = s.monthNames(q); err != nil {
		return err
	}
	for _, rp := range r.List {
		if slices.Contains(rp.ASNs, asn) {
			p.Member = rp.Organisation + " (" + rp.Programme + ")"
			break
		}
	}
	if e, ok := region.Lookup(a.Country); ok {
		p.Economy = e.Name
	}
	p.TotalPeers, p.Thresholds = m.Stats.Peers, thresholds(specOf(m))
	if p.Details {
		if err := s.details(q, m, &p); err != nil {
			return err
		}
		if id := q.r.URL.Query().Get("incident"); q.r.URL.Query().Get("format") == "csv" && id != "" {
			return evidenceCSV(q, &p, id)
		}
	}
	if err := s.history(q, m, reg, &p); err != nil {
		return err
	}
	p.scoreDeltas()
	return q.render(http.StatusOK, "asn", p)
}

// details fills the evidence: metrics, a page of routes, incidents with
// their timeline and feedback trail.
func (s *Server) details(q *request, m *store.MonthMeta, p *asnPage) error {
	classify := scoreClass(specOf(m))
	for _, mt := range p.Rec.Metrics {
		row := metricRow{Metric: mt, Level: vocab.NoData.API(), Role: roleOf(specOf(m), mt.ID)}
		if mt.HasData {
			row.Level, _ = classify(finite(mt.Score))
		}
		p.Metrics = append(p.Metrics, row)
	}
	routes, err := s.st.Routes(q.ctx(), m.Month, m.Spec, p.ASN)
	if err != nil {
		return fmt.Errorf("read routes of AS%d: %w", p.ASN, err)
	}
	p.API = "/api/v2/incidents?" + url.Values{"month": {p.Month}, "asn": {strconv.FormatUint(uint64(p.ASN), 10)}}.Encode()
	routeTable(q, p, routes)
	incs, err := s.st.Incidents(q.ctx(), m.Month, m.Spec, p.ASN)
	if err != nil {
		return fmt.Errorf("read incidents of AS%d: %w", p.ASN, err)
	}
	trail := map[string][]store.Feedback{}
	if len(incs) > 0 {
		if trail, err = s.shared.Trail(q.ctx(), m, []uint32{p.ASN}, &q.who.Principal); err != nil {
			return err
		}
	}
	var spans []span
	for _, in := range incs {
		row := incidentRow{Incident: in, Duration: duration(in.End.Sub(in.Start)), Evidence: evidenceOf(in.Evidence, p.ASN),
			Feedback: trail[in.ID]}
		row.CanFlag = p.Owner && !in.Excluded && !pending(row.Feedback)
		p.Incidents = append(p.Incidents, row)
		spans = append(spans, span{Label: in.Metric + " " + in.ID, Metric: in.Metric, Start: in.Start, End: in.End, Score: in.Score, Excluded: in.Excluded})
	}
	if len(spans) > 0 {
		if len(spans) > 200 {
			spans = spans[:200]
		}
		p.Timeline = timeline(m.Month, spans, 720)
	}
	return nil
}

// routeTable fills one page of the routes, sorted by ?rsort= and ?rdir=.
func routeTable(q *request, p *asnPage, routes []store.Route) {
	base := "/asn/AS" + strconv.FormatUint(uint64(p.ASN), 10)
	p.AllRoutes = len(routes)
	p.InvalidHref = base + "?" + url.Values{"month": {p.Month}, "rpki": {"invalid"}}.Encode() + "#routes-h"
	p.AllHref = base + "?" + url.Values{"month": {p.Month}}.Encode() + "#routes-h"
	p.Summary = summarise(routes, func(state string) string {
		if state == "invalid" {
			return p.InvalidHref
		}
		return ""
	})
	vrps, hasVRPs := invalidVRPs(p.Rec)
	p.HasVRPs = hasVRPs
	qv := q.r.URL.Query()
	keep := url.Values{"month": {p.Month}}
	if qv.Get("rpki") == "invalid" {
		p.OnlyInvalid = true
		keep.Set("rpki", "invalid")
		routes = slices.DeleteFunc(slices.Clone(routes), func(r store.Route) bool { return rpkiState(r.RPKI) != "invalid" })
	}
	p.RouteCount = len(routes)
	col, dir := qv.Get("rsort"), qv.Get("rdir")
	if !slices.Contains(routeCols, col) {
		col = "prefix"
	}
	if dir != "desc" {
		dir = "asc"
	}
	sortRoutes(routes, col, dir)
	p.RouteHeads = sortHeads(base, keep, routeCols,
		[]string{"Prefix", "RPKI", "IRR", "Collector peers seeing it"}, "rsort", "rdir", col, dir, "#routes-h")
	pages := (len(routes) + routesPerPage - 1) / routesPerPage
	page, _ := strconv.Atoi(q.r.URL.Query().Get("rpage"))
	page = max(1, min(page, pages))
	p.RoutePage = page
	for i := 1; i <= pages && pages > 1; i++ {
		v := url.Values{"month": {p.Month}, "rsort": {col}, "rdir": {dir}, "rpage": {strconv.Itoa(i)}}
		if p.OnlyInvalid {
			v.Set("rpki", "invalid")
		}
		p.RoutePages = append(p.RoutePages, pageLink{i, base + "?" + v.Encode() + "#routes-h"})
	}
	if pages > 0 {
		for _, r := range routes[(page-1)*routesPerPage : min(page*routesPerPage, len(routes))] {
			row := routeRow{Route: r, Invalid: rpkiState(r.RPKI) == "invalid", HasVRPEv: hasVRPs}
			if row.Invalid {
				row.VRPs = vrps[r.Prefix]
			}
			p.Routes = append(p.Routes, row)
		}
	}
}

// routeCols are the sortable columns of the route table.
var routeCols = []string{"prefix", "rpki", "irr", "peers"}

func sortRoutes(rs []store.Route, col, dir string) {
	slices.SortStableFunc(rs, func(a, b store.Route) int {
		var c int
		switch col {
		case "rpki":
			c = strings.Compare(a.RPKI, b.RPKI)
		case "irr":
			c = strings.Compare(a.IRR, b.IRR)
		case "peers":
			c = a.Peers - b.Peers
		}
		if c == 0 {
			c = comparePrefixes(a.Prefix, b.Prefix)
			if col != "prefix" {
				return c // ties by prefix, always ascending
			}
		}
		if dir == "desc" {
			return -c
		}
		return c
	})
}

// comparePrefixes orders prefixes by address family, address and length;
// text that does not parse sorts after, as text.
func comparePrefixes(a, b string) int {
	pa, ea := netip.ParsePrefix(a)
	pb, eb := netip.ParsePrefix(b)
	switch {
	case ea != nil || eb != nil:
		return strings.Compare(a, b)
	case pa.Addr().Is4() != pb.Addr().Is4():
		if pa.Addr().Is4() {
			return -1
		}
		return 1
	}
	if c := pa.Addr().Compare(pb.Addr()); c != 0 {
		return c
	}
	return pa.Bits() - pb.Bits()
}

// evidenceCSV: GET /asn/{asn}?month=&incident=ID&format=csv, every
// event of one incident's evidence, for a visitor who sees the details.
func evidenceCSV(q *request, p *asnPage, id string) error {
	i := slices.IndexFunc(p.Incidents, func(r incidentRow) bool { return r.ID == id })
	if i < 0 {
		return notFound("AS%d has no incident %q in %s", p.ASN, truncate(id, 80), p.Month)
	}
	h := q.w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="incident-%s.csv"`, safeFileName(id)))
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	return writeEvidenceCSV(q.w, p.Incidents[i].Incident.Evidence)
}

// safeFileName keeps letters, digits, '-' and '_' of s.
func safeFileName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, truncate(s, 100))
}

func pending(fbs []store.Feedback) bool {
	return slices.ContainsFunc(fbs, func(f store.Feedback) bool { return f.Verdict == store.VerdictPending })
}

// history fills the five scores over the last 12 stored months of m's
// specification, as the visitor may see them.
func (s *Server) history(q *request, m *store.MonthMeta, reg map[uint32]bool, p *asnPage) error {
	metas, err := s.shared.SpecMonths(q.ctx(), m.Spec)
	if err != nil {
		return err
	}
	var months []store.MonthMeta
	for _, mm := range metas {
		if !mm.Month.After(m.Month) && len(months) < 12 {
			months = append(months, mm)
		}
	}
	slices.Reverse(months)
	var labels []string
	vals := make([][]*float64, len(scoreIDs))
	for i := range months {
		mm := &months[i]
		recs, err := s.st.ASNs(q.ctx(), mm.Month, mm.Spec, store.Filter{ASNs: []uint32{p.ASN}})
		if err != nil {
			return fmt.Errorf("read AS%d in %s: %w", p.ASN, mm.Month.Format(vocab.MonthLayout), err)
		}
		row := historyRow{Month: mm.Month.Format(vocab.MonthLayout)}
		if len(recs) > 0 {
			row.Scores = scoresFor(&recs[0], specOf(mm), q.who, reg)
		}
		p.History = append(p.History, row)
		labels = append(labels, row.Month)
		for j := range scoreIDs {
			var v *float64
			if j < len(row.Scores) {
				v = row.Scores[j].Value
			}
			vals[j] = append(vals[j], v)
		}
	}
	var ss []series
	for j, id := range scoreIDs {
		ss = append(ss, series{Name: scoreNames[id], Values: vals[j]})
	}
	p.Chart = lineChart(fmt.Sprintf("Scores of AS%d over %d months", p.ASN, len(labels)), labels, ss, 640, 220, view.Readiness(specOf(m)))
	slices.Reverse(p.History) // the table newest first
	return nil
}

// feedbackForm: POST /incidents/{id}/feedback, the no-JavaScript form
// behind the "flag as false positive" button: checks the page's CSRF
// token and records the claim as the key's holder (view.View.Flag, the
// use case and role checks of the API's POST feedback).
func (s *Server) feedbackForm(q *request) error {
	q.r.Body = http.MaxBytesReader(q.w, q.r.Body, 16<<10)
	if err := q.r.ParseForm(); err != nil {
		return badRequest("malformed form")
	}
	if q.who.Key == nil {
		return forbidden("sign in with a participant key to flag incidents")
	}
	if !sameOrigin(q.r) || !s.validCSRF(q.who, q.r.PostForm.Get("csrf")) {
		return forbidden("the form must come from this site's own pages")
	}
	id := q.r.PathValue("id")
	_, err := s.shared.Flag(q.ctx(), &q.who.Principal, id, q.r.PostForm.Get("reason"))
	var refused *view.Error
	if errors.As(err, &refused) {
		return &httpError{status: refusalStatus[refused.Kind], msg: "the feedback was refused: " + refused.Detail}
	}
	if err != nil {
		return err
	}
	back := safeNext(q.r.PostForm.Get("next"))
	sep := "?"
	if strings.Contains(back, "?") {
		sep = "&"
	}
	http.Redirect(q.w, q.r, back+sep+"flagged="+url.PathEscape(id), http.StatusSeeOther)
	return nil
}

// refusalStatus is the status of each kind of refusal, as the API has it.
var refusalStatus = map[view.Kind]int{
	view.Unauthorized: http.StatusUnauthorized,
	view.Forbidden:    http.StatusForbidden,
	view.Invalid:      http.StatusBadRequest,
	view.NotFound:     http.StatusNotFound,
	view.Conflict:     http.StatusConflict,
	view.Unavailable:  http.StatusServiceUnavailable,
}
