package httpapi

import (
	"math"
	"net/http"
	"sync"
	"time"
)

// limiter is a token bucket per caller: rate tokens a minute, holding at
// most a quarter of a minute's worth (and at least one).
type limiter struct {
	mu      sync.Mutex
	now     func() time.Time
	buckets map[string]*bucket
	swept   time.Time
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
	if perMinute <= 0 {
		return nil
	}
	rate := float64(perMinute) / 60 // tokens a second
	burst := max(1, float64(perMinute)/4)
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
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
	if b.tokens >= 1 {
		b.tokens--
		return nil
	}
	p := problem(http.StatusTooManyRequests, "rate-limited", "more than %d requests a minute", perMinute)
	p.retryAfter = int(math.Ceil((1 - b.tokens) / rate))
	return p
}

// sweep forgets buckets idle for a minute: they would be full again.
func (l *limiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if now.Sub(b.at) > time.Minute {
			delete(l.buckets, k)
		}
	}
	l.swept = now
}
