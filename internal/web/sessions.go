package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/observatory-net/observatory/internal/access"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/view"
)

// Session lifetimes: Options.SessionTTL and SessionIdle default to these.
const (
	// DefaultSessionTTL is how long a sign-in lasts, used or not.
	DefaultSessionTTL = 12 * time.Hour
	// DefaultSessionIdle is how long a session lasts unused.
	DefaultSessionIdle = 2 * time.Hour
)

const (
	// sessionIDBytes is the size of a session ID: 256 random bits.
	sessionIDBytes = 32
	// touchEvery is how often a session's use is written to the store:
	// the idle timeout is that much coarser.
	touchEvery = time.Minute
	// pruneEvery is how often sign-ins delete the sessions that can no
	// longer be used.
	pruneEvery = time.Hour
)

// errNoSession is every cookie that does not sign anybody in: unknown,
// ended, expired, idle, or of a key no longer usable.
var errNoSession = errors.New("no usable session")

// sessionCache remembers usable sessions for KeyCacheTTL, as the API
// remembers keys: how late a revocation by another process takes effect.
type sessionCache struct {
	view.Cache[cachedSession] // by hash
	mu                        sync.Mutex
	pruned                    time.Time // guarded by mu
}

type cachedSession struct {
	p       *principal
	expires time.Time // the session's absolute end
	seen    time.Time // its last use as the store has it
	at      time.Time // when it was read
}

// newSessionID returns a new random session ID, as the cookie holds it.
func newSessionID() (string, []byte, error) {
	id := make([]byte, sessionIDBytes)
	if _, err := rand.Read(id); err != nil {
		return "", nil, fmt.Errorf("make a session ID: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(id), id, nil
}

// parseSessionID decodes a cookie's value; anything else than an ID of
// the right size is no session.
func parseSessionID(v string) ([]byte, bool) {
	if len(v) != base64.RawURLEncoding.EncodedLen(sessionIDBytes) {
		return nil, false
	}
	id, err := base64.RawURLEncoding.DecodeString(v)
	return id, err == nil && len(id) == sessionIDBytes
}

func sessionHash(id []byte) []byte {
	h := sha256.Sum256(id)
	return h[:]
}

// sessionCSRF is the session's CSRF token: an HMAC under the session ID,
// which only its holder has. It survives a restart of the server and is
// the same on every server sharing the store.
func sessionCSRF(id []byte) string {
	m := hmac.New(sha256.New, id)
	m.Write([]byte("observatory dashboard csrf"))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// startSession stores a new session of key and returns the cookie value.
func (s *Server) startSession(ctx context.Context, keyID string) (string, error) {
	if s.svc == nil {
		return "", errors.New("sessions need a store.Service")
	}
	v, id, err := newSessionID()
	if err != nil {
		return "", err
	}
	now := s.opt.Now()
	ss := &store.Session{Hash: sessionHash(id), KeyID: keyID, CreatedAt: now, ExpiresAt: now.Add(s.opt.SessionTTL), LastSeenAt: now}
	if err := s.svc.CreateSession(ctx, ss); err != nil {
		return "", fmt.Errorf("start a session: %w", err)
	}
	s.prune(ctx, now)
	return v, nil
}

// sessionOf returns the principal of the session with ID id, usable now.
func (s *Server) sessionOf(ctx context.Context, id []byte) (*principal, error) {
	if s.svc == nil {
		return nil, errNoSession
	}
	hash, now := sessionHash(id), s.opt.Now()
	if p, ok := s.cachedSession(ctx, hash, now); ok {
		return p, nil
	}
	ss, err := s.svc.Session(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errNoSession
	}
	if err != nil {
		return nil, err
	}
	if !ss.Usable(now, s.opt.SessionIdle) {
		s.endSession(ctx, hash)
		return nil, errNoSession
	}
	ap, err := access.ForKey(ctx, s.svc, ss.KeyID, now)
	if errors.Is(err, access.ErrBadKey) {
		s.endSession(ctx, hash) // the key was revoked or expired: its sessions end
		return nil, errNoSession
	}
	if err != nil {
		return nil, err
	}
	p := &principal{Principal: ap, session: hash, csrf: sessionCSRF(id)}
	cs := cachedSession{p: p, expires: ss.ExpiresAt, seen: ss.LastSeenAt, at: now}
	s.touch(ctx, &cs, now)
	s.remember(hash, cs)
	return p, nil
}

// cachedSession returns a remembered session still usable at now,
// recording its use when due.
func (s *Server) cachedSession(ctx context.Context, hash []byte, now time.Time) (*principal, bool) {
	if s.opt.KeyCacheTTL <= 0 {
		return nil, false
	}
	cs, ok := s.sessions.Get(string(hash))
	if !ok || now.Sub(cs.at) >= s.opt.KeyCacheTTL || !now.Before(cs.expires) || !cs.p.Key.Usable(now) ||
		s.opt.SessionIdle > 0 && now.Sub(cs.seen) >= s.opt.SessionIdle {
		return nil, false
	}
	if s.touch(ctx, &cs, now) {
		s.remember(hash, cs)
	}
	return cs.p, true
}

// touch records a use of the session at now when the last one recorded
// is touchEvery old, and reports whether it did.
func (s *Server) touch(ctx context.Context, cs *cachedSession, now time.Time) bool {
	if now.Sub(cs.seen) < touchEvery {
		return false
	}
	if err := s.svc.TouchSession(ctx, cs.p.session, now); err != nil && !errors.Is(err, store.ErrNotFound) {
		s.log.Warn("record session use", "err", err)
		return false
	}
	cs.seen = now
	return true
}

func (s *Server) remember(hash []byte, cs cachedSession) {
	if s.opt.KeyCacheTTL <= 0 {
		return
	}
	s.sessions.Put(string(hash), cs)
}

// endSession deletes a session, in the store and the cache.
func (s *Server) endSession(ctx context.Context, hash []byte) {
	s.sessions.Delete(string(hash))
	if s.svc == nil {
		return
	}
	if err := s.svc.DeleteSession(ctx, hash); err != nil && !errors.Is(err, store.ErrNotFound) {
		s.log.Warn("end session", "err", err)
	}
}

// prune deletes the sessions that can no longer be used, at most every
// pruneEvery: their rows would otherwise stay for ever.
func (s *Server) prune(ctx context.Context, now time.Time) {
	s.sessions.mu.Lock()
	due := now.Sub(s.sessions.pruned) >= pruneEvery
	if due {
		s.sessions.pruned = now
	}
	s.sessions.mu.Unlock()
	if !due {
		return
	}
	idleSince := time.Time{}
	if s.opt.SessionIdle > 0 {
		idleSince = now.Add(-s.opt.SessionIdle)
	}
	if n, err := s.svc.PruneSessions(ctx, now, idleSince); err != nil {
		s.log.Warn("prune sessions", "err", err)
	} else if n > 0 {
		s.log.Info("pruned sessions", "sessions", n)
	}
}
