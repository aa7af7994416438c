package httpapi

import (
	"net/http"
	"strconv"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/store"
)

// The live alert engine's incidents (issue 15 item 4; internal/alert,
// docs/alerts.md), recorded by `observatory live --db`: who may see which
// is decided by internal/view (alerts.go). Every answer is private
// (writeJSON: no-store).

// listAlerts: GET /api/v2/alerts?open=&limit=, newest opened first.
func (s *Server) listAlerts(c *call) error {
	open := false
	switch v := c.q.Get("open"); v {
	case "", "false":
	case "true":
		open = true
	default:
		return badRequest("open %s: want true or false", quote(v))
	}
	limit := store.MaxAlertIncidents
	if v := c.q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > store.MaxAlertIncidents {
			return badRequest("limit %s: want an integer from 1 to %d", quote(v), store.MaxAlertIncidents)
		}
		limit = n
	}
	items, err := s.view.Alerts(c.ctx(), &c.who.Principal, open, limit)
	if err != nil {
		return err
	}
	return c.writeJSON(http.StatusOK, wire.AlertList{Items: items})
}

// getAlert: GET /api/v2/alerts/{id}, one incident with its evidence.
func (s *Server) getAlert(c *call) error {
	id := c.r.PathValue("id")
	if len(id) == 0 || len(id) > 200 {
		return badRequest("alert id: want 1 to 200 characters")
	}
	a, err := s.view.Alert(c.ctx(), &c.who.Principal, id)
	if err != nil {
		return err
	}
	return c.writeJSON(http.StatusOK, a)
}
