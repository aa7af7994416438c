package view

import (
	"context"
	"errors"

	"github.com/observatory-net/observatory/internal/access"
	"github.com/observatory-net/observatory/internal/application"
	"github.com/observatory-net/observatory/internal/store"
)

// Programme applications (internal/application) as both servers serve
// them, with the same rules of who may do what:
//   - anyone may apply, anonymous callers included (the server's rate
//     limit of their address applies), and gets the applicant key once;
//   - the secretariat lists, reads, re-checks and reviews every application;
//   - an applicant key reads and re-checks its own application, and edits
//     its ASNs and areas while it is undecided; no one else may.

// workflow is the use case on the view's store.
func (v *View) workflow() (*application.Workflow, error) {
	if v.opt.Service == nil {
		return nil, errNoService
	}
	return &application.Workflow{Svc: v.opt.Service, Now: v.opt.Now}, nil
}

// by names who did a change in the trail: "anonymous", or the role and
// the key ID.
func by(who *access.Principal) string {
	if who.Key == nil {
		return "anonymous"
	}
	return string(who.Role()) + ":" + who.Key.ID
}

// refusedApplication maps the use case's errors to refusals.
func refusedApplication(id int64, err error) error {
	var (
		in   *application.InputError
		held *store.ASNConflictError
	)
	switch {
	case err == nil:
		return nil
	case errors.As(err, &in):
		return refuse(Invalid, "%s", in.Error())
	case errors.As(err, &held):
		return refuse(Conflict, "AS%d is registered to %s: an ASN belongs to one participant", held.ASN, Quote(held.Holder))
	case errors.Is(err, application.ErrNoMonth):
		return refuse(Unavailable, "%s", err.Error())
	case errors.Is(err, store.ErrNotFound):
		return refuse(NotFound, "no application %d", id)
	case errors.Is(err, store.ErrConflict):
		return refuse(Conflict, "%s", err.Error())
	}
	return err
}

// Apply records a new application of in by who, checked at once, and
// returns it with the applicant key's token, to show once.
func (v *View) Apply(ctx context.Context, who *access.Principal, in application.Input) (*store.Application, string, error) {
	w, err := v.workflow()
	if err != nil {
		return nil, "", err
	}
	a, token, err := w.Submit(ctx, in, by(who))
	if err != nil {
		return nil, "", refusedApplication(0, err)
	}
	return a, token, nil
}

// Applications lists every application, for the secretariat.
func (v *View) Applications(ctx context.Context, who *access.Principal) ([]store.Application, error) {
	if err := needRole(who, store.RoleSecretariat); err != nil {
		return nil, err
	}
	if v.opt.Service == nil {
		return nil, errNoService
	}
	return v.opt.Service.ApplicationList(ctx)
}

// seeApplication refuses who unless it may read application id.
func seeApplication(who *access.Principal, id int64) error {
	switch {
	case who.Key == nil:
		return refuse(Unauthorized, "this needs the applicant key or a secretariat key")
	case who.Role() == store.RoleApplicant && !who.OwnsApplication(id):
		return refuse(Forbidden, "an applicant key reads its own application only")
	case !who.SeesApplication(id):
		return refuse(Forbidden, "a %s key may not read applications", who.Role())
	}
	return nil
}

// Application returns application id to the secretariat or its applicant.
func (v *View) Application(ctx context.Context, who *access.Principal, id int64) (*store.Application, error) {
	if err := seeApplication(who, id); err != nil {
		return nil, err
	}
	if v.opt.Service == nil {
		return nil, errNoService
	}
	a, err := v.opt.Service.Application(ctx, id)
	return a, refusedApplication(id, err)
}

// Recheck checks application id again, after the edit e, for its
// applicant or the secretariat.
func (v *View) Recheck(ctx context.Context, who *access.Principal, id int64, e application.Edit, comment string) (*store.Application, error) {
	if err := seeApplication(who, id); err != nil {
		return nil, err
	}
	w, err := v.workflow()
	if err != nil {
		return nil, err
	}
	a, err := w.Recheck(ctx, id, e, by(who), comment)
	return a, refusedApplication(id, err)
}

// ReviewApplication records the secretariat's decision on application
// id; an approval registers the participant.
func (v *View) ReviewApplication(ctx context.Context, who *access.Principal, id int64, d application.Decision, comment string) (*store.Application, error) {
	if err := needRole(who, store.RoleSecretariat); err != nil {
		return nil, err
	}
	w, err := v.workflow()
	if err != nil {
		return nil, err
	}
	a, err := w.Review(ctx, id, d, by(who), comment)
	if err != nil {
		return nil, refusedApplication(id, err)
	}
	if a.State == store.AppApproved {
		v.ForgetRegistry()
		v.Changed()
	}
	return a, nil
}
