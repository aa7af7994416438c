package rtr

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"time"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/rpki"
)

// runner is the state of a Client across connections, owned by Run or
// Fetch.
type runner struct {
	c       *Client
	log     *slog.Logger
	version Version
	// negotiated is set once the cache answered on this connection: from
	// then on, RFC 8210 §7, PDUs of another version are errors.
	negotiated bool
	data       dataSet
	have       bool // session and serial are known: Serial Query possible
	state      State
	snap       *rpki.Snapshot
	once       bool
	synced     bool // the last session reached End of Data

	timeout, minBackoff, maxBackoff time.Duration
}

// conn is one connection's state.
type conn struct {
	nc    net.Conn
	rd    *Reader
	wbuf  []byte
	delta *delta // non-nil between Cache Response and End of Data
	// waiting is set from a query until its answer starts.
	waiting bool
	reset   bool // the query awaited is a Reset Query
	pdu     PDU
}

// session runs one connection until it fails, ctx ends or (Fetch) the
// first End of Data.
func (r *runner) session(ctx context.Context) error {
	// Each connection negotiates anew (RFC 8210 §7), from the version
	// the last one settled on.
	r.synced, r.negotiated = false, false
	nc, err := r.dial(ctx)
	if err != nil {
		return fmt.Errorf("rtr: connect to %s: %w", r.c.Addr, err)
	}
	defer nc.Close()
	stop := context.AfterFunc(ctx, func() { nc.Close() })
	defer stop()
	s := &conn{nc: nc, rd: NewReader(nc)}
	r.log.Info("rtr: connected", "addr", r.c.Addr, "version", r.version, "serial_query", r.have)
	if err := r.query(s); err != nil {
		return err
	}
	for {
		err := r.step(s)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			return err
		}
	}
}

func (r *runner) dial(ctx context.Context) (net.Conn, error) {
	if r.c.Dial != nil {
		return r.c.Dial(ctx, "tcp", r.c.Addr)
	}
	d := net.Dialer{Timeout: r.timeout}
	return d.DialContext(ctx, "tcp", r.c.Addr)
}

// query sends a Serial Query when the session and serial are known, a
// Reset Query otherwise (RFC 8210 §8.1, §8.2).
func (r *runner) query(s *conn) error {
	p := PDU{Version: r.version, Type: TypeResetQuery}
	if r.have {
		p = PDU{Version: r.version, Type: TypeSerialQuery, Session: r.state.Session, Serial: r.state.Serial}
	}
	s.waiting, s.reset = true, !r.have
	return r.send(s, &p)
}

func (r *runner) send(s *conn, p *PDU) error {
	var err error
	if s.wbuf, err = p.AppendBinary(s.wbuf[:0]); err != nil {
		return err
	}
	s.nc.SetWriteDeadline(time.Now().Add(r.timeout))
	if _, err := s.nc.Write(s.wbuf); err != nil {
		return fmt.Errorf("rtr: send %s: %w", p.Type, err)
	}
	return nil
}

// step reads and handles one PDU, or sends a Serial Query when the
// refresh interval passes without one.
func (r *runner) step(s *conn) error {
	busy := s.waiting || s.delta != nil
	deadline := time.Now().Add(r.timeout)
	if !busy {
		deadline = r.state.Updated.Add(r.refresh())
	}
	s.nc.SetReadDeadline(deadline)
	err := s.rd.Next(&s.pdu)
	switch {
	case err == nil:
		return r.handle(s, &s.pdu)
	case errors.Is(err, os.ErrDeadlineExceeded):
		if busy {
			return fmt.Errorf("rtr: no answer from the cache within %s", r.timeout)
		}
		r.log.Debug("rtr: refresh interval passed", "serial", r.state.Serial)
		return r.query(s)
	}
	var de *DecodeError
	switch {
	case errors.As(err, &de):
		r.reportError(s, Code(err), s.rd.Raw(), err.Error())
	case err == io.EOF:
		return errors.New("rtr: the cache closed the connection")
	case err == io.ErrUnexpectedEOF:
		return fmt.Errorf("rtr: the cache closed the connection inside the PDU at offset %d", s.rd.Offset())
	}
	return err
}

func (r *runner) refresh() time.Duration {
	if r.c.Refresh > 0 {
		return r.c.Refresh
	}
	return max(r.state.Refresh, time.Second) // RFC 8210 §6: at least 1 s
}

// reportError sends an Error Report (RFC 8210 §5.11) before the session
// is dropped; a failure to send it changes nothing, so it is only logged.
func (r *runner) reportError(s *conn, code ErrorCode, raw []byte, text string) {
	if len(raw) > MaxPDULen/2 {
		raw = raw[:HeaderLen]
	}
	p := PDU{Version: r.version, Type: TypeErrorReport, Code: code, Data: raw, Text: []byte(text)}
	r.log.Warn("rtr: sending error report", "addr", r.c.Addr, "code", code, "text", text)
	if err := r.send(s, &p); err != nil {
		r.log.Debug("rtr: error report not sent", "err", err)
	}
}

// fail reports a protocol violation to the cache and returns it.
func (r *runner) fail(s *conn, code ErrorCode, format string, args ...any) error {
	text := fmt.Sprintf(format, args...)
	r.reportError(s, code, s.rd.Raw(), text)
	return fmt.Errorf("rtr: %s at offset %d: %s", code, s.rd.rawOff, text)
}

// handle processes one PDU from the cache.
func (r *runner) handle(s *conn, p *PDU) error {
	if p.Type == TypeErrorReport {
		return r.errorReport(p)
	}
	if err := r.checkVersion(s, p); err != nil {
		return err
	}
	switch p.Type {
	case TypeSerialNotify:
		return r.serialNotify(s, p)
	case TypeCacheResponse:
		return r.cacheResponse(s, p)
	case TypeIPv4Prefix, TypeIPv6Prefix, TypeASPA, TypeRouterKey:
		return r.record(s, p)
	case TypeEndOfData:
		return r.endOfData(s, p)
	case TypeCacheReset:
		// RFC 8210 §5.9: the cache cannot serve a delta from our serial.
		r.log.Info("rtr: cache reset", "addr", r.c.Addr, "serial", r.state.Serial)
		s.delta, r.have = nil, false
		return r.query(s)
	}
	return r.fail(s, CodeInvalidRequest, "unexpected %s from the cache", p.Type)
}

// checkVersion enforces RFC 8210 §7: the first answer may come in a lower
// version, which the session then uses; after that every PDU must carry
// the session's version.
func (r *runner) checkVersion(s *conn, p *PDU) error {
	if p.Version == r.version {
		r.negotiated = true
		return nil
	}
	if !r.negotiated && p.Version < r.version {
		r.log.Info("rtr: cache answered in a lower version", "addr", r.c.Addr, "offered", r.version, "version", p.Version)
		r.version, r.negotiated = p.Version, true
		return nil
	}
	return r.fail(s, CodeUnexpectedVersion, "%s of version %d in a version %d session", p.Type, p.Version, r.version)
}

// errorReport handles an Error Report from the cache, which is never
// answered with one (RFC 8210 §5.11).
func (r *runner) errorReport(p *PDU) error {
	r.log.Warn("rtr: error report from the cache", "addr", r.c.Addr, "code", p.Code, "text", string(p.Text), "version", p.Version)
	if p.Code == CodeUnsupportedVersion && !r.negotiated && r.version > Version0 {
		r.log.Info("rtr: downgrading", "addr", r.c.Addr, "from", r.version, "to", r.version-1)
		r.version--
		return errDowngrade
	}
	return fmt.Errorf("rtr: cache reported %s: %q", p.Code, p.Text)
}

// serialNotify asks for the new serial when idle; during a transfer the
// notification is moot, as the End of Data to come tells the serial.
func (r *runner) serialNotify(s *conn, p *PDU) error {
	if s.waiting || s.delta != nil || !r.have {
		return nil
	}
	if p.Session != r.state.Session {
		r.log.Info("rtr: serial notify of another session", "addr", r.c.Addr, "session", p.Session, "ours", r.state.Session)
		r.have = false
		return r.query(s)
	}
	if p.Serial == r.state.Serial {
		return nil
	}
	return r.query(s)
}

// cacheResponse starts a transfer (RFC 8210 §5.5).
func (r *runner) cacheResponse(s *conn, p *PDU) error {
	if !s.waiting {
		return r.fail(s, CodeCorruptData, "Cache Response without a query")
	}
	if !s.reset && p.Session != r.state.Session {
		// The cache restarted with a new session: start over.
		r.log.Info("rtr: session changed", "addr", r.c.Addr, "session", p.Session, "ours", r.state.Session)
		r.have = false
		return fmt.Errorf("rtr: cache answered a Serial Query for session %d with session %d", r.state.Session, p.Session)
	}
	s.waiting = false
	s.delta = newDelta(s.reset)
	s.delta.session = p.Session
	s.delta.start = time.Now()
	return nil
}

// record applies a prefix or ASPA PDU to the transfer's delta; router
// keys are not kept.
func (r *runner) record(s *conn, p *PDU) error {
	if s.delta == nil {
		return r.fail(s, CodeCorruptData, "%s outside a transfer", p.Type)
	}
	var err error
	switch p.Type {
	case TypeIPv4Prefix, TypeIPv6Prefix:
		err = s.delta.prefix(r.data, p)
	case TypeASPA:
		err = s.delta.aspa(r.data, p)
	}
	var pe *protocolError
	if errors.As(err, &pe) {
		return r.fail(s, pe.code, "%s", pe.msg)
	}
	return err
}

// endOfData commits the transfer and publishes its snapshot.
func (r *runner) endOfData(s *conn, p *PDU) error {
	if s.delta == nil {
		return r.fail(s, CodeCorruptData, "End of Data outside a transfer")
	}
	if p.Session != s.delta.session {
		return r.fail(s, CodeCorruptData, "End of Data of session %d in a transfer of session %d", p.Session, s.delta.session)
	}
	d := s.delta
	s.delta = nil
	added, removed, aspas, err := d.commit(&r.data)
	var pe *protocolError
	if errors.As(err, &pe) {
		return r.fail(s, pe.code, "%s", pe.msg)
	}
	if d.reset || len(added)+len(removed)+len(aspas) > 0 || r.snap == nil {
		snap, err := r.data.snapshot()
		if err != nil {
			return fmt.Errorf("rtr: index the data of serial %d: %w", p.Serial, err)
		}
		r.snap = snap
	}
	r.state = State{Session: p.Session, Serial: p.Serial, Version: r.version, Updated: time.Now(),
		Refresh: defaultRefresh, Retry: defaultRetry, Expire: defaultExpire}
	if p.Version > Version0 {
		r.state.Refresh = time.Duration(p.Refresh) * time.Second
		r.state.Retry = time.Duration(p.Retry) * time.Second
		r.state.Expire = time.Duration(p.Expire) * time.Second
	}
	r.have, r.synced = true, true
	r.c.cur.Store(&published{snap: r.snap, state: r.state})
	r.log.Info("rtr: updated", "addr", r.c.Addr, "session", p.Session, "serial", p.Serial, "reset", d.reset,
		"vrps", r.snap.Len(), "aspas", r.snap.NumASPAs(), "added", len(added), "removed", len(removed),
		"aspas_changed", len(aspas), "elapsed", time.Since(d.start))
	if r.c.OnUpdate != nil {
		r.c.OnUpdate(Update{State: r.state, Snapshot: r.snap, Reset: d.reset, Added: added, Removed: removed, ASPAs: aspas})
	}
	if r.once {
		return errDone
	}
	return nil
}

// expire drops data older than the expire interval (RFC 8210 §6).
func (r *runner) expire() {
	r.log.Warn("rtr: data expired", "addr", r.c.Addr, "serial", r.state.Serial, "updated", r.state.Updated, "expire", r.state.Expire)
	removed := r.data.vrps
	var aspas []bgp.ASN
	for a := range r.snap.ASPAs() {
		aspas = append(aspas, a.Customer)
	}
	r.data, r.snap, r.have = newDataSet(), nil, false
	state := State{Version: r.version, Refresh: r.state.Refresh, Retry: r.state.Retry, Expire: r.state.Expire}
	r.c.cur.Store(&published{state: state})
	if r.c.OnUpdate != nil {
		r.c.OnUpdate(Update{State: state, Reset: true, Removed: removed, ASPAs: aspas})
	}
}
