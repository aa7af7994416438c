package storetest

import (
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

// normalRegistered returns p as a store returns it, with its ID.
func normalRegistered(p store.Registered, id int64) store.Registered {
	p.ID, p.Approved, p.UpdatedAt = id, utc(p.Approved), utc(p.UpdatedAt)
	return p
}

func put(t *testing.T, s store.Service, p store.Registered) int64 {
	t.Helper()
	id, err := s.PutParticipant(t.Context(), &p)
	noErr(t, "PutParticipant("+p.Organisation+")", err)
	return id
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
	want := []store.Registered{normalRegistered(beta, ids[2]), normalRegistered(zeta, ids[0]), normalRegistered(alpha, ids[1])}
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
	if diff := Diff(normalRegistered(zeta2, ids[0]), *p); diff != "" {
		t.Errorf("RegisteredParticipant() after replace mismatch (-want +got):\n%s", diff)
	}
	missing := registered("Nobody", "netops")
	missing.ID = ids[0] + ids[1] + ids[2] + 100
	_, err = s.PutParticipant(ctx, &missing)
	wantErr(t, "PutParticipant(unknown ID)", err, store.ErrNotFound)
	noErr(t, "DeleteParticipant()", s.DeleteParticipant(ctx, ids[1]))
	wantErr(t, "DeleteParticipant(again)", s.DeleteParticipant(ctx, ids[1]), store.ErrNotFound)
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
	want := []store.Registered{normalRegistered(a, ida), normalRegistered(b, idb)}
	if diff := Diff(want, got); diff != "" {
		t.Errorf("RegisteredParticipants() after refused writes mismatch (-want +got):\n%s", diff)
	}
}
