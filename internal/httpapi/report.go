package httpapi

import (
	"bytes"
	"net/http"
	"slices"

	"github.com/observatory-net/observatory/internal/report"
)

// getReport: GET /api/v2/reports/{participant}, a participant's monthly
// conformance report as JSON, HTML or PDF (participant keys: their own;
// partner and secretariat: all; anonymous: 401). It reads the routes of
// two months of the participant's ASNs: expensive work.
func (s *Server) getReport(c *call) error {
	id, err := parseID(c.r.PathValue("participant"))
	if err != nil {
		return err
	}
	format := c.q.Get("format")
	if format == "" {
		format = report.FormatJSON
	}
	if !slices.Contains(report.Formats, format) {
		return badRequest("format %s: want json, html or pdf", quote(format))
	}
	m, err := c.month()
	if err != nil {
		return err
	}
	release, err := s.work.acquire(c.ctx(), c.who.bucket(c.r))
	if err != nil {
		return err
	}
	defer release()
	r, err := s.view.Report(c.ctx(), &c.who.Principal, m, id)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	switch format {
	case report.FormatJSON:
		return c.writeJSON(http.StatusOK, r)
	case report.FormatHTML:
		err = report.HTML(&b, r)
	default:
		err = report.PDF(&b, r)
		c.w.Header().Set("Content-Disposition", `attachment; filename="`+report.FileName(r, format)+`"`)
	}
	if err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("Content-Type", report.ContentType(format))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	c.w.WriteHeader(http.StatusOK)
	c.w.Write(b.Bytes()) //nolint:errcheck // the client is gone
	return nil
}
