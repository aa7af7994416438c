package alert

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/observatory-net/observatory/internal/store"
)

// DeliveryOptions configure a Dispatcher.
type DeliveryOptions struct {
	// Secret signs webhook bodies (HMAC-SHA256, header
	// X-Observatory-Signature: sha256=HEX); empty: unsigned.
	Secret string
	// SMTP is the mail server, HOST:PORT; empty: e-mail targets are
	// skipped (and logged). From is the sender address.
	SMTP, From string
	// Link gives an incident's evidence URL (Watch.Link); nil: none.
	Link func(id string) string
	// Client posts webhooks; default: one with Timeout.
	Client *http.Client
	// Timeout bounds one attempt (webhook or SMTP); default 10 s.
	Timeout time.Duration
	// Attempts is the most tries of one delivery; default 8.
	Attempts int
	// Backoff is the wait after the first failed attempt, doubled after
	// each further one up to MaxBackoff; defaults 1 s and 5 min. A
	// Retry-After of a 429 or 503 answer is honoured up to MaxBackoff.
	Backoff, MaxBackoff time.Duration
	// QueueSize bounds the deliveries waiting, in all; default 1024.
	QueueSize int
	// Workers deliver in parallel, each target always by the same worker
	// so that its events arrive in order; default 4.
	Workers int
	// Remember bounds the deliveries remembered as made (to never make
	// them again); the oldest are forgotten first. Default 1,000,000,
	// about 150 MB at most.
	Remember int
	Logger   *slog.Logger
	Metrics  *Metrics
	// Journal, when set, keeps the deliveries made beyond the process
	// (store.Alerts): one made by an earlier run is not made again.
	Journal store.Alerts
}

func (o *DeliveryOptions) fill() {
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: o.Timeout}
	}
	if o.Attempts <= 0 {
		o.Attempts = 8
	}
	if o.Backoff <= 0 {
		o.Backoff = time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 5 * time.Minute
	}
	if o.QueueSize <= 0 {
		o.QueueSize = 1024
	}
	if o.Workers <= 0 {
		o.Workers = 4
	}
	if o.Remember <= 0 {
		o.Remember = 1 << 20
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.From == "" {
		o.From = "observatory@localhost"
	}
}

// Dispatcher delivers events to their incidents' targets: each event to
// each webhook and each e-mail address is one delivery, queued, attempted
// until it succeeds, is refused, or runs out of attempts. A delivery that
// succeeded is remembered by its key (the event's idempotency key, the
// channel and the target) and never made again, whether the same event is
// enqueued twice or was being retried; a receiver may still see an alert
// twice when an attempt timed out after it had been received (at least
// once), with the same Idempotency-Key and Message-ID to tell.
type Dispatcher struct {
	o      DeliveryOptions
	ctx    context.Context
	queues []chan job

	mu      sync.Mutex
	closed  bool
	pending int
	done    map[string]bool // delivered
	order   []string        // done's keys, oldest first, for Remember
	queued  map[string]bool // queued or being attempted
	results map[string]Result

	wg sync.WaitGroup
}

// job is one delivery.
type job struct {
	channel, target string
	ev              Event
}

func (j job) key() string { return j.ev.IdempotencyKey() + " " + j.channel + ":" + j.target }

// Result is the outcome of one delivery.
type Result struct {
	Channel, Target string
	Key             string // the event's idempotency key
	Attempts        int
	Err             error // nil when delivered
}

// errPermanent marks a refusal not worth retrying.
var errPermanent = errors.New("refused")

// NewDispatcher starts a dispatcher whose workers run until ctx is done
// or Close is called.
func NewDispatcher(ctx context.Context, o DeliveryOptions) *Dispatcher {
	o.fill()
	d := &Dispatcher{o: o, ctx: ctx, done: map[string]bool{}, queued: map[string]bool{}, results: map[string]Result{}}
	per := max(1, o.QueueSize/o.Workers)
	for range o.Workers {
		q := make(chan job, per)
		d.queues = append(d.queues, q)
		d.wg.Add(1)
		go d.work(q)
	}
	return d
}

// Enqueue queues the deliveries of ev, one per target, and returns how
// many it queued: those already delivered or queued are not, and a full
// queue refuses the rest (logged and counted).
func (d *Dispatcher) Enqueue(ev Event) int {
	n := 0
	for _, j := range jobs(ev) {
		if d.enqueue(j) {
			n++
		}
	}
	return n
}

func jobs(ev Event) []job {
	var out []job
	for _, u := range ev.Incident.Targets.Webhooks {
		out = append(out, job{"webhook", u, ev})
	}
	for _, a := range ev.Incident.Targets.Emails {
		out = append(out, job{"email", a, ev})
	}
	return out
}

func (d *Dispatcher) enqueue(j job) bool {
	k := j.key()
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.done[k] {
		d.o.Metrics.delivered(j.channel, ResultDuplicate)
		return false
	}
	if d.queued[k] || d.closed {
		return false
	}
	h := fnv.New32a()
	h.Write([]byte(j.target))
	select {
	case d.queues[int(h.Sum32())%len(d.queues)] <- j:
		d.queued[k] = true
		d.pending++
		d.o.Metrics.queued(1)
		return true
	default:
		d.o.Metrics.drop()
		d.o.Logger.Error("alert queue full, delivery dropped", "channel", j.channel, "target", j.target, "key", j.ev.IdempotencyKey())
		return false
	}
}

// Close stops accepting deliveries, waits until every queued one has
// ended (or ctx is done), and returns the results of the deliveries
// attempted, by key.
func (d *Dispatcher) Close() map[string]Result {
	d.mu.Lock()
	if !d.closed {
		d.closed = true
		for _, q := range d.queues {
			close(q)
		}
	}
	d.mu.Unlock()
	d.wg.Wait()
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make(map[string]Result, len(d.results))
	for k, r := range d.results {
		out[k] = r
	}
	return out
}

// Pending returns the deliveries queued or being attempted.
func (d *Dispatcher) Pending() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.pending
}

// work delivers the jobs of q until q is closed (Close) or the
// dispatcher's context is done; jobs still queued then are not attempted.
func (d *Dispatcher) work(q chan job) {
	defer d.wg.Done()
	for {
		var j job
		select {
		case <-d.ctx.Done():
			return
		case jj, ok := <-q:
			if !ok {
				return
			}
			j = jj
		}
		r := d.Deliver(d.ctx, j.ev, j.channel, j.target)
		k := j.key()
		d.mu.Lock()
		delete(d.queued, k)
		d.pending--
		d.results[k] = r
		d.mu.Unlock()
		d.o.Metrics.queued(-1)
	}
}

// Deliver makes one delivery now, with its retries, unless it was
// made already, and returns its result. The queue's workers call it; so
// may a caller that wants to wait (observatory watch --webhook-test).
func (d *Dispatcher) Deliver(ctx context.Context, ev Event, channel, target string) Result {
	j := job{channel, target, ev}
	k := j.key()
	r := Result{Channel: channel, Target: target, Key: ev.IdempotencyKey()}
	d.mu.Lock()
	done := d.done[k]
	d.mu.Unlock()
	if !done && d.o.Journal != nil {
		var err error
		if done, err = d.o.Journal.AlertDelivered(ctx, k); err != nil {
			d.o.Logger.Warn("alert journal unreadable: delivering", "key", k, "error", err.Error())
		}
	}
	if done {
		d.remember(k)
		d.o.Metrics.delivered(channel, ResultDuplicate)
		return r
	}
	log := d.o.Logger.With("channel", channel, "target", target, "key", r.Key)
	wait := d.o.Backoff
	for r.Attempts = 1; ; r.Attempts++ {
		start := time.Now()
		retryAfter, err := d.attempt(ctx, j)
		r.Err = err
		if err == nil {
			d.remember(k)
			if d.o.Journal != nil {
				if err := d.o.Journal.MarkAlertDelivered(ctx, k, time.Now().UTC()); err != nil {
					log.Error("alert delivered but not recorded: a restart may send it again", "error", err.Error())
				}
			}
			d.o.Metrics.delivered(channel, ResultDelivered)
			log.Info("alert delivered", "attempt", r.Attempts, "elapsed", time.Since(start))
			return r
		}
		if errors.Is(err, errPermanent) || r.Attempts >= d.o.Attempts || ctx.Err() != nil {
			d.o.Metrics.delivered(channel, ResultFailed)
			log.Error("alert not delivered", "attempt", r.Attempts, "error", err.Error(),
				"permanent", errors.Is(err, errPermanent))
			return r
		}
		w := min(max(wait, retryAfter), d.o.MaxBackoff)
		d.o.Metrics.retried(channel)
		log.Warn("alert delivery failed, retrying", "attempt", r.Attempts, "error", err.Error(), "wait", w)
		select {
		case <-ctx.Done():
			r.Err = fmt.Errorf("%w (retry cancelled)", err)
			d.o.Metrics.delivered(channel, ResultFailed)
			log.Error("alert not delivered", "attempt", r.Attempts, "error", r.Err.Error())
			return r
		case <-time.After(w):
		}
		wait = min(2*wait, d.o.MaxBackoff)
	}
}

// remember records delivery k as made, forgetting the oldest beyond
// Remember.
func (d *Dispatcher) remember(k string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.done[k] {
		return
	}
	d.done[k] = true
	d.order = append(d.order, k)
	if len(d.order) > d.o.Remember {
		delete(d.done, d.order[0])
		d.order[0] = ""
		d.order = d.order[1:]
	}
}

func (d *Dispatcher) attempt(ctx context.Context, j job) (time.Duration, error) {
	link := ""
	if d.o.Link != nil {
		link = d.o.Link(j.ev.Incident.ID)
	}
	if j.channel == "email" {
		if d.o.SMTP == "" {
			return 0, fmt.Errorf("%w: no SMTP server configured", errPermanent)
		}
		return 0, sendMail(ctx, d.o, j.target, j.ev, link)
	}
	return d.post(ctx, j.target, j.ev, link)
}
