package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/view"
	"github.com/observatory-net/observatory/internal/vocab"
)

// The review queue: the false-positive claims on incidents (GET
// /api/v2/feedback) with, for the secretariat, a form per pending claim
// (POST /api/v2/feedback/{id}/review through view.View.Review, the same
// use case and role check). Partners see every claim, a participant its
// own ASNs', as the API lists them.

type feedbackPage struct {
	Verdict   string // the filter: pending (default), accepted, rejected or all
	Verdicts  []string
	Items     []feedbackRow
	Pending   int // pending claims the visitor may see, whatever the filter
	Reviewer  bool
	CSRF      string
	Reviewed  string // the claim just reviewed
	Error     string
	NextQuery string
}

func (feedbackPage) PageTitle() string { return "Feedback review" }

// feedbackRow is a claim with the links to what it is about.
type feedbackRow struct {
	store.Feedback
	Month   string
	ASNHref string // the incident on its ASN page
}

// feedbackVerdicts are the filters of the page, in order.
var feedbackVerdicts = []string{string(store.VerdictPending), string(store.VerdictAccepted), string(store.VerdictRejected), "all"}

// feedbackList: GET /feedback?verdict=.
func (s *Server) feedbackList(q *request) error {
	return s.renderFeedback(q, http.StatusOK, "")
}

func (s *Server) renderFeedback(q *request, status int, refusal string) error {
	if q.who.Key == nil {
		return &httpError{status: http.StatusUnauthorized, msg: "sign in with an API key to see the feedback on incidents (secretariat: to review it)"}
	}
	if s.svc == nil {
		return &httpError{status: http.StatusServiceUnavailable, msg: "this store does not keep feedback"}
	}
	p := feedbackPage{Verdict: q.r.URL.Query().Get("verdict"), Verdicts: feedbackVerdicts, Reviewer: q.who.Role() == store.RoleSecretariat,
		CSRF: s.csrfToken(q.who), Reviewed: q.r.URL.Query().Get("reviewed"), Error: refusal}
	if p.Verdict == "" {
		p.Verdict = string(store.VerdictPending)
	}
	if !slices.Contains(feedbackVerdicts, p.Verdict) {
		return badRequest("verdict %q: want pending, accepted, rejected or all", truncate(p.Verdict, 20))
	}
	p.NextQuery = "/feedback?" + url.Values{"verdict": {p.Verdict}}.Encode()
	f := store.FeedbackFilter{}
	asns, all := q.who.TrailScope()
	if !all {
		if len(asns) == 0 {
			return q.render(status, "feedback", p)
		}
		f.ASNs = asns
	}
	fbs, err := s.svc.Feedbacks(q.ctx(), f)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("list feedback: %w", err)
	}
	for _, fb := range fbs {
		if !q.who.SeesTrail(fb.ASN) {
			continue
		}
		if fb.Verdict == store.VerdictPending {
			p.Pending++
		}
		if p.Verdict != "all" && string(fb.Verdict) != p.Verdict {
			continue
		}
		month := fb.Month.Format(vocab.MonthLayout)
		p.Items = append(p.Items, feedbackRow{Feedback: fb, Month: month,
			ASNHref: "/asn/AS" + strconv.FormatUint(uint64(fb.ASN), 10) + "?" + url.Values{"month": {month}}.Encode() + "#incident-" + fb.IncidentID})
	}
	return q.render(status, "feedback", p)
}

// reviewFeedbackForm: POST /feedback/{id}/review, the secretariat's
// verdict on a pending claim: accepted or rejected, with a note.
func (s *Server) reviewFeedbackForm(q *request) error {
	q.r.Body = http.MaxBytesReader(q.w, q.r.Body, 16<<10)
	if err := q.r.ParseForm(); err != nil {
		return badRequest("malformed form")
	}
	id, err := strconv.ParseInt(q.r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return badRequest("feedback ID %q: want a positive integer", truncate(q.r.PathValue("id"), 20))
	}
	if q.who.Key == nil {
		return &httpError{status: http.StatusUnauthorized, msg: "sign in with a secretariat key to review feedback"}
	}
	if !sameOrigin(q.r) || !s.validCSRF(q.who, q.r.PostForm.Get("csrf")) {
		return forbidden("the form must come from this site's own pages")
	}
	v := store.Verdict(q.r.PostForm.Get("verdict"))
	_, err = s.shared.Review(q.ctx(), &q.who.Principal, id, v, q.r.PostForm.Get("note"))
	var refused *view.Error
	if errors.As(err, &refused) {
		if refused.Kind == view.Forbidden || refused.Kind == view.Unauthorized {
			return &httpError{status: refusalStatus[refused.Kind], msg: "only the secretariat reviews feedback"}
		}
		return s.renderFeedback(q, refusalStatus[refused.Kind], refused.Detail)
	}
	if err != nil {
		return err
	}
	http.Redirect(q.w, q.r, "/feedback?"+url.Values{"reviewed": {strconv.FormatInt(id, 10)}}.Encode(), http.StatusSeeOther)
	return nil
}
