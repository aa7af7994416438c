package bgpdump

import (
	"net/netip"
	"strconv"
)

// appendAddr prints an address as bgpdump 1.6.2 does. IPv4 is dotted quad.
// IPv6 follows bgpdump's own fmt_ipv6, not RFC 5952: the longest run of
// zero groups (the first one on a tie) is shortened to "::" even when it
// is a single group, and IPv4-mapped and IPv4-compatible addresses end in
// dotted quad.
func appendAddr(dst []byte, a netip.Addr) []byte {
	if a.Is4() || !a.IsValid() {
		return a.AppendTo(dst)
	}
	b := a.As16()
	if v4, prefix, ok := embeddedV4(b); ok {
		dst = append(dst, prefix...)
		return netip.AddrFrom4(v4).AppendTo(dst)
	}
	var g [8]uint16
	for i := range g {
		g[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	start, n := longestZeroRun(g)
	for i := 0; i < 8; i++ {
		if i == start {
			if i == 0 {
				dst = append(dst, ':')
			}
			dst = append(dst, ':')
			i += n - 1
			continue
		}
		dst = strconv.AppendUint(dst, uint64(g[i]), 16)
		if i != 7 {
			dst = append(dst, ':')
		}
	}
	return dst
}

// embeddedV4 recognises ::ffff:a.b.c.d (IN6_IS_ADDR_V4MAPPED) and
// ::a.b.c.d (IN6_IS_ADDR_V4COMPAT: the last 32 bits are more than 1).
func embeddedV4(b [16]byte) ([4]byte, string, bool) {
	for _, x := range b[:10] {
		if x != 0 {
			return [4]byte{}, "", false
		}
	}
	v4 := [4]byte(b[12:])
	switch {
	case b[10] == 0xff && b[11] == 0xff:
		return v4, "::ffff:", true
	case b[10] == 0 && b[11] == 0 && (v4[0]|v4[1]|v4[2] != 0 || v4[3] > 1):
		return v4, "::", true
	}
	return [4]byte{}, "", false
}

// longestZeroRun returns the start and length of the first longest run of
// zero groups, or (-1, 0).
func longestZeroRun(g [8]uint16) (start, n int) {
	start = -1
	for i := 0; i < 8; {
		if g[i] != 0 {
			i++
			continue
		}
		j := i
		for j < 8 && g[j] == 0 {
			j++
		}
		if j-i > n {
			start, n = i, j-i
		}
		i = j
	}
	return start, n
}

// appendPrefix prints "address/length".
func appendPrefix(dst []byte, p netip.Prefix) []byte {
	dst = appendAddr(dst, p.Addr())
	dst = append(dst, '/')
	return strconv.AppendUint(dst, uint64(p.Bits()), 10)
}
