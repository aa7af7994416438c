// Package bmptest writes BMP messages (RFC 7854, RFC 9069) for tests, fuzz
// seeds and benchmarks, and plays them to a station as a scripted router
// would: whole, split at any byte, or cut off in the middle.
package bmptest

import (
	"encoding/binary"
	"net"
	"net/netip"
	"time"
)

// Message types (RFC 7854 §4.1).
const (
	TypeRouteMonitoring = 0
	TypeStatsReport     = 1
	TypePeerDown        = 2
	TypePeerUp          = 3
	TypeInitiation      = 4
	TypeTermination     = 5
	TypeRouteMirroring  = 6
)

// Peer is what a per-peer header says (RFC 7854 §4.2).
type Peer struct {
	Type          uint8 // 0 global, 1 RD, 2 local, 3 Loc-RIB
	Flags         uint8 // V 0x80 is set from Addr; L 0x40, A 0x20, O 0x10
	Distinguisher uint64
	Addr          netip.Addr
	AS            uint32
	BGPID         netip.Addr
	Sec, Micro    uint32
}

// Message frames body (without the common header) as a BMP message.
func Message(typ uint8, body []byte) []byte {
	b := []byte{3, 0, 0, 0, 0, typ}
	binary.BigEndian.PutUint32(b[1:], uint32(6+len(body)))
	return append(b, body...)
}

// PeerHeader encodes the 42-octet per-peer header.
func PeerHeader(p Peer) []byte {
	flags := p.Flags
	if p.Addr.Is6() && p.Type != 3 {
		flags |= 0x80
	}
	b := []byte{p.Type, flags}
	b = binary.BigEndian.AppendUint64(b, p.Distinguisher)
	var a [16]byte
	if p.Addr.Is4() {
		v4 := p.Addr.As4()
		copy(a[12:], v4[:])
	} else if p.Addr.Is6() {
		a = p.Addr.As16()
	}
	b = append(b, a[:]...)
	b = binary.BigEndian.AppendUint32(b, p.AS)
	id := [4]byte{}
	if p.BGPID.Is4() {
		id = p.BGPID.As4()
	}
	b = append(b, id[:]...)
	b = binary.BigEndian.AppendUint32(b, p.Sec)
	return binary.BigEndian.AppendUint32(b, p.Micro)
}

// TLV encodes an information TLV (RFC 7854 §4.4).
func TLV(typ uint16, value []byte) []byte {
	b := binary.BigEndian.AppendUint16(nil, typ)
	b = binary.BigEndian.AppendUint16(b, uint16(len(value)))
	return append(b, value...)
}

// Initiation builds an Initiation message with sysDescr and sysName.
func Initiation(sysName, sysDescr string) []byte {
	return Message(TypeInitiation, append(TLV(1, []byte(sysDescr)), TLV(2, []byte(sysName))...))
}

// Termination builds a Termination message with a reason code.
func Termination(reason uint16) []byte {
	return Message(TypeTermination, TLV(1, binary.BigEndian.AppendUint16(nil, reason)))
}

// RouteMonitoring wraps a whole BGP UPDATE (with its 19-octet header, e.g.
// from mrttest.Update) for peer p.
func RouteMonitoring(p Peer, update []byte) []byte {
	return Message(TypeRouteMonitoring, append(PeerHeader(p), update...))
}

// Capability is one BGP capability (RFC 5492).
type Capability struct {
	Code  uint8
	Value []byte
}

// AS4 is the 4-octet AS capability (RFC 6793).
func AS4(as uint32) Capability {
	return Capability{65, binary.BigEndian.AppendUint32(nil, as)}
}

// AddPath is an ADD-PATH capability for one family (RFC 7911); sendReceive
// is 1 receive, 2 send, 3 both.
func AddPath(afi uint16, safi, sendReceive uint8) Capability {
	return Capability{69, append(binary.BigEndian.AppendUint16(nil, afi), safi, sendReceive)}
}

// Open builds a whole BGP OPEN message (RFC 4271 §4.2) with the
// capabilities in one optional parameter.
func Open(as uint16, bgpID netip.Addr, caps ...Capability) []byte {
	var cb []byte
	for _, c := range caps {
		cb = append(cb, c.Code, byte(len(c.Value)))
		cb = append(cb, c.Value...)
	}
	id := bgpID.As4()
	body := []byte{4}
	body = binary.BigEndian.AppendUint16(body, as)
	body = binary.BigEndian.AppendUint16(body, 90)
	body = append(body, id[:]...)
	if len(cb) > 0 {
		body = append(body, byte(2+len(cb)), 2, byte(len(cb)))
		body = append(body, cb...)
	} else {
		body = append(body, 0)
	}
	return bgpMessage(1, body)
}

// Notification builds a BGP NOTIFICATION with the given code and subcode.
func Notification(code, subcode uint8) []byte { return bgpMessage(3, []byte{code, subcode}) }

func bgpMessage(typ uint8, body []byte) []byte {
	b := make([]byte, 16, 19+len(body))
	for i := range b {
		b[i] = 0xff
	}
	b = binary.BigEndian.AppendUint16(b, uint16(19+len(body)))
	b = append(b, typ)
	return append(b, body...)
}

// PeerUp builds a Peer Up Notification for p with the OPENs sent and
// received by the monitored router.
func PeerUp(p Peer, local netip.Addr, localPort, remotePort uint16, sentOpen, recvOpen []byte) []byte {
	b := PeerHeader(p)
	var a [16]byte
	if local.Is4() {
		v4 := local.As4()
		copy(a[12:], v4[:])
	} else if local.Is6() {
		a = local.As16()
	}
	b = append(b, a[:]...)
	b = binary.BigEndian.AppendUint16(b, localPort)
	b = binary.BigEndian.AppendUint16(b, remotePort)
	b = append(b, sentOpen...)
	b = append(b, recvOpen...)
	return Message(TypePeerUp, b)
}

// PeerDown builds a Peer Down Notification with a reason and its data (a
// NOTIFICATION for reasons 1 and 3, a 2-octet FSM event for reason 2).
func PeerDown(p Peer, reason uint8, data []byte) []byte {
	b := append(PeerHeader(p), reason)
	return Message(TypePeerDown, append(b, data...))
}

// Stat is one statistic of a Statistics Report.
type Stat struct {
	Type  uint16
	Value []byte
}

// Counter32 and Gauge64 encode statistic values (RFC 7854 §4.8).
func Counter32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

// Gauge64 encodes a 64-bit gauge.
func Gauge64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

// StatsReport builds a Statistics Report.
func StatsReport(p Peer, stats ...Stat) []byte {
	b := binary.BigEndian.AppendUint32(PeerHeader(p), uint32(len(stats)))
	for _, s := range stats {
		b = append(b, TLV(s.Type, s.Value)...)
	}
	return Message(TypeStatsReport, b)
}

// RouteMirroring builds a Route Mirroring message holding a BGP message
// (TLV type 0).
func RouteMirroring(p Peer, bgpMsg []byte) []byte {
	return Message(TypeRouteMirroring, append(PeerHeader(p), TLV(0, bgpMsg)...))
}

// Client is a scripted router: a TCP connection to a station.
type Client struct {
	Conn net.Conn
}

// Dial connects to a station.
func Dial(addr string) (*Client, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	return &Client{Conn: c}, nil
}

// Send writes messages, each whole.
func (c *Client) Send(msgs ...[]byte) error {
	for _, m := range msgs {
		if _, err := c.Conn.Write(m); err != nil {
			return err
		}
	}
	return nil
}

// SendInPieces writes msg a few bytes at a time, as a slow link would
// deliver it, to show that framing does not depend on read boundaries.
func (c *Client) SendInPieces(msg []byte, piece int) error {
	for len(msg) > 0 {
		n := min(piece, len(msg))
		if _, err := c.Conn.Write(msg[:n]); err != nil {
			return err
		}
		msg = msg[n:]
		time.Sleep(time.Millisecond)
	}
	return nil
}

// Drop writes the first n bytes of msg and closes the connection: a router
// that goes away in the middle of a message.
func (c *Client) Drop(msg []byte, n int) error {
	if _, err := c.Conn.Write(msg[:n]); err != nil {
		return err
	}
	return c.Conn.Close()
}

// Close ends the session cleanly, between two messages.
func (c *Client) Close() error { return c.Conn.Close() }
