package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Error is an answer of the server other than 2xx: the RFC 9457 problem it
// carried or, when the body was not one (a proxy's page), the status and
// the start of the body. Test for it with errors.As or the Is… helpers.
type Error struct {
	// Method and Path are the request's; Path is from the API root and
	// carries no query.
	Method, Path string
	// Status is the HTTP status code.
	Status int
	// Type is a URI naming the kind of problem (RFC 9457 §3.1.1), for
	// example https://observatory-net.github.io/problems/not-found.
	Type string
	// Title is the status text; Detail explains this occurrence.
	Title, Detail string
	// Instance is the path the problem occurred on, as the server saw it.
	Instance string
	// RetryAfter is the server's Retry-After, on 429 and 503.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	s := fmt.Sprintf("observatory: %s %s: %d %s", e.Method, e.Path, e.Status, e.Title)
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// problemJSON is the body of an RFC 9457 problem.
type problemJSON struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail"`
	Instance string `json:"instance"`
}

// newError reads an error answer.
func newError(method, path string, resp *http.Response) *Error {
	e := &Error{Method: method, Path: path, Status: resp.StatusCode, Title: http.StatusText(resp.StatusCode),
		RetryAfter: retryAfter(resp.Header.Get("Retry-After"), time.Now())}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	var p problemJSON
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if (mt == "application/problem+json" || mt == "application/json") && json.Unmarshal(body, &p) == nil && p.Status != 0 {
		e.Type, e.Detail, e.Instance = p.Type, p.Detail, p.Instance
		if p.Title != "" {
			e.Title = p.Title
		}
		return e
	}
	e.Type = "about:blank" // RFC 9457 §4.2.1: no more than the status
	if d := strings.TrimSpace(string(body)); d != "" {
		if len(d) > 200 {
			d = d[:200] + "…"
		}
		e.Detail = d
	}
	return e
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// StatusCode returns the HTTP status of an *Error in err's chain, 0 when
// there is none.
func StatusCode(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

// IsNotFound reports whether err is a 404: an unknown month, ASN,
// incident, feedback, participant or specification.
func IsNotFound(err error) bool { return StatusCode(err) == http.StatusNotFound }

// IsForbidden reports whether err is a 403: the key's role or participant
// does not allow the request, such as another participant's details.
func IsForbidden(err error) bool { return StatusCode(err) == http.StatusForbidden }

// IsUnauthorized reports whether err is a 401: a key is needed, or the one
// given is unknown, expired or revoked.
func IsUnauthorized(err error) bool { return StatusCode(err) == http.StatusUnauthorized }

// IsRateLimited reports whether err is a 429 that retries did not
// overcome.
func IsRateLimited(err error) bool { return StatusCode(err) == http.StatusTooManyRequests }

// IsConflict reports whether err is a 409: a pending feedback exists on
// the incident, a feedback was already reviewed, or an organisation is
// registered twice.
func IsConflict(err error) bool { return StatusCode(err) == http.StatusConflict }

// IsBadRequest reports whether err is a 400 (a malformed value) or a 422
// (an unknown query parameter).
func IsBadRequest(err error) bool {
	s := StatusCode(err)
	return s == http.StatusBadRequest || s == http.StatusUnprocessableEntity
}
