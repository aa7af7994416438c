package mrt

import (
	"fmt"

	"github.com/observatory-net/observatory/internal/bgp"
)

// TABLE_DUMP_V2 subtypes (RFC 6396 §4.3, RFC 8050 §4).
const (
	SubPeerIndexTable          = 1
	SubRIBIPv4Unicast          = 2
	SubRIBIPv4Multicast        = 3
	SubRIBIPv6Unicast          = 4
	SubRIBIPv6Multicast        = 5
	SubRIBGeneric              = 6
	SubRIBIPv4UnicastAddPath   = 8
	SubRIBIPv4MulticastAddPath = 9
	SubRIBIPv6UnicastAddPath   = 10
	SubRIBIPv6MulticastAddPath = 11
	SubRIBGenericAddPath       = 12
)

// TABLE_DUMP subtypes are address families (RFC 6396 §4.2).
const (
	SubAFIIPv4 = 1
	SubAFIIPv6 = 2
)

// peerIndex decodes a PEER_INDEX_TABLE (RFC 6396 §4.3.1).
func (s *Scanner) peerIndex(b []byte) error {
	if len(b) < 6 {
		return errShort("PEER_INDEX_TABLE header", 6, len(b))
	}
	vl := int(be16(b[4:]))
	if len(b) < 8+vl {
		return errShort("PEER_INDEX_TABLE view name", 8+vl, len(b))
	}
	count := int(be16(b[6+vl:]))
	b = b[8+vl:]
	s.peers = s.peers[:0]
	for i := range count {
		if len(b) < 5 {
			return fmt.Errorf("peer %d: %w", i, errShort("peer entry", 5, len(b)))
		}
		typ := b[0]
		id, _ := bgp.AddrFrom(b[1:5])
		ip, rest, err := readAddr(b[5:], typ&1 != 0)
		if err != nil {
			return fmt.Errorf("peer %d: %w", i, err)
		}
		asLen := 2
		if typ&2 != 0 {
			asLen = 4
		}
		if len(rest) < asLen {
			return fmt.Errorf("peer %d: %w", i, errShort("peer AS", asLen, len(rest)))
		}
		as := bgp.ASN(be16(rest))
		if asLen == 4 {
			as = bgp.ASN(be32(rest))
		}
		s.peers = append(s.peers, Peer{BGPID: id, IP: ip, AS: as})
		b = rest[asLen:]
	}
	return nil
}

// ribAFI maps an AFI/SAFI-specific RIB subtype to its family and ADD-PATH.
func ribAFI(sub uint16) (afi bgp.AFI, addPath, ok bool) {
	switch sub {
	case SubRIBIPv4Unicast, SubRIBIPv4Multicast:
		return bgp.AFIIPv4, false, true
	case SubRIBIPv6Unicast, SubRIBIPv6Multicast:
		return bgp.AFIIPv6, false, true
	case SubRIBIPv4UnicastAddPath, SubRIBIPv4MulticastAddPath:
		return bgp.AFIIPv4, true, true
	case SubRIBIPv6UnicastAddPath, SubRIBIPv6MulticastAddPath:
		return bgp.AFIIPv6, true, true
	}
	return 0, false, false
}

func (s *Scanner) tableDumpV2(sub uint16, b []byte, yield func(*Elem) bool) (bool, error) {
	if sub == SubPeerIndexTable {
		return true, s.peerIndex(b)
	}
	afi, addPath, ok := ribAFI(sub)
	var p bgp.NLRI
	switch {
	case ok:
		if len(b) < 4 {
			return true, errShort("RIB sequence number", 4, len(b))
		}
		pfx, n, host, err := bgp.ReadPrefix(b[4:], afi)
		if err != nil {
			return true, err
		}
		p, b = bgp.NLRI{Prefix: pfx, HostBits: host}, b[4+n:]
	case sub == SubRIBGeneric || sub == SubRIBGenericAddPath:
		if len(b) < 7 {
			return true, errShort("RIB_GENERIC header", 7, len(b))
		}
		afi, addPath = bgp.AFI(be16(b[4:])), sub == SubRIBGenericAddPath
		pfx, n, host, err := bgp.ReadPrefix(b[7:], afi)
		if err != nil {
			return true, fmt.Errorf("RIB_GENERIC AFI %d SAFI %d: %w", afi, b[6], err)
		}
		p, b = bgp.NLRI{Prefix: pfx, HostBits: host}, b[7+n:]
	default:
		return true, fmt.Errorf("TABLE_DUMP_V2 subtype %d: %w", sub, ErrUnsupported)
	}
	return s.ribEntries(b, p, afi, addPath, yield)
}

// ribEntries decodes the RIB entries that follow a RIB record's prefix.
func (s *Scanner) ribEntries(b []byte, p bgp.NLRI, afi bgp.AFI, addPath bool, yield func(*Elem) bool) (bool, error) {
	if len(b) < 2 {
		return true, errShort("RIB entry count", 2, len(b))
	}
	count := int(be16(b))
	b = b[2:]
	e := &s.elem
	e.Kind, e.Prefix, e.HostBits, e.AddPath = KindRIB, p.Prefix, p.HostBits, addPath
	e.FromMP, e.Attrs = afi != bgp.AFIIPv4, &s.attrs
	fixed := 8
	if addPath {
		fixed = 12
	}
	for i := range count {
		if len(b) < fixed {
			return true, fmt.Errorf("RIB entry %d: %w", i, errShort("entry header", fixed, len(b)))
		}
		idx := int(be16(b))
		if idx >= len(s.peers) {
			return true, fmt.Errorf("RIB entry %d: peer index %d outside a table of %d peers", i, idx, len(s.peers))
		}
		e.PeerIP, e.PeerAS, e.Originated = s.peers[idx].IP, s.peers[idx].AS, be32(b[2:])
		if addPath {
			e.PathID = be32(b[6:])
		}
		al := int(be16(b[fixed-2:]))
		if len(b) < fixed+al {
			return true, fmt.Errorf("RIB entry %d: %w", i, errShort("attributes", al, len(b)-fixed))
		}
		if err := s.attrs.Decode(b[fixed:fixed+al], bgp.DecodeOptions{ASSize: 4, AbbrevMPReach: true}); err != nil {
			return true, fmt.Errorf("RIB entry %d: %w", i, err)
		}
		b = b[fixed+al:]
		if !s.emit(yield) {
			return false, nil
		}
	}
	return true, nil
}

// tableDump decodes a TABLE_DUMP record (RFC 6396 §4.2). Early RIS dumps
// batch several entries in one record, the view and sequence number
// written once; the extra entries are decoded too.
func (s *Scanner) tableDump(sub uint16, b []byte, yield func(*Elem) bool) (bool, error) {
	var afi bgp.AFI
	switch sub {
	case SubAFIIPv4:
		afi = bgp.AFIIPv4
	case SubAFIIPv6:
		afi = bgp.AFIIPv6
	default:
		return true, fmt.Errorf("TABLE_DUMP subtype %d: %w", sub, ErrUnsupported)
	}
	if len(b) < 4 {
		return true, errShort("view and sequence", 4, len(b))
	}
	b = b[4:]
	for n := 0; len(b) > 0; n++ {
		rest, err := s.tableDumpEntry(b, afi)
		if err != nil {
			return true, fmt.Errorf("entry %d: %w", n, err)
		}
		b = rest
		if !s.emit(yield) {
			return false, nil
		}
	}
	return true, nil
}

func (s *Scanner) tableDumpEntry(b []byte, afi bgp.AFI) ([]byte, error) {
	v6 := afi == bgp.AFIIPv6
	pfx, b, err := readAddr(b, v6)
	if err != nil {
		return nil, err
	}
	if len(b) < 6 {
		return nil, errShort("prefix length, status, originated", 6, len(b))
	}
	bits := int(b[0])
	if bits > afi.Bits() {
		return nil, fmt.Errorf("%w: /%d", bgp.ErrBadPrefix, bits)
	}
	e := &s.elem
	e.Kind, e.Originated = KindRIB, be32(b[2:])
	e.Prefix, e.HostBits = maskPrefix(pfx, bits)
	e.PeerIP, b, err = readAddr(b[6:], v6)
	if err != nil {
		return nil, err
	}
	if len(b) < 4 {
		return nil, errShort("peer AS and attribute length", 4, len(b))
	}
	e.PeerAS = bgp.ASN(be16(b))
	al := int(be16(b[2:]))
	if len(b) < 4+al {
		return nil, errShort("attributes", al, len(b)-4)
	}
	if err := s.attrs.Decode(b[4:4+al], bgp.DecodeOptions{ASSize: 2, AbbrevMPReach: true}); err != nil {
		return nil, err
	}
	e.Attrs, e.FromMP = &s.attrs, v6
	return b[4+al:], nil
}
