package client

import (
	"errors"
	"math/rand/v2"
	"net/http"
	"time"
)

// RetryPolicy bounds the retries of a request. A request is retried when
// the server answers 429 Too Many Requests or 503 Service Unavailable,
// which say it was not acted on, and, for GET, HEAD, PUT and DELETE only,
// when no answer came at all.
//
// The n-th retry waits BaseDelay·2ⁿ⁻¹, capped at MaxDelay, of which a
// random half (equal jitter), so that clients throttled together do not
// come back together. A Retry-After is waited for in full, plus up to one
// BaseDelay of jitter; when it exceeds MaxDelay the request is not retried
// and the *Error carries it in RetryAfter.
type RetryPolicy struct {
	// MaxAttempts counts every attempt, the first one included: 1 never
	// retries. Zero means DefaultRetryPolicy's.
	MaxAttempts int
	// BaseDelay is the backoff before the first retry (zero: default).
	BaseDelay time.Duration
	// MaxDelay caps each wait (zero: default).
	MaxDelay time.Duration
}

// DefaultRetryPolicy is the policy of a Client without WithRetryPolicy:
// four attempts, backoff from 250 ms, at most 30 s per wait.
var DefaultRetryPolicy = RetryPolicy{MaxAttempts: 4, BaseDelay: 250 * time.Millisecond, MaxDelay: 30 * time.Second}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = DefaultRetryPolicy.MaxAttempts
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = DefaultRetryPolicy.BaseDelay
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = DefaultRetryPolicy.MaxDelay
	}
	return p
}

// next returns how long to wait before retrying a request whose attempt
// number attempt (from 1) failed with err, and false when it must not be
// retried.
func (p RetryPolicy) next(attempt int, method string, err error) (time.Duration, bool) {
	if attempt >= p.MaxAttempts || !retryable(method, err) {
		return 0, false
	}
	var e *Error
	if errors.As(err, &e) && e.RetryAfter > 0 {
		if e.RetryAfter > p.MaxDelay {
			return 0, false
		}
		return e.RetryAfter + rand.N(p.BaseDelay), true
	}
	d := p.BaseDelay << min(attempt-1, 30)
	if d <= 0 || d > p.MaxDelay {
		d = p.MaxDelay
	}
	return d/2 + rand.N(d/2+1), true
}

// retryable reports whether a request may be sent again after err.
func retryable(method string, err error) bool {
	var e *Error
	if errors.As(err, &e) {
		return e.Status == http.StatusTooManyRequests || e.Status == http.StatusServiceUnavailable
	}
	if !isTransport(err) {
		return false
	}
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}
