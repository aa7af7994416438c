package httpapi

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// Defaults of the bounds on expensive work (Options.ExpensivePerClient;
// that of Options.ExpensiveTotal is GOMAXPROCS less one, at least one).
const (
	defaultExpensivePerClient = 2
	// workWait is how long a request waits for a slot before it is
	// refused: longer than a month view takes to load, so that a client
	// sending a few list queries at once is served, not refused.
	workWait = 2 * time.Second
	// busyRetryAfter is the Retry-After of a refusal, in seconds.
	busyRetryAfter = 1
)

// workLimiter bounds the expensive work in flight (a list response built
// from a month, a whole month read from the store): per client, so that
// one client cannot hold every slot, and in total, so that the server's
// cores stay free for the cheap requests (a cached answer, one ASN,
// /healthz). A request beyond either bound waits briefly, then is refused
// with 429 (its client's own bound) or 503 (the server's).
type workLimiter struct {
	total     chan struct{}
	perClient int
	wait      time.Duration // how long a request waits for a slot
	mu        sync.Mutex
	clients   map[string]*clientSlots
	// refused counts refusals by reason ("client_busy", "server_busy");
	// inFlight is the number of slots held. Both may be nil.
	refused  func(reason string)
	inFlight func(delta float64)
}

// clientSlots are the slots of one client, and how many requests hold or
// wait for one: the entry goes when none does.
type clientSlots struct {
	ch    chan struct{}
	users int
}

func newWorkLimiter(total, perClient int) *workLimiter {
	return &workLimiter{total: make(chan struct{}, max(1, total)), perClient: max(1, perClient), wait: workWait,
		clients: map[string]*clientSlots{}}
}

// acquire takes a slot of client and one of the server, waiting up to
// w.wait for both; release gives them back. The error is a problem
// ready for the client, or ctx's error.
func (w *workLimiter) acquire(ctx context.Context, client string) (release func(), err error) {
	timer := time.NewTimer(w.wait)
	defer timer.Stop()
	cs := w.join(client)
	select {
	case cs.ch <- struct{}{}:
	case <-timer.C:
		w.leave(client, cs)
		return nil, w.refuse("client_busy", http.StatusTooManyRequests,
			"this client already has %d expensive requests in flight (list queries not in the cache); retry later", w.perClient)
	case <-ctx.Done():
		w.leave(client, cs)
		return nil, ctx.Err()
	}
	select {
	case w.total <- struct{}{}:
	case <-timer.C:
		<-cs.ch
		w.leave(client, cs)
		return nil, w.refuse("server_busy", http.StatusServiceUnavailable,
			"the server is busy with expensive requests (list queries not in the cache); retry later")
	case <-ctx.Done():
		<-cs.ch
		w.leave(client, cs)
		return nil, ctx.Err()
	}
	w.held(1)
	return func() {
		w.held(-1)
		<-w.total
		<-cs.ch
		w.leave(client, cs)
	}, nil
}

func (w *workLimiter) join(client string) *clientSlots {
	w.mu.Lock()
	defer w.mu.Unlock()
	cs := w.clients[client]
	if cs == nil {
		cs = &clientSlots{ch: make(chan struct{}, w.perClient)}
		w.clients[client] = cs
	}
	cs.users++
	return cs
}

func (w *workLimiter) leave(client string, cs *clientSlots) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if cs.users--; cs.users == 0 {
		delete(w.clients, client)
	}
}

func (w *workLimiter) refuse(reason string, status int, format string, args ...any) *Problem {
	if w.refused != nil {
		w.refused(reason)
	}
	code := "server-busy"
	if status == http.StatusTooManyRequests {
		code = "client-busy"
	}
	p := problem(status, code, format, args...)
	p.retryAfter = busyRetryAfter
	return p
}

func (w *workLimiter) held(delta float64) {
	if w.inFlight != nil {
		w.inFlight(delta)
	}
}
