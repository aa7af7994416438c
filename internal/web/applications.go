package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/observatory-net/observatory/internal/application"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/view"
	"github.com/observatory-net/observatory/internal/vocab"
)

// The programme applications on the dashboard: the Apply page, whose
// form anyone may send (from our own pages, with the session's CSRF token
// when signed in), the secretariat's list, and one application's page
// (its checks, its trail and, for the secretariat, the review form). All
// go through view, as the API's do.

// applyForm is what the visitor typed, shown again when refused.
type applyForm struct {
	Organisation, Programme, ASNs, Email, Areas string
}

type applyPage struct {
	Programmes []string
	Form       applyForm
	Error      string
	CSRF       string // the session's, when signed in
	// Set once the application is stored:
	Application *store.Application
	Key         string
}

func (applyPage) PageTitle() string { return "Apply to a MANRS programme" }

// applyForm: GET /apply.
func (s *Server) applyForm(q *request) error {
	return q.render(http.StatusOK, "apply", applyPage{Programmes: application.Programmes, Form: applyForm{Programme: "netops"},
		CSRF: s.csrfToken(q.who)})
}

// apply: POST /apply, the application form.
func (s *Server) apply(q *request) error {
	q.r.Body = http.MaxBytesReader(q.w, q.r.Body, 16<<10)
	if err := q.r.ParseForm(); err != nil {
		return badRequest("malformed form")
	}
	if !sameOrigin(q.r) || q.who.Key != nil && !s.validCSRF(q.who, q.r.PostForm.Get("csrf")) {
		return forbidden("the form must come from this site's own pages")
	}
	f := applyForm{Organisation: q.r.PostForm.Get("organisation"), Programme: q.r.PostForm.Get("programme"),
		ASNs: q.r.PostForm.Get("asns"), Email: q.r.PostForm.Get("email"), Areas: q.r.PostForm.Get("areas")}
	page := applyPage{Programmes: application.Programmes, Form: f, CSRF: s.csrfToken(q.who)}
	in := application.Input{Organisation: f.Organisation, Programme: f.Programme, Email: f.Email, Areas: strings.Fields(f.Areas)}
	for _, a := range strings.FieldsFunc(f.ASNs, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' }) {
		n, err := vocab.ParseASN(a)
		if err != nil {
			page.Error = "asns: " + truncate(a, 20) + " is not an AS number"
			return q.render(http.StatusBadRequest, "apply", page)
		}
		in.ASNs = append(in.ASNs, n)
	}
	a, token, err := s.shared.Apply(q.ctx(), &q.who.Principal, in)
	var refused *view.Error
	if errors.As(err, &refused) {
		page.Error = refused.Detail
		return q.render(refusalStatus[refused.Kind], "apply", page)
	}
	if err != nil {
		return err
	}
	page.Application, page.Key = a, token
	return q.render(http.StatusCreated, "apply", page)
}

type applicationsPage struct {
	Applications []applicationRow
}

// applicationRow is an application and the last entry of its trail.
type applicationRow struct {
	store.Application
	Last store.Transition
}

func (applicationsPage) PageTitle() string { return "Applications" }

// applications: GET /applications, the secretariat's list.
func (s *Server) applications(q *request) error {
	as, err := s.shared.Applications(q.ctx(), &q.who.Principal)
	if err := refusedPage(err, "sign in with a secretariat key to see the applications"); err != nil {
		return err
	}
	var page applicationsPage
	for _, a := range as {
		row := applicationRow{Application: a}
		if len(a.Trail) > 0 {
			row.Last = a.Trail[len(a.Trail)-1]
		}
		page.Applications = append(page.Applications, row)
	}
	return q.render(http.StatusOK, "applications", page)
}

type applicationPage struct {
	Application *store.Application
	Secretariat bool   // the review form is shown
	CSRF        string // the session's
	Error       string
	Reviewed    bool
}

func (p applicationPage) PageTitle() string {
	return "Application " + strconv.FormatInt(p.Application.ID, 10)
}

// applicationID reads the {id} of /applications/{id}.
func applicationID(q *request) (int64, error) {
	id, err := strconv.ParseInt(q.r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, badRequest("application ID %q: want a positive integer", truncate(q.r.PathValue("id"), 20))
	}
	return id, nil
}

// application: GET /applications/{id}: the secretariat's, or the
// applicant's own (signed in with the applicant key).
func (s *Server) application(q *request) error {
	id, err := applicationID(q)
	if err != nil {
		return err
	}
	a, err := s.shared.Application(q.ctx(), &q.who.Principal, id)
	if err := refusedPage(err, "sign in with a secretariat key, or the application's own key, to see it"); err != nil {
		return err
	}
	return q.render(http.StatusOK, "application", applicationPage{Application: a, Secretariat: q.who.Role() == store.RoleSecretariat,
		CSRF: s.csrfToken(q.who), Reviewed: q.r.URL.Query().Get("reviewed") != ""})
}

// reviewApplication: POST /applications/{id}/review, the secretariat's
// form: approved or rejected, with a comment (view.View.ReviewApplication,
// the API's use case and role check).
func (s *Server) reviewApplication(q *request) error {
	q.r.Body = http.MaxBytesReader(q.w, q.r.Body, 16<<10)
	if err := q.r.ParseForm(); err != nil {
		return badRequest("malformed form")
	}
	id, err := applicationID(q)
	if err != nil {
		return err
	}
	if q.who.Key == nil {
		return &httpError{status: http.StatusUnauthorized, msg: "sign in with a secretariat key to review applications"}
	}
	if !sameOrigin(q.r) || !s.validCSRF(q.who, q.r.PostForm.Get("csrf")) {
		return forbidden("the form must come from this site's own pages")
	}
	d := application.Decision(q.r.PostForm.Get("decision"))
	if d != application.Approve && d != application.Reject {
		return badRequest("decision: want approved or rejected")
	}
	_, err = s.shared.ReviewApplication(q.ctx(), &q.who.Principal, id, d, q.r.PostForm.Get("comment"))
	var refused *view.Error
	if errors.As(err, &refused) && refused.Kind != view.Forbidden && refused.Kind != view.NotFound {
		a, rerr := s.shared.Application(q.ctx(), &q.who.Principal, id)
		if rerr != nil {
			return rerr
		}
		return q.render(refusalStatus[refused.Kind], "application", applicationPage{Application: a, Secretariat: true,
			CSRF: s.csrfToken(q.who), Error: refused.Detail})
	}
	if err := refusedPage(err, "only the secretariat reviews applications"); err != nil {
		return err
	}
	http.Redirect(q.w, q.r, "/applications/"+strconv.FormatInt(id, 10)+"?reviewed=1", http.StatusSeeOther)
	return nil
}

// refusedPage turns a view refusal into the page's error, with msg for a
// refusal by role; other errors pass.
func refusedPage(err error, msg string) error {
	var refused *view.Error
	if !errors.As(err, &refused) {
		return err
	}
	if refused.Kind == view.Forbidden || refused.Kind == view.Unauthorized {
		return &httpError{status: refusalStatus[refused.Kind], msg: msg}
	}
	return &httpError{status: refusalStatus[refused.Kind], msg: refused.Detail}
}
