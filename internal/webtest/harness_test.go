package webtest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestHarness_Server checks the harness's server with Go's client: both
// months are stored and the participants are registered.
func TestHarness_Server(t *testing.T) {
	var health struct {
		Status string `json:"status"`
		Months int    `json:"months"`
	}
	getJSON(t, "", "/healthz", &health)
	if health.Status != "ok" || health.Months != 2 {
		t.Errorf("/healthz = %+v, want status ok and 2 months", health)
	}
	var as struct {
		ASN         uint32 `json:"asn"`
		Participant bool   `json:"participant"`
	}
	getJSON(t, "", fmt.Sprintf("/api/v2/ases/%d?month=%s", ownASN, month), &as)
	if !as.Participant {
		t.Errorf("AS%d in %s is not a participant", ownASN, month)
	}
}

// TestHarness_Browser loads a page of the server in the browser: the API
// contract, with no error and a known weight. The browser asks for
// /favicon.ico, which a JSON document cannot name; the dashboard's pages
// must answer it, or name another icon.
func TestHarness_Browser(t *testing.T) {
	p := newPage(t).open("/api/v2/openapi.json")
	p.checkClean("/favicon.ico")
	if got := eval[string](p, `JSON.parse(document.body.innerText).openapi`); !strings.HasPrefix(got, "3.") {
		t.Errorf("openapi.json's version = %q, want 3.x", got)
	}
	p.screenshot("openapi")
}

// TestHarness_Detects proves that the recorder sees what the page tests
// rely on it to see, on a page made to fail: a console error, an uncaught
// exception, a missing image, and a weight over the limit.
func TestHarness_Detects(t *testing.T) {
	big := strings.Repeat("x", maxPageBytes)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			fmt.Fprint(w, `<!doctype html><title>bad</title><img src="/missing.png">
<script>console.error("boom"); fetch("/big").then(r => r.text()); setTimeout(() => { throw new Error("thrown") }, 0)</script>`)
		case "/big":
			fmt.Fprint(w, big)
		default:
			http.NotFound(w, r)
		}
	}))
	defer ts.Close()
	p := newPage(t)
	p.rec.reset()
	p.run("open the failing page", chromedp.Navigate(ts.URL))
	p.settle()
	r := p.rec
	r.mu.Lock()
	defer r.mu.Unlock()
	joined := strings.Join(r.errors, "\n")
	for _, want := range []string{`console.error("boom")`, "Error: thrown"} {
		if !strings.Contains(joined, want) {
			t.Errorf("recorded errors lack %q:\n%s", want, joined)
		}
	}
	if f := strings.Join(r.failed, "\n"); !strings.Contains(f, "/missing.png: HTTP 404") {
		t.Errorf("failed requests lack the missing image:\n%s", f)
	}
	if r.bytes <= maxPageBytes || r.requests < 3 {
		t.Errorf("recorded %d bytes in %d requests, want > %d in >= 3", r.bytes, r.requests, maxPageBytes)
	}
}
