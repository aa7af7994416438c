package httpapi

import "net/http"

// conformanceFlags: GET /api/v2/conformance/flags, the month's
// minimum-conformance flags (secretariat and partner: all; participant:
// its own; anonymous: 401). It reads up to the rule's history of months
// of the participants' ASNs: expensive work.
func (s *Server) conformanceFlags(c *call) error {
	if err := c.needKey(); err != nil {
		return err
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
	r, err := s.view.ConformanceFlags(c.ctx(), &c.who.Principal, m)
	if err != nil {
		return err
	}
	return c.writeJSON(http.StatusOK, r)
}
