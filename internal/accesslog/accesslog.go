// Package accesslog writes one log line per request that `observatory
// serve` answers, pages, static files, sign-in and API alike, from the
// one handler in front of them all.
//
// A line names the method, path, query, the ServeMux pattern that
// answered (when the request reached one), status, bytes, the client's
// address (internal/forwarded) and the time taken. It never holds a
// header, so no Authorization, cookie or session ID; the query of the
// sign-in and sign-out pages is left out whole, and a path or query that
// looks like it carries an API key (obs_…) is replaced by [redacted].
package accesslog

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/observatory-net/observatory/internal/forwarded"
)

// maxQuery bounds the logged query: clients may send kilobytes of it.
const maxQuery = 256

// Handler logs every request to next at Info on log, as "request".
func Handler(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &StatusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		attrs := []any{"method", r.Method, "path", scrub(r.URL.EscapedPath())}
		if q := query(r); q != "" {
			attrs = append(attrs, "query", q)
		}
		if r.Pattern != "" {
			attrs = append(attrs, "route", r.Pattern)
		}
		attrs = append(attrs, "status", sw.Status(), "bytes", sw.n, "remote", forwarded.ClientAddr(r),
			"elapsed", time.Since(start))
		log.Info("request", attrs...)
	})
}

// query is r's query as it may be logged.
func query(r *http.Request) string {
	switch r.URL.Path {
	case "/signin", "/signout":
		return ""
	}
	q := scrub(r.URL.RawQuery)
	if len(q) > maxQuery {
		q = q[:maxQuery] + "…"
	}
	return q
}

// scrub hides text that may hold an API key: tokens start with obs_
// (internal/apikey), and a mistaken client may put one anywhere.
func scrub(s string) string {
	if strings.Contains(strings.ToLower(s), "obs_") || strings.Contains(strings.ToLower(s), "obs%5f") {
		return "[redacted]"
	}
	return s
}

// StatusWriter records the status and size of a response; the API's
// metrics use it too.
type StatusWriter struct {
	http.ResponseWriter
	status int
	n      int // bytes written
}

func (w *StatusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *StatusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.n += n
	return n, err
}

// Status is the status written, 200 when none was.
func (w *StatusWriter) Status() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

// Unwrap lets http.ResponseController reach the connection.
func (w *StatusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
