package store

import (
	"context"
	"crypto/sha256"
	"time"
)

// Session is a dashboard sign-in, kept on the server: the visitor's
// cookie holds a random session ID, never the API key, and the store
// only the ID's SHA-256, so that a copy of the store signs nobody in.
// Signing out deletes the session; revoking its key ends it too.
type Session struct {
	Hash       []byte    // SHA-256 of the session ID, unique
	KeyID      string    // the API key the visitor signed in with
	CreatedAt  time.Time // sign-in
	ExpiresAt  time.Time // absolute end, whatever the use
	LastSeenAt time.Time // last use, for the idle timeout; callers may batch it
	RevokedAt  time.Time // zero: not revoked
}

// Usable reports whether s may be used at t: not revoked, not expired,
// and used within idle before t (idle ≤ 0: no idle timeout).
func (s *Session) Usable(t time.Time, idle time.Duration) bool {
	return s.RevokedAt.IsZero() && t.Before(s.ExpiresAt) && (idle <= 0 || t.Sub(s.LastSeenAt) < idle)
}

// Sessions are the dashboard's sign-ins. Both backends implement it as
// part of Service; the contract is in store/storetest (RunService).
type Sessions interface {
	// CreateSession stores a new session; its hash must be unique
	// (ErrConflict) and it must pass ValidateSession (ErrInvalid).
	CreateSession(ctx context.Context, s *Session) error
	// Session returns a session by hash (ErrNotFound if none), usable or
	// not: the caller decides with Session.Usable.
	Session(ctx context.Context, hash []byte) (*Session, error)
	// TouchSession records a use at t; the recorded time never goes back
	// (ErrNotFound if no such session).
	TouchSession(ctx context.Context, hash []byte, t time.Time) error
	// DeleteSession removes a session: sign-out (ErrNotFound if none).
	DeleteSession(ctx context.Context, hash []byte) error
	// RevokeSessions marks every unrevoked session of a key revoked at t
	// and returns how many it marked: the key was revoked.
	RevokeSessions(ctx context.Context, keyID string, t time.Time) (int, error)
	// PruneSessions deletes the sessions that can no longer be used:
	// revoked, expired at expiredAt, or last seen before idleSince. It
	// returns how many it deleted.
	PruneSessions(ctx context.Context, expiredAt, idleSince time.Time) (int, error)
}

// ValidateSession checks a session before it is stored: a SHA-256 hash,
// a key, a creation time and an expiry after it.
func ValidateSession(s *Session) error {
	switch {
	case s == nil:
		return invalid("nil session")
	case len(s.Hash) != sha256.Size:
		return invalid("session hash of %d bytes, want %d (SHA-256)", len(s.Hash), sha256.Size)
	case s.KeyID == "":
		return invalid("session without key")
	case s.CreatedAt.IsZero():
		return invalid("session without creation time")
	case !s.ExpiresAt.After(s.CreatedAt):
		return invalid("session expiring at %v, not after its creation at %v", s.ExpiresAt, s.CreatedAt)
	}
	return nil
}
