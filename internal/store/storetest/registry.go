package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/store"
)

// registered returns a registry entry with every field set.
func registered(org, programme string, asns ...uint32) store.Registered {
	return store.Registered{
		Participant: store.Participant{Organisation: org, Programme: programme, ASNs: asns,
			Approved: time.Date(2019, 3, 4, 0, 0, 0, 0, time.UTC), Areas: []string{"NL", "DE"}},
		UpdatedAt: t0,
	}
}

// normalRegistered returns p as a store returns it, with its ID and the
// UID the store gave it (uidOf).
func normalRegistered(p store.Registered, id int64, uid string) store.Registered {
	p.ID, p.UID, p.Approved, p.UpdatedAt = id, uid, utc(p.Approved), utc(p.UpdatedAt)
	return p
}

func put(t *testing.T, s store.Service, p store.Registered) int64 {
	t.Helper()
	id, err := s.PutParticipant(t.Context(), &p)
	noErr(t, "PutParticipant("+p.Organisation+")", err)
	return id
}

// uidOf returns the UID the store gave participant id, checking its form.
func uidOf(t *testing.T, s store.Service, id int64) string {
	t.Helper()
	p, err := s.RegisteredParticipant(t.Context(), id)
	noErr(t, "RegisteredParticipant()", err)
	if !store.ValidUID(p.UID) {
		t.Errorf("RegisteredParticipant(%d).UID = %q, want a UUID in canonical form", id, p.UID)
	}
	return p.UID
}

// testParticipants checks create, read, list order, replace and delete.
func testParticipants(t *testing.T, s store.Service) {
	ctx := t.Context()
	zeta := registered("Zeta Networks", "netops", 64500, 4294967295)
	alpha := registered("alpha exchange", "ixp")
	alpha.Areas = nil
	beta := registered("Beta; DROP TABLE registry; --", "cdn", 15169)
	ids := []int64{put(t, s, zeta), put(t, s, alpha), put(t, s, beta)}
	if ids[0] <= 0 || ids[0] == ids[1] || ids[1] == ids[2] || ids[0] == ids[2] {
		t.Fatalf("PutParticipant() IDs = %v, want distinct positive IDs", ids)
	}
	got, err := s.RegisteredParticipants(ctx)
	noErr(t, "RegisteredParticipants()", err)
	// Byte order: upper case before lower case.
	uids := []string{uidOf(t, s, ids[0]), uidOf(t, s, ids[1]), uidOf(t, s, ids[2])}
	want := []store.Registered{normalRegistered(beta, ids[2], uids[2]), normalRegistered(zeta, ids[0], uids[0]),
		normalRegistered(alpha, ids[1], uids[1])}
	if diff := Diff(want, got); diff != "" {
		t.Errorf("RegisteredParticipants() mismatch (-want +got):\n%s", diff)
	}
	// Replace: a new name, ASNs and time under the same ID.
	zeta2 := registered("Zeta Networks B.V.", "netops", 64501)
	zeta2.ID, zeta2.UpdatedAt = ids[0], t0.Add(time.Hour)
	if id := put(t, s, zeta2); id != ids[0] {
		t.Errorf("PutParticipant(replace %d) = %d, want the same ID", ids[0], id)
	}
	p, err := s.RegisteredParticipant(ctx, ids[0])
	noErr(t, "RegisteredParticipant()", err)
	if diff := Diff(normalRegistered(zeta2, ids[0], uids[0]), *p); diff != "" {
		t.Errorf("RegisteredParticipant() after replace mismatch (-want +got):\n%s", diff)
	}
	missing := registered("Nobody", "netops")
	missing.ID = ids[0] + ids[1] + ids[2] + 100
	_, err = s.PutParticipant(ctx, &missing)
	wantErr(t, "PutParticipant(unknown ID)", err, store.ErrNotFound)
	noErr(t, "DeleteParticipant()", s.DeleteParticipant(ctx, ids[1], t0))
	wantErr(t, "DeleteParticipant(again)", s.DeleteParticipant(ctx, ids[1], t0), store.ErrNotFound)
	_, err = s.RegisteredParticipant(ctx, ids[1])
	wantErr(t, "RegisteredParticipant(deleted)", err, store.ErrNotFound)
	if got, _ := s.RegisteredParticipants(ctx); len(got) != 2 {
		t.Errorf("RegisteredParticipants() after delete = %d entries, want 2", len(got))
	}
	// A zero UpdatedAt is set by the store.
	fresh := registered("Fresh", "netops")
	fresh.UpdatedAt = time.Time{}
	if p, err := s.RegisteredParticipant(ctx, put(t, s, fresh)); err != nil || p.UpdatedAt.IsZero() {
		t.Errorf("RegisteredParticipant(fresh) = %+v, %v: want UpdatedAt set", p, err)
	}
}

// testParticipantConflict checks that an organisation is unique, on
// create and on replace, and that a refused write changes nothing.
func testParticipantConflict(t *testing.T, s store.Service) {
	ctx := t.Context()
	a, b := registered("Example", "netops", 1), registered("Other", "ixp", 2)
	ida, idb := put(t, s, a), put(t, s, b)
	dup := registered("Example", "cdn", 3)
	_, err := s.PutParticipant(ctx, &dup)
	wantErr(t, "PutParticipant(taken organisation)", err, store.ErrConflict)
	rename := registered("Example", "ixp", 2)
	rename.ID = idb
	_, err = s.PutParticipant(ctx, &rename)
	wantErr(t, "PutParticipant(rename to a taken organisation)", err, store.ErrConflict)
	empty := registered("", "netops")
	_, err = s.PutParticipant(ctx, &empty)
	wantErr(t, "PutParticipant(no organisation)", err, store.ErrInvalid)
	got, err := s.RegisteredParticipants(ctx)
	noErr(t, "RegisteredParticipants()", err)
	want := []store.Registered{normalRegistered(a, ida, uidOf(t, s, ida)), normalRegistered(b, idb, uidOf(t, s, idb))}
	if diff := Diff(want, got); diff != "" {
		t.Errorf("RegisteredParticipants() after refused writes mismatch (-want +got):\n%s", diff)
	}
}

// testParticipantIDs checks that IDs are never reused: not the greatest
// ID once deleted (which an SQLite rowid table hands out again), not any
// ID after the registry was emptied.
func testParticipantIDs(t *testing.T, s store.Service) {
	ctx := t.Context()
	a, b := put(t, s, registered("A", "netops", 1)), put(t, s, registered("B", "netops", 2))
	noErr(t, "DeleteParticipant(B)", s.DeleteParticipant(ctx, b, t0))
	c := put(t, s, registered("C", "netops", 2))
	if c <= b {
		t.Errorf("PutParticipant(C) after deleting %d = ID %d, want an ID above every ID given before", b, c)
	}
	noErr(t, "DeleteParticipant(A)", s.DeleteParticipant(ctx, a, t0))
	noErr(t, "DeleteParticipant(C)", s.DeleteParticipant(ctx, c, t0))
	if d := put(t, s, registered("B", "netops", 2)); d <= c {
		t.Errorf("PutParticipant(B again) in an emptied registry = ID %d, want one above %d", d, c)
	}
}

// testParticipantUID checks that the store gives every new participant a
// UID of its own, keeps it on replace, refuses to change it, and gives a
// participant created again under the same name a new one.
func testParticipantUID(t *testing.T, s store.Service) {
	ctx := t.Context()
	id := put(t, s, registered("Example", "netops", 1))
	uid := uidOf(t, s, id)
	other := uidOf(t, s, put(t, s, registered("Other", "ixp", 2)))
	if uid == other {
		t.Errorf("two participants share UID %s", uid)
	}
	given := registered("Given", "netops")
	given.UID = "5a2b0c4e-8f1d-4c3b-9a7e-6d5c4b3a2f1e"
	_, err := s.PutParticipant(ctx, &given)
	wantErr(t, "PutParticipant(new, with a UID)", err, store.ErrInvalid)
	for name, u := range map[string]string{"its own UID": uid, "no UID": ""} {
		r := registered("Example B.V.", "netops", 1)
		r.ID, r.UID = id, u
		put(t, s, r)
		if got := uidOf(t, s, id); got != uid {
			t.Errorf("UID after a replace with %s = %s, want %s kept", name, got, uid)
		}
	}
	for name, u := range map[string]string{"another participant's UID": other, "a malformed UID": "not-a-uuid"} {
		r := registered("Renamed", "netops", 1)
		r.ID, r.UID = id, u
		_, err := s.PutParticipant(ctx, &r)
		wantErr(t, "PutParticipant(replace with "+name+")", err, store.ErrInvalid)
	}
	if p, _ := s.RegisteredParticipant(ctx, id); p == nil || p.Organisation != "Example B.V." || p.UID != uid {
		t.Errorf("RegisteredParticipant(%d) after refused replaces = %+v, want Example B.V. with UID %s", id, p, uid)
	}
	noErr(t, "DeleteParticipant()", s.DeleteParticipant(ctx, id, t0))
	again := put(t, s, registered("Example B.V.", "netops", 1))
	if got := uidOf(t, s, again); got == uid || got == other {
		t.Errorf("a participant created again under its old name got UID %s, want a new one", got)
	}
}

// testParticipantDeleteRevokes checks that deleting a participant revokes
// its keys, in the same call, and only its keys.
func testParticipantDeleteRevokes(t *testing.T, s store.Service) {
	ctx := t.Context()
	gone, stays := put(t, s, registered("Gone", "netops", 1)), put(t, s, registered("Stays", "netops", 2))
	early := t0.Add(-time.Hour)
	k1, k2, k3 := participantKey("gone1", gone, 0), participantKey("gone2", gone, 1), participantKey("stays", stays, 2)
	k2.RevokedAt = early
	createKeys(t, s, k1, k2, k3, testKey("partner", store.RolePartner, 3))
	at := t0.Add(24 * time.Hour)
	wantErr(t, "DeleteParticipant(unknown)", s.DeleteParticipant(ctx, gone+stays+100, at), store.ErrNotFound)
	noErr(t, "DeleteParticipant(Gone)", s.DeleteParticipant(ctx, gone, at))
	for id, want := range map[string]time.Time{"gone1": at, "gone2": early, "stays": {}, "partner": {}} {
		k, err := s.Key(ctx, id)
		noErr(t, "Key("+id+")", err)
		if !k.RevokedAt.Equal(want) {
			t.Errorf("Key(%s).RevokedAt = %v after deleting participant %d, want %v", id, k.RevokedAt, gone, want)
		}
	}
}

// testParticipantASNs checks that an ASN belongs to one participant at
// most: a create or replace giving another participant's ASN is an
// *ASNConflictError naming both and writes nothing; a batch may move an
// ASN, in any order, but is refused whole when it leaves an ASN with two.
func testParticipantASNs(t *testing.T, s store.Service) {
	ctx := t.Context()
	a, b := registered("Alpha", "netops", 10, 11), registered("Beta", "ixp", 20)
	ida, idb := put(t, s, a), put(t, s, b)
	a.ID, b.ID = ida, idb
	wantASNConflict(t, "PutParticipant(new with AS11)", s, []store.Registered{registered("Gamma", "cdn", 30, 11)},
		&store.ASNConflictError{ASN: 11, Holder: "Alpha", Claimant: "Gamma"})
	b2 := registered("Beta", "ixp", 20, 10)
	b2.ID = idb
	wantASNConflict(t, "PutParticipant(replace with AS10)", s, []store.Registered{b2},
		&store.ASNConflictError{ASN: 10, Holder: "Alpha", Claimant: "Beta"})
	a1 := registered("Alpha", "netops", 10, 11, 12) // a change that the refusal undoes
	a1.ID = ida
	c := registered("Gamma", "cdn", 30)
	wantASNConflict(t, "PutParticipants(a batch leaving AS10 with two)", s, []store.Registered{a1, c, b2},
		&store.ASNConflictError{ASN: 10, Holder: "Alpha", Claimant: "Beta"})
	wantASNConflict(t, "PutParticipants(two new entries with AS40)", s,
		[]store.Registered{registered("Delta", "cdn", 40), registered("Epsilon", "cdn", 41, 40)},
		&store.ASNConflictError{ASN: 40, Holder: "Delta", Claimant: "Epsilon"})
	wantRegistry(t, s, "after refused writes", a, b)
	// Alpha gives AS10 to Beta: Beta first, then Alpha, in one batch.
	a.ASNs, b.ASNs = []uint32{11}, []uint32{10, 20}
	ids, err := s.PutParticipants(ctx, []store.Registered{b, a})
	noErr(t, "PutParticipants(move AS10 to Beta)", err)
	if ids[0] != idb || ids[1] != ida {
		t.Errorf("PutParticipants() IDs = %v, want [%d %d]", ids, idb, ida)
	}
	// Replacing a participant with its own ASNs is no conflict.
	a.Programme = "cdn"
	put(t, s, a)
	wantRegistry(t, s, "after the move", a, b)
	noErr(t, "DeleteParticipant(Beta)", s.DeleteParticipant(ctx, idb, t0))
	put(t, s, registered("Gamma", "cdn", 10, 20))
}

// wantASNConflict writes ps in one batch and wants the error want.
func wantASNConflict(t *testing.T, what string, s store.Service, ps []store.Registered, want *store.ASNConflictError) {
	t.Helper()
	var err error
	if len(ps) == 1 {
		_, err = s.PutParticipant(t.Context(), &ps[0])
	} else {
		_, err = s.PutParticipants(t.Context(), ps)
	}
	var got *store.ASNConflictError
	if !errors.As(err, &got) || !errors.Is(err, store.ErrConflict) {
		t.Errorf("%s = %v, want an *ASNConflictError wrapping ErrConflict", what, err)
		return
	}
	if diff := Diff(want, got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", what, diff)
	}
}

// wantRegistry checks that the registry holds ps (with their IDs), in
// organisation order.
func wantRegistry(t *testing.T, s store.Service, when string, ps ...store.Registered) {
	t.Helper()
	got, err := s.RegisteredParticipants(t.Context())
	noErr(t, "RegisteredParticipants()", err)
	want := make([]store.Registered, len(ps))
	for i, p := range ps {
		want[i] = normalRegistered(p, p.ID, uidOf(t, s, p.ID))
	}
	if diff := Diff(want, got); diff != "" {
		t.Errorf("RegisteredParticipants() %s mismatch (-want +got):\n%s", when, diff)
	}
}

// testParticipantASNRace writes pairs of participants claiming one ASN at
// the same time: exactly one of each pair may win, whatever the timing.
func testParticipantASNRace(t *testing.T, s store.Service) {
	const pairs = 8
	var wg sync.WaitGroup
	errs := make([][2]error, pairs)
	for i := range pairs {
		for j := range 2 {
			wg.Go(func() {
				p := registered(fmt.Sprintf("Racer %d-%d", i, j), "netops", uint32(1000+i))
				_, errs[i][j] = s.PutParticipant(t.Context(), &p)
			})
		}
	}
	wg.Wait()
	for i, e := range errs {
		ok := 0
		for _, err := range e {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, store.ErrConflict):
				t.Errorf("pair %d: PutParticipant() = %v, want nil or ErrConflict", i, err)
			}
		}
		if ok != 1 {
			t.Errorf("pair %d: %d of 2 concurrent claims of AS%d succeeded (%v), want exactly 1", i, ok, 1000+i, e)
		}
	}
}
