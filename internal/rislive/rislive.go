// Package rislive reads and writes RIPE RIS Live messages
// (https://ris-live.ripe.net/manual/), one JSON object a line as a
// websocket client receives them or a file replays them: UPDATE messages
// become announcements and withdrawals, RIS_PEER_STATE "down" a session
// leaving Established, all as the MRT reader's elements (mrt.Elem), so
// that a RIS Live feed goes through the same classification as a dump.
package rislive

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/netip"
	"strconv"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/mrt"
)

// Message is one RIS Live message: {"type": "ris_message", "data": {…}}.
type Message struct {
	Type string `json:"type"`
	Data Data   `json:"data"`
}

// Data is a ris_message's body. Path holds ASNs, and arrays of ASNs for
// AS_SETs; PeerASN is a string, as RIS Live sends it.
type Data struct {
	Timestamp     float64        `json:"timestamp"`
	Peer          string         `json:"peer"`
	PeerASN       string         `json:"peer_asn"`
	ID            string         `json:"id,omitempty"`
	Host          string         `json:"host"`
	Type          string         `json:"type"`
	Path          []any          `json:"path,omitempty"`
	Origin        string         `json:"origin,omitempty"`
	Announcements []Announcement `json:"announcements,omitempty"`
	Withdrawals   []string       `json:"withdrawals,omitempty"`
	State         string         `json:"state,omitempty"`
}

// Announcement is the prefixes announced with one next hop.
type Announcement struct {
	NextHop  string   `json:"next_hop"`
	Prefixes []string `json:"prefixes"`
}

// MaxLine bounds one message, in bytes.
const MaxLine = 4 << 20

// The BGP FSM states RIS_PEER_STATE maps to (RFC 4271 §8.2.2, as MRT
// STATE_CHANGE records number them).
const (
	stateIdle        = 1
	stateEstablished = 6
)

// Reader reads messages one a line and yields their elements.
type Reader struct {
	sc     *bufio.Scanner
	name   string
	line   int64
	offset int64 // of the next line
	// Host is the collector of the last message read.
	Host string
}

// NewReader reads r, named name in errors.
func NewReader(r io.Reader, name string) *Reader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLine)
	return &Reader{sc: sc, name: name}
}

// Next returns the elements of the next message that has any (other
// message types and BGP messages are skipped), or io.EOF. Errors name the
// file, the line and its byte offset.
func (r *Reader) Next() ([]mrt.Elem, error) {
	for r.sc.Scan() {
		b := r.sc.Bytes()
		r.line++
		start := r.offset
		r.offset += int64(len(b)) + 1
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		var m Message
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, inputerr.New(r.name, r.line, start, fmt.Errorf("not a RIS Live message: %w", err))
		}
		if m.Type != "ris_message" {
			continue
		}
		es, err := Elems(&m.Data, r.line)
		if err != nil {
			return nil, inputerr.New(r.name, r.line, start, err)
		}
		r.Host = m.Data.Host
		if len(es) > 0 {
			return es, nil
		}
	}
	if err := r.sc.Err(); err != nil {
		return nil, inputerr.New(r.name, r.line+1, r.offset, fmt.Errorf("read: %w", err))
	}
	return nil, io.EOF
}

// Elems converts one message's body: an UPDATE's announcements (each
// with the path) and withdrawals, a RIS_PEER_STATE "down" as a state
// change from Established to Idle; nil for the rest. record numbers the
// elements (mrt.Elem.Record).
func Elems(d *Data, record int64) ([]mrt.Elem, error) {
	base, err := header(d, record)
	if err != nil {
		return nil, err
	}
	switch d.Type {
	case "UPDATE":
		return updateElems(d, base)
	case "RIS_PEER_STATE":
		if d.State == "down" {
			e := base
			e.Kind, e.OldState, e.NewState = mrt.KindState, stateEstablished, stateIdle
			return []mrt.Elem{e}, nil
		}
	}
	return nil, nil
}

// header is the element fields every element of d shares.
func header(d *Data, record int64) (mrt.Elem, error) {
	var e mrt.Elem
	if d.Timestamp < 0 || d.Timestamp >= math.MaxUint32 || math.IsNaN(d.Timestamp) {
		return e, fmt.Errorf("timestamp %v out of range", d.Timestamp)
	}
	sec, frac := math.Modf(d.Timestamp)
	e.Time, e.Micro = uint32(sec), uint32(math.Round(frac*1e6))
	if e.Micro >= 1e6 { // rounding up to the next second
		e.Time, e.Micro = e.Time+1, 0
	}
	ip, err := netip.ParseAddr(d.Peer)
	if err != nil {
		return e, fmt.Errorf("peer %q: %w", d.Peer, err)
	}
	as, err := strconv.ParseUint(d.PeerASN, 10, 32)
	if err != nil {
		return e, fmt.Errorf("peer_asn %q: want a number", d.PeerASN)
	}
	e.PeerIP, e.PeerAS, e.Record = ip.Unmap(), bgp.ASN(as), record
	return e, nil
}

func updateElems(d *Data, base mrt.Elem) ([]mrt.Elem, error) {
	var out []mrt.Elem
	for _, w := range d.Withdrawals {
		p, err := prefix(w)
		if err != nil {
			return nil, err
		}
		e := base
		e.Kind, e.Prefix = mrt.KindWithdraw, p
		out = append(out, e)
	}
	if len(d.Announcements) == 0 {
		return out, nil
	}
	path, err := parsePath(d.Path)
	if err != nil {
		return nil, err
	}
	attrs := &bgp.Attrs{Path: path}
	for _, a := range d.Announcements {
		for _, s := range a.Prefixes {
			p, err := prefix(s)
			if err != nil {
				return nil, err
			}
			e := base
			e.Kind, e.Prefix, e.Attrs = mrt.KindAnnounce, p, attrs
			out = append(out, e)
		}
	}
	return out, nil
}

func prefix(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return p, fmt.Errorf("prefix %q: %w", s, err)
	}
	return p.Masked(), nil
}

// errPath reports a path that is neither ASNs nor arrays of them.
var errPath = errors.New("path: want ASNs, and arrays of ASNs for AS_SETs")

// parsePath reads a RIS Live path: runs of ASNs are AS_SEQUENCEs, an
// array an AS_SET.
func parsePath(hops []any) (bgp.Path, error) {
	var p bgp.Path
	seq := -1 // index of the open AS_SEQUENCE segment
	for _, h := range hops {
		switch v := h.(type) {
		case float64:
			a, ok := asn(v)
			if !ok {
				return p, errPath
			}
			if seq < 0 {
				p.Segs = append(p.Segs, bgp.Segment{Type: bgp.SegSequence, Start: int32(len(p.ASNs))})
				seq = len(p.Segs) - 1
			}
			p.ASNs = append(p.ASNs, a)
			p.Segs[seq].End = int32(len(p.ASNs))
		case []any:
			seg := bgp.Segment{Type: bgp.SegSet, Start: int32(len(p.ASNs))}
			for _, x := range v {
				f, ok := x.(float64)
				a, okASN := asn(f)
				if !ok || !okASN {
					return p, errPath
				}
				p.ASNs = append(p.ASNs, a)
			}
			seg.End = int32(len(p.ASNs))
			p.Segs = append(p.Segs, seg)
			seq = -1
		default:
			return p, errPath
		}
	}
	return p, nil
}

func asn(f float64) (bgp.ASN, bool) {
	if f < 0 || f > math.MaxUint32 || f != math.Trunc(f) {
		return 0, false
	}
	return bgp.ASN(f), true
}
