package httpapi

import (
	"net/http"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/application"
)

// The programme applications (issue 13 item 1): who may do what is
// decided by internal/view (applications.go), the use case is
// internal/application. Every answer is private (writeJSON: no-store).

// submitApplication: POST /api/v2/applications, anyone.
func (s *Server) submitApplication(c *call) error {
	var in wire.ApplicationInput
	if err := c.decodeBody(&in); err != nil {
		return err
	}
	a, token, err := s.view.Apply(c.ctx(), &c.who.Principal, application.Input{Organisation: in.Organisation,
		Programme: string(in.Programme), ASNs: storeASNs(in.ASNs), Email: in.Email, Areas: in.Areas})
	if err != nil {
		return err
	}
	out := application.Wire(a)
	out.ApplicantKey = token
	return c.writeJSON(http.StatusCreated, out)
}

// listApplications: GET /api/v2/applications, the secretariat.
func (s *Server) listApplications(c *call) error {
	as, err := s.view.Applications(c.ctx(), &c.who.Principal)
	if err != nil {
		return err
	}
	out := wire.ApplicationList{Items: make([]wire.Application, 0, len(as))}
	for i := range as {
		out.Items = append(out.Items, application.Wire(&as[i]))
	}
	return c.writeJSON(http.StatusOK, out)
}

// getApplication: GET /api/v2/applications/{id}, its applicant or the
// secretariat.
func (s *Server) getApplication(c *call) error {
	id, err := parseID(c.r.PathValue("id"))
	if err != nil {
		return err
	}
	a, err := s.view.Application(c.ctx(), &c.who.Principal, id)
	if err != nil {
		return err
	}
	return c.writeJSON(http.StatusOK, application.Wire(a))
}

// recheckApplication: POST /api/v2/applications/{id}/recheck, its
// applicant or the secretariat.
func (s *Server) recheckApplication(c *call) error {
	id, err := parseID(c.r.PathValue("id"))
	if err != nil {
		return err
	}
	var in wire.ApplicationRecheck
	if err := c.decodeBody(&in); err != nil {
		return err
	}
	a, err := s.view.Recheck(c.ctx(), &c.who.Principal, id, application.Edit{ASNs: storeASNs(in.ASNs), Areas: in.Areas}, in.Comment)
	if err != nil {
		return err
	}
	return c.writeJSON(http.StatusOK, application.Wire(a))
}

// reviewApplication: POST /api/v2/applications/{id}/review, the
// secretariat; an approval registers the participant.
func (s *Server) reviewApplication(c *call) error {
	id, err := parseID(c.r.PathValue("id"))
	if err != nil {
		return err
	}
	var in wire.ApplicationReview
	if err := c.decodeBody(&in); err != nil {
		return err
	}
	a, err := s.view.ReviewApplication(c.ctx(), &c.who.Principal, id, application.Decision(in.Decision), in.Comment)
	if err != nil {
		return err
	}
	if a.ParticipantID != 0 {
		s.registryChanged()
	}
	return c.writeJSON(http.StatusOK, application.Wire(a))
}
