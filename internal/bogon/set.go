package bogon

import (
	"cmp"
	"net/netip"
	"slices"
	"sync"

	"github.com/gaissmai/bart"

	"github.com/observatory-net/observatory/internal/bgp"
)

// entry is a full-bogon table row.
type entry struct {
	reason string
	global bool // a globally reachable hole inside a bogon block
}

// Set answers bogon queries. It is immutable and safe for concurrent use.
// The zero value is not usable; get one from Builtin or Builder.Build.
type Set struct {
	full      *bart.Table[entry]  // built-in registries, shared by all sets
	admin     *bart.Table[string] // administrative bogons -> reason
	adminASNs []asnSpan           // disjoint, ascending
}

// fullTable builds the built-in table once.
var fullTable = sync.OnceValue(func() *bart.Table[entry] {
	t := new(bart.Table[entry])
	for _, s := range slices.Concat(specialV4, specialV6) {
		t.Insert(mustPrefix(s.prefix), entry{reason: s.reason, global: s.global})
	}
	return t
})

// Builtin returns the set of full bogons only.
func Builtin() *Set {
	return &Set{full: fullTable(), admin: new(bart.Table[string])}
}

// Prefix returns the kind of bogon p is and why: Full when a special-purpose
// or reserved entry covers p (unless a more specific globally reachable
// entry covers it), else Administrative when an administrative entry covers
// p, else None. Invalid prefixes are None. IPv4-mapped IPv6 prefixes are
// IPv6 space (::ffff:0:0/96) and thus Full.
func (s *Set) Prefix(p netip.Prefix) (Kind, string) {
	if !p.IsValid() {
		return None, ""
	}
	p = p.Masked()
	if e, ok := s.full.LookupPrefix(p); ok && !e.global {
		return Full, e.reason
	}
	if r, ok := s.admin.LookupPrefix(p); ok {
		return Administrative, r
	}
	return None, ""
}

// Addr is Prefix for a single address.
func (s *Set) Addr(a netip.Addr) (Kind, string) {
	if !a.IsValid() {
		return None, ""
	}
	return s.Prefix(netip.PrefixFrom(a, a.BitLen()))
}

// Overlaps is like Prefix but also reports bogon space inside p: for
// 192.0.0.0/8 it returns Full because 192.0.2.0/24 lies inside it. Globally
// reachable holes do not count.
func (s *Set) Overlaps(p netip.Prefix) (Kind, string) {
	k, r := s.Prefix(p)
	if k == Full || !p.IsValid() {
		return k, r
	}
	for _, e := range s.full.Subnets(p.Masked()) {
		if !e.global {
			return Full, e.reason
		}
	}
	if k == Administrative {
		return k, r
	}
	found := false
	s.admin.Subnets(p.Masked())(func(_ netip.Prefix, reason string) bool {
		r, found = reason, true
		return false
	})
	if found {
		return Administrative, r
	}
	return None, ""
}

// ASN returns the kind of bogon AS number a is and why.
func (s *Set) ASN(a bgp.ASN) (Kind, string) {
	if r, ok := findASN(reservedASNs, a); ok {
		return Full, r
	}
	if r, ok := findASN(s.adminASNs, a); ok {
		return Administrative, r
	}
	return None, ""
}

// findASN binary-searches disjoint ascending spans.
func findASN(spans []asnSpan, a bgp.ASN) (string, bool) {
	i, found := slices.BinarySearchFunc(spans, a, func(s asnSpan, a bgp.ASN) int {
		return cmp.Compare(s.first, a)
	})
	if !found {
		i--
	}
	if i < 0 || spans[i].last < a {
		return "", false
	}
	return spans[i].reason, true
}

// Len returns the number of administrative prefixes and ASN ranges.
func (s *Set) Len() (prefixes, asnRanges int) { return s.admin.Size(), len(s.adminASNs) }
