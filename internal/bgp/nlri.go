package bgp

import (
	"errors"
	"fmt"
	"net/netip"
)

// AFI is an address family identifier (RFC 4760, IANA registry).
type AFI uint16

// SAFI is a subsequent address family identifier (RFC 4760).
type SAFI uint8

// Address families and sub-families the observatory decodes.
const (
	AFIIPv4 AFI = 1
	AFIIPv6 AFI = 2

	SAFIUnicast   SAFI = 1
	SAFIMulticast SAFI = 2
)

// ErrBadPrefix reports an NLRI prefix that is too long or overruns its field.
var ErrBadPrefix = errors.New("malformed NLRI prefix")

// Bits returns the address length of the family in bits, or 0 if unknown.
func (a AFI) Bits() int {
	switch a {
	case AFIIPv4:
		return 32
	case AFIIPv6:
		return 128
	}
	return 0
}

// ReadPrefix decodes one RFC 4271 §4.3 prefix (length octet, then the
// minimum number of octets) of family afi from b. It returns the prefix with
// host bits cleared (Masked), the number of bytes used, and whether any host
// bits were set in the encoding.
func ReadPrefix(b []byte, afi AFI) (p netip.Prefix, n int, hostBits bool, err error) {
	if len(b) < 1 {
		return p, 0, false, fmt.Errorf("%w: missing length", ErrBadPrefix)
	}
	bits := int(b[0])
	max := afi.Bits()
	if max == 0 {
		return p, 0, false, fmt.Errorf("%w: unknown AFI %d", ErrBadPrefix, afi)
	}
	if bits > max {
		return p, 0, false, fmt.Errorf("%w: length %d for AFI %d", ErrBadPrefix, bits, afi)
	}
	nb := (bits + 7) / 8
	if len(b) < 1+nb {
		return p, 0, false, fmt.Errorf("%w: /%d needs %d bytes, %d left", ErrBadPrefix, bits, nb, len(b)-1)
	}
	var a16 [16]byte
	copy(a16[:], b[1:1+nb])
	if bits%8 != 0 {
		mask := byte(0xff << (8 - bits%8))
		hostBits = a16[nb-1]&^mask != 0
		a16[nb-1] &= mask
	}
	var addr netip.Addr
	if afi == AFIIPv4 {
		addr = netip.AddrFrom4([4]byte(a16[:4]))
	} else {
		addr = netip.AddrFrom16(a16)
	}
	return netip.PrefixFrom(addr, bits), 1 + nb, hostBits, nil
}

// NLRI is one decoded reachability entry: a prefix and, with ADD-PATH
// (RFC 7911), its path identifier.
type NLRI struct {
	Prefix   netip.Prefix
	PathID   uint32
	HostBits bool // the encoding had host bits set; Prefix is masked
}

// NLRIReader walks an NLRI field. Use it as
//
//	for r := (NLRIReader{...}); r.Next(); { use r.NLRI }
//	if r.Err != nil { ... }
type NLRIReader struct {
	B       []byte
	AFI     AFI
	AddPath bool // each prefix is preceded by a 4-octet path identifier
	NLRI    NLRI
	Err     error
}

// Next decodes the next entry into r.NLRI; false at the end or on error.
func (r *NLRIReader) Next() bool {
	if len(r.B) == 0 || r.Err != nil {
		return false
	}
	var id uint32
	b := r.B
	if r.AddPath {
		if len(b) < 4 {
			r.Err = fmt.Errorf("%w: truncated path identifier", ErrBadPrefix)
			return false
		}
		id, b = be32(b), b[4:]
	}
	p, n, host, err := ReadPrefix(b, r.AFI)
	if err != nil {
		r.Err = err
		return false
	}
	r.NLRI = NLRI{Prefix: p, PathID: id, HostBits: host}
	r.B = b[n:]
	return true
}

// AddrFrom returns the address in b, 4 or 16 bytes long.
func AddrFrom(b []byte) (netip.Addr, bool) {
	switch len(b) {
	case 4:
		return netip.AddrFrom4([4]byte(b)), true
	case 16:
		return netip.AddrFrom16([16]byte(b)), true
	}
	return netip.Addr{}, false
}
