package bmp

import (
	"fmt"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/mrt"
)

// Decoder turns Route Monitoring messages into route elements. It owns
// the attribute storage and the element it yields, reused from message to
// message: a warm Decoder allocates nothing. Not safe for concurrent use.
type Decoder struct {
	attrs bgp.Attrs
	elem  mrt.Elem
	size  int
}

// Update is what Decoder.Routes found in a Route Monitoring message
// besides its routes.
type Update struct {
	// EndOfRIB is set for an End-of-RIB marker (RFC 4724 §2): an empty
	// UPDATE for IPv4 unicast, or one holding only an empty MP_UNREACH_NLRI.
	EndOfRIB bool
	Family   Family // of the End-of-RIB
	// Announced and Withdrawn count the routes yielded.
	Announced, Withdrawn int
}

// Routes decodes the BGP UPDATE in the body of Route Monitoring message m,
// encoded as s says, and yields one element per withdrawn and announced
// prefix, in bgpdump's order: IPv4 withdrawals, MP_UNREACH withdrawals,
// IPv4 announcements, MP_REACH announcements. The whole UPDATE is checked
// before the first element is yielded, so a malformed one yields nothing.
//
// Elements have Type mrt.TypeBGP4MPET, the per-peer header's timestamp,
// its peer address and AS, and Attrs pointing at the Decoder's storage: the
// element and its attributes are valid until the next call. yield returns
// false to stop early.
func (d *Decoder) Routes(m *Message, s Session, yield func(*mrt.Elem) bool) (Update, error) {
	if m.Type != TypeRouteMonitoring {
		return Update{}, fmt.Errorf("%w: %s is not Route Monitoring", ErrBadMessage, m.Type)
	}
	typ, body, err := bgp.SplitMessage(m.Body)
	if err != nil {
		return Update{}, fmt.Errorf("route monitoring: %w", err)
	}
	if typ != bgp.MsgUpdate {
		return Update{}, fmt.Errorf("route monitoring: %w: BGP message type %d, want UPDATE", ErrBadMessage, typ)
	}
	u, err := bgp.SplitUpdate(body)
	if err != nil {
		return Update{}, fmt.Errorf("route monitoring: %w", err)
	}
	if err := d.decodeAttrs(u.Attrs, m, s); err != nil {
		return Update{}, fmt.Errorf("route monitoring: %w", err)
	}
	if eor, f := endOfRIB(&u, &d.attrs); eor {
		return Update{EndOfRIB: true, Family: f}, nil
	}
	return d.emit(m, s, &u, yield)
}

// field is one NLRI field of an UPDATE.
type field struct {
	b      []byte
	afi    bgp.AFI
	safi   bgp.SAFI
	kind   mrt.Kind
	fromMP bool
}

func (d *Decoder) fields(u *bgp.Update) [4]field {
	a := &d.attrs
	return [4]field{
		{u.Withdrawn, bgp.AFIIPv4, bgp.SAFIUnicast, mrt.KindWithdraw, false},
		{a.MPUnreach.NLRI, a.MPUnreach.AFI, a.MPUnreach.SAFI, mrt.KindWithdraw, true},
		{u.NLRI, bgp.AFIIPv4, bgp.SAFIUnicast, mrt.KindAnnounce, false},
		{a.MPReach.NLRI, a.MPReach.AFI, a.MPReach.SAFI, mrt.KindAnnounce, true},
	}
}

func (d *Decoder) emit(m *Message, s Session, u *bgp.Update, yield func(*mrt.Elem) bool) (Update, error) {
	fields := d.fields(u)
	for _, f := range fields {
		if err := checkNLRI(f, s); err != nil {
			return Update{}, fmt.Errorf("route monitoring: %w", err)
		}
	}
	var res Update
	e := &d.elem
	*e = mrt.Elem{Type: mrt.TypeBGP4MPET, Subtype: mrt.SubMessageAS4, Time: m.Peer.Sec, Micro: m.Peer.Micro,
		PeerIP: m.Peer.Addr, PeerAS: m.Peer.AS, Attrs: &d.attrs}
	for _, f := range fields {
		ap := s.HasAddPath(f.afi, f.safi)
		e.Kind, e.FromMP, e.AddPath, e.PathID = f.kind, f.fromMP, ap, 0
		r := bgp.NLRIReader{B: f.b, AFI: f.afi, AddPath: ap}
		for r.Next() {
			e.Prefix, e.PathID, e.HostBits = r.NLRI.Prefix, r.NLRI.PathID, r.NLRI.HostBits
			if f.kind == mrt.KindWithdraw {
				res.Withdrawn++
			} else {
				res.Announced++
			}
			if !yield(e) {
				return res, nil
			}
		}
	}
	return res, nil
}

// checkNLRI validates an NLRI field without yielding it. Fields of
// families other than IPv4 and IPv6 (VPN, flowspec, EVPN …) are refused:
// their NLRI are not plain prefixes.
func checkNLRI(f field, s Session) error {
	if len(f.b) == 0 {
		return nil
	}
	if f.afi.Bits() == 0 || (f.safi != bgp.SAFIUnicast && f.safi != bgp.SAFIMulticast) {
		return fmt.Errorf("%w: NLRI of AFI %d SAFI %d not decoded", ErrBadMessage, f.afi, f.safi)
	}
	r := bgp.NLRIReader{B: f.b, AFI: f.afi, AddPath: s.HasAddPath(f.afi, f.safi)}
	for r.Next() {
	}
	return r.Err
}

// endOfRIB recognises the End-of-RIB marker (RFC 4724 §2).
func endOfRIB(u *bgp.Update, a *bgp.Attrs) (bool, Family) {
	if len(u.Withdrawn) != 0 || len(u.NLRI) != 0 {
		return false, Family{}
	}
	if len(u.Attrs) == 0 {
		return true, Family{bgp.AFIIPv4, bgp.SAFIUnicast}
	}
	// Only an MP_UNREACH_NLRI attribute, with no NLRI.
	if a.Has(bgp.AttrMPUnreach) && len(a.MPUnreach.NLRI) == 0 && onlyOneAttr(u.Attrs) {
		return true, Family{a.MPUnreach.AFI, a.MPUnreach.SAFI}
	}
	return false, Family{}
}

// onlyOneAttr reports whether b holds exactly one path attribute.
func onlyOneAttr(b []byte) bool {
	if len(b) < 3 {
		return false
	}
	hl, l := 3, int(b[2])
	if b[0]&bgp.FlagExtLen != 0 {
		if len(b) < 4 {
			return false
		}
		hl, l = 4, int(b[2])<<8|int(b[3])
	}
	return hl+l == len(b)
}

// decodeAttrs decodes the path attributes at the width flag A gives
// (RFC 7854 §4.2). When they do not decode at that width but do at the one
// the Peer Up's OPENs negotiated, the OPENs win: an exporter that copies a
// 2-octet session's UPDATEs without setting flag A is read all the same.
func (d *Decoder) decodeAttrs(b []byte, m *Message, s Session) error {
	size := 4
	if m.Peer.AS2() {
		size = 2
	}
	d.size = size
	err := d.attrs.Decode(b, bgp.DecodeOptions{ASSize: size})
	if err != nil && s.ASSize() != size {
		if d.attrs.Decode(b, bgp.DecodeOptions{ASSize: s.ASSize()}) == nil {
			d.size = s.ASSize()
			return nil
		}
	}
	return err
}

// ASSize returns the ASN width the last Routes call decoded AS_PATH with.
func (d *Decoder) ASSize() int { return d.size }
