package irr

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/observatory-net/observatory/internal/bgp"
)

// MatchKind is how well the IRR supports a (prefix, origin) pair. Greater
// is better, so kinds compare with < and max.
type MatchKind uint8

// The match kinds.
const (
	// None means no route object supports the pair: there is none for the
	// prefix or a less-specific one, or only with other origins.
	None MatchKind = iota
	// Covered means a less-specific route object with the same origin
	// covers the prefix (the MANRS "covered by a less-specific route object
	// with the same origin" rule).
	Covered
	// Exact means a route object has exactly this prefix and origin.
	Exact
)

// String returns "none", "covered" or "exact".
func (k MatchKind) String() string {
	switch k {
	case Exact:
		return "exact"
	case Covered:
		return "covered"
	}
	return "none"
}

// Match is the answer of one source for a (prefix, origin) pair.
type Match struct {
	Source string       // the IRR source
	Kind   MatchKind    // Exact or Covered; sources with None are left out
	Object netip.Prefix // prefix of the route object that matched
}

// Origin is one registration of a prefix: the origin of a route object and
// its source.
type Origin struct {
	ASN    bgp.ASN
	Source string
}

// Lookup returns, for each source that supports the announcement of p by
// origin, the best Match of that source, sorted by source. A source left
// out has no route object for it (None). For Covered the matching object is
// the most specific covering one.
func (x *Index) Lookup(p netip.Prefix, origin bgp.ASN) []Match {
	return x.AppendLookup(nil, p, origin)
}

// AppendLookup is Lookup appending to dst, so that a caller reusing dst
// looks up without allocating.
func (x *Index) AppendLookup(dst []Match, p netip.Prefix, origin bgp.ASN) []Match {
	if !p.IsValid() {
		return dst
	}
	p = p.Masked()
	start := len(dst)
	// Supernets yields p itself first, then ever less specific prefixes,
	// so the first match found for a source is its best.
	for q, sp := range x.table.Supernets(p) {
		for _, e := range x.entries[sp.off : sp.off+sp.n] {
			if e.origin != origin || hasSource(dst[start:], x.sources[e.src]) {
				continue
			}
			kind := Covered
			if q.Bits() == p.Bits() {
				kind = Exact
			}
			dst = append(dst, Match{Source: x.sources[e.src], Kind: kind, Object: q})
		}
		if len(dst)-start == len(x.sources) {
			break
		}
	}
	slices.SortFunc(dst[start:], func(a, b Match) int { return strings.Compare(a.Source, b.Source) })
	return dst
}

func hasSource(ms []Match, source string) bool {
	for i := range ms {
		if ms[i].Source == source {
			return true
		}
	}
	return false
}

// Best returns the best match for the announcement of p by origin across
// all sources: Exact if any source has an exact route object, else Covered
// if any has a covering one, else None. It does not allocate.
func (x *Index) Best(p netip.Prefix, origin bgp.ASN) MatchKind {
	if !p.IsValid() {
		return None
	}
	p = p.Masked()
	for q, sp := range x.table.Supernets(p) {
		if x.hasOrigin(sp, origin) {
			if q.Bits() == p.Bits() {
				return Exact
			}
			return Covered
		}
	}
	return None
}

// hasOrigin reports whether the route objects of a span include origin.
func (x *Index) hasOrigin(sp span, origin bgp.ASN) bool {
	for _, e := range x.entries[sp.off : sp.off+sp.n] {
		if e.origin == origin {
			return true
		}
	}
	return false
}

// Origins returns the origins registered by route objects with exactly
// the prefix p, in any source, sorted by origin and then source. Several
// distinct origins reveal a multiple-origin (MOAS) registration.
func (x *Index) Origins(p netip.Prefix) []Origin {
	if !p.IsValid() {
		return nil
	}
	sp, ok := x.table.Get(p.Masked())
	if !ok {
		return nil
	}
	out := make([]Origin, 0, sp.n)
	for _, e := range x.entries[sp.off : sp.off+sp.n] {
		out = append(out, Origin{ASN: e.origin, Source: x.sources[e.src]})
	}
	return out
}
