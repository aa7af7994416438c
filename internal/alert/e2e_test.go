package alert

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/testenv"
)

// TestAlert_invalidMoreSpecificReachesWebhook is the acceptance
// case: an RPKI-invalid more-specific of a watched prefix is announced
// into a running engine; its alert reaches a local webhook receiver
// within 5 s, once; withdrawing it closes the incident, with its
// duration, also delivered once, although the receiver fails the first
// attempt of each.
func TestAlert_invalidMoreSpecificReachesWebhook(t *testing.T) {
	rc := newReceiver(t, []int{500, 200, 500, 200})
	w := mustWatch(t, strings.Replace(hijackWatch, "http://127.0.0.1:1/hook", rc.srv.URL, 1))
	e := NewEngine(w, snap(t, "192.0.2.0/24-24 AS64496"), Options{})
	log, logs := testLogger()
	d := NewDispatcher(context.Background(), fastOptions(log, nil))
	in := make(chan Observation)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- e.Run(ctx, in, time.Now, 0, func(ev Event) { d.Enqueue(ev) }) }()

	sent := time.Now()
	in <- ann(1, 1, "192.0.2.0/25", 3356, 64496) // invalid-length: the /24's ROA allows no /25
	waitRequests(t, rc, 2, 5*time.Second)
	if got := rc.requests()[1]; got.event != "open" || got.at.Sub(sent) > 5*time.Second {
		t.Errorf("open alert %q after %s", got.event, got.at.Sub(sent))
	}
	in <- wd(43, 1, "192.0.2.0/25")
	waitRequests(t, rc, 4, 5*time.Second)
	close(in)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	cancel()
	d.Close()
	got := rc.requests()
	if len(got) != 4 {
		t.Fatalf("receiver got %d requests, want 4 (two events, each after a 500)", len(got))
	}
	var closed Payload
	if err := json.Unmarshal(got[3].body, &closed); err != nil {
		t.Fatal(err)
	}
	if closed.Event != EventClose || closed.Incident.Kind != RPKIInvalid || closed.Incident.Duration != Duration(42*time.Second) ||
		closed.Incident.Evidence.RPKI != "invalid-length" || len(closed.Incident.Evidence.VRPs) != 1 {
		t.Errorf("close payload %+v", closed)
	}
	if got[1].key == got[3].key || got[0].key != got[1].key {
		t.Errorf("idempotency keys %q %q %q %q", got[0].key, got[1].key, got[2].key, got[3].key)
	}
	if n := strings.Count(logs.String(), `msg="alert delivered"`); n != 2 {
		t.Errorf("%d deliveries logged, want 2:\n%s", n, logs.String())
	}
}

func waitRequests(t *testing.T, rc *receiver, n int, limit time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(limit); len(rc.requests()) < n; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("receiver got %d requests within %s, want %d", len(rc.requests()), limit, n)
		}
	}
}

// TestDispatcher_mail delivers an alert by e-mail to a real SMTP server
// (Mailpit), one mail per address, once.
func TestDispatcher_mail(t *testing.T) {
	smtpPort, httpPort := testenv.FreePort(t), testenv.FreePort(t)
	api := testenv.StartMailpit(t, smtpPort, httpPort)
	o := fastOptions(nil, nil)
	o.SMTP, o.From = "127.0.0.1:"+smtpPort, "alerts@observatory.example"
	d := NewDispatcher(context.Background(), o)
	ev := hijackEvent(t, Targets{Emails: []string{"noc@example.net", "security@example.net"}})
	if n := d.Enqueue(ev); n != 2 {
		t.Fatalf("Enqueue() = %d, want 2", n)
	}
	for _, r := range d.Close() {
		if r.Err != nil || r.Attempts != 1 {
			t.Errorf("result %+v", r)
		}
	}
	if n := d.Enqueue(ev); n != 0 {
		t.Errorf("Enqueue() after delivery = %d, want 0", n)
	}
	var box struct {
		Total    int
		Messages []struct {
			ID, MessageID, Subject string
			To                     []struct{ Address string }
		}
	}
	getJSON(t, api+"/api/v1/messages", &box)
	if box.Total != 2 {
		t.Fatalf("Mailpit holds %d messages, want 2", box.Total)
	}
	for _, m := range box.Messages {
		wantID := strings.ReplaceAll(ev.IdempotencyKey(), ":", ".") + "@observatory"
		if m.Subject != "[observatory] open origin-hijack 192.0.2.0/24 AS64511 (example-net)" || m.MessageID != wantID {
			t.Errorf("message %q id %q, want id %q", m.Subject, m.MessageID, wantID)
		}
		var full struct{ Text string }
		getJSON(t, api+"/api/v1/message/"+m.ID, &full)
		for _, want := range []string{"Incident " + ev.Incident.ID, "AS paths:\n  65001 3356 64511",
			"Evidence: https://obs.example/incidents/" + ev.Incident.ID} {
			if !strings.Contains(full.Text, want) {
				t.Errorf("mail text lacks %q:\n%s", want, full.Text)
			}
		}
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
}
