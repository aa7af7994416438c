package httpapi

import (
	"net/http"

	"github.com/observatory-net/observatory/api/wire"
)

// The stored IXP route-server checks (issue 14 item 5; observatory
// rs-check --db, docs/rs-check.md): who may read them is decided by
// internal/view (rscheck.go). Every answer is private (writeJSON:
// no-store).

// listRSChecks: GET /api/v2/rs-checks, participants, partners and the
// secretariat.
func (s *Server) listRSChecks(c *call) error {
	items, err := s.view.RSChecks(c.ctx(), &c.who.Principal)
	if err != nil {
		return err
	}
	return c.writeJSON(http.StatusOK, wire.RSCheckList{Items: items})
}

// getRSCheck: GET /api/v2/rs-checks/{id}, the same callers.
func (s *Server) getRSCheck(c *call) error {
	id, err := parseID(c.r.PathValue("id"))
	if err != nil {
		return err
	}
	out, err := s.view.RSCheck(c.ctx(), &c.who.Principal, id)
	if err != nil {
		return err
	}
	return c.writeJSON(http.StatusOK, out)
}
