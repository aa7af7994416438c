package bmp

import (
	"encoding/binary"
	"fmt"
	"net/netip"

	"github.com/observatory-net/observatory/internal/bgp"
)

// Capability codes the station reads from OPEN messages (IANA "Capability
// Codes").
const (
	CapAS4     = 65 // 4-octet AS number (RFC 6793)
	CapAddPath = 69 // ADD-PATH (RFC 7911)
)

// ADD-PATH send/receive values (RFC 7911 §4).
const (
	AddPathReceive = 1
	AddPathSend    = 2
)

// Family is an AFI/SAFI pair.
type Family struct {
	AFI  bgp.AFI
	SAFI bgp.SAFI
}

// Open is what the station needs of a BGP OPEN message (RFC 4271 §4.2):
// who sent it and the capabilities that change how UPDATEs are encoded.
type Open struct {
	AS      bgp.ASN // the 4-octet AS when advertised, else My Autonomous System
	BGPID   netip.Addr
	AS4     bool
	AddPath map[Family]uint8 // AddPathReceive | AddPathSend per family
}

// ParseOpen decodes a whole OPEN message, header included, with its
// optional parameters in the classic or the extended (RFC 9072) form.
func ParseOpen(msg []byte) (Open, error) {
	typ, b, err := bgp.SplitMessage(msg)
	if err != nil {
		return Open{}, err
	}
	if typ != bgp.MsgOpen {
		return Open{}, fmt.Errorf("%w: BGP message type %d, want OPEN", ErrBadMessage, typ)
	}
	if len(b) < 10 {
		return Open{}, fmt.Errorf("%w: OPEN of %d bytes", ErrBadMessage, len(b))
	}
	o := Open{AS: bgp.ASN(binary.BigEndian.Uint16(b[1:])), BGPID: netip.AddrFrom4([4]byte(b[5:9]))}
	if b[9] == 255 && len(b) >= 13 && b[10] == 255 { // RFC 9072 §2
		l := int(binary.BigEndian.Uint16(b[11:]))
		if len(b)-13 < l {
			return o, fmt.Errorf("%w: extended optional parameters length %d overruns %d bytes", ErrBadMessage, l, len(b)-13)
		}
		return o, o.parseParams(b[13:13+l], true)
	}
	if int(b[9]) > len(b)-10 {
		return o, fmt.Errorf("%w: OPEN optional parameters length %d overruns %d bytes", ErrBadMessage, b[9], len(b)-10)
	}
	return o, o.parseParams(b[10:10+int(b[9])], false)
}

// parseParams walks the optional parameters; type 2 holds capabilities.
func (o *Open) parseParams(b []byte, ext bool) error {
	hl := 2
	if ext {
		hl = 3
	}
	for len(b) > 0 {
		if len(b) < hl {
			return fmt.Errorf("%w: OPEN parameter header truncated", ErrBadMessage)
		}
		t, l := b[0], int(b[1])
		if ext {
			l = int(binary.BigEndian.Uint16(b[1:]))
		}
		if len(b)-hl < l {
			return fmt.Errorf("%w: OPEN parameter type %d length %d overruns %d bytes", ErrBadMessage, t, l, len(b)-hl)
		}
		if t == 2 {
			if err := o.parseCaps(b[hl : hl+l]); err != nil {
				return err
			}
		}
		b = b[hl+l:]
	}
	return nil
}

func (o *Open) parseCaps(b []byte) error {
	for len(b) > 0 {
		if len(b) < 2 || len(b)-2 < int(b[1]) {
			return fmt.Errorf("%w: capability truncated", ErrBadMessage)
		}
		code, v := b[0], b[2:2+int(b[1])]
		switch code {
		case CapAS4:
			if len(v) != 4 {
				return fmt.Errorf("%w: 4-octet AS capability of %d bytes", ErrBadMessage, len(v))
			}
			o.AS4, o.AS = true, bgp.ASN(binary.BigEndian.Uint32(v))
		case CapAddPath:
			if len(v)%4 != 0 {
				return fmt.Errorf("%w: ADD-PATH capability of %d bytes", ErrBadMessage, len(v))
			}
			if o.AddPath == nil {
				o.AddPath = map[Family]uint8{}
			}
			for i := 0; i < len(v); i += 4 {
				o.AddPath[Family{bgp.AFI(binary.BigEndian.Uint16(v[i:])), bgp.SAFI(v[i+2])}] = v[i+3]
			}
		}
		b = b[2+len(v):]
	}
	return nil
}

// Session says how the UPDATEs of one monitored RIB are encoded: the
// width of their ASNs and, per family, whether NLRI carry ADD-PATH path
// identifiers. The zero Session is 4-octet without ADD-PATH, which is what
// RFC 7854 §4.2 (flag A clear) and RFC 9069 (Loc-RIB) describe.
type Session struct {
	AS2     bool
	AddPath map[Family]bool
}

// ASSize is the width of ASNs in AS_PATH, 2 or 4.
func (s Session) ASSize() int {
	if s.AS2 {
		return 2
	}
	return 4
}

// HasAddPath reports whether NLRI of family f carry path identifiers.
func (s Session) HasAddPath(afi bgp.AFI, safi bgp.SAFI) bool {
	return s.AddPath[Family{afi, safi}]
}

// Negotiate derives a Session from a Peer Up's OPENs: 4-octet ASNs when
// both sides advertised them (RFC 6793 §4), ADD-PATH for a family when the
// sender of the UPDATEs advertised send and the receiver receive (RFC 7911
// §4). For an Adj-RIB-In the sender is the peer (the received OPEN); for an
// Adj-RIB-Out (adjOut) the monitored router (the sent OPEN).
func Negotiate(sent, recv Open, adjOut bool) Session {
	s := Session{AS2: !(sent.AS4 && recv.AS4)}
	from, to := recv, sent
	if adjOut {
		from, to = sent, recv
	}
	for f, v := range from.AddPath {
		if v&AddPathSend != 0 && to.AddPath[f]&AddPathReceive != 0 {
			if s.AddPath == nil {
				s.AddPath = map[Family]bool{}
			}
			s.AddPath[f] = true
		}
	}
	return s
}
