package web

import (
	"context"
	"crypto/sha256"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/apikey"
	"github.com/observatory-net/observatory/internal/forwarded"
	"github.com/observatory-net/observatory/internal/ratelimit"
	"github.com/observatory-net/observatory/internal/store"
)

// redirectVectors are targets that must never leave the site, from the
// usual open-redirect bypass lists.
var redirectVectors = []string{
	"//evil.example/", "///evil.example/", "////evil.example",
	`/\evil.example/`, `\/evil.example/`, `\\evil.example`, `/\/evil.example`,
	"/\t/evil.example/", "/\r/evil.example/", "/\n/evil.example/", "/\x00/evil.example/", "\t//evil.example",
	"/%09/evil.example/", "/%0d%0a/evil.example", "/%00/evil.example",
	"/%2F/evil.example/", "/%2f%2fevil.example", "/%5C/evil.example/", "/%5cevil.example",
	"/%252F/evil.example", "https://evil.example/", "http:evil.example", "HTTPS://evil.example",
	"javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,hi", "//user@evil.example", "/@evil.example/..",
	"evil.example", "./evil", "", " /", "/ /evil.example",
	"/\u3002evil.example", "/\uff0f\uff0fevil.example", "/\u2215\u2215evil.example", "/\u200b/evil.example",
	"/%E3%80%82evil", "/%ef%bc%8f%ef%bc%8fevil.example", "/" + strings.Repeat("a", 3000),
}

// TestSafeNext: the bypass vectors fall back to "/", and our own pages'
// addresses pass, normalised.
func TestSafeNext(t *testing.T) {
	for _, v := range redirectVectors {
		if got := safeNext(v); got != "/" {
			t.Errorf("safeNext(%q) = %q, want /", v, got)
		}
	}
	for in, want := range map[string]string{
		"/":                               "/",
		"/asn/AS3333":                     "/asn/AS3333",
		"/asn/AS9155?month=2014-05":       "/asn/AS9155?month=2014-05",
		"/compare?asn=AS1&asn=AS2":        "/compare?asn=AS1&asn=AS2",
		"/participants?q=Telef%C3%B3nica": "/participants?q=Telef%C3%B3nica",
		"/a/../specs":                     "/specs",
		"/asn/":                           "/asn/",
		"/asn/AS1#incidents":              "/asn/AS1",
		"/a/%2F%2Fevil.example":           "/a/evil.example",
		"/@evil.example/..":               "/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSignIn_RedirectStaysOnSite: each vector, as the sign-in form's
// next (GET and POST) and as the feedback form's next, leads to this
// site only.
func TestSignIn_RedirectStaysOnSite(t *testing.T) {
	e := newEnv(t)
	c := e.client(t, "")
	signedIn := e.client(t, e.pRIPE)
	_, page := get(t, signedIn, e.srv.URL, "/asn/AS3333")
	csrf := attr(page, `<body`, "data-csrf")
	for i, v := range redirectVectors {
		_, body := get(t, c, e.srv.URL, "/signin?next="+url.QueryEscape(v))
		if got := attr(body, `name="next"`, "value"); got != "/" {
			t.Errorf("GET /signin?next=%q: the form's next = %q, want /", v, got)
		}
		resp := postForm(t, c, e.srv.URL+"/signin", url.Values{"token": {e.pRIPE}, "next": {v}})
		if loc := resp.Header.Get("Location"); resp.StatusCode != 303 || loc != "/" {
			t.Errorf("POST /signin next=%q: %d to %q, want 303 to /", v, resp.StatusCode, loc)
		}
		if i%8 != 0 { // the feedback form: a few, each flag is a pending claim
			continue
		}
		resp = postForm(t, signedIn, e.srv.URL+"/incidents/3333-M2-1/feedback", url.Values{"reason": {"x"}, "csrf": {csrf}, "next": {v}})
		if loc := resp.Header.Get("Location"); resp.StatusCode != 303 || !strings.HasPrefix(loc, "/?flagged=") {
			t.Errorf("feedback next=%q: %d to %q, want 303 to /?flagged=…", v, resp.StatusCode, loc)
		}
		clearFeedback(t, e)
	}
}

// clearFeedback rejects the pending feedback so that the incident can be
// flagged again.
func clearFeedback(t *testing.T, e *env) {
	t.Helper()
	fbs, err := e.st.Feedbacks(context.Background(), store.FeedbackFilter{Verdict: store.VerdictPending})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fbs {
		if err := e.st.Review(context.Background(), &store.Review{FeedbackID: f.ID, Verdict: store.VerdictRejected,
			ReviewedBy: "test", ReviewedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
}

func postForm(t testing.TB, c *http.Client, u string, v url.Values, hdr ...string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", u, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// TestSession_CookieIsNotTheKey: the cookie holds a random ID, the store
// its hash and the key; two sign-ins get two IDs and two CSRF tokens.
func TestSession_CookieIsNotTheKey(t *testing.T) {
	e := newEnv(t)
	var values, csrfs []string
	for range 2 {
		c := e.client(t, e.pRIPE)
		u, _ := url.Parse(e.srv.URL)
		ck := c.Jar.Cookies(u)
		if len(ck) != 1 || ck[0].Name != CookieName {
			t.Fatalf("cookies %v, want one %s", ck, CookieName)
		}
		v := ck[0].Value
		keyID, _ := apikey.Parse(e.pRIPE)
		if strings.Contains(v, e.pRIPE) || strings.Contains(v, keyID) || len(v) < 43 {
			t.Errorf("cookie %q holds the key or is short", v)
		}
		id, ok := parseSessionID(v)
		if !ok {
			t.Fatalf("cookie %q is no session ID", v)
		}
		h := sha256.Sum256(id)
		ss, err := e.st.Session(context.Background(), h[:])
		if err != nil || ss.KeyID != keyID || !ss.ExpiresAt.Equal(ss.CreatedAt.Add(12*time.Hour)) {
			t.Errorf("stored session %+v, %v: want key %s for 12 h", ss, err, keyID)
		}
		_, page := get(t, c, e.srv.URL, "/asn/AS3333")
		values, csrfs = append(values, v), append(csrfs, attr(page, `<body`, "data-csrf"))
	}
	if values[0] == values[1] || csrfs[0] == csrfs[1] || csrfs[0] == "" {
		t.Errorf("two sign-ins share a cookie or CSRF token: %q, %q", values, csrfs)
	}
}

// TestSession_SignOutEndsIt: after sign-out the old cookie is anonymous
// on the pages and the API, and the store has no session left.
func TestSession_SignOutEndsIt(t *testing.T) {
	e := newEnvWith(t, func(o *Options) { o.KeyCacheTTL = time.Minute }) // the cache must forget it too
	c := e.client(t, e.pRIPE)
	u, _ := url.Parse(e.srv.URL)
	old := c.Jar.Cookies(u)[0]
	_, page := get(t, c, e.srv.URL, "/asn/AS3333")
	if status, _ := get(t, c, e.srv.URL, "/api/v2/scores/details?asn=AS3333"); status != 200 || !strings.Contains(page, "secret-evidence-3333") {
		t.Fatalf("signed in: details %d, evidence shown %v", status, strings.Contains(page, "secret-evidence-3333"))
	}
	resp := postForm(t, c, e.srv.URL+"/signout", url.Values{"csrf": {attr(page, `<body`, "data-csrf")}})
	if resp.StatusCode != 303 {
		t.Fatalf("sign-out: %d", resp.StatusCode)
	}
	replay := e.client(t, "")
	replay.Jar.SetCookies(u, []*http.Cookie{old})
	if _, body := get(t, replay, e.srv.URL, "/asn/AS3333"); strings.Contains(body, "secret-evidence") || !strings.Contains(body, `id="signin"`) {
		t.Error("the old cookie still signs in on the pages")
	}
	if status, _ := get(t, replay, e.srv.URL, "/api/v2/scores/details?asn=AS3333"); status != 401 {
		t.Errorf("the old cookie on the API: %d, want 401", status)
	}
	id, _ := parseSessionID(old.Value)
	h := sha256.Sum256(id)
	if _, err := e.st.Session(context.Background(), h[:]); err == nil {
		t.Error("the session is still stored after sign-out")
	}
}

// TestSession_RevokedKeyEndsIt: revoking the key ends its sessions.
func TestSession_RevokedKeyEndsIt(t *testing.T) {
	e := newEnvWith(t, func(o *Options) { o.KeyCacheTTL = 0 })
	c := e.client(t, e.pRIPE)
	if status, _ := get(t, c, e.srv.URL, "/api/v2/scores/details?asn=AS3333"); status != 200 {
		t.Fatalf("signed in: %d", status)
	}
	id, _ := apikey.Parse(e.pRIPE)
	if err := e.st.RevokeKey(context.Background(), id, time.Now()); err != nil {
		t.Fatal(err)
	}
	if status, _ := get(t, c, e.srv.URL, "/api/v2/scores/details?asn=AS3333"); status != 401 {
		t.Errorf("API after the key's revocation: %d, want 401", status)
	}
	if _, body := get(t, c, e.srv.URL, "/asn/AS3333"); strings.Contains(body, "secret-evidence") {
		t.Error("the page shows evidence after the key's revocation")
	}
}

// clock is a time that tests move, safe for the server's goroutines.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// TestSession_Lifetime: a session in use lasts 12 hours, an unused one
// 2 hours.
func TestSession_Lifetime(t *testing.T) {
	clk := &clock{t: time.Now()}
	e := newEnvWith(t, func(o *Options) { o.Now, o.KeyCacheTTL = clk.now, 10*time.Second })
	signedIn := func(c *http.Client) bool {
		_, body := get(t, c, e.srv.URL, "/asn/AS3333")
		return strings.Contains(body, "secret-evidence-3333")
	}
	busy, idle, late := e.client(t, e.pRIPE), e.client(t, e.pRIPE), e.client(t, e.pRIPE)
	for h := 1; h <= 11; h++ {
		clk.add(time.Hour)
		if !signedIn(busy) {
			t.Fatalf("a session used every hour ended after %d h", h)
		}
		switch h {
		case 1, 2: // at 2 h, 2 h after sign-in: only its use at 1 h keeps it
			if !signedIn(late) {
				t.Errorf("at %d h, a session used an hour before ended", h)
			}
		case 3:
			if signedIn(idle) {
				t.Error("a session unused for 3 h is still signed in")
			}
		}
	}
	clk.add(time.Hour + time.Second)
	if signedIn(busy) {
		t.Error("a session lasted past 12 hours")
	}
}

// TestSignIn_RateLimited: failed sign-ins from one address get 429 once
// its bucket is empty, correct keys too then; a success takes nothing
// from the bucket, and other addresses keep theirs.
func TestSignIn_RateLimited(t *testing.T) {
	proxies, _ := forwarded.ParseProxies("127.0.0.1/32,::1/128")
	e := newEnvWith(t, func(o *Options) { o.SignInRate = ratelimit.Rate{N: 5, Per: 15 * time.Minute, Burst: 5} }, proxies.Handler)
	c := e.client(t, "")
	try := func(from, token string) *http.Response {
		return postForm(t, c, e.srv.URL+"/signin", url.Values{"token": {token}}, "X-Forwarded-For", from)
	}
	wrong := e.pRIPE[:len(e.pRIPE)-1] + map[bool]string{true: "a", false: "b"}[!strings.HasSuffix(e.pRIPE, "a")]
	for i, tc := range []struct {
		from, token string
		want        int
	}{
		{"203.0.113.1", wrong, 401}, {"203.0.113.1", wrong, 401}, {"203.0.113.1", wrong, 401},
		{"203.0.113.1", e.pRIPE, 303}, // its own key: no reset, no cost
		{"203.0.113.1", wrong, 401}, {"203.0.113.1", "obs_garbage", 401},
		{"203.0.113.1", wrong, 429}, {"203.0.113.1", e.pRIPE, 429},
		{"203.0.113.2", wrong, 401}, {"203.0.113.2", e.pRIPE, 303},
	} {
		resp := try(tc.from, tc.token)
		if resp.StatusCode != tc.want {
			t.Fatalf("attempt %d from %s: %d, want %d", i, tc.from, resp.StatusCode, tc.want)
		}
		if tc.want == 429 && (resp.Header.Get("Retry-After") != "180" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html")) {
			t.Errorf("429: Retry-After %q, Content-Type %q; want 180 and HTML", resp.Header.Get("Retry-After"), resp.Header.Get("Content-Type"))
		}
	}
}

// TestPages_RateLimited: pages count per address, static files not.
func TestPages_RateLimited(t *testing.T) {
	e := newEnvWith(t, func(o *Options) { o.PageRatePerMinute = 60 }) // a burst of 15
	c := e.client(t, "")
	for i := range 15 {
		if status, _ := get(t, c, e.srv.URL, "/specs"); status != 200 {
			t.Fatalf("page %d: %d", i, status)
		}
	}
	resp, err := c.Get(e.srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("page 16: %d, Retry-After %q, %s; want 429 HTML with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"), resp.Header.Get("Content-Type"))
	}
	if status, _ := get(t, c, e.srv.URL, "/static/app.css"); status != 200 {
		t.Errorf("static file when pages are limited: %d", status)
	}
}

// TestSession_SecureCookie: Secure over TLS or from a trusted proxy that
// says https, never from an untrusted peer's header.
func TestSession_SecureCookie(t *testing.T) {
	trusted, _ := forwarded.ParseProxies("127.0.0.1/32,::1/128")
	for _, tc := range []struct {
		name    string
		proxies forwarded.Proxies
		proto   string
		want    bool
	}{
		{"trusted proxy, https", trusted, "https", true},
		{"trusted proxy, http", trusted, "http", false},
		{"no trusted proxy", nil, "https", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnvWith(t, nil, tc.proxies.Handler)
			c := e.client(t, "")
			req, _ := http.NewRequest("POST", e.srv.URL+"/signin", strings.NewReader(url.Values{"token": {e.pRIPE}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Forwarded-Proto", tc.proto)
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			ck := resp.Cookies()
			if len(ck) != 1 || ck[0].Secure != tc.want {
				t.Errorf("cookies %+v: want one with Secure %v", ck, tc.want)
			}
		})
	}
}

// TestSignIn_ExpiresLegacyCookie: a cookie of the key itself, from
// before sessions, is cleared by sign-in and sign-out.
func TestSignIn_ExpiresLegacyCookie(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/signin", "/signout"} {
		req, _ := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(url.Values{"token": {e.partner}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: legacyCookie, Value: e.partner})
		resp, err := e.client(t, "").Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		var cleared bool
		for _, c := range resp.Cookies() {
			cleared = cleared || c.Name == legacyCookie && c.MaxAge < 0 && c.Value == ""
		}
		if resp.StatusCode != 303 || !cleared {
			t.Errorf("POST %s with %s: %d, cookies %v; want 303 clearing it", path, legacyCookie, resp.StatusCode, resp.Cookies())
		}
	}
}
