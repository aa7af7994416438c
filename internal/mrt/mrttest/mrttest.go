// Package mrttest writes synthetic MRT records (RFC 6396, RFC 8050) for
// tests, fuzz seeds and benchmarks: whatever subtype the real sample files
// lack can be built here byte for byte.
package mrttest

import (
	"encoding/binary"
	"net/netip"
)

// MRT types and subtypes used by the builders.
const (
	TypeTableDumpV2 = 13
	TypeBGP4MP      = 16
	TypeBGP4MPET    = 17
)

// Record frames body as an MRT record. For BGP4MP_ET the microseconds are
// put in front of the body, as RFC 6396 §3 lays out.
func Record(ts uint32, typ, sub uint16, micro uint32, body []byte) []byte {
	if typ == TypeBGP4MPET {
		body = append(binary.BigEndian.AppendUint32(nil, micro), body...)
	}
	b := binary.BigEndian.AppendUint32(nil, ts)
	b = binary.BigEndian.AppendUint16(b, typ)
	b = binary.BigEndian.AppendUint16(b, sub)
	b = binary.BigEndian.AppendUint32(b, uint32(len(body)))
	return append(b, body...)
}

// Peer is a PEER_INDEX_TABLE entry.
type Peer struct {
	IP  netip.Addr
	AS  uint32
	AS4 bool
}

// PeerIndex builds a PEER_INDEX_TABLE body (RFC 6396 §4.3.1).
func PeerIndex(collector netip.Addr, view string, peers []Peer) []byte {
	b := append([]byte(nil), collector.AsSlice()...)
	b = binary.BigEndian.AppendUint16(b, uint16(len(view)))
	b = append(b, view...)
	b = binary.BigEndian.AppendUint16(b, uint16(len(peers)))
	for _, p := range peers {
		var typ byte
		if p.IP.Is6() {
			typ |= 1
		}
		if p.AS4 {
			typ |= 2
		}
		b = append(b, typ, 10, 0, 0, 1)
		b = append(b, p.IP.AsSlice()...)
		if p.AS4 {
			b = binary.BigEndian.AppendUint32(b, p.AS)
		} else {
			b = binary.BigEndian.AppendUint16(b, uint16(p.AS))
		}
	}
	return b
}

// Prefix encodes an NLRI prefix (RFC 4271 §4.3).
func Prefix(p netip.Prefix) []byte {
	a := p.Addr().AsSlice()
	return append([]byte{byte(p.Bits())}, a[:(p.Bits()+7)/8]...)
}

// Entry is a RIB entry of a TABLE_DUMP_V2 RIB record.
type Entry struct {
	PeerIndex  uint16
	Originated uint32
	PathID     uint32 // written only for ADD-PATH subtypes
	Attrs      []byte
}

// RIB builds an AFI/SAFI-specific RIB body (RFC 6396 §4.3.2, RFC 8050 §4).
func RIB(seq uint32, p netip.Prefix, addPath bool, entries []Entry) []byte {
	b := binary.BigEndian.AppendUint32(nil, seq)
	b = append(b, Prefix(p)...)
	return appendEntries(b, addPath, entries)
}

// RIBGeneric builds a RIB_GENERIC body (RFC 6396 §4.3.3).
func RIBGeneric(seq uint32, afi uint16, safi byte, p netip.Prefix, addPath bool, entries []Entry) []byte {
	b := binary.BigEndian.AppendUint32(nil, seq)
	b = binary.BigEndian.AppendUint16(b, afi)
	b = append(b, safi)
	b = append(b, Prefix(p)...)
	return appendEntries(b, addPath, entries)
}

func appendEntries(b []byte, addPath bool, entries []Entry) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(len(entries)))
	for _, e := range entries {
		b = binary.BigEndian.AppendUint16(b, e.PeerIndex)
		b = binary.BigEndian.AppendUint32(b, e.Originated)
		if addPath {
			b = binary.BigEndian.AppendUint32(b, e.PathID)
		}
		b = binary.BigEndian.AppendUint16(b, uint16(len(e.Attrs)))
		b = append(b, e.Attrs...)
	}
	return b
}

// Attr encodes one path attribute, with an extended length when needed.
func Attr(flags, typ byte, val []byte) []byte {
	if len(val) > 255 {
		b := []byte{flags | 0x10, typ}
		b = binary.BigEndian.AppendUint16(b, uint16(len(val)))
		return append(b, val...)
	}
	return append([]byte{flags, typ, byte(len(val))}, val...)
}

// ASPath4 encodes an AS_PATH of one AS_SEQUENCE with 4-octet ASNs.
func ASPath4(asns ...uint32) []byte {
	v := []byte{2, byte(len(asns))}
	for _, a := range asns {
		v = binary.BigEndian.AppendUint32(v, a)
	}
	return Attr(0x40, 2, v)
}

// Session is the peer header of a BGP4MP record.
type Session struct {
	PeerAS, LocalAS uint32
	PeerIP, LocalIP netip.Addr
	AS4             bool
}

// BGP4MPHeader encodes the peer header of a BGP4MP record (RFC 6396 §4.4).
func BGP4MPHeader(s Session) []byte {
	var b []byte
	if s.AS4 {
		b = binary.BigEndian.AppendUint32(b, s.PeerAS)
		b = binary.BigEndian.AppendUint32(b, s.LocalAS)
	} else {
		b = binary.BigEndian.AppendUint16(b, uint16(s.PeerAS))
		b = binary.BigEndian.AppendUint16(b, uint16(s.LocalAS))
	}
	b = binary.BigEndian.AppendUint16(b, 0) // interface index
	afi := uint16(1)
	if s.PeerIP.Is6() {
		afi = 2
	}
	b = binary.BigEndian.AppendUint16(b, afi)
	b = append(b, s.PeerIP.AsSlice()...)
	return append(b, s.LocalIP.AsSlice()...)
}

// Update encodes a whole BGP UPDATE message with its 19-octet header.
func Update(withdrawn, attrs, nlri []byte) []byte {
	body := binary.BigEndian.AppendUint16(nil, uint16(len(withdrawn)))
	body = append(body, withdrawn...)
	body = binary.BigEndian.AppendUint16(body, uint16(len(attrs)))
	body = append(body, attrs...)
	body = append(body, nlri...)
	msg := make([]byte, 16, 19+len(body))
	for i := range msg {
		msg[i] = 0xff
	}
	msg = binary.BigEndian.AppendUint16(msg, uint16(19+len(body)))
	msg = append(msg, 2)
	return append(msg, body...)
}
