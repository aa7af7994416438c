package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/observatory-net/observatory/internal/access"
)

// CookieName is the cookie holding a signed-in visitor's API key.
const CookieName = "obs_key"

// principal is the visitor: anonymous (key nil) or a key's holder.
type principal struct {
	access.Principal
	token string
}

var anonymous = &principal{Principal: access.Anonymous}

// keyCache remembers verified keys for KeyCacheTTL.
type keyCache struct {
	mu sync.Mutex
	m  map[string]cachedKey
}

type cachedKey struct {
	p  *principal
	at time.Time
}

// identify returns the visitor of r: the holder of the key in the cookie
// when it is usable, anonymous otherwise (a stale cookie is not an error
// on a page: the page says the visitor is not signed in).
func (s *Server) identify(r *http.Request) *principal {
	c, err := r.Cookie(CookieName)
	if err != nil || c.Value == "" {
		return anonymous
	}
	p, err := s.verifyCached(r.Context(), c.Value)
	if err != nil {
		if !errors.Is(err, errBadKey) {
			s.log.Warn("verify key", "err", err)
		}
		return anonymous
	}
	return p
}

var errBadKey = errors.New("the API key is unknown, expired or revoked")

func (s *Server) verifyCached(ctx context.Context, token string) (*principal, error) {
	now := s.opt.Now()
	if s.opt.KeyCacheTTL > 0 {
		s.keys.mu.Lock()
		ck, ok := s.keys.m[token]
		s.keys.mu.Unlock()
		if ok && now.Sub(ck.at) < s.opt.KeyCacheTTL && ck.p.Key.Usable(now) {
			return ck.p, nil
		}
	}
	p, err := s.verify(ctx, token, now)
	if err != nil {
		return nil, err
	}
	if s.opt.KeyCacheTTL > 0 {
		s.keys.mu.Lock()
		if s.keys.m == nil || len(s.keys.m) > 10000 {
			s.keys.m = map[string]cachedKey{}
		}
		s.keys.m[token] = cachedKey{p, now}
		s.keys.mu.Unlock()
	}
	return p, nil
}

// verify checks a token as internal/httpapi does: apikey.Parse, the
// stored key, apikey.Verify, usable now, and for a participant key its
// registered ASNs.
func (s *Server) verify(ctx context.Context, token string, now time.Time) (*principal, error) {
	p, err := access.Verify(ctx, s.svc, token, now)
	if errors.Is(err, access.ErrBadKey) {
		return nil, errBadKey
	}
	if err != nil {
		return nil, err
	}
	return &principal{Principal: p, token: token}, nil
}

// csrfToken is the token a signed-in visitor's pages carry in their
// forms and in X-CSRF-Token: an HMAC of the key under the server's
// secret, which a cross-site page cannot read.
func (s *Server) csrfToken(p *principal) string {
	if p.Key == nil {
		return ""
	}
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(p.token))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

func (s *Server) validCSRF(p *principal, got string) bool {
	want := s.csrfToken(p)
	return want != "" && hmac.Equal([]byte(want), []byte(got))
}

// sameOrigin reports whether r comes from one of our own pages, by the
// Fetch Metadata and Origin headers browsers send with every POST.
func sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return false
	}
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return false
		}
	}
	return true
}

// bridge lets the API see the cookie as a Bearer header: always for
// reads, for writes only with the page's CSRF token from our own origin.
// Requests with an Authorization header of their own pass unchanged.
func (s *Server) bridge(api http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(CookieName)
		if r.Header.Get("Authorization") != "" || err != nil || c.Value == "" {
			api.ServeHTTP(w, r)
			return
		}
		safe := r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions
		if !safe {
			p := s.identify(r)
			if !sameOrigin(r) || !s.validCSRF(p, r.Header.Get("X-CSRF-Token")) {
				api.ServeHTTP(w, r) // anonymous: the API answers 401
				return
			}
		}
		r = r.Clone(r.Context())
		r.Header.Set("Authorization", "Bearer "+c.Value)
		api.ServeHTTP(w, r)
	})
}

type signInPage struct {
	Error string
	Next  string
}

// signInForm: GET /signin.
func (s *Server) signInForm(q *request) error {
	return q.render(http.StatusOK, "signin", signInPage{Next: safeNext(q.r.URL.Query().Get("next"))})
}

// signIn: POST /signin, token=obs_… : verifies the key and sets the cookie.
func (s *Server) signIn(q *request) error {
	if !sameOrigin(q.r) {
		return forbidden("sign-in must come from this site's own form")
	}
	q.r.Body = http.MaxBytesReader(q.w, q.r.Body, 8<<10)
	if err := q.r.ParseForm(); err != nil {
		return badRequest("malformed form")
	}
	token := strings.TrimSpace(q.r.PostForm.Get("token"))
	next := safeNext(q.r.PostForm.Get("next"))
	if _, err := s.verify(q.ctx(), token, s.opt.Now()); err != nil {
		if !errors.Is(err, errBadKey) {
			return err
		}
		return q.render(http.StatusUnauthorized, "signin", signInPage{Error: errBadKey.Error(), Next: next})
	}
	http.SetCookie(q.w, &http.Cookie{Name: CookieName, Value: token, Path: "/", HttpOnly: true,
		Secure: q.r.TLS != nil, SameSite: http.SameSiteStrictMode, MaxAge: 12 * 3600})
	http.Redirect(q.w, q.r, next, http.StatusSeeOther)
	return nil
}

// signOut: POST /signout with the CSRF token: clears the cookie.
func (s *Server) signOut(q *request) error {
	q.r.Body = http.MaxBytesReader(q.w, q.r.Body, 8<<10)
	if err := q.r.ParseForm(); err != nil {
		return badRequest("malformed form")
	}
	if q.who.Key != nil && (!sameOrigin(q.r) || !s.validCSRF(q.who, q.r.PostForm.Get("csrf"))) {
		return forbidden("sign-out must come from this site's own pages")
	}
	http.SetCookie(q.w, &http.Cookie{Name: CookieName, Value: "", Path: "/", HttpOnly: true,
		Secure: q.r.TLS != nil, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	http.Redirect(q.w, q.r, "/", http.StatusSeeOther)
	return nil
}

// safeNext keeps a redirect target on this site: a path, not //host.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/"
	}
	return next
}
