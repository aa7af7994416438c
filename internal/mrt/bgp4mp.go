package mrt

import (
	"fmt"
	"net/netip"

	"github.com/observatory-net/observatory/internal/bgp"
)

// BGP4MP and BGP4MP_ET subtypes (RFC 6396 §4.4, RFC 8050 §3).
const (
	SubStateChange            = 0
	SubMessage                = 1
	SubMessageAS4             = 4
	SubStateChangeAS4         = 5
	SubMessageLocal           = 6
	SubMessageAS4Local        = 7
	SubMessageAddPath         = 8
	SubMessageAS4AddPath      = 9
	SubMessageLocalAddPath    = 10
	SubMessageAS4LocalAddPath = 11
)

// bgp4mpFlavor describes a BGP4MP subtype.
type bgp4mpFlavor struct {
	state, as4, local, addPath bool
}

func flavor(sub uint16) (bgp4mpFlavor, bool) {
	switch sub {
	case SubStateChange:
		return bgp4mpFlavor{state: true}, true
	case SubStateChangeAS4:
		return bgp4mpFlavor{state: true, as4: true}, true
	case SubMessage:
		return bgp4mpFlavor{}, true
	case SubMessageAS4:
		return bgp4mpFlavor{as4: true}, true
	case SubMessageLocal:
		return bgp4mpFlavor{local: true}, true
	case SubMessageAS4Local:
		return bgp4mpFlavor{as4: true, local: true}, true
	case SubMessageAddPath:
		return bgp4mpFlavor{addPath: true}, true
	case SubMessageAS4AddPath:
		return bgp4mpFlavor{as4: true, addPath: true}, true
	case SubMessageLocalAddPath:
		return bgp4mpFlavor{local: true, addPath: true}, true
	case SubMessageAS4LocalAddPath:
		return bgp4mpFlavor{as4: true, local: true, addPath: true}, true
	}
	return bgp4mpFlavor{}, false
}

// bgp4mp decodes BGP4MP and BGP4MP_ET records: the peer header, then a
// state change or a whole BGP message.
func (s *Scanner) bgp4mp(sub uint16, b []byte, yield func(*Elem) bool) (bool, error) {
	f, ok := flavor(sub)
	if !ok {
		return true, fmt.Errorf("BGP4MP subtype %d: %w", sub, ErrUnsupported)
	}
	asLen := 2
	if f.as4 {
		asLen = 4
	}
	hl := 2*asLen + 4
	if len(b) < hl {
		return true, errShort("BGP4MP header", hl, len(b))
	}
	e := &s.elem
	e.PeerAS, e.Local = bgp.ASN(be16(b)), f.local
	if f.as4 {
		e.PeerAS = bgp.ASN(be32(b))
	}
	if f.state && !f.as4 && len(b) == 8 {
		// Zebra of 2000 wrote state changes as peer AS, local AS, old and
		// new state, without interface, family or addresses.
		e.PeerIP = netip.IPv4Unspecified()
		return s.stateChange(b[4:], yield)
	}
	afi := be16(b[hl-2:])
	if afi != 1 && afi != 2 {
		return true, fmt.Errorf("BGP4MP peer address family %d", afi)
	}
	var err error
	if e.PeerIP, b, err = readAddr(b[hl:], afi == 2); err != nil {
		return true, err
	}
	if _, b, err = readAddr(b, afi == 2); err != nil { // local address
		return true, err
	}
	if f.state {
		return s.stateChange(b, yield)
	}
	typ, body, err := bgp.SplitMessage(b)
	if err != nil {
		return true, err
	}
	if typ != bgp.MsgUpdate {
		return true, nil // OPEN, NOTIFICATION, KEEPALIVE carry no routes
	}
	return s.update(body, asLen, f.addPath, yield)
}

func (s *Scanner) stateChange(b []byte, yield func(*Elem) bool) (bool, error) {
	if len(b) < 4 {
		return true, errShort("state change", 4, len(b))
	}
	e := &s.elem
	e.Kind, e.OldState, e.NewState = KindState, be16(b), be16(b[2:])
	return s.emit(yield), nil
}

// update emits an UPDATE's elements in bgpdump's order: IPv4 withdrawals,
// MP_UNREACH withdrawals, IPv4 announcements, MP_REACH announcements. The
// whole message is checked before the first element is emitted, so a bad
// UPDATE yields nothing.
func (s *Scanner) update(body []byte, asLen int, addPath bool, yield func(*Elem) bool) (bool, error) {
	u, err := bgp.SplitUpdate(body)
	if err != nil {
		return true, err
	}
	if err := s.attrs.Decode(u.Attrs, bgp.DecodeOptions{ASSize: asLen}); err != nil {
		return true, err
	}
	a := &s.attrs
	fields := [4]struct {
		b    []byte
		afi  bgp.AFI
		kind Kind
		mp   bool
	}{
		{u.Withdrawn, bgp.AFIIPv4, KindWithdraw, false},
		{a.MPUnreach.NLRI, a.MPUnreach.AFI, KindWithdraw, true},
		{u.NLRI, bgp.AFIIPv4, KindAnnounce, false},
		{a.MPReach.NLRI, a.MPReach.AFI, KindAnnounce, true},
	}
	for _, f := range fields {
		if err := checkNLRI(f.b, f.afi, addPath); err != nil {
			return true, err
		}
	}
	e := &s.elem
	e.AddPath, e.Attrs = addPath, a
	for _, f := range fields {
		e.Kind, e.FromMP = f.kind, f.mp
		r := bgp.NLRIReader{B: f.b, AFI: f.afi, AddPath: addPath}
		for r.Next() {
			e.Prefix, e.PathID, e.HostBits = r.NLRI.Prefix, r.NLRI.PathID, r.NLRI.HostBits
			if !s.emit(yield) {
				return false, nil
			}
		}
	}
	return true, nil
}

// checkNLRI validates an NLRI field without emitting it.
func checkNLRI(b []byte, afi bgp.AFI, addPath bool) error {
	if len(b) == 0 {
		return nil
	}
	r := bgp.NLRIReader{B: b, AFI: afi, AddPath: addPath}
	for r.Next() {
	}
	return r.Err
}

// Subtypes of the deprecated BGP type (RFC 6396 Appendix B.2.1).
const (
	SubBGPUpdate      = 1
	SubBGPStateChange = 3
)

// legacyBGP decodes the deprecated BGP type of the 1999-2000 RIS archives:
// peer AS and address, then either a state change or (after the local AS
// and address) an UPDATE without the BGP header. 2-octet ASNs, IPv4 only.
func (s *Scanner) legacyBGP(sub uint16, b []byte, yield func(*Elem) bool) (bool, error) {
	if sub != SubBGPUpdate && sub != SubBGPStateChange {
		return true, nil // OPEN, NOTIFY, KEEPALIVE, SYNC: no routes
	}
	if len(b) < 6 {
		return true, errShort("BGP peer header", 6, len(b))
	}
	e := &s.elem
	e.PeerAS, e.PeerIP = bgp.ASN(be16(b)), netip.AddrFrom4([4]byte(b[2:6]))
	if sub == SubBGPStateChange {
		return s.stateChange(b[6:], yield)
	}
	if len(b) < 12 {
		return true, errShort("BGP local header", 12, len(b))
	}
	return s.update(b[12:], 2, false, yield)
}

// maskPrefix builds a masked prefix and says whether host bits were set.
func maskPrefix(a netip.Addr, bits int) (netip.Prefix, bool) {
	p := netip.PrefixFrom(a, bits)
	m := p.Masked()
	return m, m.Addr() != a
}
