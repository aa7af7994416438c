// Package ratelimit is the token bucket per caller that `observatory
// serve` puts in front of its API (per key, per anonymous address), its
// dashboard pages (per address) and its sign-in form (failed attempts per
// address): one implementation, so that the limits behave alike and are
// tested once.
//
// A bucket holds at most Rate.Burst tokens and refills at Rate.N tokens
// per Rate.Per. A request takes a token (or several, for costly ones); an
// empty bucket answers with the time until the tokens are there again,
// which the HTTP layers send as Retry-After.
package ratelimit

import (
	"math"
	"sync"
	"time"
)

// Rate is a bucket's refill rate and size. The zero Rate, or one with N
// or Per ≤ 0, is unlimited.
type Rate struct {
	N     float64       // tokens added per Per
	Per   time.Duration // refill period
	Burst float64       // most tokens a bucket holds; at least 1 is used
}

// PerMinute is n requests a minute holding at most a quarter of a
// minute's worth (and at least one): the API's limits. n ≤ 0 is
// unlimited.
func PerMinute(n int) Rate {
	return Rate{N: float64(n), Per: time.Minute, Burst: float64(n) / 4}
}

// Unlimited reports whether r limits nothing.
func (r Rate) Unlimited() bool { return r.N <= 0 || r.Per <= 0 }

// perSecond is the refill rate in tokens a second.
func (r Rate) perSecond() float64 { return r.N / r.Per.Seconds() }

// size is the bucket's capacity: Burst, at least one token.
func (r Rate) size() float64 { return max(1, r.Burst) }

// fill is how long an empty bucket takes to be full again.
func (r Rate) fill() time.Duration {
	return time.Duration(r.size() / r.perSecond() * float64(time.Second))
}

// Limiter is a set of named buckets. It is safe for concurrent use.
type Limiter struct {
	mu      sync.Mutex
	now     func() time.Time
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	at     time.Time // of the last update of tokens
	full   time.Time // when the bucket will be full: it may be forgotten then
}

// New returns a limiter reading the time from now (time.Now when nil).
func New(now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{now: now, buckets: map[string]*bucket{}}
}

// Allow takes one token from the named bucket: see AllowN.
func (l *Limiter) Allow(name string, r Rate) (retry time.Duration, ok bool) {
	return l.AllowN(name, r, 1)
}

// AllowN takes n tokens from the named bucket of rate r. When fewer are
// there it takes none and answers false with how long until n are (never
// less than a second, so that a Retry-After in whole seconds is honest).
// An unlimited r always allows.
func (l *Limiter) AllowN(name string, r Rate, n float64) (retry time.Duration, ok bool) {
	if r.Unlimited() {
		return 0, true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b, now := l.refill(name, r)
	if b.tokens >= n {
		b.tokens -= n
		l.settle(b, r, now)
		return 0, true
	}
	return wait(n-b.tokens, r), false
}

// Check reports whether the named bucket holds n tokens, taking none;
// when it does not, also how long until it will.
func (l *Limiter) Check(name string, r Rate, n float64) (retry time.Duration, ok bool) {
	if r.Unlimited() {
		return 0, true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b, _ := l.refill(name, r)
	if b.tokens >= n {
		return 0, true
	}
	return wait(n-b.tokens, r), false
}

// Refund gives n tokens back to the named bucket, up to its size: for a
// request that took a token in advance and turned out not to count (a
// sign-in that succeeded).
func (l *Limiter) Refund(name string, r Rate, n float64) {
	if r.Unlimited() {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b, now := l.refill(name, r)
	b.tokens = min(r.size(), b.tokens+n)
	l.settle(b, r, now)
}

// Len is the number of buckets remembered: those not yet full again.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// refill returns the named bucket brought up to now, creating it full.
// l.mu is held.
func (l *Limiter) refill(name string, r Rate) (*bucket, time.Time) {
	now := l.now()
	if now.Sub(l.swept) > time.Minute {
		l.sweep(now)
	}
	b, ok := l.buckets[name]
	if !ok {
		b = &bucket{tokens: r.size(), at: now}
		l.buckets[name] = b
	}
	if d := now.Sub(b.at); d > 0 {
		b.tokens = min(r.size(), b.tokens+d.Seconds()*r.perSecond())
		b.at = now
	}
	return b, now
}

// settle records when b will be full again. l.mu is held.
func (l *Limiter) settle(b *bucket, r Rate, now time.Time) {
	missing := r.size() - b.tokens
	b.full = now.Add(time.Duration(missing / r.perSecond() * float64(time.Second)))
}

// sweep forgets the buckets that are full again: a new one would be the
// same. l.mu is held.
func (l *Limiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if !now.Before(b.full) {
			delete(l.buckets, k)
		}
	}
	l.swept = now
}

// wait is how long r takes to add missing tokens, rounded up to whole
// seconds and at least one.
func wait(missing float64, r Rate) time.Duration {
	secs := math.Ceil(missing / r.perSecond())
	if n := r.size(); missing > n { // more than the bucket holds: the longest wait is a full refill
		secs = math.Ceil(r.fill().Seconds())
	}
	return time.Duration(max(1, secs)) * time.Second
}

// Seconds is d in whole seconds, rounded up: a Retry-After value.
func Seconds(d time.Duration) int { return int(math.Ceil(d.Seconds())) }
