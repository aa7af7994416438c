package ratelimit

import (
	"fmt"
	"testing"
	"time"
)

// clock is a time that tests move.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newClock() *clock { return &clock{time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

// TestLimiter_Allow takes tokens in steps and checks each answer.
func TestLimiter_Allow(t *testing.T) {
	type step struct {
		advance time.Duration
		name    string
		n       float64
		ok      bool
		retry   time.Duration
	}
	tests := []struct {
		name  string
		rate  Rate
		steps []step
	}{
		{"60 a minute holds 15", PerMinute(60), append(repeat(15, step{name: "a", n: 1, ok: true}),
			step{name: "a", n: 1, ok: false, retry: time.Second},
			step{name: "b", n: 1, ok: true}, // another bucket is full
			step{advance: time.Second, name: "a", n: 1, ok: true},
			step{name: "a", n: 1, ok: false, retry: time.Second},
		)},
		{"5 per 15 minutes", Rate{N: 5, Per: 15 * time.Minute, Burst: 5}, append(repeat(5, step{name: "x", n: 1, ok: true}),
			step{name: "x", n: 1, ok: false, retry: 3 * time.Minute},
			step{advance: 2 * time.Minute, name: "x", n: 1, ok: false, retry: time.Minute},
			step{advance: time.Minute, name: "x", n: 1, ok: true},
		)},
		{"a cost of 3", PerMinute(60), []step{
			{name: "c", n: 10, ok: true},
			{name: "c", n: 3, ok: true},
			{name: "c", n: 3, ok: false, retry: time.Second},
			{advance: 500 * time.Millisecond, name: "c", n: 3, ok: false, retry: time.Second},
			{advance: 500 * time.Millisecond, name: "c", n: 3, ok: true},
		}},
		{"at least one token", PerMinute(1), []step{
			{name: "d", n: 1, ok: true},
			{name: "d", n: 1, ok: false, retry: time.Minute},
		}},
		{"unlimited", PerMinute(0), repeat(1000, step{name: "u", n: 1, ok: true})},
		{"unlimited zero Rate", Rate{}, repeat(10, step{name: "u", n: 5, ok: true})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClock()
			l := New(c.now)
			for i, s := range tt.steps {
				c.t = c.t.Add(s.advance)
				retry, ok := l.AllowN(s.name, tt.rate, s.n)
				if ok != s.ok || retry != s.retry {
					t.Fatalf("step %d: AllowN(%q, %v) = %v, %v; want %v, %v", i, s.name, s.n, retry, ok, s.retry, s.ok)
				}
			}
		})
	}
}

func repeat[T any](n int, v T) []T {
	out := make([]T, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// TestLimiter_CheckAndRefund: Check takes nothing; Refund gives back at
// most what the bucket holds.
func TestLimiter_CheckAndRefund(t *testing.T) {
	c := newClock()
	l := New(c.now)
	r := Rate{N: 5, Per: 15 * time.Minute, Burst: 5}
	for i := range 10 {
		if _, ok := l.Check("a", r, 1); !ok {
			t.Fatalf("Check %d on a full bucket = false", i)
		}
	}
	for range 5 {
		l.Allow("a", r)
	}
	if retry, ok := l.Check("a", r, 1); ok || retry != 3*time.Minute {
		t.Fatalf("Check on an empty bucket = %v, %v; want 3m, false", retry, ok)
	}
	l.Refund("a", r, 1)
	if _, ok := l.Allow("a", r); !ok {
		t.Fatal("Allow after a Refund = false")
	}
	if _, ok := l.Allow("a", r); ok {
		t.Fatal("the refund gave back more than one token")
	}
	l.Refund("b", r, 100) // a new bucket is full already
	for i := range 5 {
		if _, ok := l.Allow("b", r); !ok {
			t.Fatalf("Allow %d of b = false", i)
		}
	}
	if _, ok := l.Allow("b", r); ok {
		t.Fatal("Refund filled a bucket over its size")
	}
}

// TestLimiter_Sweep: buckets are forgotten once full again, not before.
func TestLimiter_Sweep(t *testing.T) {
	c := newClock()
	l := New(c.now)
	slow := Rate{N: 5, Per: 15 * time.Minute, Burst: 5}
	for i := range 100 {
		l.Allow(fmt.Sprint("fast", i), PerMinute(60))
	}
	l.Allow("slow", slow)
	l.Allow("slow", slow)
	c.t = c.t.Add(2 * time.Minute)
	l.Check("other", slow, 1) // sweeps
	if got := l.Len(); got != 2 {
		t.Fatalf("after 2 minutes, Len() = %d; want 2 (slow, other)", got)
	}
	if _, ok := l.AllowN("slow", slow, 5); ok {
		t.Fatal("the slow bucket was forgotten before it was full")
	}
	c.t = c.t.Add(10 * time.Minute)
	l.Check("other", slow, 1)
	if got := l.Len(); got != 1 {
		t.Fatalf("after 12 minutes, Len() = %d; want 1 (other, just made)", got)
	}
}

// TestSeconds rounds up.
func TestSeconds(t *testing.T) {
	for d, want := range map[time.Duration]int{0: 0, time.Millisecond: 1, time.Second: 1, 1500 * time.Millisecond: 2, 3 * time.Minute: 180} {
		if got := Seconds(d); got != want {
			t.Errorf("Seconds(%v) = %d, want %d", d, got, want)
		}
	}
}
