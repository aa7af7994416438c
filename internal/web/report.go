package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/report"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/view"
	"github.com/observatory-net/observatory/internal/vocab"
)

// reportPage is a participant's monthly conformance report, as the API's
// GET /api/v2/reports/{participant} gives it to the signed-in key: a
// participant its own, the partner and the secretariat any (chosen from
// the registry).
type reportPage struct {
	Month        string
	Months       []string
	Participants []store.Registered // to choose from: partner and secretariat
	Chosen       int64
	Report       *wire.Report // nil until a participant is chosen
	PDF          string
}

func (reportPage) PageTitle() string { return "Conformance report" }

// readReport reads the report the request asks for through the view
// (view.View.Report), as the API does; nil without a participant chosen.
func (s *Server) readReport(q *request) (*wire.Report, *reportPage, error) {
	if q.who.Key == nil {
		return nil, nil, &httpError{status: http.StatusUnauthorized,
			msg: "sign in with an API key to see the conformance reports (a participant: its own; partner and secretariat: all)"}
	}
	m, err := q.month()
	if err != nil {
		return nil, nil, err
	}
	p := &reportPage{Month: vocab.MonthOf(m.Month).String()}
	if v := q.r.URL.Query().Get("participant"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 1 {
			return nil, nil, badRequest("participant %q: want a registry ID", truncate(v, 40))
		}
		p.Chosen = id
	} else if q.who.Role() == store.RoleParticipant {
		p.Chosen = q.who.Key.ParticipantID
	}
	if q.who.SeesAll() {
		reg, err := s.registered(q.ctx())
		if err != nil {
			return nil, nil, err
		}
		p.Participants = reg.List
	}
	if p.Chosen == 0 {
		return nil, p, nil
	}
	r, err := s.shared.Report(q.ctx(), &q.who.Principal, m, p.Chosen)
	var refused *view.Error
	if errors.As(err, &refused) {
		return nil, nil, &httpError{status: refusalStatus[refused.Kind], msg: refused.Detail}
	}
	if err != nil {
		return nil, nil, err
	}
	p.Report = r
	p.PDF = "/report.pdf?" + url.Values{"participant": {strconv.FormatInt(p.Chosen, 10)}, "month": {p.Month}}.Encode()
	return r, p, nil
}

// reportHTML: GET /report?participant=&month=, the report on the dashboard.
func (s *Server) reportHTML(q *request) error {
	_, p, err := s.readReport(q)
	if err != nil {
		return err
	}
	if p.Months, err = s.monthNames(q); err != nil {
		return err
	}
	return q.render(http.StatusOK, "report", p)
}

// reportPDF: GET /report.pdf?participant=&month=, the same report as PDF.
func (s *Server) reportPDF(q *request) error {
	r, _, err := s.readReport(q)
	if err != nil {
		return err
	}
	if r == nil {
		return badRequest("participant: which participant's report?")
	}
	h := q.w.Header()
	h.Set("Content-Type", report.ContentType(report.FormatPDF))
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename=%q`, report.FileName(r, report.FormatPDF)))
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	return report.PDF(q.w, r)
}
