package bgp

import (
	"errors"
	"fmt"
	"iter"
	"net/netip"
)

// AttrType is a path attribute type code (IANA "BGP Path Attributes").
type AttrType uint8

// Path attribute type codes the observatory interprets.
const (
	AttrOrigin          AttrType = 1  // RFC 4271
	AttrASPath          AttrType = 2  // RFC 4271
	AttrNextHop         AttrType = 3  // RFC 4271
	AttrMED             AttrType = 4  // RFC 4271
	AttrLocalPref       AttrType = 5  // RFC 4271
	AttrAtomicAggregate AttrType = 6  // RFC 4271
	AttrAggregator      AttrType = 7  // RFC 4271, RFC 6793
	AttrCommunities     AttrType = 8  // RFC 1997
	AttrMPReach         AttrType = 14 // RFC 4760
	AttrMPUnreach       AttrType = 15 // RFC 4760
	AttrAS4Path         AttrType = 17 // RFC 6793
	AttrAS4Aggregator   AttrType = 18 // RFC 6793
	AttrLargeCommunity  AttrType = 32 // RFC 8092
	AttrOTC             AttrType = 35 // RFC 9234
)

// Attribute flag bits (RFC 4271 §4.3).
const (
	FlagOptional   = 0x80
	FlagTransitive = 0x40
	FlagPartial    = 0x20
	FlagExtLen     = 0x10
)

// Origin is the ORIGIN attribute value.
type Origin uint8

// ORIGIN values (RFC 4271 §5.1.1).
const (
	OriginIGP        Origin = 0
	OriginEGP        Origin = 1
	OriginIncomplete Origin = 2
)

// String returns "IGP", "EGP" or "INCOMPLETE" as bgpdump prints them.
func (o Origin) String() string {
	switch o {
	case OriginIGP:
		return "IGP"
	case OriginEGP:
		return "EGP"
	case OriginIncomplete:
		return "INCOMPLETE"
	}
	return "?"
}

// ErrBadAttr reports a malformed path attribute.
var ErrBadAttr = errors.New("malformed path attribute")

// MPReach is a decoded MP_REACH_NLRI attribute (RFC 4760 §3). Its byte
// slices alias the attribute buffer.
type MPReach struct {
	AFI     AFI
	SAFI    SAFI
	NextHop []byte // raw next-hop field: 4, 16 or 32 (global + link-local) bytes
	NLRI    []byte // raw NLRI field; empty in TABLE_DUMP_V2's abbreviated form
}

// NextHopAddr returns the (global) next-hop address; for a 32-byte IPv6
// next hop the link-local half is ignored, as bgpdump does.
func (m *MPReach) NextHopAddr() (netip.Addr, bool) {
	switch len(m.NextHop) {
	case 4, 16:
		return AddrFrom(m.NextHop)
	case 32:
		return AddrFrom(m.NextHop[:16])
	}
	return netip.Addr{}, false
}

// MPUnreach is a decoded MP_UNREACH_NLRI attribute (RFC 4760 §4).
type MPUnreach struct {
	AFI  AFI
	SAFI SAFI
	NLRI []byte
}

// Aggregator is an AGGREGATOR or AS4_AGGREGATOR value.
type Aggregator struct {
	AS   ASN
	Addr netip.Addr
}

// DecodeOptions says how to read attributes that the wire does not
// describe by itself.
type DecodeOptions struct {
	// ASSize is the width of ASNs in AS_PATH and AGGREGATOR: 2 for
	// sessions without the 4-octet capability, else 4 (RFC 6793).
	ASSize int
	// AbbrevMPReach accepts TABLE_DUMP_V2's shortened MP_REACH_NLRI that
	// holds only the next-hop length and next hop (RFC 6396 §4.3.4).
	AbbrevMPReach bool
}

// Attrs is a decoded set of path attributes. Decode reuses its storage, so
// one Attrs serves a whole file without allocating. Byte slices alias the
// decoded buffer and are valid until it is reused.
type Attrs struct {
	present [4]uint64 // bit per attribute type code

	Origin          Origin
	Path            Path // AS_PATH, with AS4_PATH merged for 2-octet sessions
	NextHop         netip.Addr
	MED             uint32
	LocalPref       uint32
	Aggregator      Aggregator // AS4_AGGREGATOR applied when AGGREGATOR holds AS_TRANS
	Communities     []byte     // 4 bytes per community (RFC 1997)
	LargeCommunity  []byte     // 12 bytes per community (RFC 8092)
	OTC             ASN
	MPReach         MPReach
	MPUnreach       MPUnreach
	Raw             []byte // every attribute, as received
	as4Path, tmp    Path
	as4Aggr         Aggregator
	aggregatorWidth int // 6 or 8: the octets AGGREGATOR used
}

// Has reports whether attribute t was present.
func (a *Attrs) Has(t AttrType) bool { return a.present[t>>6]&(1<<(t&63)) != 0 }

func (a *Attrs) set(t AttrType) { a.present[t>>6] |= 1 << (t & 63) }

// Reset clears a, keeping its storage.
func (a *Attrs) Reset() {
	a.present = [4]uint64{}
	a.Origin, a.NextHop, a.MED, a.LocalPref = 0, netip.Addr{}, 0, 0
	a.Aggregator, a.as4Aggr, a.aggregatorWidth = Aggregator{}, Aggregator{}, 0
	a.Communities, a.LargeCommunity, a.OTC, a.Raw = nil, nil, 0, nil
	a.MPReach, a.MPUnreach = MPReach{}, MPUnreach{}
	a.Path.Reset()
	a.as4Path.Reset()
}

// Decode parses the path attributes in b (RFC 4271 §4.3).
func (a *Attrs) Decode(b []byte, opt DecodeOptions) error {
	a.Reset()
	a.Raw = b
	for off := 0; off < len(b); {
		t, val, n, err := nextAttr(b[off:])
		if err != nil {
			return fmt.Errorf("attribute at offset %d: %w", off, err)
		}
		if err := a.decodeOne(t, val, opt); err != nil {
			return fmt.Errorf("attribute %d at offset %d: %w", t, off, err)
		}
		off += n
	}
	if opt.ASSize == 2 {
		a.apply4()
	}
	return nil
}

// nextAttr splits off the first attribute of b.
func nextAttr(b []byte) (t AttrType, val []byte, n int, err error) {
	if len(b) < 3 {
		return 0, nil, 0, fmt.Errorf("%w: truncated header", ErrBadAttr)
	}
	flags, t := b[0], AttrType(b[1])
	hdr, l := 3, int(b[2])
	if flags&FlagExtLen != 0 {
		if len(b) < 4 {
			return 0, nil, 0, fmt.Errorf("%w: truncated header", ErrBadAttr)
		}
		hdr, l = 4, int(be16(b[2:]))
	}
	if len(b) < hdr+l {
		return 0, nil, 0, fmt.Errorf("%w: type %d length %d overruns %d bytes", ErrBadAttr, t, l, len(b)-hdr)
	}
	return t, b[hdr : hdr+l], hdr + l, nil
}

func (a *Attrs) decodeOne(t AttrType, v []byte, opt DecodeOptions) error {
	var err error
	switch t {
	case AttrOrigin:
		err = want(len(v) == 1)
		if err == nil {
			a.Origin = Origin(v[0])
		}
	case AttrASPath:
		err = a.Path.Decode(v, opt.ASSize)
	case AttrNextHop:
		a.NextHop, err = addr4(v)
	case AttrMED:
		a.MED, err = u32(v)
	case AttrLocalPref:
		a.LocalPref, err = u32(v)
	case AttrAggregator:
		a.Aggregator, err = decodeAggregator(v, opt.ASSize)
		a.aggregatorWidth = len(v)
	case AttrCommunities:
		err = want(len(v)%4 == 0)
		a.Communities = v
	case AttrLargeCommunity:
		err = want(len(v)%12 == 0)
		a.LargeCommunity = v
	case AttrOTC:
		var x uint32
		x, err = u32(v)
		a.OTC = ASN(x)
	case AttrMPReach:
		a.MPReach, err = decodeMPReach(v, opt.AbbrevMPReach)
	case AttrMPUnreach:
		err = want(len(v) >= 3)
		if err == nil {
			a.MPUnreach = MPUnreach{AFI: AFI(be16(v)), SAFI: SAFI(v[2]), NLRI: v[3:]}
		}
	case AttrAS4Path:
		err = a.as4Path.Decode(v, 4)
	case AttrAS4Aggregator:
		err = want(len(v) == 8)
		if err == nil {
			a.as4Aggr, err = decodeAggregator(v, 4)
		}
	}
	if err == nil {
		a.set(t)
	}
	return err
}

// apply4 merges AS4_PATH and AS4_AGGREGATOR into a 2-octet session's
// attributes (RFC 6793 §4.2.3): AS4_AGGREGATOR replaces an AGGREGATOR of
// AS_TRANS; AS4_PATH replaces the tail of AS_PATH unless it is longer.
func (a *Attrs) apply4() {
	if a.Has(AttrAS4Aggregator) && a.Has(AttrAggregator) && a.Aggregator.AS == ASTrans {
		a.Aggregator = a.as4Aggr
	}
	if a.Has(AttrAS4Path) && a.Has(AttrASPath) {
		a.Path.Merge4(&a.as4Path, &a.tmp)
	}
}

// AS4Path returns the AS4_PATH as received (before merging).
func (a *Attrs) AS4Path() *Path { return &a.as4Path }

func decodeAggregator(v []byte, asSize int) (Aggregator, error) {
	// The width is known from the length: OpenBGPD writes 8-octet
	// AGGREGATORs even in 2-octet TABLE_DUMP records, so trust the length.
	switch len(v) {
	case 6:
		return Aggregator{AS: ASN(be16(v)), Addr: netip.AddrFrom4([4]byte(v[2:6]))}, nil
	case 8:
		return Aggregator{AS: ASN(be32(v)), Addr: netip.AddrFrom4([4]byte(v[4:8]))}, nil
	}
	return Aggregator{}, fmt.Errorf("%w: AGGREGATOR length %d with %d-octet ASNs", ErrBadAttr, len(v), asSize)
}

func decodeMPReach(v []byte, abbrev bool) (MPReach, error) {
	// TABLE_DUMP_V2 shortens MP_REACH to next-hop length and next hop; some
	// writers still emit the full form, so recognise both by the length.
	if abbrev && len(v) >= 1 && int(v[0]) == len(v)-1 {
		return MPReach{NextHop: v[1:]}, nil
	}
	if len(v) < 5 {
		return MPReach{}, fmt.Errorf("%w: MP_REACH_NLRI of %d bytes", ErrBadAttr, len(v))
	}
	nhl := int(v[3])
	if len(v) < 4+nhl+1 {
		return MPReach{}, fmt.Errorf("%w: MP_REACH_NLRI next hop of %d bytes overruns", ErrBadAttr, nhl)
	}
	m := MPReach{AFI: AFI(be16(v)), SAFI: SAFI(v[2]), NextHop: v[4 : 4+nhl]}
	m.NLRI = v[4+nhl+1:] // skip the reserved (SNPA count) octet
	return m, nil
}

func want(ok bool) error {
	if !ok {
		return fmt.Errorf("%w: bad length", ErrBadAttr)
	}
	return nil
}

func u32(v []byte) (uint32, error) {
	if len(v) != 4 {
		return 0, fmt.Errorf("%w: length %d, want 4", ErrBadAttr, len(v))
	}
	return be32(v), nil
}

func addr4(v []byte) (netip.Addr, error) {
	if len(v) != 4 {
		return netip.Addr{}, fmt.Errorf("%w: NEXT_HOP length %d", ErrBadAttr, len(v))
	}
	return netip.AddrFrom4([4]byte(v)), nil
}

// Community is a standard community (RFC 1997).
type Community uint32

// Well-known communities (RFC 1997, RFC 3765).
const (
	NoExport          Community = 0xFFFFFF01
	NoAdvertise       Community = 0xFFFFFF02
	NoExportSubconfed Community = 0xFFFFFF03
)

// LargeCommunity is a large community (RFC 8092).
type LargeCommunity struct{ Global, Local1, Local2 uint32 }

// CommunityList iterates the COMMUNITIES attribute.
func (a *Attrs) CommunityList() iter.Seq[Community] {
	return func(yield func(Community) bool) {
		for b := a.Communities; len(b) >= 4; b = b[4:] {
			if !yield(Community(be32(b))) {
				return
			}
		}
	}
}

// LargeCommunityList iterates the LARGE_COMMUNITY attribute.
func (a *Attrs) LargeCommunityList() iter.Seq[LargeCommunity] {
	return func(yield func(LargeCommunity) bool) {
		for b := a.LargeCommunity; len(b) >= 12; b = b[12:] {
			if !yield(LargeCommunity{be32(b), be32(b[4:]), be32(b[8:])}) {
				return
			}
		}
	}
}

// RawAttr is an attribute kept as bytes.
type RawAttr struct {
	Flags byte
	Type  AttrType
	Value []byte
}

// Unknown iterates the attributes Decode does not interpret, in wire order.
func (a *Attrs) Unknown() iter.Seq[RawAttr] {
	return func(yield func(RawAttr) bool) {
		for b := a.Raw; len(b) > 0; {
			t, v, n, err := nextAttr(b)
			if err != nil {
				return
			}
			if !known(t) && !yield(RawAttr{Flags: b[0], Type: t, Value: v}) {
				return
			}
			b = b[n:]
		}
	}
}

func known(t AttrType) bool {
	switch t {
	case AttrOrigin, AttrASPath, AttrNextHop, AttrMED, AttrLocalPref, AttrAtomicAggregate,
		AttrAggregator, AttrCommunities, AttrMPReach, AttrMPUnreach, AttrAS4Path,
		AttrAS4Aggregator, AttrLargeCommunity, AttrOTC:
		return true
	}
	return false
}
