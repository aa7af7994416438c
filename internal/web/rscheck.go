package web

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/view"
	"github.com/observatory-net/observatory/internal/vocab"
)

// rsChecksPage is the Route servers page: the stored route-server checks.
type rsChecksPage struct {
	Items []rsCheckRow
}

// rsCheckRow is a check of the list with the share of its routes that
// should have been rejected.
type rsCheckRow struct {
	wire.RSCheckMeta
	Share string
}

func (rsChecksPage) PageTitle() string { return "Route-server checks" }

// rsChecksHandler: GET /rs-checks, the stored IXP route-server checks
// (observatory rs-check --db) for participant, partner and secretariat
// keys; the items of GET /api/v2/rs-checks.
func (s *Server) rsChecksHandler(q *request) error {
	items, err := s.shared.RSChecks(q.ctx(), &q.who.Principal)
	if err != nil {
		return refusal(err)
	}
	p := &rsChecksPage{Items: make([]rsCheckRow, 0, len(items))}
	for _, m := range items {
		row := rsCheckRow{RSCheckMeta: m, Share: "–"}
		if m.Routes > 0 {
			row.Share = pct(float64(m.Rejectable) / float64(m.Routes))
		}
		p.Items = append(p.Items, row)
	}
	return q.render(http.StatusOK, "rschecks", p)
}

// rsCheckPage is one stored check: its files, the members with a route
// that should have been rejected (most first), and the findings kept by
// the filters.
type rsCheckPage struct {
	Check    *wire.RSCheck
	Members  []wire.RSCheckMember // members with rejectable routes
	Clean    int                  // members without
	Findings []wire.RSCheckFinding
	Reasons  []string // every reason, for the filter
	Reason   string   // the filters as asked
	Member   string
}

func (p rsCheckPage) PageTitle() string { return "Route-server check of " + p.Check.IXP }

// rsReasons are the reasons of internal/rscheck, in report order.
var rsReasons = []string{"rpki-invalid", "bogon-prefix", "bogon-asn", "irr-unregistered"}

// rsCheckHandler: GET /rs-checks/{id}?reason=&member=, one stored check:
// per member the routes that should have been rejected and every finding
// with its evidence, filtered by reason and member; the document of GET
// /api/v2/rs-checks/{id}.
func (s *Server) rsCheckHandler(q *request) error {
	if err := view.MaySeeRSChecks(&q.who.Principal); err != nil {
		return refusal(err)
	}
	id, err := strconv.ParseInt(q.r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return badRequest("route-server check %q: want a positive integer", q.r.PathValue("id"))
	}
	v := q.r.URL.Query()
	p := &rsCheckPage{Reasons: rsReasons, Reason: strings.TrimSpace(v.Get("reason")), Member: strings.TrimSpace(v.Get("member"))}
	if p.Reason != "" && !slices.Contains(rsReasons, p.Reason) {
		return badRequest("reason %q: want one of %s", p.Reason, strings.Join(rsReasons, ", "))
	}
	var member uint32
	if p.Member != "" {
		if member, err = vocab.ParseASN(p.Member); err != nil {
			return badRequest("member %q: want AS followed by a number, or a number", p.Member)
		}
	}
	if p.Check, err = s.shared.RSCheck(q.ctx(), &q.who.Principal, id); err != nil {
		return refusal(err)
	}
	for _, m := range p.Check.Result.Members {
		if m.Rejectable > 0 {
			p.Members = append(p.Members, m)
		} else {
			p.Clean++
		}
	}
	slices.SortStableFunc(p.Members, func(a, b wire.RSCheckMember) int { return cmp.Compare(b.Rejectable, a.Rejectable) })
	for _, f := range p.Check.Result.Findings {
		if (p.Reason == "" || slices.Contains(f.Reasons, p.Reason)) && (member == 0 || uint32(f.Member) == member) {
			p.Findings = append(p.Findings, f)
		}
	}
	return q.render(http.StatusOK, "rscheck", p)
}
