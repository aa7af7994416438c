package rir

import (
	"encoding/binary"
	"math/bits"
	"net/netip"
)

// u128 is an IPv6 (or IPv4-as-low-bits) address as a 128-bit integer.
type u128 struct{ hi, lo uint64 }

func toU128(a netip.Addr) u128 {
	b := a.As16()
	if a.Is4() {
		return u128{lo: uint64(binary.BigEndian.Uint32(b[12:]))}
	}
	return u128{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

func (u u128) addr(is4 bool) netip.Addr {
	if is4 {
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], uint32(u.lo))
		return netip.AddrFrom4(b)
	}
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], u.hi)
	binary.BigEndian.PutUint64(b[8:], u.lo)
	return netip.AddrFrom16(b)
}

// trailingZeros returns the number of trailing zero bits (128 for zero).
func (u u128) trailingZeros() int {
	if u.lo != 0 {
		return bits.TrailingZeros64(u.lo)
	}
	return 64 + bits.TrailingZeros64(u.hi)
}

func (u u128) less(v u128) bool { return u.hi < v.hi || (u.hi == v.hi && u.lo < v.lo) }

func (u u128) add(v u128) u128 {
	lo, c := bits.Add64(u.lo, v.lo, 0)
	return u128{u.hi + v.hi + c, lo}
}

func (u u128) sub(v u128) u128 {
	lo, b := bits.Sub64(u.lo, v.lo, 0)
	return u128{u.hi - v.hi - b, lo}
}

// pow2 returns 2**n for n < 128.
func pow2(n int) u128 {
	if n >= 64 {
		return u128{hi: 1 << (n - 64)}
	}
	return u128{lo: 1 << n}
}

// log2Floor returns floor(log2(u)) for u > 0.
func (u u128) log2Floor() int {
	if u.hi != 0 {
		return 127 - bits.LeadingZeros64(u.hi)
	}
	return 63 - bits.LeadingZeros64(u.lo)
}

// SplitRange returns the fewest CIDR prefixes that exactly cover the
// addresses first..last (inclusive), in ascending order. It returns nil
// when the addresses are invalid, of different families, or last < first.
func SplitRange(first, last netip.Addr) []netip.Prefix {
	return AppendRange(nil, first, last)
}

// AppendRange is SplitRange appending to dst.
func AppendRange(dst []netip.Prefix, first, last netip.Addr) []netip.Prefix {
	if !first.IsValid() || !last.IsValid() || first.Is4() != last.Is4() || last.Less(first) {
		return dst
	}
	if first.Is4In6() || last.Is4In6() {
		return dst
	}
	is4 := first.Is4()
	width := 128
	if is4 {
		width = 32
	}
	lo, hi := toU128(first), toU128(last)
	for {
		// The largest block aligned at lo, shrunk until it ends by hi.
		size := min(lo.trailingZeros(), width)
		if span := hi.sub(lo); span.hi != ^uint64(0) || span.lo != ^uint64(0) {
			size = min(size, span.add(u128{lo: 1}).log2Floor())
		}
		dst = append(dst, netip.PrefixFrom(lo.addr(is4), width-size))
		if size >= width {
			return dst // the whole address space
		}
		end := lo.add(pow2(size).sub(u128{lo: 1}))
		if !end.less(hi) {
			return dst
		}
		lo = end.add(u128{lo: 1})
	}
}
