package rscheck

import (
	"iter"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/mrt"
)

// MRTRoutes yields the RIB entries of a route server's MRT dump read from
// sc (TABLE_DUMP or TABLE_DUMP_V2; announcements of update files are
// yielded too), one Route per entry, with the entry's peer as the member.
// Each Route owns its path.
//
// The member is the first AS of the path when the peer AS is not: a route
// server does not prepend its own AS (RFC 7947 §2.2.1), so the path starts
// with the member that announced the route. The two differ in two known
// cases: TABLE_DUMP (v1) keeps a 2-octet peer AS, so a member with a
// 4-octet AS number appears as AS_TRANS (AS23456, RFC 6793); and a dump
// of the route server's export to a collector (NL-ix's) has the route
// server itself as the peer of every entry. Route.PeerAS then keeps the
// entry's peer AS.
func MRTRoutes(sc *mrt.Scanner) iter.Seq2[Route, error] {
	return func(yield func(Route, error) bool) {
		for e := range sc.Elems() {
			if (e.Kind != mrt.KindRIB && e.Kind != mrt.KindAnnounce) || e.Attrs == nil || !e.Prefix.IsValid() {
				continue
			}
			r := Route{Member: e.PeerAS, PeerIP: e.PeerIP, Prefix: e.Prefix, Path: e.Attrs.Path.Clone()}
			if first, ok := firstAS(&r.Path); ok && first != r.Member {
				r.Member, r.PeerAS = first, r.Member
			}
			if !yield(r, nil) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			yield(Route{}, err)
		}
	}
}

// firstAS returns the first AS of a path that starts with an AS_SEQUENCE.
func firstAS(p *bgp.Path) (bgp.ASN, bool) {
	if len(p.Segs) == 0 || p.Segs[0].Type != bgp.SegSequence || p.Segs[0].End == p.Segs[0].Start {
		return 0, false
	}
	return p.ASNs[p.Segs[0].Start], true
}
