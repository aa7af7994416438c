package bmp

import (
	"encoding/binary"
	"fmt"
	"net/netip"

	"github.com/observatory-net/observatory/internal/bgp"
)

// Information TLV types of Initiation and Peer Up (RFC 7854 §4.4).
const (
	InfoString   = 0
	InfoSysDescr = 1
	InfoSysName  = 2
)

// Termination TLV types (RFC 7854 §4.5).
const (
	TermString = 0
	TermReason = 1
)

// TLV is one information TLV; Value aliases the message.
type TLV struct {
	Type  uint16
	Value []byte
}

// parseTLVs decodes a sequence of type-length-value triples (2, 2, n
// octets), as Initiation, Termination and Peer Up carry them.
func parseTLVs(b []byte) ([]TLV, error) {
	var out []TLV
	for off := 0; off < len(b); {
		if len(b)-off < 4 {
			return out, fmt.Errorf("%w: TLV header at offset %d truncated", ErrBadMessage, off)
		}
		t, l := binary.BigEndian.Uint16(b[off:]), int(binary.BigEndian.Uint16(b[off+2:]))
		if len(b)-off-4 < l {
			return out, fmt.Errorf("%w: TLV type %d at offset %d: length %d overruns %d bytes", ErrBadMessage, t, off, l, len(b)-off-4)
		}
		out = append(out, TLV{Type: t, Value: b[off+4 : off+4+l]})
		off += 4 + l
	}
	return out, nil
}

// Initiation is what a router says about itself when a session starts
// (RFC 7854 §4.3).
type Initiation struct {
	SysName, SysDescr string
	Strings           []string // free-form InfoString TLVs
}

// ParseInitiation decodes the body of an Initiation message.
func ParseInitiation(body []byte) (Initiation, error) {
	tlvs, err := parseTLVs(body)
	if err != nil {
		return Initiation{}, fmt.Errorf("initiation: %w", err)
	}
	var in Initiation
	for _, t := range tlvs {
		switch t.Type {
		case InfoSysName:
			in.SysName = string(t.Value)
		case InfoSysDescr:
			in.SysDescr = string(t.Value)
		case InfoString:
			in.Strings = append(in.Strings, string(t.Value))
		}
	}
	return in, nil
}

// Termination reasons (RFC 7854 §4.5).
const (
	TermAdminClose    = 0
	TermUnspecified   = 1
	TermOutOfRes      = 2
	TermRedundant     = 3
	TermPermAdminDown = 4
)

// Termination is why a router ends the session (RFC 7854 §4.5).
type Termination struct {
	Reason    uint16 // TermAdminClose … ; 0xffff when the TLV is absent
	HasReason bool
	Strings   []string
}

// ParseTermination decodes the body of a Termination message.
func ParseTermination(body []byte) (Termination, error) {
	tlvs, err := parseTLVs(body)
	if err != nil {
		return Termination{}, fmt.Errorf("termination: %w", err)
	}
	var t Termination
	for _, v := range tlvs {
		switch v.Type {
		case TermReason:
			if len(v.Value) != 2 {
				return t, fmt.Errorf("termination: %w: reason of %d bytes", ErrBadMessage, len(v.Value))
			}
			t.Reason, t.HasReason = binary.BigEndian.Uint16(v.Value), true
		case TermString:
			t.Strings = append(t.Strings, string(v.Value))
		}
	}
	return t, nil
}

// PeerUp is a Peer Up Notification (RFC 7854 §4.10): the session's local
// end and the two OPEN messages, whole (with their BGP headers).
type PeerUp struct {
	LocalAddr             netip.Addr
	LocalPort, RemotePort uint16
	SentOpen, RecvOpen    []byte
	Info                  []TLV
}

// ParsePeerUp decodes the body of a Peer Up message whose per-peer header
// is p: the local address is IPv6 when p's V flag is set.
func ParsePeerUp(p *PeerHeader, body []byte) (PeerUp, error) {
	if len(body) < 20 {
		return PeerUp{}, fmt.Errorf("peer up: %w: %d bytes, want at least 20", ErrBadMessage, len(body))
	}
	var u PeerUp
	if p.Type != PeerLocRIB && p.Flags&FlagV != 0 {
		u.LocalAddr = netip.AddrFrom16([16]byte(body[:16]))
	} else {
		u.LocalAddr = netip.AddrFrom4([4]byte(body[12:16]))
	}
	u.LocalPort, u.RemotePort = binary.BigEndian.Uint16(body[16:]), binary.BigEndian.Uint16(body[18:])
	rest := body[20:]
	var err error
	if u.SentOpen, rest, err = splitOpen(rest); err != nil {
		return u, fmt.Errorf("peer up: sent OPEN: %w", err)
	}
	if u.RecvOpen, rest, err = splitOpen(rest); err != nil {
		return u, fmt.Errorf("peer up: received OPEN: %w", err)
	}
	if u.Info, err = parseTLVs(rest); err != nil {
		return u, fmt.Errorf("peer up: %w", err)
	}
	return u, nil
}

// splitOpen takes one whole BGP OPEN message off the front of b.
func splitOpen(b []byte) (msg, rest []byte, err error) {
	typ, body, err := bgp.SplitMessage(b)
	if err != nil {
		return nil, nil, err
	}
	if typ != bgp.MsgOpen {
		return nil, nil, fmt.Errorf("%w: BGP message type %d, want OPEN", ErrBadMessage, typ)
	}
	n := bgp.HeaderLen + len(body)
	return b[:n], b[n:], nil
}

// Peer Down reasons (RFC 7854 §4.9, RFC 9069 §5.2).
const (
	DownLocalNotify    = 1 // local system closed, NOTIFICATION follows
	DownLocalNoNotify  = 2 // local system closed, FSM event code follows
	DownRemoteNotify   = 3 // remote system closed, NOTIFICATION follows
	DownRemoteNoNotify = 4 // remote system closed without data
	DownDeconfigured   = 5 // peer de-configured
	DownLocRIBClosed   = 6 // Loc-RIB instance closed (RFC 9069)
)

// PeerDown is a Peer Down Notification (RFC 7854 §4.9).
type PeerDown struct {
	Reason uint8
	// Notification is the BGP NOTIFICATION (reasons 1 and 3), whole.
	Notification []byte
	// Code and Subcode are the NOTIFICATION's error code and subcode
	// (RFC 4271 §4.5).
	Code, Subcode uint8
	// FSMEvent is the FSM event code of reason 2.
	FSMEvent uint16
}

// ParsePeerDown decodes the body of a Peer Down message.
func ParsePeerDown(body []byte) (PeerDown, error) {
	if len(body) < 1 {
		return PeerDown{}, fmt.Errorf("peer down: %w: no reason", ErrBadMessage)
	}
	d := PeerDown{Reason: body[0]}
	data := body[1:]
	switch d.Reason {
	case DownLocalNotify, DownRemoteNotify:
		typ, n, err := bgp.SplitMessage(data)
		if err != nil {
			return d, fmt.Errorf("peer down reason %d: %w", d.Reason, err)
		}
		if typ != bgp.MsgNotification || len(n) < 2 {
			return d, fmt.Errorf("peer down reason %d: %w: BGP message type %d of %d bytes, want NOTIFICATION", d.Reason, ErrBadMessage, typ, len(n))
		}
		d.Notification, d.Code, d.Subcode = data, n[0], n[1]
	case DownLocalNoNotify:
		if len(data) < 2 {
			return d, fmt.Errorf("peer down reason 2: %w: FSM event code of %d bytes", ErrBadMessage, len(data))
		}
		d.FSMEvent = binary.BigEndian.Uint16(data)
	}
	return d, nil
}

// ReasonText describes a Peer Down reason.
func (d PeerDown) ReasonText() string {
	switch d.Reason {
	case DownLocalNotify:
		return "local system closed the session with a NOTIFICATION " + d.notification()
	case DownLocalNoNotify:
		return fmt.Sprintf("local system closed the session (FSM event %d)", d.FSMEvent)
	case DownRemoteNotify:
		return "remote system closed the session with a NOTIFICATION " + d.notification()
	case DownRemoteNoNotify:
		return "remote system closed the session without a NOTIFICATION"
	case DownDeconfigured:
		return "peer de-configured"
	case DownLocRIBClosed:
		return "Loc-RIB instance closed"
	}
	return fmt.Sprintf("reason %d", d.Reason)
}

// Stat is one counter or gauge of a Statistics Report (RFC 7854 §4.8).
// Value holds 32-bit counters and 64-bit gauges alike; per-AFI/SAFI gauges
// (types 9 and 10, RFC 8671 types 16-17) keep their AFI and SAFI.
type Stat struct {
	Type  uint16
	AFI   bgp.AFI
	SAFI  bgp.SAFI
	Value uint64
	Raw   []byte
}

// ParseStats decodes the body of a Statistics Report.
func ParseStats(body []byte) ([]Stat, error) {
	if len(body) < 4 {
		return nil, fmt.Errorf("statistics report: %w: %d bytes, want a count", ErrBadMessage, len(body))
	}
	n := binary.BigEndian.Uint32(body)
	b := body[4:]
	out := make([]Stat, 0, min(n, uint32(len(b)/4)))
	for i := range n {
		if len(b) < 4 {
			return out, fmt.Errorf("statistics report: %w: stat %d of %d: header truncated", ErrBadMessage, i, n)
		}
		t, l := binary.BigEndian.Uint16(b), int(binary.BigEndian.Uint16(b[2:]))
		if len(b)-4 < l {
			return out, fmt.Errorf("statistics report: %w: stat %d type %d: length %d overruns %d bytes", ErrBadMessage, i, t, l, len(b)-4)
		}
		out = append(out, statValue(t, b[4:4+l]))
		b = b[4+l:]
	}
	return out, nil
}

func statValue(t uint16, v []byte) Stat {
	s := Stat{Type: t, Raw: v}
	switch len(v) {
	case 4:
		s.Value = uint64(binary.BigEndian.Uint32(v))
	case 8:
		s.Value = binary.BigEndian.Uint64(v)
	case 11: // AFI (2), SAFI (1), 64-bit gauge
		s.AFI, s.SAFI, s.Value = bgp.AFI(binary.BigEndian.Uint16(v)), bgp.SAFI(v[2]), binary.BigEndian.Uint64(v[3:])
	}
	return s
}

// notification names a NOTIFICATION's code (RFC 4271 §4.5) and subcode.
func (d PeerDown) notification() string {
	names := [...]string{1: "Message Header Error", 2: "OPEN Message Error", 3: "UPDATE Message Error",
		4: "Hold Timer Expired", 5: "Finite State Machine Error", 6: "Cease", 7: "ROUTE-REFRESH Message Error"}
	name := fmt.Sprintf("code %d", d.Code)
	if int(d.Code) < len(names) && names[d.Code] != "" {
		name = names[d.Code]
	}
	return fmt.Sprintf("(%s, subcode %d)", name, d.Subcode)
}
