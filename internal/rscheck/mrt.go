package rscheck

import (
	"iter"

	"github.com/observatory-net/observatory/internal/mrt"
)

// MRTRoutes yields the RIB entries of a route server's MRT dump read from
// sc (TABLE_DUMP or TABLE_DUMP_V2; announcements of update files are
// yielded too), one Route per entry, with the entry's peer as the member.
// Each Route owns its path. The scanner's error, if any, ends the
// sequence.
func MRTRoutes(sc *mrt.Scanner) iter.Seq2[Route, error] {
	return func(yield func(Route, error) bool) {
		for e := range sc.Elems() {
			if (e.Kind != mrt.KindRIB && e.Kind != mrt.KindAnnounce) || e.Attrs == nil || !e.Prefix.IsValid() {
				continue
			}
			r := Route{Member: e.PeerAS, PeerIP: e.PeerIP, Prefix: e.Prefix, Path: e.Attrs.Path.Clone()}
			if !yield(r, nil) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			yield(Route{}, err)
		}
	}
}
