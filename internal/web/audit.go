package web

import (
	"net/http"
	"strings"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/audit"
	"github.com/observatory-net/observatory/internal/view"
	"github.com/observatory-net/observatory/internal/vocab"
)

// auditPage is the Supply chain page: the form, and the audit when the
// form named networks.
type auditPage struct {
	Month    string
	Months   []string
	ASNs     string // the form's fields as typed
	Prefixes string
	Org      string
	Audit    *wire.Audit
	Graph    audit.Graph
	Controls []string
}

func (p auditPage) PageTitle() string { return "Supply-chain audit, " + p.Month }

// auditPageHandler: GET /audit?asn=…&prefix=…&month=, the supply-chain
// audit (internal/audit) for the secretariat and partners, its graph drawn
// as SVG; the same document as GET /api/v2/audits.
func (s *Server) auditPageHandler(q *request) error {
	if err := view.MaySeeAudits(&q.who.Principal); err != nil {
		return refusal(err)
	}
	v := q.r.URL.Query()
	p := &auditPage{ASNs: strings.TrimSpace(v.Get("asn")), Prefixes: strings.TrimSpace(v.Get("prefix")),
		Org: strings.TrimSpace(v.Get("org")), Controls: audit.Controls}
	query, err := auditFormQuery(p.ASNs, p.Prefixes, p.Org)
	if err != nil {
		return err
	}
	m, err := q.month()
	if err != nil {
		return err
	}
	p.Month = m.Month.Format(vocab.MonthLayout)
	if p.Months, err = s.monthNames(q); err != nil {
		return err
	}
	if len(query.ASNs)+len(query.Prefixes) > 0 || query.Org != 0 {
		if p.Audit, err = s.shared.Audit(q.ctx(), &q.who.Principal, m, query); err != nil {
			return refusal(err)
		}
		p.Graph = audit.Layout(p.Audit)
	}
	return q.render(http.StatusOK, "audit", p)
}

// auditFormQuery reads the form's ASNs and prefixes, separated by commas
// or spaces, and its PeeringDB organisation (audit.ParseQuery); an empty
// form is no query.
func auditFormQuery(asns, prefixes, org string) (audit.Query, error) {
	if asns == "" && prefixes == "" && org == "" {
		return audit.Query{}, nil
	}
	q, err := audit.ParseQuery([]string{asns}, []string{prefixes}, org)
	if err != nil {
		return q, badRequest("%s", err.Error())
	}
	return q, nil
}

// sectorsPage is the Sectors page: the organisations typed, and their rows.
type sectorsPage struct {
	Month  string
	Months []string
	Orgs   string
	Rows   []audit.SectorRow
}

func (p sectorsPage) PageTitle() string { return "Sectors, " + p.Month }

// maxSectorsForm is the most bytes of organisations the page's form takes;
// longer lists go through the CLI or POST /api/v2/audits/sectors.
const maxSectorsForm = 20000

// sectorsPageHandler: GET /audit/sectors?orgs=…&month=, ROA coverage and
// upstream ROV per sector of the organisations typed, one per line as
// "organisation,sector,ASNs" (audit.ReadOrgs without the header), for the
// secretariat and partners; the rows of POST /api/v2/audits/sectors.
func (s *Server) sectorsPageHandler(q *request) error {
	if err := view.MaySeeAudits(&q.who.Principal); err != nil {
		return refusal(err)
	}
	p := &sectorsPage{Orgs: strings.TrimSpace(q.r.URL.Query().Get("orgs"))}
	if len(p.Orgs) > maxSectorsForm {
		return badRequest("at most %d bytes of organisations here: use the CLI or the API for more", maxSectorsForm)
	}
	m, err := q.month()
	if err != nil {
		return err
	}
	p.Month = m.Month.Format(vocab.MonthLayout)
	if p.Months, err = s.monthNames(q); err != nil {
		return err
	}
	if p.Orgs != "" {
		orgs, err := audit.ReadOrgs(strings.NewReader("organisation,sector,asns\n"+p.Orgs), "the list")
		if err != nil {
			return badRequest("%s", err.Error())
		}
		if p.Rows, err = s.shared.Sectors(q.ctx(), &q.who.Principal, m, orgs); err != nil {
			return refusal(err)
		}
	}
	return q.render(http.StatusOK, "sectors", p)
}
