package storetest

import (
	"crypto/sha256"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/store"
)

// testSession returns a session of key created at t0 plus h hours, for
// 12 hours, with the hash of name.
func testSession(name, key string, h int) store.Session {
	sum := sha256.Sum256([]byte("session " + name))
	at := t0.Add(time.Duration(h) * time.Hour)
	return store.Session{Hash: sum[:], KeyID: key, CreatedAt: at, ExpiresAt: at.Add(12 * time.Hour), LastSeenAt: at}
}

// normalSession returns s as a store returns it: times in UTC.
func normalSession(s store.Session) store.Session {
	s.CreatedAt, s.ExpiresAt, s.LastSeenAt, s.RevokedAt = utc(s.CreatedAt), utc(s.ExpiresAt), utc(s.LastSeenAt), utc(s.RevokedAt)
	return s
}

func createSessions(t *testing.T, s store.Service, ss ...store.Session) {
	t.Helper()
	for i := range ss {
		noErr(t, "CreateSession("+ss[i].KeyID+")", s.CreateSession(t.Context(), &ss[i]))
	}
}

// wantSession fails the test unless the stored session of want's hash
// equals want.
func wantSession(t *testing.T, s store.Service, what string, want store.Session) {
	t.Helper()
	got, err := s.Session(t.Context(), want.Hash)
	noErr(t, what, err)
	if diff := Diff(normalSession(want), *got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", what, diff)
	}
}

// testSessions checks that sessions round-trip, every field; that an
// unknown hash is ErrNotFound and a second session with a hash
// ErrConflict; and that refused sessions are ErrInvalid.
func testSessions(t *testing.T, s store.Service) {
	ctx := t.Context()
	a := testSession("a", "keya", 0)
	b := testSession("b", "keyb", 1)
	b.RevokedAt = t0.Add(5 * time.Hour)
	createSessions(t, s, a, b)
	wantSession(t, s, "Session(a)", a)
	wantSession(t, s, "Session(b)", b)
	unknown := sha256.Sum256([]byte("nobody"))
	_, err := s.Session(ctx, unknown[:])
	wantErr(t, "Session(unknown)", err, store.ErrNotFound)
	dup := testSession("a", "other", 3)
	wantErr(t, "CreateSession(same hash)", s.CreateSession(ctx, &dup), store.ErrConflict)
	wantSession(t, s, "Session(a) after a refused duplicate", a)
	for name, mutate := range map[string]func(*store.Session){
		"short hash":         func(x *store.Session) { x.Hash = x.Hash[:16] },
		"no hash":            func(x *store.Session) { x.Hash = nil },
		"no key":             func(x *store.Session) { x.KeyID = "" },
		"no creation":        func(x *store.Session) { x.CreatedAt = time.Time{} },
		"expiry before":      func(x *store.Session) { x.ExpiresAt = x.CreatedAt.Add(-time.Second) },
		"expiry at creation": func(x *store.Session) { x.ExpiresAt = x.CreatedAt },
		"no expiry (zero)":   func(x *store.Session) { x.ExpiresAt = time.Time{} },
	} {
		x := testSession("bad "+name, "keyx", 0)
		mutate(&x)
		wantErr(t, "CreateSession("+name+")", s.CreateSession(ctx, &x), store.ErrInvalid)
		if len(x.Hash) == sha256.Size {
			_, err := s.Session(ctx, x.Hash)
			wantErr(t, "Session("+name+") after a refused create", err, store.ErrNotFound)
		}
	}
	if s := testSession("u", "k", 0); !s.Usable(t0, time.Hour) || s.Usable(t0.Add(time.Hour), time.Hour) ||
		!s.Usable(t0.Add(time.Hour), 0) || s.Usable(t0.Add(12*time.Hour), 0) {
		t.Error("Session.Usable: want usable within the idle time and before the expiry only")
	}
}

// testSessionTouchDelete checks that the last use only moves forward and
// that a deleted session is gone, the others kept.
func testSessionTouchDelete(t *testing.T, s store.Service) {
	ctx := t.Context()
	a, b := testSession("a", "key", 0), testSession("b", "key", 0)
	createSessions(t, s, a, b)
	late, early := t0.Add(5*time.Hour+time.Microsecond), t0.Add(3*time.Hour)
	noErr(t, "TouchSession(late)", s.TouchSession(ctx, a.Hash, late))
	noErr(t, "TouchSession(early)", s.TouchSession(ctx, a.Hash, early))
	a.LastSeenAt = late
	wantSession(t, s, "Session(a) after touches", a)
	gone := sha256.Sum256([]byte("gone"))
	wantErr(t, "TouchSession(unknown)", s.TouchSession(ctx, gone[:], late), store.ErrNotFound)
	noErr(t, "DeleteSession(a)", s.DeleteSession(ctx, a.Hash))
	_, err := s.Session(ctx, a.Hash)
	wantErr(t, "Session(a) after DeleteSession", err, store.ErrNotFound)
	wantErr(t, "DeleteSession(a, again)", s.DeleteSession(ctx, a.Hash), store.ErrNotFound)
	wantSession(t, s, "Session(b) after a's deletion", b)
}

// testSessionRevoke checks that revoking a key's sessions marks those,
// and only those not revoked yet, keeping the first revocation time.
func testSessionRevoke(t *testing.T, s store.Service) {
	ctx := t.Context()
	a1, a2, a3, b := testSession("a1", "keya", 0), testSession("a2", "keya", 1), testSession("a3", "keya", 1), testSession("b", "keyb", 0)
	first := t0.Add(2 * time.Hour)
	a3.RevokedAt = first
	createSessions(t, s, a1, a2, a3, b)
	at := t0.Add(4 * time.Hour)
	n, err := s.RevokeSessions(ctx, "keya", at)
	noErr(t, "RevokeSessions(keya)", err)
	if n != 2 {
		t.Errorf("RevokeSessions(keya) = %d, want 2 (a3 was revoked already)", n)
	}
	a1.RevokedAt, a2.RevokedAt = at, at
	for _, w := range []struct {
		name string
		s    store.Session
	}{{"a1", a1}, {"a2", a2}, {"a3", a3}, {"b", b}} {
		wantSession(t, s, "Session("+w.name+") after RevokeSessions(keya)", w.s)
	}
	n, err = s.RevokeSessions(ctx, "nokey", at)
	noErr(t, "RevokeSessions(unknown key)", err)
	if n != 0 {
		t.Errorf("RevokeSessions(unknown key) = %d, want 0", n)
	}
}

// testSessionPrune checks that pruning deletes revoked, expired and idle
// sessions and keeps the live ones.
func testSessionPrune(t *testing.T, s store.Service) {
	ctx := t.Context()
	live := testSession("live", "k", 10)      // created t0+10h, expires t0+22h
	idle := testSession("idle", "k", 8)       // last seen t0+8h
	expired := testSession("expired", "k", 0) // expires t0+12h
	expired.LastSeenAt = t0.Add(11 * time.Hour)
	revoked := testSession("revoked", "k", 10)
	revoked.RevokedAt = t0.Add(11 * time.Hour)
	createSessions(t, s, live, idle, expired, revoked)
	now := t0.Add(12 * time.Hour)
	n, err := s.PruneSessions(ctx, now, now.Add(-3*time.Hour))
	noErr(t, "PruneSessions()", err)
	if n != 3 {
		t.Errorf("PruneSessions() = %d, want 3", n)
	}
	wantSession(t, s, "Session(live) after PruneSessions", live)
	for name, x := range map[string]store.Session{"idle": idle, "expired": expired, "revoked": revoked} {
		_, err := s.Session(ctx, x.Hash)
		wantErr(t, "Session("+name+") after PruneSessions", err, store.ErrNotFound)
	}
}
