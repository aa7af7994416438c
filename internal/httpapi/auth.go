package httpapi

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/observatory-net/observatory/internal/access"
	"github.com/observatory-net/observatory/internal/forwarded"
	"github.com/observatory-net/observatory/internal/store"
)

// principal is who is calling: anonymous (key nil) or the holder of a key.
type principal struct {
	access.Principal
}

// anonymous is the principal of every request without a key.
var anonymous = &principal{access.Anonymous}

// Views: what a response may depend on, part of its cache key.
const (
	viewAnonymous = "anonymous"
	viewAll       = "all" // partner, secretariat, or a participant on its own ASN
)

// view names the caller's view of lists mixing ASNs.
func (p *principal) view() string {
	switch {
	case p.Key == nil:
		return viewAnonymous
	case p.SeesAll():
		return viewAll
	}
	return "participant:" + strconv.FormatInt(p.Key.ParticipantID, 10)
}

// bucket names the rate-limit bucket of the caller.
func (p *principal) bucket(r *http.Request) string {
	if p.Key == nil {
		return "ip:" + clientIP(r)
	}
	return "key:" + p.Key.ID
}

func (p *principal) rate(o Options) int {
	if p.Key == nil {
		return o.AnonymousRatePerMinute
	}
	if p.Key.RatePerMinute > 0 {
		return p.Key.RatePerMinute
	}
	return o.KeyRatePerMinute
}

// needKey answers 401 for anonymous callers.
func (c *call) needKey() error {
	if c.who.Key == nil {
		return unauthorized("this endpoint needs an API key: Authorization: Bearer obs_...")
	}
	return nil
}

// needRole answers 401 without a key and 403 for a key of another role.
func (c *call) needRole(roles ...store.Role) error {
	if err := c.needKey(); err != nil {
		return err
	}
	if !slices.Contains(roles, c.who.Role()) {
		return forbidden("a %s key may not do this", c.who.Role())
	}
	return nil
}

// clientIP is the client's address: the peer's, or behind a trusted
// proxy the one it forwarded (internal/forwarded, decided by serve's
// front handler).
func clientIP(r *http.Request) string { return forwarded.ClientAddr(r) }

// verifiedKey is the context key of a principal verified in process.
type verifiedKey struct{}

// WithPrincipal returns ctx carrying p, a principal its caller verified
// itself: the dashboard, whose session cookie is not an API key, passes
// the session's key to the API this way. identify takes it instead of an
// Authorization header. Only code in this process can set it; nothing a
// client sends can.
func WithPrincipal(ctx context.Context, p access.Principal) context.Context {
	return context.WithValue(ctx, verifiedKey{}, p)
}

// cachedKey is a verified key, remembered for KeyCacheTTL (Server.keys).
type cachedKey struct {
	p  *principal
	at time.Time
}

// identify returns the caller: the principal of WithPrincipal, else the
// Bearer key, anonymous without an Authorization header. A present but
// unusable key is a 401: never silently anonymous.
func (s *Server) identify(r *http.Request) (*principal, error) {
	if p, ok := r.Context().Value(verifiedKey{}).(access.Principal); ok && p.Key != nil {
		return &principal{p}, nil
	}
	h := r.Header.Get("Authorization")
	if h == "" {
		return anonymous, nil
	}
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return nil, unauthorized("Authorization: want Bearer obs_...")
	}
	now := s.opt.Now()
	if s.opt.KeyCacheTTL > 0 {
		if ck, ok := s.keys.Get(token); ok && now.Sub(ck.at) < s.opt.KeyCacheTTL && ck.p.Key.Usable(now) {
			return ck.p, nil
		}
	}
	p, err := s.verify(r.Context(), token, now)
	if err != nil {
		return nil, err
	}
	if s.opt.KeyCacheTTL > 0 {
		s.keys.Put(token, cachedKey{p, now})
	}
	return p, nil
}

// errBadKey is the one answer to every unusable key, so that a caller
// cannot tell an unknown key from a wrong secret.
var errBadKey = unauthorized("the API key is unknown, expired or revoked")

func (s *Server) verify(ctx context.Context, token string, now time.Time) (*principal, error) {
	p, err := access.Verify(ctx, s.svc, token, now)
	if errors.Is(err, access.ErrBadKey) {
		return nil, errBadKey
	}
	if err != nil {
		return nil, err
	}
	return &principal{p}, nil
}

// toucher records key use in the store in batches, off the request path.
type toucher struct {
	mu   sync.Mutex
	used map[string]time.Time
	s    *Server
	done chan struct{}
	wg   sync.WaitGroup
}

// touchEvery is how often key use is written.
const touchEvery = 10 * time.Second

func (t *toucher) init(s *Server) {
	t.s, t.used, t.done = s, map[string]time.Time{}, make(chan struct{})
	if s.svc == nil {
		return
	}
	t.wg.Go(func() {
		tick := time.NewTicker(touchEvery)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				t.flush()
			case <-t.done:
				t.flush()
				return
			}
		}
	})
}

func (t *toucher) note(id string) {
	t.mu.Lock()
	t.used[id] = t.s.opt.Now()
	t.mu.Unlock()
}

func (t *toucher) flush() {
	t.mu.Lock()
	used := t.used
	t.used = map[string]time.Time{}
	t.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for id, at := range used {
		if err := t.s.svc.TouchKey(ctx, id, at); err != nil && !errors.Is(err, store.ErrNotFound) {
			t.s.log.Warn("record key use", "key", id, "err", err)
		}
	}
}

func (t *toucher) stop() {
	close(t.done)
	t.wg.Wait()
}
