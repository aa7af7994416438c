package application

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/observatory-net/observatory/internal/apikey"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// ErrState is a change the application's state does not allow: a review
// of an application not awaiting one, an edit or a re-check of a decided
// one. It matches store.ErrConflict, as a change that lost a race does.
var ErrState = fmt.Errorf("%w: the application's state does not allow it", store.ErrConflict)

// Decision is the secretariat's verdict.
type Decision string

// The verdicts of a review.
const (
	Approve Decision = "approved"
	Reject  Decision = "rejected"
)

// MaxComment bounds a comment of the trail.
const MaxComment = 2000

// Workflow runs applications on a store.Service.
type Workflow struct {
	Svc store.Service
	// Criteria, when set, is the specification whose participation
	// criteria apply; nil: those of the newest month's specification.
	Criteria *spec.Spec
	// Now returns the time (default time.Now).
	Now func() time.Time
}

func (w *Workflow) now() time.Time {
	if w.Now != nil {
		return w.Now().UTC()
	}
	return time.Now().UTC()
}

// checkHeld refuses an ASN another registered participant holds.
func (w *Workflow) checkHeld(ctx context.Context, org string, asns []uint32) error {
	reg, err := w.Svc.RegisteredParticipants(ctx)
	if err != nil {
		return fmt.Errorf("read the participants registry: %w", err)
	}
	for _, p := range reg {
		for _, a := range asns {
			if slices.Contains(p.ASNs, a) {
				return &store.ASNConflictError{ASN: a, Holder: p.Organisation, Claimant: org}
			}
		}
	}
	return nil
}

// summary is the trail comment of a check.
func summary(c *Checked) string {
	var failed []string
	for _, r := range c.Results {
		if !r.Passed {
			failed = append(failed, r.Check)
		}
	}
	head := fmt.Sprintf("checked on %s (%s) against the criteria of %s: ", vocab.MonthOf(c.Month), c.Spec, c.Criteria)
	if len(failed) == 0 {
		return head + "every check passed"
	}
	return head + "failed " + strings.Join(failed, ", ")
}

// Submit checks in, refuses ASNs other participants hold, runs the checks
// and stores the application with its applicant key, whose token it
// returns (to be shown once). by is who submitted ("anonymous" or a key).
func (w *Workflow) Submit(ctx context.Context, in Input, by string) (*store.Application, string, error) {
	in, err := Normalize(in)
	if err != nil {
		return nil, "", err
	}
	if err := w.checkHeld(ctx, in.Organisation, in.ASNs); err != nil {
		return nil, "", err
	}
	c, err := Check(ctx, w.Svc, in.ASNs, w.Criteria)
	if err != nil {
		return nil, "", err
	}
	token, id, err := apikey.Mint()
	if err != nil {
		return nil, "", err
	}
	now := w.now()
	a := &store.Application{Organisation: in.Organisation, Programme: in.Programme, ASNs: in.ASNs, Email: in.Email,
		Areas: in.Areas, State: c.State(), KeyID: id, KeyHash: apikey.Hash(token),
		Checks: c.Results, CheckedMonth: c.Month, CheckedSpec: c.Spec, CheckedCriteria: c.Criteria,
		CreatedAt: now, UpdatedAt: now,
		Trail: []store.Transition{
			{To: store.AppSubmitted, By: by, At: now, Comment: "application submitted"},
			{From: store.AppSubmitted, To: c.State(), By: "checks", At: now, Comment: summary(c)},
		}}
	if a.ID, err = w.Svc.CreateApplication(ctx, a); err != nil {
		return nil, "", fmt.Errorf("store the application: %w", err)
	}
	return a, token, nil
}

// Edit is what an applicant may change before the decision; nil fields
// stay as they are.
type Edit struct {
	ASNs  []uint32
	Areas []string
}

// Recheck applies e (which may be empty) and checks the application again,
// as its applicant asks after a fix. A decided application is ErrState.
func (w *Workflow) Recheck(ctx context.Context, id int64, e Edit, by, comment string) (*store.Application, error) {
	a, err := w.Svc.Application(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.State.Decided() {
		return nil, fmt.Errorf("%w: application %d is %s", ErrState, id, a.State)
	}
	if err := checkComment(comment); err != nil {
		return nil, err
	}
	ch := &store.AppChange{ID: id, From: a.State, By: by, At: w.now(), Comment: comment}
	if e.ASNs != nil {
		if ch.ASNs, err = NormalizeASNs(e.ASNs); err != nil {
			return nil, err
		}
	}
	if e.Areas != nil {
		if ch.Areas, err = NormalizeAreas(e.Areas); err != nil {
			return nil, err
		}
		if ch.Areas == nil {
			ch.Areas = []string{}
		}
	}
	asns := a.ASNs
	if ch.ASNs != nil {
		asns = ch.ASNs
	}
	if err := w.checkHeld(ctx, a.Organisation, asns); err != nil {
		return nil, err
	}
	c, err := Check(ctx, w.Svc, asns, w.Criteria)
	if err != nil {
		return nil, err
	}
	ch.To, ch.Checks, ch.CheckedMonth, ch.CheckedSpec, ch.CheckedCriteria = c.State(), c.Results, c.Month, c.Spec, c.Criteria
	if ch.Comment == "" {
		ch.Comment = "re-check: " + summary(c)
	} else {
		ch.Comment += " — re-check: " + summary(c)
	}
	if err := w.Svc.ChangeApplication(ctx, ch); err != nil {
		return nil, err
	}
	return w.Svc.Application(ctx, id)
}

// Review records the secretariat's verdict d with its comment. Approval
// wants an application awaiting review and registers the participant in
// the same transaction; rejection wants one awaiting review or whose
// checks failed. Anything else is ErrState.
func (w *Workflow) Review(ctx context.Context, id int64, d Decision, by, comment string) (*store.Application, error) {
	if d != Approve && d != Reject {
		return nil, bad("decision", "%q: want %s or %s", d, Approve, Reject)
	}
	if strings.TrimSpace(comment) == "" {
		return nil, bad("comment", "a review needs a comment")
	}
	if err := checkComment(comment); err != nil {
		return nil, err
	}
	a, err := w.Svc.Application(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.State != store.AppAwaitingReview && (d == Approve || a.State != store.AppChecksFailed) {
		return nil, fmt.Errorf("%w: application %d is %s and cannot be %s", ErrState, id, a.State, d)
	}
	now := w.now()
	ch := &store.AppChange{ID: id, From: a.State, To: store.AppState(d), By: by, At: now, Comment: comment}
	if d == Approve {
		ch.Approve = &store.Registered{Participant: store.Participant{Organisation: a.Organisation, Programme: a.Programme,
			ASNs: a.ASNs, Approved: now, Areas: a.Areas}, UpdatedAt: now}
	}
	if err := w.Svc.ChangeApplication(ctx, ch); err != nil {
		return nil, err
	}
	return w.Svc.Application(ctx, id)
}

func checkComment(s string) error {
	if len(s) > MaxComment {
		return bad("comment", "more than %d bytes", MaxComment)
	}
	if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
		return bad("comment", "want UTF-8 text without NUL")
	}
	return nil
}

// IsInput reports whether err is a refused input (*InputError).
func IsInput(err error) bool {
	var e *InputError
	return errors.As(err, &e)
}
