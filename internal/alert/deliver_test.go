package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// receiver is a webhook receiver that answers each request with the next
// status of its script (the last one repeated), after an optional delay.
type receiver struct {
	mu       sync.Mutex
	statuses []int
	delays   []time.Duration
	got      []received
	srv      *httptest.Server
}

type received struct {
	key, event, signature string
	body                  []byte
	at                    time.Time
}

func newReceiver(t *testing.T, statuses []int, delays ...time.Duration) *receiver {
	rc := &receiver{statuses: statuses, delays: delays}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		n := len(rc.got)
		rc.got = append(rc.got, received{r.Header.Get(HeaderIdempotency), r.Header.Get(HeaderEvent), r.Header.Get(HeaderSignature), body, time.Now()})
		status := rc.statuses[min(n, len(rc.statuses)-1)]
		var delay time.Duration
		if n < len(rc.delays) {
			delay = rc.delays[n]
		}
		rc.mu.Unlock()
		time.Sleep(delay)
		w.WriteHeader(status)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// logBuffer is a slog text handler's output, safe for the workers.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func testLogger() (*slog.Logger, *logBuffer) {
	var lb logBuffer
	return slog.New(slog.NewTextHandler(&lb, &slog.HandlerOptions{Level: slog.LevelDebug})), &lb
}

// hijackEvent opens a hijack incident whose alerts go to targets.
func hijackEvent(t *testing.T, targets Targets) Event {
	t.Helper()
	e := NewEngine(mustWatch(t, hijackWatch), nil, Options{})
	evs := feed(e, ann(1, 1, "192.0.2.0/24", 3356, 64511))
	if len(evs) != 1 {
		t.Fatalf("%d events", len(evs))
	}
	evs[0].Incident.Targets = targets
	return evs[0]
}

func fastOptions(log *slog.Logger, m *Metrics) DeliveryOptions {
	return DeliveryOptions{Backoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, Timeout: 2 * time.Second,
		Attempts: 5, Logger: log, Metrics: m, Secret: "s3cret", Link: (&Watch{EvidenceURL: "https://obs.example/incidents/{id}"}).Link}
}

func TestDispatcher_500Then200(t *testing.T) {
	rc := newReceiver(t, []int{500, 200})
	log, logs := testLogger()
	m := NewMetrics(nil)
	ev := hijackEvent(t, Targets{Webhooks: []string{rc.srv.URL}})
	d := NewDispatcher(context.Background(), fastOptions(log, m))
	if n := d.Enqueue(ev); n != 1 {
		t.Fatalf("Enqueue() = %d, want 1", n)
	}
	if n := d.Enqueue(ev); n != 0 { // queued already
		t.Errorf("Enqueue() of a queued event = %d, want 0", n)
	}
	res := d.Close()
	got := rc.requests()
	if len(got) != 2 {
		t.Fatalf("receiver got %d requests, want 2 (a 500, then the 200)", len(got))
	}
	for _, r := range got {
		if r.key != ev.IdempotencyKey() || r.event != "open" || r.signature != Sign("s3cret", r.body) {
			t.Errorf("request key %q event %q signature %q", r.key, r.event, r.signature)
		}
	}
	if !bytes.Equal(got[0].body, got[1].body) {
		t.Errorf("the retry sent another body")
	}
	var p Payload
	if err := json.Unmarshal(got[1].body, &p); err != nil {
		t.Fatal(err)
	}
	if p.URL != "https://obs.example/incidents/"+ev.Incident.ID || p.Incident.ID != ev.Incident.ID || p.Event != EventOpen ||
		p.Summary != "open origin-hijack 192.0.2.0/24 AS64511 (example-net)" || len(p.Incident.Evidence.Paths) != 1 {
		t.Errorf("payload %+v", p)
	}
	r := res[ev.IdempotencyKey()+" webhook:"+rc.srv.URL]
	if r.Err != nil || r.Attempts != 2 {
		t.Errorf("result %+v, want delivered at attempt 2", r)
	}
	text := logs.String()
	for _, want := range []string{`level=WARN msg="alert delivery failed, retrying" channel=webhook target=` + rc.srv.URL,
		`attempt=1 error="` + rc.srv.URL + ` answered 500 Internal Server Error" wait=10ms`,
		`level=INFO msg="alert delivered" channel=webhook`, `attempt=2`} {
		if !strings.Contains(text, want) {
			t.Errorf("logs lack %q:\n%s", want, text)
		}
	}
	// Delivered: never sent again, even enqueued anew.
	if n := d.Enqueue(ev); n != 0 {
		t.Errorf("Enqueue() of a delivered event = %d, want 0", n)
	}
	if r := d.Deliver(context.Background(), ev, "webhook", rc.srv.URL); r.Err != nil || r.Attempts != 0 {
		t.Errorf("Deliver() of a delivered event = %+v, want no attempt", r)
	}
	if n := len(rc.requests()); n != 2 {
		t.Errorf("receiver got %d requests after the re-enqueue, want 2", n)
	}
	metrics := scrape(t, m)
	for _, want := range []string{`observatory_alert_deliveries_total{channel="webhook",result="delivered"} 1`,
		`observatory_alert_deliveries_total{channel="webhook",result="duplicate"} 2`,
		`observatory_alert_delivery_retries_total{channel="webhook"} 1`, `observatory_alert_queue_depth 0`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %q:\n%s", want, metrics)
		}
	}
}

func TestDispatcher_4xxDropped(t *testing.T) {
	rc := newReceiver(t, []int{400, 200})
	log, logs := testLogger()
	ev := hijackEvent(t, Targets{Webhooks: []string{rc.srv.URL}})
	d := NewDispatcher(context.Background(), fastOptions(log, nil))
	d.Enqueue(ev)
	res := d.Close()
	if n := len(rc.requests()); n != 1 {
		t.Errorf("receiver got %d requests, want 1 (a 400 is not retried)", n)
	}
	r := res[ev.IdempotencyKey()+" webhook:"+rc.srv.URL]
	if r.Err == nil || r.Attempts != 1 {
		t.Errorf("result %+v, want refused at attempt 1", r)
	}
	want := `level=ERROR msg="alert not delivered" channel=webhook target=` + rc.srv.URL + ` key=` + ev.IdempotencyKey() +
		` attempt=1 error="refused: ` + rc.srv.URL + ` answered 400 Bad Request" permanent=true`
	if !strings.Contains(logs.String(), want) {
		t.Errorf("logs lack %q:\n%s", want, logs.String())
	}
}

func TestDispatcher_429Retried(t *testing.T) {
	rc := newReceiver(t, []int{429, 503, 200})
	ev := hijackEvent(t, Targets{Webhooks: []string{rc.srv.URL}})
	d := NewDispatcher(context.Background(), fastOptions(nil, nil))
	r := d.Deliver(context.Background(), ev, "webhook", rc.srv.URL)
	if r.Err != nil || r.Attempts != 3 || len(rc.requests()) != 3 {
		t.Errorf("result %+v after %d requests, want delivered at attempt 3", r, len(rc.requests()))
	}
	d.Close()
}

func TestDispatcher_slowReceiver(t *testing.T) {
	// The first answer comes after the client's timeout: the attempt
	// fails and is retried; the receiver saw the alert twice, with one
	// idempotency key, and the dispatcher counts it delivered once.
	rc := newReceiver(t, []int{200}, 400*time.Millisecond)
	log, logs := testLogger()
	m := NewMetrics(nil)
	o := fastOptions(log, m)
	o.Timeout = 100 * time.Millisecond
	ev := hijackEvent(t, Targets{Webhooks: []string{rc.srv.URL}})
	d := NewDispatcher(context.Background(), o)
	d.Enqueue(ev)
	res := d.Close()
	r := res[ev.IdempotencyKey()+" webhook:"+rc.srv.URL]
	if r.Err != nil || r.Attempts != 2 {
		t.Errorf("result %+v, want delivered at attempt 2", r)
	}
	got := rc.requests()
	if len(got) != 2 || got[0].key != got[1].key {
		t.Errorf("receiver got %d requests (%v), want 2 with one key", len(got), got)
	}
	if !strings.Contains(logs.String(), "context deadline exceeded") {
		t.Errorf("logs do not name the timeout:\n%s", logs.String())
	}
	if s := scrape(t, m); !strings.Contains(s, `observatory_alert_deliveries_total{channel="webhook",result="delivered"} 1`) {
		t.Errorf("metrics:\n%s", s)
	}
}

func TestDispatcher_givesUp(t *testing.T) {
	rc := newReceiver(t, []int{502})
	log, logs := testLogger()
	o := fastOptions(log, nil)
	o.Attempts = 3
	ev := hijackEvent(t, Targets{Webhooks: []string{rc.srv.URL}})
	d := NewDispatcher(context.Background(), o)
	r := d.Deliver(context.Background(), ev, "webhook", rc.srv.URL)
	d.Close()
	if r.Err == nil || r.Attempts != 3 || len(rc.requests()) != 3 {
		t.Errorf("result %+v after %d requests, want failed after 3", r, len(rc.requests()))
	}
	if !strings.Contains(logs.String(), `msg="alert not delivered"`) || !strings.Contains(logs.String(), "attempt=3") {
		t.Errorf("logs:\n%s", logs.String())
	}
}

func TestDispatcher_queueBounded(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-block }))
	defer srv.Close()
	defer close(block)
	m := NewMetrics(nil)
	o := fastOptions(nil, m)
	o.QueueSize, o.Workers, o.Timeout, o.Attempts = 2, 1, 200*time.Millisecond, 1
	d := NewDispatcher(context.Background(), o)
	e := NewEngine(mustWatch(t, hijackWatch), nil, Options{})
	queued := 0
	for i := range 6 {
		for _, ev := range feed(e, ann(2*i+1, 1, "192.0.2.0/24", 64511), wd(2*i+2, 1, "192.0.2.0/24")) {
			ev.Incident.Targets = Targets{Webhooks: []string{srv.URL}}
			queued += d.Enqueue(ev)
		}
	}
	// One delivery held by the worker, two waiting; the rest refused.
	if queued > 3 {
		t.Errorf("%d deliveries queued, want at most 3", queued)
	}
	if s := scrape(t, m); !strings.Contains(s, "observatory_alert_queue_dropped_total "+strconv.Itoa(12-queued)) {
		t.Errorf("queue dropped not %d:\n%s", 12-queued, s)
	}
	d.Close()
}

// scrape returns the metrics' text exposition.
func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	return rec.Body.String()
}

func TestDispatcher_rememberBounded(t *testing.T) {
	rc := newReceiver(t, []int{200})
	o := fastOptions(nil, nil)
	o.Remember = 1
	d := NewDispatcher(context.Background(), o)
	a := hijackEvent(t, Targets{Webhooks: []string{rc.srv.URL}})
	b := a
	b.Type = EventClose
	for _, ev := range []Event{a, a, b, a} { // the second a is remembered; after b, a is forgotten
		d.Deliver(context.Background(), ev, "webhook", rc.srv.URL)
	}
	d.Close()
	if n := len(rc.requests()); n != 3 {
		t.Errorf("receiver got %d requests, want 3", n)
	}
}
