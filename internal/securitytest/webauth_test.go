package securitytest

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Findings 3, 4, 6 and 7 of issue 17: the dashboard's sign-in and what
// `observatory serve` logs of it.

// redirectVectors are next targets that must never lead off the site:
// browsers drop tab, CR and LF, read "\" as "/", and take //host, /\host
// and \/host for another origin.
var redirectVectors = []string{
	"/\t/evil.example/", "/\r/evil.example/", "/\n/evil.example/", "/\x00/evil.example/", "\t//evil.example/",
	"/%09/evil.example/", "/%0d%0a/evil.example/", "/%00/evil.example/",
	"//evil.example/", "///evil.example/", `/\evil.example/`, `\/evil.example/`, `\\evil.example/`, `/\/evil.example/`,
	"/%2F/evil.example/", "/%2f%2fevil.example/", "/%5C/evil.example/", "/%5cevil.example/",
	"https://evil.example/", "HTTPS://evil.example/", "http:evil.example", "//user@evil.example/",
	"javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,hi", "evil.example",
	"/\u3002evil.example", "/\uff0f\uff0fevil.example/", "/\u2215\u2215evil.example/", "/\u200b/evil.example/",
}

// onSite reports whether a Location stays on this site: a path that
// starts with one "/" and then neither "/" nor "\", with no control
// character, backslash or non-ASCII byte anywhere.
func onSite(loc string) bool {
	if !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, `/\`) {
		return false
	}
	for i := range len(loc) {
		if c := loc[i]; c < 0x21 || c > 0x7e || c == '\\' {
			return false
		}
	}
	return true
}

var (
	csrfRe = regexp.MustCompile(`data-csrf="([^"]+)"`)
	nextRe = regexp.MustCompile(`name="next" value="([^"]*)"`)
)

// signIn posts the sign-in form with the extra headers and returns the
// response.
func signIn(t *testing.T, srv *server, token, next string, header map[string]string) response {
	t.Helper()
	v := url.Values{"token": {token}}
	if next != "" {
		v.Set("next", next)
	}
	return postRaw(t, srv, "/signin", v, header)
}

// postRaw posts a same-origin form as srv.form does, but through the
// transport alone: a client would refuse a Location it cannot parse,
// which is what an open redirect answers.
func postRaw(t *testing.T, srv *server, path string, v url.Values, header map[string]string, cookies ...*http.Cookie) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.url+path, strings.NewReader(v.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", srv.url)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil { // a response no client takes, as a NUL in its Location: status 0
		t.Logf("POST %s: %v", path, err)
		return response{header: http.Header{}, body: err.Error()}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("POST %s: read the body: %v", path, err)
	}
	return response{resp.StatusCode, resp.Header, string(b), resp.Cookies()}
}

// session signs in with token and returns the cookies set and the CSRF
// token of the signed-in pages.
func session(t *testing.T, srv *server, token string) ([]*http.Cookie, string) {
	t.Helper()
	r := signIn(t, srv, token, "", nil)
	if r.status != http.StatusSeeOther || len(r.cookies) == 0 {
		t.Fatalf("sign in: %d with cookies %v", r.status, r.cookies)
	}
	page := srv.do(t, request{path: "/specs", cookies: r.cookies})
	m := csrfRe.FindStringSubmatch(page.body)
	if m == nil {
		t.Fatalf("the signed-in page has no CSRF token: %d %.300s", page.status, page.body)
	}
	return r.cookies, m[1]
}

// signedIn reports whether the dashboard shows the cookies' holder as
// signed in (the layout's sign-out button) and the API lets them read
// AS9155's details (a participant key's own ASN).
func signedIn(t *testing.T, srv *server, cookies []*http.Cookie) (page, api bool) {
	t.Helper()
	p := srv.do(t, request{path: "/asn/AS9155", cookies: cookies})
	a := srv.do(t, request{path: "/api/v2/scores/details?asn=9155", cookies: cookies})
	return strings.Contains(p.body, `id="signout"`), a.status == http.StatusOK
}

// TestFinding3_RedirectStaysOnSite: each bypass vector as the sign-in
// form's next (the form GET /signin renders, the Location POST /signin
// answers) and as the feedback form's next leads to this site only.
func TestFinding3_RedirectStaysOnSite(t *testing.T) {
	eachStore(t, func(t *testing.T, kind string) {
		dsn := monthStore(t, kind)
		ids := participantIDs(t, dsn)
		_, tok := createKey(t, dsn, "--role", "participant", "--participant", ids["Qualitynet"])
		_, sec := createKey(t, dsn, "--role", "secretariat")
		srv := start(t, dsn, "--rate", "0", "--anonymous-rate", "0")
		var incidents struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		decode(t, srv.get(t, "/api/v2/incidents?asn=9155&month="+month, tok), &incidents)
		if len(incidents.Items) == 0 {
			t.Fatal("AS9155 has no incident to flag")
		}
		incident := incidents.Items[0].ID
		cookies, csrf := session(t, srv, tok)
		for _, v := range redirectVectors {
			form := srv.get(t, "/signin?next="+url.QueryEscape(v), "")
			if m := nextRe.FindStringSubmatch(form.body); m == nil || m[1] != "/" {
				t.Errorf("GET /signin?next=%q: the form's next is %q, want /", v, m)
			}
			r := signIn(t, srv, tok, v, nil)
			if loc := r.header.Get("Location"); r.status != http.StatusSeeOther || loc != "/" {
				t.Errorf("POST /signin next=%q: %d to %q, want 303 to /", v, r.status, loc)
			}
			r = postRaw(t, srv, "/incidents/"+incident+"/feedback", url.Values{"reason": {"test"}, "csrf": {csrf}, "next": {v}}, nil, cookies...)
			if loc := r.header.Get("Location"); r.status != http.StatusSeeOther || !onSite(loc) || !strings.HasPrefix(loc, "/?flagged=") {
				t.Errorf("feedback next=%q: %d to %q, want 303 to /?flagged=…", v, r.status, loc)
			}
			rejectPending(t, srv, sec)
		}
		// Our own pages' addresses still work.
		if r := signIn(t, srv, tok, "/asn/AS9155?month="+month, nil); r.header.Get("Location") != "/asn/AS9155?month="+month {
			t.Errorf("POST /signin next=/asn/AS9155?month=…: to %q", r.header.Get("Location"))
		}
	})
}

// rejectPending rejects every pending feedback, so that the incident can
// be flagged again.
func rejectPending(t *testing.T, srv *server, sec string) {
	t.Helper()
	var list struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	decode(t, srv.get(t, "/api/v2/feedback?verdict=pending", sec), &list)
	for _, f := range list.Items {
		r := srv.do(t, request{method: http.MethodPost, path: fmt.Sprintf("/api/v2/feedback/%d/review", f.ID),
			token: sec, body: `{"verdict":"rejected","note":"test"}`})
		if r.status != http.StatusOK {
			t.Fatalf("reject feedback %d: %d %.300s", f.ID, r.status, r.body)
		}
	}
}

// TestFinding4_SignInBruteForce: at the default settings, wrong keys from
// one address get 429 (an HTML page with Retry-After) within 10 attempts,
// a correct sign-in in between resetting nothing; pages are rate-limited
// per address too.
func TestFinding4_SignInBruteForce(t *testing.T) {
	eachStore(t, func(t *testing.T, kind string) {
		dsn := monthStore(t, kind)
		_, tok := createKey(t, dsn, "--role", "partner")
		srv := start(t, dsn)
		wrong := tok[:len(tok)-4] + "AAAA"
		if wrong == tok {
			wrong = tok[:len(tok)-4] + "BBBB"
		}
		limited := 0
		for i := 1; i <= 10 && limited == 0; i++ {
			if i == 4 {
				if r := signIn(t, srv, tok, "", nil); r.status != http.StatusSeeOther {
					t.Fatalf("the correct key after 3 failures: %d, want 303", r.status)
				}
			}
			r := signIn(t, srv, wrong, "", nil)
			switch r.status {
			case http.StatusUnauthorized:
			case http.StatusTooManyRequests:
				limited = i
				if r.header.Get("Retry-After") == "" || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
					t.Errorf("429: Retry-After %q, Content-Type %q; want a number and an HTML page",
						r.header.Get("Retry-After"), r.header.Get("Content-Type"))
				}
			default:
				t.Fatalf("wrong key %d: %d, want 401 or 429", i, r.status)
			}
		}
		if limited == 0 {
			t.Error("10 wrong keys from one address: no 429")
		}
		pageLimited := 0
		for i := 1; i <= 400 && pageLimited == 0; i++ {
			if r := srv.get(t, "/specs", ""); r.status == http.StatusTooManyRequests {
				pageLimited = i
				if r.header.Get("Retry-After") == "" {
					t.Error("a rate-limited page has no Retry-After")
				}
			}
		}
		if pageLimited == 0 {
			t.Error("400 pages from one address: no 429")
		}
		t.Logf("429 at wrong key %d, at page %d", limited, pageLimited)
	})
}

// TestFinding6_CookieIsNotTheKey: the sign-in cookie is a session, not
// the API key.
func TestFinding6_CookieIsNotTheKey(t *testing.T) {
	eachStore(t, func(t *testing.T, kind string) {
		dsn := emptyStore(t, kind)
		id, tok := createKey(t, dsn, "--role", "partner")
		srv := start(t, dsn, "--rate", "0", "--anonymous-rate", "0")
		r := signIn(t, srv, tok, "", nil)
		if r.status != http.StatusSeeOther || len(r.cookies) == 0 {
			t.Fatalf("sign in: %d with cookies %v", r.status, r.cookies)
		}
		secret := tokenSecret(tok)
		for _, sc := range r.header.Values("Set-Cookie") {
			if strings.Contains(sc, tok) || strings.Contains(sc, secret) || strings.Contains(sc, id) {
				t.Errorf("Set-Cookie holds the key: %s", sc)
			}
		}
	})
}

// TestFinding6_SignOutEndsSession: after sign-out the old cookie is
// anonymous, on the pages and the API.
func TestFinding6_SignOutEndsSession(t *testing.T) {
	eachStore(t, func(t *testing.T, kind string) {
		dsn := monthStore(t, kind)
		ids := participantIDs(t, dsn)
		_, tok := createKey(t, dsn, "--role", "participant", "--participant", ids["Qualitynet"])
		srv := start(t, dsn, "--rate", "0", "--anonymous-rate", "0")
		cookies, csrf := session(t, srv, tok)
		if page, api := signedIn(t, srv, cookies); !page || !api {
			t.Fatalf("signed in: page %v, API %v; want both", page, api)
		}
		if r := srv.form(t, "/signout", url.Values{"csrf": {csrf}}, cookies...); r.status != http.StatusSeeOther {
			t.Fatalf("sign out: %d", r.status)
		}
		if page, api := signedIn(t, srv, cookies); page || api {
			t.Errorf("the old cookie after sign-out: signed in on the page %v, on the API %v; want neither", page, api)
		}
	})
}

// TestFinding6_RevokedKeyEndsSession: a session (not the key in a
// cookie) ends when its key is revoked.
func TestFinding6_RevokedKeyEndsSession(t *testing.T) {
	eachStore(t, func(t *testing.T, kind string) {
		dsn := monthStore(t, kind)
		ids := participantIDs(t, dsn)
		id, tok := createKey(t, dsn, "--role", "participant", "--participant", ids["Qualitynet"])
		srv := start(t, dsn, "--rate", "0", "--anonymous-rate", "0", "--key-cache", "0s")
		cookies, _ := session(t, srv, tok)
		for _, c := range cookies {
			if strings.Contains(c.Value, tok) {
				t.Fatalf("cookie %s holds the key: not a session", c.Name)
			}
		}
		if page, api := signedIn(t, srv, cookies); !page || !api {
			t.Fatalf("signed in: page %v, API %v; want both", page, api)
		}
		mustRun(t, "keys", "revoke", "--db", dsn, id)
		if page, api := signedIn(t, srv, cookies); page || api {
			t.Errorf("after the key's revocation: signed in on the page %v, on the API %v; want neither", page, api)
		}
	})
}

// TestFinding6_SecureCookie: the cookie is Secure behind a trusted proxy
// that says https, and only then.
func TestFinding6_SecureCookie(t *testing.T) {
	eachStore(t, func(t *testing.T, kind string) {
		dsn := emptyStore(t, kind)
		_, tok := createKey(t, dsn, "--role", "partner")
		https := map[string]string{"X-Forwarded-Proto": "https"}
		for _, tc := range []struct {
			name  string
			flags []string
			want  bool
		}{
			{"trusted proxy", []string{"--trusted-proxy", "127.0.0.1/32"}, true},
			{"no trusted proxy", nil, false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				srv := start(t, dsn, append([]string{"--rate", "0", "--anonymous-rate", "0"}, tc.flags...)...)
				r := signIn(t, srv, tok, "", https)
				if r.status != http.StatusSeeOther || len(r.cookies) != 1 || r.cookies[0].Secure != tc.want {
					t.Errorf("sign in with X-Forwarded-Proto: https: %d, cookies %+v; want one with Secure %v", r.status, r.cookies, tc.want)
				}
			})
		}
	})
}

// TestFinding7_AccessLog: the access log has a line for every kind of
// request serve answers, sign-in included, and no secret.
func TestFinding7_AccessLog(t *testing.T) {
	eachStore(t, func(t *testing.T, kind string) {
		dsn := monthStore(t, kind)
		_, tok := createKey(t, dsn, "--role", "partner")
		srv := start(t, dsn, "--rate", "0", "--anonymous-rate", "0")
		srv.get(t, "/", "")
		srv.get(t, "/static/app.css", "")
		srv.get(t, "/signin?next=/querymarker", "")
		r := signIn(t, srv, tok, "/specs", nil)
		if r.status != http.StatusSeeOther || len(r.cookies) == 0 {
			t.Fatalf("sign in: %d", r.status)
		}
		srv.do(t, request{path: "/api/v2/scores/summary", cookies: r.cookies})
		srv.get(t, "/api/v2/specs", tok)
		want := []*regexp.Regexp{
			regexp.MustCompile(`msg=request method=GET path=/ .*status=200`),
			regexp.MustCompile(`msg=request method=GET path=/static/app.css .*status=200`),
			regexp.MustCompile(`msg=request method=GET path=/signin .*status=200`),
			regexp.MustCompile(`msg=request method=POST path=/signin .*status=303`),
			regexp.MustCompile(`msg=request method=GET path=/api/v2/scores/summary .*status=200`),
			regexp.MustCompile(`msg=request method=GET path=/api/v2/specs .*status=200`),
		}
		var log string
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if log = srv.log.String(); want[len(want)-1].MatchString(log) {
				break
			}
		}
		for _, re := range want {
			if !re.MatchString(log) {
				t.Errorf("the access log has no line matching %s", re)
			}
		}
		secrets := []string{tok, tokenSecret(tok), "querymarker"}
		for _, c := range r.cookies {
			secrets = append(secrets, c.Value)
		}
		for _, s := range secrets {
			if strings.Contains(log, s) {
				t.Errorf("the log holds the secret %q", s)
			}
		}
		if t.Failed() {
			t.Logf("log:\n%s", log)
		}
	})
}

// tokenSecret is the secret part of a token obs_<12-character id>_<secret>;
// the secret's base64url alphabet has "_" too, so it is cut by position.
func tokenSecret(tok string) string { return tok[len("obs_")+12+1:] }
