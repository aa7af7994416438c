package storetest

import (
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/store"
)

// testApplication returns an application with every field set, submitted
// at t0 plus h hours and checked: awaiting review.
func testApplication(org, keyID string, h int, asns ...uint32) store.Application {
	sum := sha256.Sum256([]byte("applicant " + keyID))
	at := t0.Add(time.Duration(h) * time.Hour)
	v := 0.75
	return store.Application{
		Organisation: org, Programme: "netops", ASNs: asns, Email: "noc@example.net", Areas: []string{"NL", "DE"},
		State: store.AppAwaitingReview, KeyID: keyID, KeyHash: sum[:],
		Checks: []store.CheckResult{{Check: "routingInformationRPKI", Action: 4, Passed: true, Rule: "M7RPKI ≥ 0.5",
			Evidence: []store.CheckEvidence{{ASN: 64500, Passed: true, Value: &v, Detail: "M7RPKI 0.75"}}}},
		CheckedMonth: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), CheckedSpec: "netops@2024.1", CheckedCriteria: "netops@2024.1",
		CreatedAt: at, UpdatedAt: at,
		Trail: []store.Transition{
			{From: "", To: store.AppSubmitted, By: "anonymous", At: at, Comment: "submitted"},
			{From: store.AppSubmitted, To: store.AppAwaitingReview, By: "checks", At: at},
		},
	}
}

// normalApplication returns a as a store returns it, with its ID: times
// in UTC.
func normalApplication(a store.Application, id int64) store.Application {
	a.ID, a.CreatedAt, a.UpdatedAt, a.CheckedMonth = id, utc(a.CreatedAt), utc(a.UpdatedAt), utc(a.CheckedMonth)
	a.Trail = append([]store.Transition(nil), a.Trail...)
	for i := range a.Trail {
		a.Trail[i].At = utc(a.Trail[i].At)
	}
	return a
}

func createApplication(t *testing.T, s store.Service, a store.Application) int64 {
	t.Helper()
	id, err := s.CreateApplication(t.Context(), &a)
	noErr(t, "CreateApplication("+a.Organisation+")", err)
	return id
}

func wantApplication(t *testing.T, s store.Service, what string, want store.Application) {
	t.Helper()
	got, err := s.Application(t.Context(), want.ID)
	noErr(t, what, err)
	if diff := Diff(want, *got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", what, diff)
	}
}

// testApplications checks that applications round-trip, every field and
// the trail, by ID, by key and in the list (newest first); that unknown
// ones are ErrNotFound, a second key ID ErrConflict and refused ones
// ErrInvalid, with nothing written.
func testApplications(t *testing.T, s store.Service) {
	ctx := t.Context()
	a := testApplication("Alpha Networks", "keyalpha", 0, 64500, 64501)
	b := testApplication("Beta <b>Networks</b>", "keybeta", 1)
	b.ASNs, b.Areas, b.Checks = nil, nil, nil
	ida, idb := createApplication(t, s, a), createApplication(t, s, b)
	if ida <= 0 || idb <= ida {
		t.Fatalf("CreateApplication() IDs = %d, %d, want positive and increasing", ida, idb)
	}
	wantA, wantB := normalApplication(a, ida), normalApplication(b, idb)
	wantApplication(t, s, "Application(a)", wantA)
	wantApplication(t, s, "Application(b)", wantB)
	got, err := s.ApplicationByKey(ctx, "keybeta")
	noErr(t, "ApplicationByKey(keybeta)", err)
	if diff := Diff(wantB, *got); diff != "" {
		t.Errorf("ApplicationByKey(keybeta) mismatch (-want +got):\n%s", diff)
	}
	list, err := s.ApplicationList(ctx)
	noErr(t, "ApplicationList()", err)
	if diff := Diff([]store.Application{wantB, wantA}, list); diff != "" {
		t.Errorf("ApplicationList() mismatch (-want +got):\n%s", diff)
	}
	_, err = s.Application(ctx, idb+100)
	wantErr(t, "Application(unknown)", err, store.ErrNotFound)
	_, err = s.ApplicationByKey(ctx, "nobody")
	wantErr(t, "ApplicationByKey(unknown)", err, store.ErrNotFound)
	dup := testApplication("Gamma", "keyalpha", 2)
	_, err = s.CreateApplication(ctx, &dup)
	wantErr(t, "CreateApplication(same key ID)", err, store.ErrConflict)
	for name, mutate := range map[string]func(*store.Application){
		"no organisation":   func(a *store.Application) { a.Organisation = "" },
		"bad e-mail":        func(a *store.Application) { a.Email = "not an address" },
		"no key hash":       func(a *store.Application) { a.KeyHash = nil },
		"unknown state":     func(a *store.Application) { a.State = "pending" },
		"no trail":          func(a *store.Application) { a.Trail = nil },
		"trail without who": func(a *store.Application) { a.Trail[0].By = "" },
		"given ID":          func(a *store.Application) { a.ID = 7 },
	} {
		bad := testApplication("Delta", "keydelta", 3)
		mutate(&bad)
		_, err := s.CreateApplication(ctx, &bad)
		wantErr(t, "CreateApplication("+name+")", err, store.ErrInvalid)
	}
	list, err = s.ApplicationList(ctx)
	noErr(t, "ApplicationList() after refusals", err)
	if len(list) != 2 {
		t.Errorf("ApplicationList() after refusals: %d applications, want 2", len(list))
	}
}

// testApplicationChanges checks the changes: fields replaced, the trail
// appended, a stale From refused with ErrConflict and nothing written,
// and an approval that registers the participant in the same transaction,
// or, when an ASN is another participant's, writes nothing at all.
func testApplicationChanges(t *testing.T, s store.Service) {
	ctx := t.Context()
	a := testApplication("Alpha Networks", "keyalpha", 0, 64500)
	id := createApplication(t, s, a)
	want := normalApplication(a, id)

	at := t0.Add(5 * time.Hour)
	recheck := &store.AppChange{ID: id, From: store.AppAwaitingReview, To: store.AppChecksFailed, By: "applicant", At: at,
		Comment: "re-check", ASNs: []uint32{64500, 64502}, Areas: []string{"BE"}, Checks: []store.CheckResult{},
		CheckedMonth: time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC), CheckedSpec: "netops@2024.1", CheckedCriteria: "netops@2025.1"}
	noErr(t, "ChangeApplication(recheck)", s.ChangeApplication(ctx, recheck))
	recheck.Apply(&want)
	want.UpdatedAt = utc(at)
	want.Trail = append(want.Trail, store.Transition{From: store.AppAwaitingReview, To: store.AppChecksFailed, By: "applicant", At: utc(at), Comment: "re-check"})
	wantApplication(t, s, "Application() after a re-check", want)

	stale := &store.AppChange{ID: id, From: store.AppAwaitingReview, To: store.AppRejected, By: "keysec", At: at.Add(time.Hour)}
	wantErr(t, "ChangeApplication(stale From)", s.ChangeApplication(ctx, stale), store.ErrConflict)
	wantApplication(t, s, "Application() after a stale change", want)
	wantErr(t, "ChangeApplication(unknown)", s.ChangeApplication(ctx, &store.AppChange{ID: id + 100, From: store.AppChecksFailed,
		To: store.AppRejected, By: "keysec", At: at}), store.ErrNotFound)
	wantErr(t, "ChangeApplication(approval without participant)", s.ChangeApplication(ctx, &store.AppChange{ID: id,
		From: store.AppChecksFailed, To: store.AppApproved, By: "keysec", At: at}), store.ErrInvalid)

	// An approval whose ASN another participant holds writes nothing.
	put(t, s, registered("Holder", "netops", 64502))
	p := registered("Alpha Networks", "netops", 64500, 64502)
	taken := &store.AppChange{ID: id, From: store.AppChecksFailed, To: store.AppApproved, By: "keysec", At: at, Approve: &p}
	err := s.ChangeApplication(ctx, taken)
	var conflict *store.ASNConflictError
	if !errors.As(err, &conflict) || conflict.ASN != 64502 {
		t.Fatalf("ChangeApplication(approval of a held ASN) = %v, want an *ASNConflictError on AS64502", err)
	}
	wantApplication(t, s, "Application() after a refused approval", want)
	reg, err := s.RegisteredParticipants(ctx)
	noErr(t, "RegisteredParticipants()", err)
	if len(reg) != 1 {
		t.Errorf("registry after a refused approval: %d participants, want 1 (the holder)", len(reg))
	}

	// The approval with the applicant's own ASNs.
	p = registered("Alpha Networks", "netops", 64500)
	approve := &store.AppChange{ID: id, From: store.AppChecksFailed, To: store.AppApproved, By: "keysec", At: at.Add(time.Hour),
		Comment: "welcome", ASNs: []uint32{64500}, Approve: &p}
	noErr(t, "ChangeApplication(approve)", s.ChangeApplication(ctx, approve))
	got, err := s.Application(ctx, id)
	noErr(t, "Application() after the approval", err)
	if got.State != store.AppApproved || got.ParticipantID == 0 || len(got.Trail) != 4 || got.Trail[3].Comment != "welcome" {
		t.Errorf("Application() after the approval = state %s, participant %d, trail %+v", got.State, got.ParticipantID, got.Trail)
	}
	r, err := s.RegisteredParticipant(ctx, got.ParticipantID)
	noErr(t, "RegisteredParticipant(the approved)", err)
	if r.Organisation != "Alpha Networks" || len(r.ASNs) != 1 || r.ASNs[0] != 64500 || !store.ValidUID(r.UID) {
		t.Errorf("RegisteredParticipant(the approved) = %+v", r)
	}
}
