package bmp

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"

	"github.com/observatory-net/observatory/internal/bgp"
)

// Version is the BMP version this package speaks (RFC 7854 §4.1).
const Version = 3

// Type is a BMP message type (RFC 7854 §4.1).
type Type uint8

// BMP message types.
const (
	TypeRouteMonitoring Type = 0
	TypeStatsReport     Type = 1
	TypePeerDown        Type = 2
	TypePeerUp          Type = 3
	TypeInitiation      Type = 4
	TypeTermination     Type = 5
	TypeRouteMirroring  Type = 6
)

// String names the message type as RFC 7854 does.
func (t Type) String() string {
	switch t {
	case TypeRouteMonitoring:
		return "Route Monitoring"
	case TypeStatsReport:
		return "Statistics Report"
	case TypePeerDown:
		return "Peer Down Notification"
	case TypePeerUp:
		return "Peer Up Notification"
	case TypeInitiation:
		return "Initiation"
	case TypeTermination:
		return "Termination"
	case TypeRouteMirroring:
		return "Route Mirroring"
	}
	return fmt.Sprintf("type %d", uint8(t))
}

// hasPeerHeader reports whether messages of type t carry a per-peer header.
func (t Type) hasPeerHeader() bool {
	return t <= TypePeerUp || t == TypeRouteMirroring
}

// Sizes of the fixed headers (RFC 7854 §4.1, §4.2).
const (
	HeaderLen     = 6
	PeerHeaderLen = 42
)

// MaxMessageLen bounds a message. A BMP message holds at most one BGP
// message (65,535 octets with RFC 8654) plus headers and TLVs, or two OPENs
// and TLVs; a larger length field means broken framing.
const MaxMessageLen = 1 << 20

// Errors callers branch on.
var (
	// ErrBadMessage reports a malformed BMP message.
	ErrBadMessage = errors.New("malformed BMP message")
	// ErrVersion reports a common header of another version than 3: the
	// stream cannot be framed.
	ErrVersion = errors.New("unsupported BMP version")
)

// Header is the common header (RFC 7854 §4.1).
type Header struct {
	Version uint8
	Length  uint32 // of the whole message, header included
	Type    Type
}

// ParseHeader decodes the 6-octet common header at the start of b and
// checks that its version is 3 and its length plausible.
func ParseHeader(b []byte) (Header, error) {
	if len(b) < HeaderLen {
		return Header{}, fmt.Errorf("%w: %d bytes, shorter than the common header", ErrBadMessage, len(b))
	}
	h := Header{Version: b[0], Length: binary.BigEndian.Uint32(b[1:]), Type: Type(b[5])}
	if h.Version != Version {
		return h, fmt.Errorf("%w %d", ErrVersion, h.Version)
	}
	if h.Length < HeaderLen || h.Length > MaxMessageLen {
		return h, fmt.Errorf("%w: length field %d", ErrBadMessage, h.Length)
	}
	return h, nil
}

// PeerType says which RIB a per-peer header describes (RFC 7854 §4.2,
// RFC 9069 §4.1).
type PeerType uint8

// Peer types.
const (
	PeerGlobal PeerType = 0 // global instance peer
	PeerRD     PeerType = 1 // RD instance peer (L3VPN)
	PeerLocal  PeerType = 2 // local instance peer
	PeerLocRIB PeerType = 3 // the router's own Loc-RIB (RFC 9069)
)

// String names the peer type.
func (t PeerType) String() string {
	switch t {
	case PeerGlobal:
		return "global"
	case PeerRD:
		return "rd"
	case PeerLocal:
		return "local"
	case PeerLocRIB:
		return "loc-rib"
	}
	return fmt.Sprintf("peer-type-%d", uint8(t))
}

// Per-peer header flags (RFC 7854 §4.2, RFC 8671 §4, RFC 9069 §4.2).
const (
	FlagV = 0x80 // the peer address is IPv6 (peer types 0-2)
	FlagL = 0x40 // post-policy Adj-RIB-In (pre-policy when clear)
	FlagA = 0x20 // the AS_PATH uses legacy 2-octet ASNs
	FlagO = 0x10 // Adj-RIB-Out (RFC 8671) rather than Adj-RIB-In
	FlagF = 0x80 // Loc-RIB only: the table is filtered (RFC 9069)
)

// PeerHeader is the per-peer header (RFC 7854 §4.2).
type PeerHeader struct {
	Type          PeerType
	Flags         uint8
	Distinguisher uint64     // route distinguisher or local instance id
	Addr          netip.Addr // peer address; unspecified for Loc-RIB
	AS            bgp.ASN
	BGPID         netip.Addr
	Sec, Micro    uint32 // when the router saw the event; 0 if unknown
}

// PostPolicy reports flag L: the routes are after inbound policy.
func (p *PeerHeader) PostPolicy() bool { return p.Type != PeerLocRIB && p.Flags&FlagL != 0 }

// AdjRIBOut reports flag O (RFC 8671): the routes are those sent to the peer.
func (p *PeerHeader) AdjRIBOut() bool { return p.Type != PeerLocRIB && p.Flags&FlagO != 0 }

// AS2 reports flag A: AS_PATHs use 2-octet ASNs.
func (p *PeerHeader) AS2() bool { return p.Type != PeerLocRIB && p.Flags&FlagA != 0 }

// parsePeerHeader decodes the 42-octet per-peer header.
func parsePeerHeader(b []byte) (PeerHeader, error) {
	if len(b) < PeerHeaderLen {
		return PeerHeader{}, fmt.Errorf("%w: per-peer header of %d bytes, want %d", ErrBadMessage, len(b), PeerHeaderLen)
	}
	p := PeerHeader{
		Type:          PeerType(b[0]),
		Flags:         b[1],
		Distinguisher: binary.BigEndian.Uint64(b[2:]),
		AS:            bgp.ASN(binary.BigEndian.Uint32(b[26:])),
		BGPID:         netip.AddrFrom4([4]byte(b[30:34])),
		Sec:           binary.BigEndian.Uint32(b[34:]),
		Micro:         binary.BigEndian.Uint32(b[38:]),
	}
	// The address field is 16 octets; an IPv4 peer's address is in the
	// last 4 (RFC 7854 §4.2). Loc-RIB has no V flag: its address is zero.
	if p.Type != PeerLocRIB && p.Flags&FlagV != 0 {
		p.Addr = netip.AddrFrom16([16]byte(b[10:26]))
	} else {
		p.Addr = netip.AddrFrom4([4]byte(b[22:26]))
	}
	return p, nil
}

// Message is one framed BMP message. Body is what follows the common
// header and, for the types that have one, the per-peer header; it aliases
// the buffer given to Split.
type Message struct {
	Header
	Peer PeerHeader // types 0-3 and 6
	Body []byte
}

// Split frames the message at the start of b: it checks the common header,
// decodes the per-peer header when the type has one, and returns the rest
// as Body. b may hold more bytes than the message; they are ignored.
func Split(b []byte) (Message, error) {
	h, err := ParseHeader(b)
	if err != nil {
		return Message{}, err
	}
	if int64(len(b)) < int64(h.Length) {
		return Message{}, fmt.Errorf("%w: length field %d, %d bytes available", ErrBadMessage, h.Length, len(b))
	}
	m := Message{Header: h, Body: b[HeaderLen:h.Length]}
	if h.Type.hasPeerHeader() {
		if m.Peer, err = parsePeerHeader(m.Body); err != nil {
			return Message{}, fmt.Errorf("%s: %w", h.Type, err)
		}
		m.Body = m.Body[PeerHeaderLen:]
	}
	return m, nil
}
