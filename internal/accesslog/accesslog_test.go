package accesslog

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestHandler logs a line per request, with what it should hold and
// nothing secret.
func TestHandler(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /asn/{asn}", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("hello")) })
	mux.HandleFunc("POST /signin", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusSeeOther) })
	mux.HandleFunc("/", http.NotFound)
	tests := []struct {
		name, method, target string
		want, wantNot        []string
	}{
		{"page", "GET", "/asn/AS3333?month=2014-05", []string{`method=GET`, `path=/asn/AS3333`, `query="month=2014-05"`,
			`route="GET /asn/{asn}"`, `status=200`, `bytes=5`, `remote=192.0.2.1`, `elapsed=`}, nil},
		{"sign-in without its query", "POST", "/signin?next=/x&token=obs_abc_def", []string{`path=/signin`, `status=303`},
			[]string{"query=", "obs_", "next"}},
		{"a key in a query", "GET", "/asn/AS1?k=obs_aaaa_bbbb", []string{`query=[redacted]`}, []string{"obs_aaaa"}},
		{"a key in a path", "GET", "/obs_aaaa_bbbb", []string{`path=[redacted]`, `status=404`}, []string{"obs_aaaa"}},
		{"a long query is cut", "GET", "/asn/AS1?q=" + strings.Repeat("x", 1000), []string{"…"}, []string{strings.Repeat("x", 300)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			h := Handler(slog.New(slog.NewTextHandler(&buf, nil)), mux)
			r := httptest.NewRequest(tt.method, tt.target, nil)
			r.Header.Set("Authorization", "Bearer obs_secret_header")
			r.AddCookie(&http.Cookie{Name: "obs_session", Value: "sessionsecret"})
			h.ServeHTTP(httptest.NewRecorder(), r)
			line := buf.String()
			if strings.Count(line, "\n") != 1 || !strings.Contains(line, "msg=request") {
				t.Fatalf("want one request line, got:\n%s", line)
			}
			for _, w := range tt.want {
				if !strings.Contains(line, w) {
					t.Errorf("line lacks %q:\n%s", w, line)
				}
			}
			for _, w := range append(tt.wantNot, "secret", "Bearer", "Cookie") {
				if strings.Contains(line, w) {
					t.Errorf("line holds %q:\n%s", w, line)
				}
			}
		})
	}
}
