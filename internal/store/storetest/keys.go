package storetest

import (
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/store"
)

// testKey returns a key of the given role created at t0 plus h hours;
// participant keys name participant 42 (see participantKey).
func testKey(id string, role store.Role, h int) store.APIKey {
	sum := sha256.Sum256([]byte("obs_" + id + "_secret"))
	k := store.APIKey{ID: id, Hash: sum[:], Name: "key " + id + " ‘quoted’ 'name'", Role: role,
		CreatedAt: t0.Add(time.Duration(h) * time.Hour)}
	if role == store.RoleParticipant {
		k.ParticipantID = 42
	}
	return k
}

// participantKey returns a participant key of participant pid, created at
// t0 plus h hours.
func participantKey(id string, pid int64, h int) store.APIKey {
	k := testKey(id, store.RoleParticipant, h)
	k.ParticipantID = pid
	return k
}

// normalKey returns k as a store returns it: times in UTC.
func normalKey(k store.APIKey) store.APIKey {
	k.CreatedAt, k.ExpiresAt, k.RevokedAt, k.LastUsedAt = utc(k.CreatedAt), utc(k.ExpiresAt), utc(k.RevokedAt), utc(k.LastUsedAt)
	return k
}

func createKeys(t *testing.T, s store.Service, keys ...store.APIKey) {
	t.Helper()
	for i := range keys {
		noErr(t, "CreateKey("+keys[i].ID+")", s.CreateKey(t.Context(), &keys[i]))
	}
}

// testKeys checks that keys round-trip, every field, and list newest first.
func testKeys(t *testing.T, s store.Service) {
	ctx := t.Context()
	pid := put(t, s, registered("Keyholder", "netops", 64500))
	a := testKey("aaaa", store.RoleSecretariat, 0)
	b := participantKey("bbbb", pid, 2)
	b.RatePerMinute, b.ExpiresAt = 120, t0.AddDate(0, 3, 0)
	c := testKey("cccc", store.RolePartner, 1)
	c.LastUsedAt = t0.Add(90 * time.Minute)
	d := testKey("dddd", store.RolePartner, 1) // same creation time as c: ID order
	createKeys(t, s, a, b, c, d)
	b.ParticipantUID = uidOf(t, s, pid) // bound by CreateKey
	for _, want := range []store.APIKey{a, b, c, d} {
		got, err := s.Key(ctx, want.ID)
		noErr(t, "Key("+want.ID+")", err)
		if diff := Diff(normalKey(want), *got); diff != "" {
			t.Errorf("Key(%s) mismatch (-want +got):\n%s", want.ID, diff)
		}
	}
	got, err := s.Keys(ctx)
	noErr(t, "Keys()", err)
	want := []store.APIKey{normalKey(b), normalKey(c), normalKey(d), normalKey(a)}
	if diff := Diff(want, got); diff != "" {
		t.Errorf("Keys() mismatch (-want +got):\n%s", diff)
	}
	_, err = s.Key(ctx, "zzzz")
	wantErr(t, "Key(unknown)", err, store.ErrNotFound)
	if k, _ := s.Key(ctx, "bbbb"); k == nil || !k.Usable(t0) || k.Usable(t0.AddDate(1, 0, 0)) {
		t.Errorf("Key(bbbb).Usable: want usable now and not after its expiry, got %+v", k)
	}
}

// testKeyDuplicate checks that a second key with an ID is ErrConflict and
// leaves the first intact.
func testKeyDuplicate(t *testing.T, s store.Service) {
	a := testKey("dup1", store.RolePartner, 0)
	createKeys(t, s, a)
	b := testKey("dup1", store.RoleSecretariat, 5)
	wantErr(t, "CreateKey(same ID)", s.CreateKey(t.Context(), &b), store.ErrConflict)
	got, err := s.Key(t.Context(), "dup1")
	noErr(t, "Key(dup1)", err)
	if diff := Diff(normalKey(a), *got); diff != "" {
		t.Errorf("Key(dup1) after a refused duplicate mismatch (-want +got):\n%s", diff)
	}
}

// testKeyInvalid checks that keys without ID, hash or valid role are
// refused with ErrInvalid, as participant keys without participant.
func testKeyInvalid(t *testing.T, s store.Service) {
	for name, mutate := range map[string]func(*store.APIKey){
		"no ID":                    func(k *store.APIKey) { k.ID = "" },
		"no hash":                  func(k *store.APIKey) { k.Hash = nil },
		"unknown role":             func(k *store.APIKey) { k.Role = "admin" },
		"participant without ID":   func(k *store.APIKey) { k.Role, k.ParticipantID = store.RoleParticipant, 0 },
		"partner with participant": func(k *store.APIKey) { k.ParticipantID = 7 },
		"negative rate":            func(k *store.APIKey) { k.RatePerMinute = -1 },
		"partner with UID":         func(k *store.APIKey) { k.ParticipantUID = "5a2b0c4e-8f1d-4c3b-9a7e-6d5c4b3a2f1e" },
		"malformed UID": func(k *store.APIKey) {
			k.Role, k.ParticipantID, k.ParticipantUID = store.RoleParticipant, 7, "5A2B0C4E-8F1D-4C3B-9A7E-6D5C4B3A2F1E"
		},
	} {
		k := testKey("bad", store.RolePartner, 0)
		mutate(&k)
		wantErr(t, "CreateKey("+name+")", s.CreateKey(t.Context(), &k), store.ErrInvalid)
	}
	keys, err := s.Keys(t.Context())
	noErr(t, "Keys()", err)
	if len(keys) != 0 {
		t.Errorf("Keys() after refused keys = %d keys, want none", len(keys))
	}
}

// testKeyRevoke checks that revocation sticks at its first time.
func testKeyRevoke(t *testing.T, s store.Service) {
	ctx := t.Context()
	createKeys(t, s, testKey("rev", store.RolePartner, 0), testKey("other", store.RolePartner, 0))
	at := t0.Add(48 * time.Hour)
	noErr(t, "RevokeKey(rev)", s.RevokeKey(ctx, "rev", at))
	noErr(t, "RevokeKey(rev, again)", s.RevokeKey(ctx, "rev", at.Add(time.Hour)))
	k, err := s.Key(ctx, "rev")
	noErr(t, "Key(rev)", err)
	if !k.RevokedAt.Equal(at) || k.Usable(at.Add(-time.Hour)) {
		t.Errorf("Key(rev).RevokedAt = %v, usable %v: want %v (the first revocation), not usable", k.RevokedAt,
			k.Usable(at.Add(-time.Hour)), at)
	}
	if o, err := s.Key(ctx, "other"); err != nil || !o.RevokedAt.IsZero() {
		t.Errorf("Key(other) = %+v, %v: want it unrevoked", o, err)
	}
	wantErr(t, "RevokeKey(unknown)", s.RevokeKey(ctx, "nope", at), store.ErrNotFound)
}

// testKeyTouch checks that the last use only moves forward.
func testKeyTouch(t *testing.T, s store.Service) {
	ctx := t.Context()
	createKeys(t, s, testKey("touch", store.RolePartner, 0))
	late, early := t0.Add(5*time.Hour+time.Microsecond), t0.Add(3*time.Hour)
	noErr(t, "TouchKey(late)", s.TouchKey(ctx, "touch", late))
	noErr(t, "TouchKey(early)", s.TouchKey(ctx, "touch", early))
	k, err := s.Key(ctx, "touch")
	noErr(t, "Key(touch)", err)
	if !k.LastUsedAt.Equal(late) || k.LastUsedAt.Location() != time.UTC {
		t.Errorf("Key(touch).LastUsedAt = %v, want %v in UTC", k.LastUsedAt, late.UTC())
	}
	wantErr(t, "TouchKey(unknown)", s.TouchKey(ctx, "nope", late), store.ErrNotFound)
}

// testKeyParticipant checks that a participant key is bound to the UID of
// the registered participant it names, and that a key for a participant
// that is not registered, or no longer the one it was meant for, is
// refused (ErrNotFound) and not stored.
func testKeyParticipant(t *testing.T, s store.Service) {
	ctx := t.Context()
	pid := put(t, s, registered("Holder", "netops", 1))
	uid := uidOf(t, s, pid)
	k := participantKey("bound", pid, 0)
	noErr(t, "CreateKey(bound)", s.CreateKey(ctx, &k))
	if k.ParticipantUID != uid {
		t.Errorf("CreateKey() set ParticipantUID = %q, want the participant's %q", k.ParticipantUID, uid)
	}
	if got, err := s.Key(ctx, "bound"); err != nil || got.ParticipantUID != uid {
		t.Errorf("Key(bound) = %+v, %v: want ParticipantUID %q", got, err, uid)
	}
	same := participantKey("same", pid, 0)
	same.ParticipantUID = uid
	noErr(t, "CreateKey(with its participant's UID)", s.CreateKey(ctx, &same))
	for name, k := range map[string]store.APIKey{
		"unregistered participant": participantKey("nobody", pid+100, 0),
		"another UID": func() store.APIKey {
			k := participantKey("stale", pid, 0)
			k.ParticipantUID = "5a2b0c4e-8f1d-4c3b-9a7e-6d5c4b3a2f1e"
			return k
		}(),
	} {
		wantErr(t, "CreateKey("+name+")", s.CreateKey(ctx, &k), store.ErrNotFound)
		if _, err := s.Key(ctx, k.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Key(%s) after a refused CreateKey = %v, want ErrNotFound", k.ID, err)
		}
	}
	noErr(t, "DeleteParticipant()", s.DeleteParticipant(ctx, pid, t0))
	late := participantKey("late", pid, 0)
	wantErr(t, "CreateKey(deleted participant)", s.CreateKey(ctx, &late), store.ErrNotFound)
}
