package bmp

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/mrt"
)

// DefaultListen is where the station listens unless told otherwise:
// loopback only, since BMP has no authentication (RFC 7854 §11).
const DefaultListen = "127.0.0.1:11019"

// Station accepts BMP sessions and keeps, per router and monitored peer,
// the table of routes the router reported. Handler receives every event,
// one at a time, in the order each session produced them.
type Station struct {
	// Handler receives the events; nil discards them. It is called with
	// the station's lock held: it must not call Tables.
	Handler func(Event)
	// Logger receives session starts and ends and damaged messages; nil
	// discards them.
	Logger *slog.Logger

	mu       sync.Mutex
	sessions map[*session]struct{}
	wg       sync.WaitGroup

	// counters of Stats, updated by the sessions as they go
	sessionsTotal, sessionsFailed, messages, damaged atomic.Int64
}

// Stats are a station's counters, as Station.Stats reads them.
type Stats struct {
	Sessions       int64 // sessions open now
	SessionsTotal  int64 // sessions accepted since the start
	SessionsFailed int64 // sessions ended by damaged framing or a connection cut mid-message
	Messages       int64 // BMP messages framed (or cut off), all sessions
	Damaged        int64 // well-framed messages that did not decode, skipped
	Routes         int64 // routes in the tables of the open sessions
}

// Stats returns the station's counters now.
func (s *Station) Stats() Stats {
	st := Stats{SessionsTotal: s.sessionsTotal.Load(), SessionsFailed: s.sessionsFailed.Load(),
		Messages: s.messages.Load(), Damaged: s.damaged.Load()}
	s.mu.Lock()
	defer s.mu.Unlock()
	st.Sessions = int64(len(s.sessions))
	for ss := range s.sessions {
		for _, p := range ss.peers {
			for _, v := range p.views {
				st.Routes += int64(len(v.routes))
			}
		}
	}
	return st
}

// ListenAndServe listens on addr (DefaultListen when empty) and serves
// until ctx ends.
func (s *Station) ListenAndServe(ctx context.Context, addr string) error {
	if addr == "" {
		addr = DefaultListen
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("bmp station: %w", err)
	}
	return s.Serve(ctx, ln)
}

// Serve accepts sessions on ln until ctx ends, then closes ln and every
// session, withdraws their routes and returns nil once all are done.
func (s *Station) Serve(ctx context.Context, ln net.Listener) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { <-ctx.Done(); ln.Close() }()
	s.log().Info("bmp station listening", "addr", ln.Addr().String())
	for {
		c, err := ln.Accept()
		if err != nil {
			cancel()
			s.wg.Wait()
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return nil
			}
			return fmt.Errorf("bmp station: accept: %w", err)
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.serveConn(ctx, c)
		}()
	}
}

func (s *Station) log() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

// Table is a copy of one monitored RIB's routes.
type Table struct {
	Router Router
	Peer   PeerHeader
	Routes []mrt.Elem // sorted by prefix, then path id
}

// Tables returns a copy of every table of every live session.
func (s *Station) Tables() []Table {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Table
	for ss := range s.sessions {
		for _, p := range ss.peers {
			for _, v := range p.views {
				out = append(out, Table{Router: ss.router, Peer: v.hdr, Routes: v.elems()})
			}
		}
	}
	return out
}

// emit hands an event to the handler; the caller holds s.mu.
func (s *Station) emit(e Event) {
	if s.Handler != nil {
		s.Handler(e)
	}
}

func (s *Station) serveConn(ctx context.Context, c net.Conn) {
	ss := newSession(s, c)
	s.mu.Lock()
	if s.sessions == nil {
		s.sessions = map[*session]struct{}{}
	}
	s.sessions[ss] = struct{}{}
	s.mu.Unlock()
	s.sessionsTotal.Add(1)
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	log := s.log().With("router", ss.router.Addr.String())
	log.Info("bmp session started")
	err := ss.run()
	if ctx.Err() != nil && !errors.Is(err, errTerminated) {
		err = nil // closed by the station
	}
	c.Close()
	s.mu.Lock()
	ss.end("session ended")
	delete(s.sessions, ss)
	s.mu.Unlock()
	attrs := []any{"messages", ss.n, "bytes", ss.off, "route_monitoring", ss.counts[TypeRouteMonitoring],
		"stats_reports", ss.counts[TypeStatsReport], "mirroring", ss.counts[TypeRouteMirroring], "damaged", ss.damaged}
	if ss.router.SysName != "" {
		attrs = append(attrs, "sys_name", ss.router.SysName)
	}
	switch {
	case err == nil || errors.Is(err, errTerminated):
		log.Info("bmp session ended", attrs...)
	default:
		s.sessionsFailed.Add(1)
		var ie *inputerr.Error
		if errors.As(err, &ie) {
			attrs = append(attrs, "message", ie.Record, "offset", ie.Offset)
		}
		log.Warn("bmp session ended: "+err.Error(), attrs...)
	}
}

// errTerminated ends a session after a Termination message.
var errTerminated = errors.New("terminated by the router")

// shownDamaged is how many damaged messages of one session are logged one
// by one; the others are counted in the session's last log line.
const shownDamaged = 3

// session is one router's connection and its tables.
type session struct {
	st     *Station
	r      *bufio.Reader
	router Router
	peers  map[peerKey]*peer
	dec    Decoder
	routes []mrt.Elem // of the message being applied
	attrs  interner
	buf    []byte
	n, off int64 // messages read, bytes read
	counts [7]int64
	// damaged counts well-framed messages that did not decode.
	damaged int64
}

// peerKey identifies a monitored peer of a router (RFC 7854 §4.2: peer
// type, distinguisher and address).
type peerKey struct {
	typ  PeerType
	dist uint64
	addr netip.Addr
}

// viewFlags are the per-peer header flags that select one of a peer's
// RIBs: pre- or post-policy, Adj-RIB-In or -Out.
const viewFlags = FlagL | FlagO

// peer is a monitored peer: its session parameters and its tables.
type peer struct {
	hdr     PeerHeader
	session Session
	views   map[uint8]*view
}

func newSession(st *Station, c net.Conn) *session {
	ap, _ := netip.ParseAddrPort(c.RemoteAddr().String())
	return &session{st: st, r: bufio.NewReaderSize(c, 64<<10), router: Router{Addr: ap}, peers: map[peerKey]*peer{}}
}

// run reads messages until the connection ends. A clean end between two
// messages returns nil; anything else an *inputerr.Error naming the
// router, the message number and its byte offset.
func (ss *session) run() error {
	var hdr [HeaderLen]byte
	for {
		start := ss.off
		k, err := io.ReadFull(ss.r, hdr[:])
		ss.off += int64(k)
		if err == io.EOF {
			return nil
		}
		ss.n++
		ss.st.messages.Add(1)
		if err != nil {
			return ss.errorf(start, "%w: connection ended %d bytes into the common header (%v)", inputerr.ErrTruncated, k, err)
		}
		h, err := ParseHeader(hdr[:])
		if err != nil {
			return ss.errorf(start, "%w", err)
		}
		if err := ss.readBody(hdr[:], h, start); err != nil {
			return err
		}
		if err := ss.handle(ss.buf, start); err != nil {
			return err
		}
	}
}

func (ss *session) errorf(off int64, format string, args ...any) error {
	return inputerr.Errorf(ss.router.Addr.String(), ss.n, off, format, args...)
}

func (ss *session) readBody(hdr []byte, h Header, start int64) error {
	if cap(ss.buf) < int(h.Length) {
		ss.buf = make([]byte, 0, max(int(h.Length), 4096))
	}
	ss.buf = append(ss.buf[:0], hdr...)
	ss.buf = ss.buf[:h.Length]
	k, err := io.ReadFull(ss.r, ss.buf[HeaderLen:])
	ss.off += int64(k)
	if err != nil {
		return ss.errorf(start, "%w: connection ended in a %s message: body has %d of %d bytes (%v)",
			inputerr.ErrTruncated, h.Type, k, h.Length-HeaderLen, err)
	}
	return nil
}

// handle decodes one framed message. A message that does not decode is
// counted and skipped; only a Termination ends the session.
func (ss *session) handle(b []byte, start int64) error {
	m, err := Split(b)
	if err == nil {
		if int(m.Type) < len(ss.counts) {
			ss.counts[m.Type]++
		}
		err = ss.dispatch(&m)
	}
	if errors.Is(err, errTerminated) {
		return err
	}
	if err != nil {
		ss.damaged++
		ss.st.damaged.Add(1)
		if ss.damaged <= shownDamaged {
			ss.st.log().Warn("bmp message skipped: "+ss.errorf(start, "%w", err).Error(),
				"router", ss.router.Addr.String(), "message", ss.n, "offset", start)
		}
	}
	return nil
}

func (ss *session) dispatch(m *Message) error {
	switch m.Type {
	case TypeRouteMonitoring:
		return ss.routeMonitoring(m)
	case TypePeerUp:
		return ss.peerUp(m)
	case TypePeerDown:
		return ss.peerDown(m)
	case TypeInitiation:
		in, err := ParseInitiation(m.Body)
		if err == nil {
			ss.st.mu.Lock()
			ss.router.SysName, ss.router.SysDescr = in.SysName, in.SysDescr
			ss.st.mu.Unlock()
		}
		return err
	case TypeTermination:
		t, err := ParseTermination(m.Body)
		if err != nil {
			return err
		}
		return fmt.Errorf("%w (reason %d)", errTerminated, t.Reason)
	case TypeStatsReport:
		_, err := ParseStats(m.Body)
		return err
	case TypeRouteMirroring:
		return nil // framed and counted; its content is not routing state
	}
	return fmt.Errorf("%w: unknown message type %d", ErrBadMessage, m.Type)
}

func keyOf(h *PeerHeader) peerKey {
	return peerKey{typ: h.Type, dist: h.Distinguisher, addr: h.Addr}
}

// peerFor returns the state of m's peer, creating it for a peer whose
// Peer Up the station did not see (a Loc-RIB without one, or a session the
// station joined late). The caller holds the lock.
func (ss *session) peerFor(h *PeerHeader) *peer {
	k := keyOf(h)
	p := ss.peers[k]
	if p == nil {
		p = &peer{hdr: *h, views: map[uint8]*view{}}
		ss.peers[k] = p
	}
	return p
}

func (ss *session) peerUp(m *Message) error {
	u, err := ParsePeerUp(&m.Peer, m.Body)
	if err != nil {
		return err
	}
	sent, err := ParseOpen(u.SentOpen)
	if err != nil {
		return fmt.Errorf("peer up: sent OPEN: %w", err)
	}
	recv, err := ParseOpen(u.RecvOpen)
	if err != nil {
		return fmt.Errorf("peer up: received OPEN: %w", err)
	}
	ss.st.mu.Lock()
	defer ss.st.mu.Unlock()
	p := ss.peerFor(&m.Peer)
	// A Peer Up starts a new BGP session: routes kept from an earlier one
	// (whose Peer Down was missed, or that the station joined late) are
	// gone, and the router sends the new session's table.
	ss.withdrawAll(p, peerTime(&m.Peer, time.Now()))
	p.hdr, p.session = m.Peer, Negotiate(sent, recv, m.Peer.AdjRIBOut())
	ss.st.emit(Event{Router: ss.router, Peer: m.Peer, Kind: KindPeerUp, Time: peerTime(&m.Peer, time.Now()),
		Reason: fmt.Sprintf("local %s port %d, remote port %d", u.LocalAddr, u.LocalPort, u.RemotePort)})
	return nil
}

func (ss *session) peerDown(m *Message) error {
	d, err := ParsePeerDown(m.Body)
	reason := d.ReasonText()
	if err != nil {
		reason = "undecodable Peer Down: " + err.Error()
	}
	ss.st.mu.Lock()
	defer ss.st.mu.Unlock()
	k := keyOf(&m.Peer)
	if p := ss.peers[k]; p != nil {
		ss.withdrawAll(p, peerTime(&m.Peer, time.Now()))
		delete(ss.peers, k)
	}
	ss.st.emit(Event{Router: ss.router, Peer: m.Peer, Kind: KindPeerDown, Time: peerTime(&m.Peer, time.Now()), Reason: reason})
	return nil // a damaged Peer Down still ends the peer
}

// withdrawAll empties every table of p, emitting a withdrawal per route.
// The caller holds the lock.
func (ss *session) withdrawAll(p *peer, t time.Time) {
	for _, v := range p.views {
		for _, r := range v.elems() {
			r.Kind, r.Attrs = mrt.KindWithdraw, nil
			r.Time, r.Micro = uint32(t.Unix()), uint32(t.Nanosecond()/1000)
			ss.st.emit(Event{Router: ss.router, Peer: v.hdr, Kind: KindWithdraw, Route: r, Time: t})
		}
		v.clear(&ss.attrs)
	}
}

// end withdraws every peer's routes and reports each peer down, as the
// session is gone. The caller holds the lock.
func (ss *session) end(reason string) {
	now := time.Now().UTC().Truncate(time.Microsecond) // as BMP times are
	keys := make([]peerKey, 0, len(ss.peers))
	for k := range ss.peers {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b peerKey) int { return a.addr.Compare(b.addr) })
	for _, k := range keys {
		p := ss.peers[k]
		ss.withdrawAll(p, now)
		ss.st.emit(Event{Router: ss.router, Peer: p.hdr, Kind: KindPeerDown, Time: now, Reason: reason})
	}
	clear(ss.peers)
}

// routeMonitoring applies one Route Monitoring message to its peer's table.
func (ss *session) routeMonitoring(m *Message) error {
	ss.st.mu.Lock()
	p := ss.peerFor(&m.Peer)
	sess := p.session
	ss.st.mu.Unlock()
	ss.routes = ss.routes[:0]
	upd, err := ss.dec.Routes(m, sess, func(e *mrt.Elem) bool {
		ss.routes = append(ss.routes, *e)
		return true
	})
	if err != nil {
		return err
	}
	ss.st.mu.Lock()
	defer ss.st.mu.Unlock()
	t := peerTime(&m.Peer, time.Now())
	if upd.EndOfRIB {
		ss.st.emit(Event{Router: ss.router, Peer: m.Peer, Kind: KindEndOfRIB, Time: t, Family: upd.Family})
		return nil
	}
	v := p.view(&m.Peer)
	var a *shared
	for i := range ss.routes {
		r := &ss.routes[i]
		ev := Event{Router: ss.router, Peer: m.Peer, Kind: KindWithdraw, Time: t}
		if r.Kind == mrt.KindAnnounce {
			if a == nil {
				a = ss.attrs.get(ss.dec.attrs.Raw, ss.dec.ASSize())
			} else {
				a.refs++
			}
			v.put(&ss.attrs, r, a)
			r.Attrs, ev.Kind = &a.a, KindAnnounce
		} else {
			v.remove(&ss.attrs, r)
			r.Attrs = nil
		}
		ev.Route = *r
		ss.st.emit(ev)
	}
	return nil
}

// view returns the table of the RIB that h's flags select.
func (p *peer) view(h *PeerHeader) *view {
	f := h.Flags & viewFlags
	if h.Type == PeerLocRIB {
		f = 0
	}
	v := p.views[f]
	if v == nil {
		v = &view{hdr: *h, routes: map[routeKey]stored{}}
		p.views[f] = v
	}
	return v
}
