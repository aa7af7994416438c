package web

import (
	"net/http"
	"net/netip"
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
	p := &auditPage{ASNs: strings.TrimSpace(v.Get("asn")), Prefixes: strings.TrimSpace(v.Get("prefix")), Controls: audit.Controls}
	query, err := auditFormQuery(p.ASNs, p.Prefixes)
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
	if len(query.ASNs)+len(query.Prefixes) > 0 {
		if p.Audit, err = s.shared.Audit(q.ctx(), &q.who.Principal, m, query); err != nil {
			return refusal(err)
		}
		p.Graph = audit.Layout(p.Audit)
	}
	return q.render(http.StatusOK, "audit", p)
}

// auditFormQuery reads the form's ASNs and prefixes, separated by commas
// or spaces.
func auditFormQuery(asns, prefixes string) (audit.Query, error) {
	var q audit.Query
	split := func(s string) []string {
		return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })
	}
	for _, f := range split(asns) {
		a, err := vocab.ParseASN(f)
		if err != nil || a == 0 {
			return q, badRequest("ASN %q: want AS followed by a number, or a number", f)
		}
		q.ASNs = append(q.ASNs, a)
	}
	for _, f := range split(prefixes) {
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return q, badRequest("prefix %q: want an IPv4 or IPv6 prefix such as 192.0.2.0/24", f)
		}
		q.Prefixes = append(q.Prefixes, p)
	}
	if len(q.ASNs) > audit.MaxASNs || len(q.Prefixes) > audit.MaxPrefixes {
		return q, badRequest("at most %d ASNs and %d prefixes an audit", audit.MaxASNs, audit.MaxPrefixes)
	}
	return q, nil
}
