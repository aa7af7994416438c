package alert

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestSign_knownAnswer(t *testing.T) {
	// RFC 4231 does not cover this pair; it is the widely published
	// HMAC-SHA256 example (Wikipedia, "HMAC").
	got := Sign("key", []byte("The quick brown fox jumps over the lazy dog"))
	if want := "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"; got != want {
		t.Errorf("Sign() = %s, want %s", got, want)
	}
}

func TestMetrics_incidents(t *testing.T) {
	m := NewMetrics(nil)
	e := NewEngine(mustWatch(t, hijackWatch), nil, Options{Metrics: m})
	feed(e, ann(1, 1, "192.0.2.0/24", 64511), ann(2, 2, "192.0.2.0/24", 64511), ann(3, 1, "192.0.2.128/25", 64512))
	text := scrape(t, m)
	for _, want := range []string{
		`observatory_alert_incidents_open{kind="origin-hijack"} 1`,
		`observatory_alert_incidents_open{kind="subprefix-hijack"} 1`,
		`observatory_alert_incidents_open{kind="rpki-invalid"} 0`,
		`observatory_alert_incidents_opened_total{kind="origin-hijack"} 1`,
		`observatory_alert_observations_total{type="announce"} 3`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %q:\n%s", want, text)
		}
	}
	feed(e, PeerDown{Time: at(9), Peer: peer(1)}, PeerDown{Time: at(10), Peer: peer(2)})
	text = scrape(t, m)
	for _, want := range []string{
		`observatory_alert_incidents_open{kind="origin-hijack"} 0`,
		`observatory_alert_incidents_closed_total{kind="origin-hijack"} 1`,
		`observatory_alert_incidents_closed_total{kind="subprefix-hijack"} 1`,
		`observatory_alert_observations_total{type="peer_down"} 2`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %q:\n%s", want, text)
		}
	}
}

func TestEngine_runTicks(t *testing.T) {
	// A quiet stream: the visibility loss is raised by the clock's ticks.
	e := NewEngine(mustWatch(t, visWatch), nil, Options{})
	mu := make(chan struct{}, 1)
	// The clock stands at 0 s until the engine has seen the peer go down
	// at 1 s, then reads 100 s: ticks racing the observations change
	// nothing.
	now := func() time.Time {
		if e.Now().Before(at(1)) {
			return at(0)
		}
		return at(100)
	}
	in := make(chan Observation, 4)
	in <- ann(0, 1, "198.51.100.0/24", 64496)
	in <- ann(0, 2, "198.51.100.0/24", 64496)
	in <- PeerDown{Time: at(1), Peer: peer(1)} // below two peers; the hold is 60 s
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan Event, 4)
	go func() {
		e.Run(ctx, in, now, time.Millisecond, func(ev Event) { got <- ev }) //nolint:errcheck // ends by cancel
		mu <- struct{}{}
	}()
	select {
	case ev := <-got:
		if ev.Type != EventOpen || ev.Incident.Kind != VisibilityLoss || !ev.Time.Equal(at(100)) || !ev.Incident.Opened.Equal(at(1)) {
			t.Errorf("event %s %s at %s, opened %s; want the loss raised at the tick of 100 s", ev.Type, ev.Incident.Kind, ev.Time, ev.Incident.Opened)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no event within 5 s")
	}
	cancel()
	<-mu
}
