package live

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/alert"
	"github.com/observatory-net/observatory/internal/bmp"
	"github.com/observatory-net/observatory/internal/bmp/bmptest"
	"github.com/observatory-net/observatory/internal/mrt/mrttest"
	"github.com/observatory-net/observatory/internal/rpki"
)

// syncLog collects log lines from several goroutines.
type syncLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *syncLog) logger() *slog.Logger { return slog.New(slog.NewTextHandler(l, nil)) }

// scripted is a router announcing route prefix from origin through one
// peer.
func scripted(t *testing.T, addr, prefix string, origin uint32) *bmptest.Client {
	t.Helper()
	c, err := bmptest.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	peer := bmptest.Peer{Addr: netip.MustParseAddr("198.51.100.1"), AS: 64500, BGPID: netip.MustParseAddr("198.51.100.1")}
	rid := netip.MustParseAddr("198.51.100.9")
	attrs := append([]byte{0x40, 0x01, 0x01, 0x00}, mrttest.ASPath4(64500, origin)...)
	if err := c.Send(bmptest.Initiation("r", "scripted"),
		bmptest.PeerUp(peer, rid, 179, 40000, bmptest.Open(64499, rid, bmptest.AS4(64499)), bmptest.Open(64500, peer.BGPID, bmptest.AS4(64500))),
		bmptest.RouteMonitoring(peer, mrttest.Update(nil, attrs, mrttest.Prefix(netip.MustParsePrefix(prefix))))); err != nil {
		t.Fatal(err)
	}
	return c
}

func nextEvent(t *testing.T, evs <-chan alert.Event) alert.Event {
	t.Helper()
	select {
	case ev := <-evs:
		return ev
	case <-time.After(2 * time.Second):
		t.Fatal("no alert event within 2 s")
	}
	panic("unreachable")
}

// TestFeed: a route from a BMP session opens an incident, the session's
// end closes it; the station counts sessions, messages and routes; and
// stopping the feed, which tears the sessions down, closes no incident.
func TestFeed(t *testing.T) {
	w, err := alert.ParseWatch(bytes.NewBufferString("prefixes:\n  - {name: ripe-ncc, prefix: 193.0.0.0/21, origins: [AS3333]}\n"), "watch.yaml")
	if err != nil {
		t.Fatal(err)
	}
	vrps, err := rpki.Loader{}.Read(t.Context(), bytes.NewBufferString("ASN,IP Prefix,Max Length\nAS3333,193.0.0.0/21,21\n"), "vrps.csv")
	if err != nil {
		t.Fatal(err)
	}
	snap, err := vrps.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var logs syncLog
	st := &bmp.Station{Logger: logs.logger()}
	e := alert.NewEngine(w, snap, alert.Options{})
	evs := make(chan alert.Event, 16)
	f := &Feed{Station: st, Engine: e, Emit: func(ev alert.Event) { evs <- ev }, Tick: 10 * time.Millisecond, Logger: logs.logger()}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx, ln) }()

	c := scripted(t, ln.Addr().String(), "193.0.0.0/24", 64511)
	for _, want := range []alert.Kind{alert.SubPrefixHijack, alert.RPKIInvalid} {
		if ev := nextEvent(t, evs); ev.Type != alert.EventOpen || ev.Incident.Kind != want {
			t.Fatalf("got %s %s, want open %s", ev.Type, ev.Incident.Kind, want)
		}
	}
	if s := st.Stats(); s.Sessions != 1 || s.SessionsTotal != 1 || s.Messages != 3 || s.Routes != 1 || s.Damaged != 0 {
		t.Errorf("station stats with one session: %+v", s)
	}
	c.Close() // the router goes away: its route is withdrawn
	for range 2 {
		if ev := nextEvent(t, evs); ev.Type != alert.EventClose {
			t.Fatalf("got %s %s after the session ended, want close", ev.Type, ev.Incident.Kind)
		}
	}

	scripted(t, ln.Addr().String(), "193.0.0.0/24", 64511)
	nextEvent(t, evs)
	nextEvent(t, evs)
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if n := len(evs); n != 0 {
		ev := <-evs
		t.Errorf("stopping the feed gave %d events, first %s %s", n, ev.Type, ev.Incident.Kind)
	}
	if open := e.Open(); len(open) != 2 {
		t.Errorf("%d incidents open after the stop, want 2", len(open))
	}
	if s := st.Stats(); s.Sessions != 0 || s.SessionsTotal != 2 || s.SessionsFailed != 0 || s.Routes != 0 {
		t.Errorf("station stats after the stop: %+v", s)
	}
}
