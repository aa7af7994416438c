package rtr

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/rpki"
)

// fakeCache is a scripted RTR cache on loopback: each test accepts the
// client's connections and plays the cache's side PDU by PDU.
type fakeCache struct {
	ln    net.Listener
	conns chan net.Conn
}

func newFakeCache(t *testing.T) *fakeCache {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeCache{ln: ln, conns: make(chan net.Conn, 8)}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				close(f.conns)
				return
			}
			f.conns <- c
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return f
}

type fakeConn struct {
	c  net.Conn
	rd *Reader
}

func (f *fakeCache) accept(t *testing.T) *fakeConn {
	t.Helper()
	select {
	case c := <-f.conns:
		t.Cleanup(func() { c.Close() })
		return &fakeConn{c: c, rd: NewReader(c)}
	case <-time.After(5 * time.Second):
		t.Fatal("the client did not connect within 5 s")
	}
	return nil
}

// expect reads the client's next PDU and checks its type and version.
func (c *fakeConn) expect(t *testing.T, v Version, typ Type) PDU {
	t.Helper()
	c.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	var p PDU
	if err := c.rd.Next(&p); err != nil {
		t.Fatalf("waiting for a v%d %s: %v", v, typ, err)
	}
	if p.Version != v || p.Type != typ {
		t.Fatalf("client sent %s, want v%d %s", &p, v, typ)
	}
	p.Data, p.Text = bytes.Clone(p.Data), bytes.Clone(p.Text)
	return p
}

func (c *fakeConn) send(t *testing.T, pdus ...PDU) {
	t.Helper()
	var b []byte
	for i := range pdus {
		var err error
		if b, err = pdus[i].AppendBinary(b); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.c.Write(b); err != nil {
		t.Fatal(err)
	}
}

func v4(v Version, announce bool, prefix string, maxLen uint8, asn uint32) PDU {
	p := PDU{Version: v, Type: TypeIPv4Prefix, Prefix: netip.MustParsePrefix(prefix), MaxLen: maxLen, ASN: bgpASN(asn)}
	if announce {
		p.Flags = FlagAnnounce
	}
	return p
}

func vrp(prefix string, maxLen uint8, asn uint32) rpki.VRP {
	return rpki.VRP{Prefix: netip.MustParsePrefix(prefix), MaxLen: maxLen, ASN: bgpASN(asn)}
}

func eod(v Version, session uint16, serial uint32) PDU {
	return PDU{Version: v, Type: TypeEndOfData, Session: session, Serial: serial, Refresh: 3600, Retry: 600, Expire: 7200}
}

// logBuffer collects a Client's log lines for assertions.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
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

// startClient runs a Client against addr until the test ends and returns
// its updates and logs.
func startClient(t *testing.T, c *Client) (<-chan Update, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	c.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c.MinBackoff, c.MaxBackoff = 10*time.Millisecond, 50*time.Millisecond
	updates := make(chan Update, 16)
	c.OnUpdate = func(u Update) { updates <- u }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != context.Canceled {
			t.Errorf("Run() = %v, want context.Canceled", err)
		}
		if t.Failed() {
			t.Logf("client log:\n%s", logs)
		}
	})
	return updates, logs
}

func waitUpdate(t *testing.T, updates <-chan Update) Update {
	t.Helper()
	select {
	case u := <-updates:
		return u
	case <-time.After(5 * time.Second):
		t.Fatal("no update within 5 s")
	}
	return Update{}
}

func vrpsOf(s *rpki.Snapshot) []rpki.VRP {
	var out []rpki.VRP
	for v := range s.VRPs() {
		out = append(out, v)
	}
	return out
}

func checkDiff(t *testing.T, u Update, added, removed []rpki.VRP) {
	t.Helper()
	if diff := cmp.Diff(added, u.Added, cmpPrefix); diff != "" {
		t.Errorf("serial %d: Added mismatch (-want +got):\n%s", u.State.Serial, diff)
	}
	if diff := cmp.Diff(removed, u.Removed, cmpPrefix); diff != "" {
		t.Errorf("serial %d: Removed mismatch (-want +got):\n%s", u.State.Serial, diff)
	}
}

var cmpPrefix = cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })

func TestClient_ResetThenSerial(t *testing.T) {
	cache := newFakeCache(t)
	c := &Client{Addr: cache.ln.Addr().String(), Version: Version1}
	updates, _ := startClient(t, c)
	conn := cache.accept(t)
	conn.expect(t, 1, TypeResetQuery)
	conn.send(t, PDU{Version: 1, Type: TypeCacheResponse, Session: 7},
		v4(1, true, "192.0.2.0/24", 24, 64496), v4(1, true, "198.51.100.0/22", 24, 64497), eod(1, 7, 1))
	u := waitUpdate(t, updates)
	if !u.Reset || u.State.Serial != 1 || u.State.Session != 7 || u.State.Refresh != time.Hour {
		t.Errorf("first update: reset %v state %+v", u.Reset, u.State)
	}
	checkDiff(t, u, []rpki.VRP{vrp("192.0.2.0/24", 24, 64496), vrp("198.51.100.0/22", 24, 64497)}, nil)

	conn.send(t, PDU{Version: 1, Type: TypeSerialNotify, Session: 7, Serial: 2})
	q := conn.expect(t, 1, TypeSerialQuery)
	if q.Session != 7 || q.Serial != 1 {
		t.Fatalf("Serial Query %s, want session 7 serial 1", &q)
	}
	conn.send(t, PDU{Version: 1, Type: TypeCacheResponse, Session: 7},
		v4(1, false, "192.0.2.0/24", 24, 64496), v4(1, true, "203.0.113.0/24", 24, 0),
		v4(1, true, "192.0.2.0/24", 25, 64496), v4(1, false, "192.0.2.0/24", 25, 64496), // cancels out
		eod(1, 7, 2))
	u = waitUpdate(t, updates)
	if u.Reset || u.State.Serial != 2 {
		t.Errorf("second update: reset %v serial %d", u.Reset, u.State.Serial)
	}
	checkDiff(t, u, []rpki.VRP{vrp("203.0.113.0/24", 24, 0)}, []rpki.VRP{vrp("192.0.2.0/24", 24, 64496)})
	snap, st := c.Snapshot()
	want := []rpki.VRP{vrp("198.51.100.0/22", 24, 64497), vrp("203.0.113.0/24", 24, 0)}
	if diff := cmp.Diff(want, vrpsOf(snap), cmpPrefix); diff != "" || st.Serial != 2 {
		t.Errorf("Snapshot() serial %d, VRPs mismatch (-want +got):\n%s", st.Serial, diff)
	}
}

// A session dropped mid-transfer exposes none of the partial delta; the
// client reconnects, and a Cache Reset sends it back to a Reset Query.
func TestClient_DropMidTransfer(t *testing.T) {
	cache := newFakeCache(t)
	c := &Client{Addr: cache.ln.Addr().String(), Version: Version1}
	updates, logs := startClient(t, c)
	conn := cache.accept(t)
	conn.expect(t, 1, TypeResetQuery)
	conn.send(t, PDU{Version: 1, Type: TypeCacheResponse, Session: 7},
		v4(1, true, "192.0.2.0/24", 24, 64496), v4(1, true, "198.51.100.0/22", 24, 64497), eod(1, 7, 1))
	waitUpdate(t, updates)
	before, _ := c.Snapshot()

	conn.send(t, PDU{Version: 1, Type: TypeSerialNotify, Session: 7, Serial: 2})
	conn.expect(t, 1, TypeSerialQuery)
	conn.send(t, PDU{Version: 1, Type: TypeCacheResponse, Session: 7}, v4(1, false, "192.0.2.0/24", 24, 64496))
	conn.c.Close()

	conn = cache.accept(t)
	q := conn.expect(t, 1, TypeSerialQuery)
	if q.Serial != 1 {
		t.Errorf("after the drop, Serial Query for %d, want 1", q.Serial)
	}
	if snap, st := c.Snapshot(); snap != before || st.Serial != 1 {
		t.Errorf("after the drop: serial %d, snapshot changed %v", st.Serial, snap != before)
	}
	conn.send(t, PDU{Version: 1, Type: TypeCacheReset})
	conn.expect(t, 1, TypeResetQuery)
	conn.send(t, PDU{Version: 1, Type: TypeCacheResponse, Session: 8}, v4(1, true, "203.0.113.0/24", 24, 0), eod(1, 8, 5))
	u := waitUpdate(t, updates)
	if !u.Reset || u.State.Session != 8 || u.State.Serial != 5 {
		t.Errorf("after Cache Reset: reset %v state %+v", u.Reset, u.State)
	}
	checkDiff(t, u, []rpki.VRP{vrp("203.0.113.0/24", 24, 0)},
		[]rpki.VRP{vrp("192.0.2.0/24", 24, 64496), vrp("198.51.100.0/22", 24, 64497)})
	if !strings.Contains(logs.String(), "rtr: connection ended") || !strings.Contains(logs.String(), "rtr: cache reset") {
		t.Errorf("log lacks the connection loss or the cache reset:\n%s", logs)
	}
}

// An Unsupported Protocol Version error steps the client down a version;
// a cache answering in a lower version is followed.
func TestClient_Downgrade(t *testing.T) {
	cache := newFakeCache(t)
	c := &Client{Addr: cache.ln.Addr().String(), Version: Version2}
	updates, _ := startClient(t, c)
	conn := cache.accept(t)
	conn.expect(t, 2, TypeResetQuery)
	conn.send(t, PDU{Version: 0, Type: TypeErrorReport, Code: CodeUnsupportedVersion, Text: []byte("Bad protocol version\x00")})
	conn.c.Close()
	conn = cache.accept(t)
	conn.expect(t, 1, TypeResetQuery)
	// This cache speaks only version 0 and answers in it.
	conn.send(t, PDU{Version: 0, Type: TypeCacheResponse, Session: 1}, v4(0, true, "192.0.2.0/24", 24, 64496),
		PDU{Version: 0, Type: TypeEndOfData, Session: 1, Serial: 9})
	u := waitUpdate(t, updates)
	if u.State.Version != 0 || u.State.Serial != 9 || u.State.Refresh != defaultRefresh {
		t.Errorf("state %+v, want version 0, serial 9 and the default timers", u.State)
	}
	// From now on the session is version 0: a version 1 PDU is an error.
	conn.send(t, PDU{Version: 1, Type: TypeSerialNotify, Session: 1, Serial: 10})
	e := conn.expect(t, 0, TypeErrorReport)
	if e.Code != CodeUnexpectedVersion {
		t.Errorf("error report %s, want %s", &e, CodeUnexpectedVersion)
	}
}

// A withdrawal of an unknown VRP is answered with an Error Report that
// encapsulates the offending PDU, and nothing is committed.
func TestClient_WithdrawUnknown(t *testing.T) {
	cache := newFakeCache(t)
	c := &Client{Addr: cache.ln.Addr().String(), Version: Version1}
	startClient(t, c)
	conn := cache.accept(t)
	conn.expect(t, 1, TypeResetQuery)
	w := v4(1, false, "192.0.2.0/24", 24, 64496)
	conn.send(t, PDU{Version: 1, Type: TypeCacheResponse, Session: 7}, w)
	e := conn.expect(t, 1, TypeErrorReport)
	raw, _ := w.AppendBinary(nil)
	if e.Code != CodeWithdrawUnknown || !bytes.Equal(e.Data, raw) {
		t.Errorf("error report %s with PDU %x, want %s with %x", &e, e.Data, CodeWithdrawUnknown, raw)
	}
	// Garbage is answered with Corrupt Data on the next connection.
	conn = cache.accept(t)
	conn.expect(t, 1, TypeResetQuery)
	conn.send(t, PDU{Version: 1, Type: TypeCacheResponse, Session: 7})
	conn.c.Write([]byte{1, 4, 0, 0, 0, 0, 0, 20, 1, 33, 33, 0, 192, 0, 2, 0, 0, 0, 0, 0})
	if e := conn.expect(t, 1, TypeErrorReport); e.Code != CodeCorruptData || !strings.Contains(string(e.Text), "offset 8") {
		t.Errorf("error report %s, want Corrupt Data naming offset 8", &e)
	}
	if snap, st := c.Snapshot(); snap != nil || !st.Updated.IsZero() {
		t.Errorf("Snapshot() = %d VRPs, %+v; want nothing committed", snap.Len(), st)
	}
}

// Without a Serial Notify, the refresh interval triggers the Serial Query.
func TestClient_RefreshTimer(t *testing.T) {
	cache := newFakeCache(t)
	c := &Client{Addr: cache.ln.Addr().String(), Version: Version1, Refresh: 50 * time.Millisecond}
	updates, _ := startClient(t, c)
	conn := cache.accept(t)
	conn.expect(t, 1, TypeResetQuery)
	conn.send(t, PDU{Version: 1, Type: TypeCacheResponse, Session: 7}, eod(1, 7, 1))
	first := waitUpdate(t, updates)
	conn.expect(t, 1, TypeSerialQuery)
	conn.send(t, PDU{Version: 1, Type: TypeCacheResponse, Session: 7}, eod(1, 7, 2))
	// An empty delta keeps the snapshot: the same pointer, a new serial.
	if u := waitUpdate(t, updates); u.State.Serial != 2 || len(u.Added)+len(u.Removed) != 0 || u.Snapshot != first.Snapshot {
		t.Errorf("empty delta: %+v", u)
	}
}

func TestClient_Fetch(t *testing.T) {
	cache := newFakeCache(t)
	go func() {
		c := <-cache.conns
		defer c.Close()
		rd := NewReader(c)
		var p PDU
		rd.Next(&p)
		var b []byte
		for _, q := range []PDU{{Version: 1, Type: TypeCacheResponse, Session: 3}, v4(1, true, "192.0.2.0/24", 24, 64496), eod(1, 3, 4)} {
			b, _ = q.AppendBinary(b)
		}
		c.Write(b)
		rd.Next(&p) // until the client hangs up
	}()
	c := &Client{Addr: cache.ln.Addr().String(), Version: Version1}
	snap, st, err := c.Fetch(context.Background())
	if err != nil || snap.Len() != 1 || st.Serial != 4 || st.Session != 3 {
		t.Fatalf("Fetch() = %d VRPs, %+v, %v", snap.Len(), st, err)
	}
	if _, _, err := (&Client{Addr: "nowhere", Version: 1}).Fetch(context.Background()); err == nil {
		t.Error("Fetch() of a bad address succeeded")
	}
	if err := (&Client{Addr: "127.0.0.1:1", Version: 3}).Run(context.Background()); err == nil {
		t.Error("Run() with version 3 succeeded")
	}
}

func bgpASN(a uint32) bgp.ASN { return bgp.ASN(a) }

// A Reset answer announcing a VRP twice is refused at End of Data with
// Duplicate Announcement Received, and nothing is committed.
func TestClient_DuplicateInReset(t *testing.T) {
	cache := newFakeCache(t)
	c := &Client{Addr: cache.ln.Addr().String(), Version: Version1}
	startClient(t, c)
	conn := cache.accept(t)
	conn.expect(t, 1, TypeResetQuery)
	a := v4(1, true, "192.0.2.0/24", 24, 64496)
	conn.send(t, PDU{Version: 1, Type: TypeCacheResponse, Session: 7}, a, v4(1, true, "198.51.100.0/22", 24, 64497), a, eod(1, 7, 1))
	if e := conn.expect(t, 1, TypeErrorReport); e.Code != CodeDuplicateAnnouncement || !strings.Contains(string(e.Text), "192.0.2.0/24-24 AS64496") {
		t.Errorf("error report %s, want %s naming the VRP", &e, CodeDuplicateAnnouncement)
	}
	if snap, _ := c.Snapshot(); snap != nil {
		t.Errorf("Snapshot() has %d VRPs, want none committed", snap.Len())
	}
}

// ASPA records of draft-10 are kept per customer and family; the snapshot
// merges the families, and a withdrawn family leaves the other.
func TestClient_ASPA(t *testing.T) {
	cache := newFakeCache(t)
	c := &Client{Addr: cache.ln.Addr().String(), Version: Version2}
	updates, _ := startClient(t, c)
	conn := cache.accept(t)
	conn.expect(t, 2, TypeResetQuery)
	aspa := func(announce bool, ipv6 uint8, customer uint32, providers ...bgp.ASN) PDU {
		p := PDU{Version: 2, Type: TypeASPA, AFIFlags: ipv6, ASN: bgp.ASN(customer), Data: EncodeProviders(providers)}
		if announce {
			p.Flags = FlagAnnounce
		}
		return p
	}
	conn.send(t, PDU{Version: 2, Type: TypeCacheResponse, Session: 7},
		aspa(true, 0, 64496, 64500, 64501), aspa(true, AFIIPv6, 64496, 64502), aspa(true, 0, 64498, 0), eod(2, 7, 1))
	u := waitUpdate(t, updates)
	if p, _ := u.Snapshot.Providers(64496); !slices.Equal(p, []bgp.ASN{64500, 64501, 64502}) || u.Snapshot.NumASPAs() != 2 {
		t.Errorf("providers of AS64496 %v (%d ASPAs), want both families merged", p, u.Snapshot.NumASPAs())
	}
	conn.send(t, PDU{Version: 2, Type: TypeSerialNotify, Session: 7, Serial: 2})
	conn.expect(t, 2, TypeSerialQuery)
	conn.send(t, PDU{Version: 2, Type: TypeCacheResponse, Session: 7}, aspa(false, 0, 64496), eod(2, 7, 2))
	u = waitUpdate(t, updates)
	if p, _ := u.Snapshot.Providers(64496); !slices.Equal(p, []bgp.ASN{64502}) || !slices.Equal(u.ASPAs, []bgp.ASN{64496}) {
		t.Errorf("after the IPv4 withdrawal: providers %v, changed %v", p, u.ASPAs)
	}
	// Withdrawing it again is an error.
	conn.send(t, PDU{Version: 2, Type: TypeSerialNotify, Session: 7, Serial: 3})
	conn.expect(t, 2, TypeSerialQuery)
	conn.send(t, PDU{Version: 2, Type: TypeCacheResponse, Session: 7}, aspa(false, 0, 64496))
	if e := conn.expect(t, 2, TypeErrorReport); e.Code != CodeWithdrawUnknown {
		t.Errorf("error report %s, want %s", &e, CodeWithdrawUnknown)
	}
}

// A cache that stops answering: the data are kept until End of Data's
// expire interval, then dropped with an update removing everything.
func TestClient_Expire(t *testing.T) {
	cache := newFakeCache(t)
	c := &Client{Addr: cache.ln.Addr().String(), Version: Version1, Refresh: 50 * time.Millisecond, Timeout: 100 * time.Millisecond}
	updates, logs := startClient(t, c)
	go func() { // answer the first Reset Query, then only accept
		first := true
		var open []net.Conn
		defer func() {
			for _, c := range open {
				c.Close()
			}
		}()
		for conn := range cache.conns { // until the listener closes
			if first {
				var p PDU
				NewReader(conn).Next(&p)
				var b []byte
				for _, q := range []PDU{{Version: 1, Type: TypeCacheResponse, Session: 7}, v4(1, true, "192.0.2.0/24", 24, 64496),
					{Version: 1, Type: TypeEndOfData, Session: 7, Serial: 1, Refresh: 1, Retry: 1, Expire: 1}} {
					b, _ = q.AppendBinary(b)
				}
				conn.Write(b)
				first = false
			}
			open = append(open, conn)
		}
	}()
	u := waitUpdate(t, updates)
	if u.Snapshot.Len() != 1 || u.State.Expire != time.Second {
		t.Fatalf("first update: %d VRPs, expire %s", u.Snapshot.Len(), u.State.Expire)
	}
	u = waitUpdate(t, updates)
	if u.Snapshot != nil || !u.Reset || len(u.Removed) != 1 || time.Since(u.State.Updated) < 0 {
		t.Errorf("expiry update: %+v", u)
	}
	if snap, st := c.Snapshot(); snap != nil || !st.Updated.IsZero() {
		t.Errorf("after expiry Snapshot() = %d VRPs, %+v", snap.Len(), st)
	}
	if !strings.Contains(logs.String(), "rtr: data expired") || !strings.Contains(logs.String(), "no answer from the cache") {
		t.Errorf("log lacks the expiry or the timeout:\n%s", logs)
	}
}
