package web

import (
	"crypto/hmac"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/observatory-net/observatory/internal/access"
	"github.com/observatory-net/observatory/internal/forwarded"
	"github.com/observatory-net/observatory/internal/httpapi"
	"github.com/observatory-net/observatory/internal/ratelimit"
)

// CookieName is the cookie holding a signed-in visitor's session ID: a
// random value that the store knows only by its hash, never the API key.
const CookieName = "obs_session"

// legacyCookie held the API key itself before sessions: sign-in and
// sign-out expire it, so that browsers stop keeping the key.
const legacyCookie = "obs_key"

// principal is the visitor: anonymous (key nil) or a session's key holder.
type principal struct {
	access.Principal
	session []byte // SHA-256 of the session ID; nil when anonymous
	csrf    string // the session's CSRF token
}

var anonymous = &principal{Principal: access.Anonymous}

// identify returns the visitor of r: the key holder of the session in
// the cookie when it is usable, anonymous otherwise (a stale cookie is
// not an error on a page: the page says the visitor is not signed in).
func (s *Server) identify(r *http.Request) *principal {
	c, err := r.Cookie(CookieName)
	if err != nil {
		return anonymous
	}
	id, ok := parseSessionID(c.Value)
	if !ok {
		return anonymous
	}
	p, err := s.sessionOf(r.Context(), id)
	if err != nil {
		if !errors.Is(err, errNoSession) {
			s.log.Warn("read session", "err", err)
		}
		return anonymous
	}
	return p
}

var errBadKey = errors.New("the API key is unknown, expired or revoked")

// csrfToken is the token a signed-in visitor's pages carry in their
// forms and in X-CSRF-Token: derived from the session (sessionCSRF), so
// that a cross-site page cannot know it and it ends with the session.
func (s *Server) csrfToken(p *principal) string { return p.csrf }

func (s *Server) validCSRF(p *principal, got string) bool {
	return p.csrf != "" && hmac.Equal([]byte(p.csrf), []byte(got))
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

// bridge lets the API act for a signed-in visitor: the session's key,
// verified here, goes to the API in the request's context
// (httpapi.WithPrincipal), never as a header. Always for reads; for writes
// only with the page's CSRF token from our own origin. Requests with an
// Authorization header of their own pass unchanged.
func (s *Server) bridge(api http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := r.Cookie(CookieName); r.Header.Get("Authorization") != "" || err != nil {
			api.ServeHTTP(w, r)
			return
		}
		p := s.identify(r)
		safe := r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions
		if p.Key == nil || !safe && (!sameOrigin(r) || !s.validCSRF(p, r.Header.Get("X-CSRF-Token"))) {
			api.ServeHTTP(w, r) // anonymous: a write answers 401
			return
		}
		r2 := r.WithContext(httpapi.WithPrincipal(r.Context(), p.Principal))
		api.ServeHTTP(w, r2)
		r.Pattern = r2.Pattern // for the access log in front, as the API's mux set it
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

// signIn: POST /signin, token=obs_… : verifies the key and starts a
// session. Every attempt takes a token of the client address's sign-in
// bucket first; a successful one gives it back, so that only failures
// count and concurrent guesses cannot overtake the limit.
func (s *Server) signIn(q *request) error {
	if !sameOrigin(q.r) {
		return forbidden("sign-in must come from this site's own form")
	}
	q.r.Body = http.MaxBytesReader(q.w, q.r.Body, 8<<10)
	if err := q.r.ParseForm(); err != nil {
		return badRequest("malformed form")
	}
	bucket := "signin:" + forwarded.ClientAddr(q.r)
	if retry, ok := s.signIns.Allow(bucket, s.opt.SignInRate); !ok {
		return tooMany(retry, "too many failed sign-ins from your address; try again in %s", retryText(retry))
	}
	token := strings.TrimSpace(q.r.PostForm.Get("token"))
	next := safeNext(q.r.PostForm.Get("next"))
	p, err := access.Verify(q.ctx(), s.svc, token, s.opt.Now())
	if errors.Is(err, access.ErrBadKey) {
		return q.render(http.StatusUnauthorized, "signin", signInPage{Error: errBadKey.Error(), Next: next})
	}
	s.signIns.Refund(bucket, s.opt.SignInRate, 1)
	if err != nil {
		return err
	}
	if q.who.session != nil {
		s.endSession(q.ctx(), q.who.session) // a new sign-in never keeps the old ID
	}
	id, err := s.startSession(q.ctx(), p.Key.ID)
	if err != nil {
		return err
	}
	http.SetCookie(q.w, &http.Cookie{Name: CookieName, Value: id, Path: "/", HttpOnly: true,
		Secure: forwarded.Secure(q.r), SameSite: http.SameSiteStrictMode, MaxAge: int(s.opt.SessionTTL.Seconds())})
	expireLegacy(q)
	http.Redirect(q.w, q.r, next, http.StatusSeeOther)
	return nil
}

// signOut: POST /signout with the CSRF token: ends the session on the
// server (its cookie is anonymous from then on) and clears the cookie.
func (s *Server) signOut(q *request) error {
	q.r.Body = http.MaxBytesReader(q.w, q.r.Body, 8<<10)
	if err := q.r.ParseForm(); err != nil {
		return badRequest("malformed form")
	}
	if q.who.Key != nil && (!sameOrigin(q.r) || !s.validCSRF(q.who, q.r.PostForm.Get("csrf"))) {
		return forbidden("sign-out must come from this site's own pages")
	}
	if q.who.session != nil {
		s.endSession(q.ctx(), q.who.session)
	}
	http.SetCookie(q.w, &http.Cookie{Name: CookieName, Value: "", Path: "/", HttpOnly: true,
		Secure: forwarded.Secure(q.r), SameSite: http.SameSiteStrictMode, MaxAge: -1})
	expireLegacy(q)
	http.Redirect(q.w, q.r, "/", http.StatusSeeOther)
	return nil
}

// expireLegacy clears a cookie of the key itself that the browser still
// sends from before sessions.
func expireLegacy(q *request) {
	if _, err := q.r.Cookie(legacyCookie); err == nil {
		http.SetCookie(q.w, &http.Cookie{Name: legacyCookie, Value: "", Path: "/", HttpOnly: true,
			Secure: forwarded.Secure(q.r), SameSite: http.SameSiteStrictMode, MaxAge: -1})
	}
}

// retryText says a Retry-After for people: "42 s", "3 min".
func retryText(d time.Duration) string {
	secs := ratelimit.Seconds(d)
	if secs < 120 {
		return fmt.Sprintf("%d s", secs)
	}
	return fmt.Sprintf("%d min", (secs+59)/60)
}
