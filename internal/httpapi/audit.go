package httpapi

import (
	"net/http"
	"strings"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/audit"
	"github.com/observatory-net/observatory/internal/view"
)

// getAudit: GET /api/v2/audits, the supply-chain audit of the ASNs,
// prefixes and PeeringDB organisation asked for (asn and prefix, each
// comma-separated, and org)
// in a month (internal/audit, docs/audit.md), for the secretariat and
// partners only (view.MaySeeAudits). The month is loaded once for audits;
// each audit then reads memory.
func (s *Server) getAudit(c *call) error {
	if err := view.MaySeeAudits(&c.who.Principal); err != nil {
		return err
	}
	q, err := auditQuery(c)
	if err != nil {
		return err
	}
	m, err := c.month()
	if err != nil {
		return err
	}
	c.heavy = true // the first audit of a month loads all of it
	return c.serveMonth(m, viewAll, func() (any, error) {
		return s.view.Audit(c.ctx(), &c.who.Principal, m, q)
	})
}

// auditQuery reads the asn, prefix and org parameters (audit.ParseQuery).
func auditQuery(c *call) (audit.Query, error) {
	q, err := audit.ParseQuery(c.q["asn"], c.q["prefix"], c.q.Get("org"))
	if err != nil {
		return q, badRequest("%s", err.Error())
	}
	return q, nil
}

// auditSectors: POST /api/v2/audits/sectors, the month's ROA coverage
// and upstream ROV per sector of the organisations in the body
// (audit.Month.Sectors), for the secretariat and partners only.
func (s *Server) auditSectors(c *call) error {
	if err := view.MaySeeAudits(&c.who.Principal); err != nil {
		return err
	}
	var req wire.AuditSectorsRequest
	if err := c.decodeBody(&req); err != nil {
		return err
	}
	orgs, err := sectorOrgs(req)
	if err != nil {
		return err
	}
	m, err := c.month()
	if err != nil {
		return err
	}
	rows, err := s.view.Sectors(c.ctx(), &c.who.Principal, m, orgs)
	if err != nil {
		return err
	}
	return c.writeJSON(http.StatusOK, wire.AuditSectors{MonthData: head(m), Sectors: rows})
}

// sectorOrgs checks the organisations of a sectors request.
func sectorOrgs(req wire.AuditSectorsRequest) ([]audit.Org, error) {
	if len(req.Organisations) == 0 || len(req.Organisations) > audit.MaxOrgs {
		return nil, badRequest("organisations: want 1 to %d", audit.MaxOrgs)
	}
	orgs := make([]audit.Org, 0, len(req.Organisations))
	for i, o := range req.Organisations {
		name, sector := strings.TrimSpace(o.Name), strings.ToLower(strings.TrimSpace(o.Sector))
		if name == "" || sector == "" || len(name) > 200 || len(sector) > 100 || !view.CleanText(name, sector) {
			return nil, badRequest("organisations[%d]: a name and a sector of plain text are required", i)
		}
		if len(o.ASNs)+len(o.PeeringDB) == 0 || len(o.ASNs) > audit.MaxASNs || len(o.PeeringDB) > audit.MaxASNs {
			return nil, badRequest("organisations[%d]: want 1 to %d ASNs or PeeringDB organisations", i, audit.MaxASNs)
		}
		g := audit.Org{Name: name, Sector: sector}
		for _, id := range o.PeeringDB {
			if id < 1 {
				return nil, badRequest("organisations[%d]: PeeringDB organisation %d: want a positive id", i, id)
			}
			g.PeeringDB = append(g.PeeringDB, id)
		}
		for _, a := range o.ASNs {
			if a == 0 {
				return nil, badRequest("organisations[%d]: AS0 cannot be audited", i)
			}
			g.ASNs = append(g.ASNs, uint32(a))
		}
		orgs = append(orgs, g)
	}
	return orgs, nil
}
