package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/store"
)

// TestWorkLimiter checks both bounds: a client beyond its slots gets 429,
// a client beyond the server's gets 503, both after the wait and with
// Retry-After; a slot released is taken again.
func TestWorkLimiter(t *testing.T) {
	w := newWorkLimiter(3, 2)
	w.wait = 20 * time.Millisecond
	refused := map[string]int{}
	w.refused = func(reason string) { refused[reason]++ }
	ctx := context.Background()
	take := func(client string) (func(), int) {
		t.Helper()
		release, err := w.acquire(ctx, client)
		var p *Problem
		switch {
		case err == nil:
			return release, http.StatusOK
		case errors.As(err, &p):
			if p.retryAfter != busyRetryAfter {
				t.Errorf("acquire(%s): Retry-After %d, want %d", client, p.retryAfter, busyRetryAfter)
			}
			return nil, p.Status
		}
		t.Fatalf("acquire(%s) = %v", client, err)
		return nil, 0
	}
	a1, _ := take("a")
	take("a")
	if _, status := take("a"); status != http.StatusTooManyRequests {
		t.Errorf("a third slot of client a: %d, want 429", status)
	}
	take("b")
	if _, status := take("c"); status != http.StatusServiceUnavailable {
		t.Errorf("a fourth slot of the server: %d, want 503", status)
	}
	a1()
	if _, status := take("c"); status != http.StatusOK {
		t.Errorf("a slot after one was released: %d, want 200", status)
	}
	if diff := cmp.Diff(map[string]int{"client_busy": 1, "server_busy": 1}, refused); diff != "" {
		t.Errorf("refusals mismatch (-want +got):\n%s", diff)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := w.acquire(cctx, "d"); !errors.Is(err, context.Canceled) {
		t.Errorf("acquire(cancelled) = %v, want context.Canceled", err)
	}
}

// TestRateLimit_Costs checks what requests cost: a response built costs
// more than one from the cache, and the request that loads a month view
// pays for the whole month; /healthz and /metrics cost nothing.
func TestRateLimit_Costs(t *testing.T) {
	st := openFixture(t, storeKinds[0])
	now := time.Date(2026, 11, 5, 12, 0, 0, 0, time.UTC)
	// 60 a minute: one token a second, at most 15 held.
	e := newEnv(t, st, Options{Now: func() time.Time { return now }, AnonymousRatePerMinute: 60})
	for range 30 {
		e.get("/healthz", http.StatusOK)
	}
	e.get("/api/v2/ases?pageSize=1", http.StatusOK)          // 1 + 2 + 10: 2 left
	e.get("/api/v2/ases?pageSize=1", http.StatusOK)          // from the cache, 1: 1 left
	resp, body := e.do("GET", "/api/v2/ases?pageSize=2", "") // 1, then 2 more wanted, 0 held
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != strconv.Itoa(costBuild) {
		t.Errorf("a build without the tokens: %d Retry-After %q, want 429 and %d: %s",
			resp.StatusCode, resp.Header.Get("Retry-After"), costBuild, body)
	}
	now = now.Add(3 * time.Second)
	e.get("/api/v2/ases?pageSize=2", http.StatusOK) // 1 + 2 from the view: none read from the store
	if got := scraped(t, e, "storeReads", "ASNs", "month"); got != 1 {
		t.Errorf("whole-month reads: %v, want 1", got)
	}
	if got := scraped(t, e, "rejections", "rate_limited"); got != 1 {
		t.Errorf("rate-limited rejections: %v, want 1", got)
	}
}

// TestRateLimit_SmallBucket checks that a key of a few requests a minute,
// whose bucket cannot hold a build's cost, still gets its responses built,
// at the price of a longer wait after.
func TestRateLimit_SmallBucket(t *testing.T) {
	l := newLimiter(func() time.Time { return time.Unix(0, 0) })
	if err := l.allow("k", 4); err != nil {
		t.Fatalf("allow() = %v", err)
	}
	if err := l.more("k", 4, costBuild); err != nil {
		t.Errorf("more() of a bucket of 1 = %v, want the build let into debt", err)
	}
	var p *Problem
	if err := l.allow("k", 4); !errors.As(err, &p) || p.retryAfter != 30 {
		t.Errorf("allow() in debt = %v, want 429 with Retry-After 30", err)
	}
}

// failing is a store whose check, ping and ASN reads fail as told.
type failing struct {
	store.Store
	mu                sync.Mutex
	check, ping, asns error
}

// set changes what fails, while the server may be calling.
func (f *failing) set(change func(f *failing)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change(f)
}

func (f *failing) Check(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.check
}

func (f *failing) Ping(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.ping
}

func (f *failing) ASNs(ctx context.Context, month time.Time, spec string, fl store.Filter) ([]store.ASN, error) {
	f.mu.Lock()
	err := f.asns
	f.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return f.Store.ASNs(ctx, month, spec, fl)
}

type health struct {
	Status string    `json:"status"`
	Months int       `json:"months"`
	Check  checkJSON `json:"check"`
}

// TestHealth checks what /healthz answers: the last check, damage found
// by it or by a read, a store that does not answer.
func TestHealth(t *testing.T) {
	st := openFixture(t, storeKinds[0])
	f := &failing{Store: st}
	e := newEnv(t, f, Options{})
	var h health
	decode(t, e.get("/healthz", http.StatusOK), &h)
	if h.Status != "ok" || h.Months != 2 || h.Check.Status != "pending" {
		t.Errorf("/healthz before any check = %+v, want ok, 2 months, check pending", h)
	}
	if err := e.s.CheckStore(context.Background()); err != nil {
		t.Fatalf("CheckStore() = %v", err)
	}
	decode(t, e.get("/healthz", http.StatusOK), &h)
	if h.Check.Status != "ok" || h.Check.At.IsZero() {
		t.Errorf("/healthz after a check = %+v, want check ok with its time", h)
	}

	f.set(func(f *failing) {
		f.check = store.Corrupt(errors.New("quick_check: Tree 13 page 4662: btreeInitPage() returns error code 11"))
	})
	if err := e.s.CheckStore(context.Background()); !errors.Is(err, store.ErrCorrupt) {
		t.Errorf("CheckStore(damaged) = %v, want store.ErrCorrupt", err)
	}
	if b := e.get("/healthz", http.StatusServiceUnavailable); !strings.Contains(string(b), "Tree 13 page 4662") {
		t.Errorf("/healthz after a check found damage: %s, want the reason", b)
	}
	f.set(func(f *failing) { f.check = nil })
	if err := e.s.CheckStore(context.Background()); err != nil {
		t.Fatalf("CheckStore(repaired) = %v", err)
	}
	e.get("/healthz", http.StatusOK)

	f.set(func(f *failing) { f.asns = store.Corrupt(errors.New("database disk image is malformed")) })
	// A 500 is outside the contract: sent around the validating client.
	resp, err := e.srv.Client().Get(e.srv.URL + "/api/v2/ases/AS3333")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("GET /api/v2/ases/AS3333 of a damaged store: %s, want 500", resp.Status)
	}
	if b := e.get("/healthz", http.StatusServiceUnavailable); !strings.Contains(string(b), "malformed") {
		t.Errorf("/healthz after a read failed with damage: %s, want the reason", b)
	}
}

// TestHealth_Ping checks that /healthz pings an idle store, and answers
// 503 when the ping fails.
func TestHealth_Ping(t *testing.T) {
	st := openFixture(t, storeKinds[0])
	e := newEnv(t, &failing{Store: st, ping: errors.New("connection refused")}, Options{})
	e.get("/healthz", http.StatusServiceUnavailable)
}

// TestHealth_Periodic checks that the periodic check finds damage.
func TestHealth_Periodic(t *testing.T) {
	st := openFixture(t, storeKinds[0])
	f := &failing{Store: st}
	e := newEnv(t, f, Options{CheckInterval: 10 * time.Millisecond})
	e.get("/healthz", http.StatusOK)
	f.set(func(f *failing) { f.check = store.Corrupt(errors.New("page 7 is not a B-tree page")) })
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if resp, _ := e.do("GET", "/healthz", ""); resp.StatusCode == http.StatusServiceUnavailable {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("/healthz did not turn 503 within 5 s of the damage")
}
