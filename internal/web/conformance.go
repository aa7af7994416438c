package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/conformance"
	"github.com/observatory-net/observatory/internal/view"
	"github.com/observatory-net/observatory/internal/vocab"
)

// conformancePage is the month's minimum-conformance flags, as the API's
// GET /api/v2/conformance/flags gives them to the signed-in key.
type conformancePage struct {
	Month  string
	Months []string
	Flags  *wire.ConformanceFlags
	Scope  string // "all" (partner, secretariat) or "own" (a participant)
	CSV    string
}

func (conformancePage) PageTitle() string { return "Minimum conformance" }

// conformanceFlags reads the month's flags for the signed-in visitor
// through the view (view.View.ConformanceFlags), as the API does.
func (s *Server) conformanceFlags(q *request) (*wire.ConformanceFlags, string, error) {
	if q.who.Key == nil {
		return nil, "", &httpError{status: http.StatusUnauthorized,
			msg: "sign in with an API key to see the minimum-conformance flags (a participant: every participant's readiness, the evidence of its own)"}
	}
	m, err := q.month()
	if err != nil {
		return nil, "", err
	}
	r, err := s.shared.ConformanceFlags(q.ctx(), &q.who.Principal, m)
	var refused *view.Error
	if errors.As(err, &refused) {
		return nil, "", &httpError{status: refusalStatus[refused.Kind], msg: refused.Detail}
	}
	if err != nil {
		return nil, "", err
	}
	return r, vocab.MonthOf(m.Month).String(), nil
}

// conformance: GET /conformance?month=, the flags with their history.
func (s *Server) conformance(q *request) error {
	r, month, err := s.conformanceFlags(q)
	if err != nil {
		return err
	}
	// Every key that sees the page sees every participant's readiness; a
	// participant sees the values and evidence of its own flags only
	// (conformance.Visible).
	p := conformancePage{Month: month, Flags: r, Scope: "all", CSV: "/conformance.csv?" + url.Values{"month": {month}}.Encode()}
	if p.Months, err = s.monthNames(q); err != nil {
		return err
	}
	return q.render(http.StatusOK, "conformance", p)
}

// conformanceCSV: GET /conformance.csv?month=, the same flags as CSV.
func (s *Server) conformanceCSV(q *request) error {
	r, month, err := s.conformanceFlags(q)
	if err != nil {
		return err
	}
	h := q.w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="conformance-%s.csv"`, month))
	h.Set("Cache-Control", "private, no-store")
	return conformance.WriteCSV(q.w, r)
}
