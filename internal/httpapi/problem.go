package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/view"
)

// problemBase prefixes the type URI of every problem (RFC 9457 §3.1.1).
const problemBase = "https://observatory-net.github.io/problems/"

// Problem is an RFC 9457 problem detail. Handlers return it as an error;
// any other error is an internal one, logged and never shown.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`

	retryAfter int // seconds, for 429
}

func (p *Problem) Error() string { return fmt.Sprintf("%d %s: %s", p.Status, p.Title, p.Detail) }

// problem returns a Problem of the given status and code; the detail is
// formatted with user input quoted by the caller (%q).
func problem(status int, code, format string, args ...any) *Problem {
	return &Problem{Type: problemBase + code, Title: http.StatusText(status), Status: status,
		Detail: fmt.Sprintf(format, args...)}
}

func badRequest(format string, args ...any) *Problem {
	return problem(http.StatusBadRequest, "invalid-parameter", format, args...)
}

func notFound(format string, args ...any) *Problem {
	return problem(http.StatusNotFound, "not-found", format, args...)
}

func forbidden(format string, args ...any) *Problem {
	return problem(http.StatusForbidden, "forbidden", format, args...)
}

func unauthorized(format string, args ...any) *Problem {
	return problem(http.StatusUnauthorized, "unauthorized", format, args...)
}

func conflict(format string, args ...any) *Problem {
	return problem(http.StatusConflict, "conflict", format, args...)
}

// quote shortens and quotes user input for a problem detail.
func quote(s string) string { return view.Quote(s) }

// writeProblem renders err: a *Problem as itself, anything else as a 500
// whose cause is logged, never sent.
func writeProblem(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	var p *Problem
	var refused *view.Error
	if !errors.As(err, &p) && errors.As(err, &refused) {
		p = problemOf(refused)
	}
	if p == nil && errors.Is(err, store.ErrInvalid) {
		p = badRequest("%s", err.Error()) // the store refused the input before touching the database
	}
	if p == nil && store.IsReadOnly(err) {
		p = problem(http.StatusServiceUnavailable, "read-only", "the store is read-only: this server records no writes")
	}
	if p == nil {
		log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		p = problem(http.StatusInternalServerError, "internal", "the server could not answer; the error is logged")
	}
	out := *p
	out.Instance = r.URL.Path
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	h.Del("ETag")
	if p.retryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(p.retryAfter))
	}
	w.WriteHeader(p.Status)
	b, _ := json.Marshal(&out)
	w.Write(b) //nolint:errcheck // the client is gone
}

// problemOf is the problem of a request the view refused.
func problemOf(e *view.Error) *Problem {
	switch e.Kind {
	case view.Unauthorized:
		return unauthorized("%s", e.Detail)
	case view.Forbidden:
		return forbidden("%s", e.Detail)
	case view.Invalid:
		return badRequest("%s", e.Detail)
	case view.NotFound:
		return notFound("%s", e.Detail)
	case view.Conflict:
		return conflict("%s", e.Detail)
	}
	return problem(http.StatusServiceUnavailable, "unavailable", "%s", e.Detail)
}
