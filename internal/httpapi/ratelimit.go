package httpapi

import (
	"math"
	"net/http"
	"sync"
	"time"
)

// Costs of requests, in rate-limit tokens. A caller has rate tokens a
// minute (Options.KeyRatePerMinute, AnonymousRatePerMinute, a key's own)
// and holds at most a quarter of a minute's worth. What a request costs
// is what it makes the server do:
//
//   - costRequest: every request, taken before it is handled. A response
//     from the cache, a 304, a refusal (400, 401, 403, 404, 422) made
//     before any read of month data and the service endpoints cost this.
//   - costBuild more: a month response that is not in the response cache
//     and is built (from a prepared month view, or a few rows of the
//     store), taken before it is built.
//   - costMonthRead more: a whole month read from the store (a month view
//     loaded, a month's incident list), charged to the request that
//     makes the read; a request that shares a read in flight does not pay
//     it. It may leave the caller in debt, which delays its next request.
const (
	costRequest   = 1
	costBuild     = 2
	costMonthRead = 10
)

// limiter is a token bucket per caller: rate tokens a minute, holding at
// most a quarter of a minute's worth (and at least one).
type limiter struct {
	mu      sync.Mutex
	now     func() time.Time
	buckets map[string]*bucket
	swept   time.Time
	// refused, when set, is called for every 429.
	refused func()
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newLimiter(now func() time.Time) *limiter {
	return &limiter{now: now, buckets: map[string]*bucket{}}
}

// allow takes a token from the named bucket, or answers 429 with the
// seconds until one is there. perMinute ≤ 0 means unlimited.
func (l *limiter) allow(name string, perMinute int) error {
	return l.take(name, perMinute, costRequest, costRequest)
}

// more takes cost more tokens for a request that has paid its own, or
// answers 429 as allow does. A bucket too small to hold that much after
// the request's token (a key of a few requests a minute) lets the request
// run into a debt, bounded by a full bucket, that delays the next one.
func (l *limiter) more(name string, perMinute int, cost float64) error {
	return l.take(name, perMinute, min(cost, max(0, burstOf(perMinute)-costRequest)), cost)
}

// take takes cost tokens from the named bucket when it holds need, or
// answers 429 with the seconds until it does. perMinute ≤ 0 means
// unlimited.
func (l *limiter) take(name string, perMinute int, need, cost float64) error {
	if perMinute <= 0 {
		return nil
	}
	l.mu.Lock()
	b, rate := l.fill(name, perMinute)
	if b.tokens >= need {
		b.tokens = max(b.tokens-cost, -burstOf(perMinute))
		l.mu.Unlock()
		return nil
	}
	wait := (need - b.tokens) / rate
	l.mu.Unlock()
	if l.refused != nil {
		l.refused()
	}
	p := problem(http.StatusTooManyRequests, "rate-limited", "over the rate of %d tokens a minute "+
		"(a request costs %d, a response not in the cache %d more, a whole month read %d more)",
		perMinute, costRequest, costBuild, costMonthRead)
	p.retryAfter = max(1, int(math.Ceil(wait)))
	return p
}

// charge takes cost tokens from the named bucket whatever it holds: the
// price of work already under way. The debt is bounded by a full bucket.
func (l *limiter) charge(name string, perMinute int, cost float64) {
	if perMinute <= 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b, _ := l.fill(name, perMinute)
	b.tokens = max(b.tokens-cost, -burstOf(perMinute))
}

// fill returns the named bucket refilled up to now, and the rate in tokens
// a second. l.mu must be held.
func (l *limiter) fill(name string, perMinute int) (*bucket, float64) {
	rate := float64(perMinute) / 60
	burst := burstOf(perMinute)
	now := l.now()
	if now.Sub(l.swept) > time.Minute {
		l.sweep(now)
	}
	b, ok := l.buckets[name]
	if !ok {
		b = &bucket{tokens: burst, at: now}
		l.buckets[name] = b
	}
	b.tokens = min(burst, b.tokens+now.Sub(b.at).Seconds()*rate)
	b.at = now
	return b, rate
}

// burstOf is what a bucket holds when full.
func burstOf(perMinute int) float64 { return max(1, float64(perMinute)/4) }

// sweep forgets buckets idle for a minute: they would be full again.
func (l *limiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if now.Sub(b.at) > time.Minute {
			delete(l.buckets, k)
		}
	}
	l.swept = now
}
