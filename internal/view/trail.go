package view

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/observatory-net/observatory/internal/access"
	"github.com/observatory-net/observatory/internal/rescore"
	"github.com/observatory-net/observatory/internal/store"
)

// Kind is the kind of a refused request: what the servers answer it with.
type Kind int

// Kinds of refusal.
const (
	Unauthorized Kind = iota + 1 // no key: 401
	Forbidden                    // a key that may not: 403
	Invalid                      // bad input: 400
	NotFound                     // 404
	Conflict                     // the state forbids it: 409
	Unavailable                  // the store keeps no feedback: 503
)

// Error is a request the view refuses, with a message for the caller.
type Error struct {
	Kind   Kind
	Detail string
}

func (e *Error) Error() string { return e.Detail }

func refuse(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Detail: fmt.Sprintf(format, args...)}
}

// errNoService is the refusal of every write without a store.Service.
var errNoService = refuse(Unavailable, "this store does not keep keys, participants or feedback")

// maxText bounds a reason or a review note, in bytes.
const maxText = 4000

// needRole refuses callers without a key of one of roles.
func needRole(who *access.Principal, role store.Role) error {
	if who.Key == nil {
		return refuse(Unauthorized, "this needs a %s key", role)
	}
	if who.Role() != role {
		return refuse(Forbidden, "a %s key may not do this", who.Role())
	}
	return nil
}

// Flag records a participant's claim that incident id of one of its own
// ASNs is a false positive (measurement-framework.md §12): a pending
// feedback, reviewed by the secretariat (Review).
func (v *View) Flag(ctx context.Context, who *access.Principal, id, reason string) (*store.Feedback, error) {
	if err := needRole(who, store.RoleParticipant); err != nil {
		return nil, err
	}
	svc := v.opt.Service
	if svc == nil {
		return nil, errNoService
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || len(reason) > maxText || !CleanText(reason) {
		return nil, refuse(Invalid, "reason: want 1 to 4000 bytes")
	}
	if len(id) > 200 {
		return nil, refuse(NotFound, "no incident %s", Quote(id))
	}
	inc, month, specRef, err := svc.FindIncident(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, refuse(NotFound, "no incident %s", Quote(id))
	}
	if err != nil {
		return nil, fmt.Errorf("find incident: %w", err)
	}
	if !who.Owns(inc.ASN) {
		return nil, refuse(Forbidden, "incident %s is not of this participant's ASNs", Quote(id))
	}
	f := &store.Feedback{IncidentID: inc.ID, Month: month, Spec: specRef, ASN: inc.ASN, Reason: reason,
		SubmittedBy: who.Key.ID, SubmittedAt: v.opt.Now().UTC(), Verdict: store.VerdictPending}
	fid, err := svc.AddFeedback(ctx, f)
	if errors.Is(err, store.ErrConflict) {
		return nil, refuse(Conflict, "incident %s already has a pending feedback", Quote(id))
	}
	if err != nil {
		return nil, fmt.Errorf("add feedback: %w", err)
	}
	v.Changed() // the incident's trail changed
	f.ID = fid
	return f, nil
}

// Review records the secretariat's verdict on pending feedback id. An
// accepted incident leaves the score: the month is re-scored in the same
// transaction that records the verdict (rescore.Decide).
func (v *View) Review(ctx context.Context, who *access.Principal, id int64, verdict store.Verdict, note string) (*store.Feedback, error) {
	if err := needRole(who, store.RoleSecretariat); err != nil {
		return nil, err
	}
	svc := v.opt.Service
	if svc == nil {
		return nil, errNoService
	}
	if verdict != store.VerdictAccepted && verdict != store.VerdictRejected {
		return nil, refuse(Invalid, "verdict %s: want accepted or rejected", Quote(string(verdict)))
	}
	if len(note) > maxText || !CleanText(note) {
		return nil, refuse(Invalid, "note: want at most 4000 bytes of text")
	}
	err := rescore.Decide(ctx, svc, id, verdict, who.Key.ID, note, v.opt.Now().UTC())
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, refuse(NotFound, "no feedback %d", id)
	case errors.Is(err, store.ErrConflict):
		return nil, refuse(Conflict, "feedback %d is no longer pending", id)
	case err != nil:
		return nil, err
	}
	v.Changed() // scores, aggregates and trails may have changed
	fb, err := svc.Feedback(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("read back feedback %d: %w", id, err)
	}
	return fb, nil
}

// Trail returns the feedback trail of incidents of month m, by incident
// and oldest first, as who may see it: of asns' incidents (nil: all of
// the month's). Without a Service the trail is empty.
func (v *View) Trail(ctx context.Context, m *store.MonthMeta, asns []uint32, who *access.Principal) (map[string][]store.Feedback, error) {
	if v.opt.Service == nil {
		return map[string][]store.Feedback{}, nil
	}
	fbs, err := v.opt.Service.Feedbacks(ctx, store.FeedbackFilter{ASNs: asns, Month: m.Month})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("read feedback: %w", err)
	}
	return Trail(fbs, m.Spec, who), nil
}
