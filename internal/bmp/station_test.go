package bmp

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/bmp/bmptest"
	"github.com/observatory-net/observatory/internal/mrt/mrttest"
)

// lockedBuffer collects log output from several goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// testStation runs a station on a free loopback port until the test ends.
type testStation struct {
	*Station
	addr   string
	events chan Event
	logs   *lockedBuffer
}

func startStation(t *testing.T) *testStation {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts := &testStation{addr: ln.Addr().String(), events: make(chan Event, 100000), logs: &lockedBuffer{}}
	ts.Station = &Station{Handler: func(e Event) { ts.events <- e }, Logger: slog.New(slog.NewTextHandler(ts.logs, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- ts.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve() = %v", err)
		}
	})
	return ts
}

// next returns the next n events as short strings, failing after 5 s.
func (ts *testStation) next(t *testing.T, n int) []string {
	t.Helper()
	var out []string
	for _, e := range ts.nextEvents(t, n) {
		out = append(out, describe(e))
	}
	return out
}

// nextEvents returns the next n events, failing after 5 s.
func (ts *testStation) nextEvents(t *testing.T, n int) []Event {
	t.Helper()
	var out []Event
	timeout := time.After(5 * time.Second)
	for len(out) < n {
		select {
		case e := <-ts.events:
			out = append(out, e)
		case <-timeout:
			t.Fatalf("got %d of %d events: %v\nlogs:\n%s", len(out), n, out, ts.logs)
		}
	}
	return out
}

// describe renders an event in a form short enough for a want table.
func describe(e Event) string {
	s := e.Kind.String() + " " + e.Peer.Addr.String()
	switch e.Kind {
	case KindAnnounce:
		s += fmt.Sprintf(" %s id=%d [%s]", e.Route.Prefix, e.Route.PathID, e.Route.Attrs.Path.String())
	case KindWithdraw:
		s += fmt.Sprintf(" %s id=%d", e.Route.Prefix, e.Route.PathID)
	case KindPeerDown:
		s += " " + e.Reason
	case KindEndOfRIB:
		s += fmt.Sprintf(" afi=%d", e.Family.AFI)
	}
	return s
}

func dial(t *testing.T, addr string) *bmptest.Client {
	t.Helper()
	c, err := bmptest.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

var (
	origin = []byte{0x40, 0x01, 0x01, 0x00}
	rid    = netip.MustParseAddr("192.0.2.9")
)

func announce(p bmptest.Peer, nlri []byte, path ...uint32) []byte {
	return bmptest.RouteMonitoring(p, mrttest.Update(nil, append(append([]byte(nil), origin...), mrttest.ASPath4(path...)...), nlri))
}

func withdraw(p bmptest.Peer, withdrawn []byte) []byte {
	return bmptest.RouteMonitoring(p, mrttest.Update(withdrawn, nil, nil))
}

func TestStation_Session(t *testing.T) {
	ts := startStation(t)
	c := dial(t, ts.addr)
	sent := bmptest.Open(64512, rid, bmptest.AS4(64512), bmptest.AddPath(1, 1, 1))
	recv := bmptest.Open(65001, peer4.BGPID, bmptest.AS4(65001), bmptest.AddPath(1, 1, 2))
	msgs := [][]byte{
		bmptest.Initiation("r1", "scripted"),
		bmptest.PeerUp(peer4, rid, 179, 40000, sent, recv),
		announce(peer4, []byte{0, 0, 0, 1, 0x18, 192, 0, 2, 0, 0, 0, 2, 0x18, 192, 0, 2}, 65001, 64496),
		bmptest.StatsReport(peer4, bmptest.Stat{Type: 7, Value: bmptest.Gauge64(2)}),
		bmptest.RouteMirroring(peer4, bmptest.Notification(6, 4)),
		announce(peer4, []byte{0, 0, 0, 1, 0x10, 198, 51}, 65001, 64497),
		withdraw(peer4, []byte{0, 0, 0, 2, 0x18, 192, 0, 2}),
		bmptest.RouteMonitoring(peer4, mrttest.Update(nil, nil, nil)),
		bmptest.PeerDown(peer4, DownRemoteNoNotify, nil),
		bmptest.Termination(TermAdminClose),
	}
	for _, m := range msgs {
		if err := c.SendInPieces(m, 7); err != nil {
			t.Fatal(err)
		}
	}
	got := ts.next(t, 9)
	want := []string{
		"peer-up 192.0.2.1",
		"announce 192.0.2.1 192.0.2.0/24 id=1 [65001 64496]",
		"announce 192.0.2.1 192.0.2.0/24 id=2 [65001 64496]",
		"announce 192.0.2.1 198.51.0.0/16 id=1 [65001 64497]",
		"withdraw 192.0.2.1 192.0.2.0/24 id=2",
		"end-of-rib 192.0.2.1 afi=1",
		// Peer Down withdraws what is left of the peer's table.
		"withdraw 192.0.2.1 192.0.2.0/24 id=1",
		"withdraw 192.0.2.1 198.51.0.0/16 id=1",
		"peer-down 192.0.2.1 remote system closed the session without a NOTIFICATION",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("events mismatch (-want +got):\n%s", d)
	}
	waitFor(t, ts.logs, "bmp session ended")
	if l := ts.logs.String(); !strings.Contains(l, "stats_reports=1") || !strings.Contains(l, "mirroring=1") || !strings.Contains(l, "sys_name=r1") {
		t.Errorf("session log lacks the counts:\n%s", l)
	}
}

// waitFor waits until the log holds s.
func waitFor(t *testing.T, logs *lockedBuffer, s string) string {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if l := logs.String(); strings.Contains(l, s) {
			return l
		}
	}
	t.Fatalf("log never said %q:\n%s", s, logs)
	return ""
}

// TestStation_DropMidMessage: a router that goes away in the middle of a
// message loses its own session, its routes are withdrawn, the log names
// it with the message number and byte offset, and another router's session
// goes on.
func TestStation_DropMidMessage(t *testing.T) {
	for _, cut := range []struct {
		name string
		at   int // bytes of the last message written
		say  string
	}{
		{"in the common header", 3, "connection ended 3 bytes into the common header"},
		{"in the per-peer header", 20, "connection ended in a Route Monitoring message: body has 14 of"},
		{"in the BGP UPDATE", 60, "connection ended in a Route Monitoring message: body has 54 of"},
	} {
		t.Run(cut.name, func(t *testing.T) {
			ts := startStation(t)
			other := dial(t, ts.addr)
			if err := other.Send(announce(peer6, []byte{0x18, 198, 51, 100}, 65002)); err != nil {
				t.Fatal(err)
			}
			first := ts.next(t, 1)
			c := dial(t, ts.addr)
			a := announce(peer4, []byte{0x18, 192, 0, 2}, 65001, 64496)
			if err := c.Send(bmptest.Initiation("dropper", "x"), a); err != nil {
				t.Fatal(err)
			}
			ts.next(t, 1)
			last := announce(peer4, []byte{0x18, 203, 0, 113}, 65001, 64500)
			if err := c.Drop(last, cut.at); err != nil {
				t.Fatal(err)
			}
			evs := ts.nextEvents(t, 2)
			got := []string{describe(evs[0]), describe(evs[1])}
			// The session's end withdraws at the time it ended, not at the
			// announcement's.
			if w := evs[0].Route; time.Since(time.Unix(int64(w.Time), 0)) > time.Minute || !evs[0].Time.Equal(time.Unix(int64(w.Time), int64(w.Micro)*1000)) {
				t.Errorf("withdrawal at %d.%06d, event at %v", w.Time, w.Micro, evs[0].Time)
			}
			want := []string{"withdraw 192.0.2.1 192.0.2.0/24 id=0", "peer-down 192.0.2.1 session ended"}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("events mismatch (-want +got):\n%s", d)
			}
			offset := len(bmptest.Initiation("dropper", "x")) + len(a)
			l := waitFor(t, ts.logs, cut.say)
			line := lineWith(l, cut.say)
			t.Log(line)
			for _, w := range []string{"record 3 at byte offset " + fmt.Sprint(offset), "message=3", "offset=" + fmt.Sprint(offset), "sys_name=dropper", "router=127.0.0.1:"} {
				if !strings.Contains(line, w) {
					t.Errorf("log line lacks %q:\n%s", w, line)
				}
			}
			// The other session is unaffected.
			if err := other.Send(withdraw(peer6, []byte{0x18, 198, 51, 100})); err != nil {
				t.Fatal(err)
			}
			if got := ts.next(t, 1); got[0] != "withdraw 2001:db8::2 198.51.100.0/24 id=0" {
				t.Errorf("other session after the drop: %q (first %q)", got, first)
			}
		})
	}
}

func lineWith(logs, s string) string {
	for l := range strings.SplitSeq(logs, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

// TestStation_DamagedMessageSkipped: a well-framed message that does not
// decode is logged and skipped (and counted); the session goes on.
func TestStation_DamagedMessageSkipped(t *testing.T) {
	ts := startStation(t)
	c := dial(t, ts.addr)
	bad := bmptest.RouteMonitoring(peer4, mrttest.Update(nil, []byte{0x40, 0x01, 0x05, 0}, nil))
	if err := c.Send(bad, bmptest.Message(9, nil), announce(peer4, []byte{0x18, 192, 0, 2}, 65001)); err != nil {
		t.Fatal(err)
	}
	if got := ts.next(t, 1); got[0] != "announce 192.0.2.1 192.0.2.0/24 id=0 [65001]" {
		t.Errorf("after a damaged message: %q", got)
	}
	l := waitFor(t, ts.logs, "bmp message skipped")
	if !strings.Contains(l, "record 1 at byte offset 0") || !strings.Contains(l, "unknown message type 9") {
		t.Errorf("damaged messages not named:\n%s", l)
	}
	// A version-2 header cannot be framed: the session ends.
	if err := c.Send([]byte{2, 0, 0, 0, 6, 0}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ts.logs, "unsupported BMP version 2")
	if got := ts.next(t, 2); got[1] != "peer-down 192.0.2.1 session ended" {
		t.Errorf("after a bad version: %q", got)
	}
	// The counters: four messages read (the last one's header only), two
	// damaged, one session, ended by the bad framing, its route gone.
	if st := ts.Stats(); st != (Stats{SessionsTotal: 1, SessionsFailed: 1, Messages: 4, Damaged: 2}) {
		t.Errorf("stats %+v", st)
	}
}

// TestStation_Tables: the station's tables hold what was announced and not
// withdrawn, per router and peer, post-policy apart from pre-policy.
func TestStation_Tables(t *testing.T) {
	ts := startStation(t)
	c := dial(t, ts.addr)
	post := peer4
	post.Flags = FlagL
	if err := c.Send(announce(peer4, []byte{0x18, 192, 0, 2, 0x18, 192, 0, 3}, 65001), announce(post, []byte{0x18, 192, 0, 2}, 65001),
		withdraw(peer4, []byte{0x18, 192, 0, 3})); err != nil {
		t.Fatal(err)
	}
	ts.next(t, 4)
	tables := ts.Tables()
	got := map[string][]string{}
	for _, tb := range tables {
		k := fmt.Sprintf("%s post=%v", tb.Peer.Addr, tb.Peer.PostPolicy())
		for _, r := range tb.Routes {
			got[k] = append(got[k], r.Prefix.String()+" "+r.Attrs.Path.String())
		}
	}
	want := map[string][]string{"192.0.2.1 post=false": {"192.0.2.0/24 65001"}, "192.0.2.1 post=true": {"192.0.2.0/24 65001"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Tables() mismatch (-want +got):\n%s", d)
	}
}

// TestStation_PeerUpAgain: a second Peer Up without a Peer Down between
// them starts a new session: the old session's routes are withdrawn.
func TestStation_PeerUpAgain(t *testing.T) {
	ts := startStation(t)
	c := dial(t, ts.addr)
	open := bmptest.Open(64512, rid, bmptest.AS4(64512))
	up := bmptest.PeerUp(peer4, rid, 179, 40000, open, bmptest.Open(65001, peer4.BGPID, bmptest.AS4(65001)))
	if err := c.Send(announce(peer4, []byte{0x18, 192, 0, 2}, 65001), up, announce(peer4, []byte{0x18, 192, 0, 3}, 65001)); err != nil {
		t.Fatal(err)
	}
	want := []string{"announce 192.0.2.1 192.0.2.0/24 id=0 [65001]", "withdraw 192.0.2.1 192.0.2.0/24 id=0", "peer-up 192.0.2.1",
		"announce 192.0.2.1 192.0.3.0/24 id=0 [65001]"}
	if d := cmp.Diff(want, ts.next(t, 4)); d != "" {
		t.Errorf("events mismatch (-want +got):\n%s", d)
	}
}

// TestSession_SharedAttributes: routes whose UPDATEs carry the same
// attribute bytes share one decoded copy, counted, and forgotten when the
// last route holding it goes.
func TestSession_SharedAttributes(t *testing.T) {
	stream := slices.Concat(
		announce(peer4, []byte{0x18, 192, 0, 2}, 65001, 64496),
		announce(peer4, []byte{0x18, 192, 0, 3}, 65001, 64496),
		announce(peer4, []byte{0x18, 192, 0, 4, 0x18, 192, 0, 5}, 65001, 64496),
		announce(peer4, []byte{0x18, 192, 0, 5}, 65001, 64499), // replaces 192.0.5.0/24
	)
	ss := &session{st: &Station{}, r: bufio.NewReader(bytes.NewReader(stream)), peers: map[peerKey]*peer{}}
	if err := ss.run(); err != nil {
		t.Fatal(err)
	}
	refs := func() map[string]int {
		out := map[string]int{}
		for _, s := range ss.attrs.m[1] {
			out[s.a.Path.String()] = s.refs
		}
		return out
	}
	if d := cmp.Diff(map[string]int{"65001 64496": 3, "65001 64499": 1}, refs()); d != "" {
		t.Errorf("shared attributes mismatch (-want +got):\n%s", d)
	}
	ss.st.mu.Lock()
	ss.end("test")
	ss.st.mu.Unlock()
	if n := len(ss.attrs.m[1]); n != 0 {
		t.Errorf("%d attribute sets left after the session ended: %v", n, refs())
	}
}
