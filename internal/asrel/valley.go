package asrel

import "github.com/observatory-net/observatory/internal/bgp"

// Leak is the first valley-free violation on a path: an AS that
// re-announced a route learned from a provider or a peer to a provider or
// a peer (RFC 7908 §2, types 1 to 4).
type Leak struct {
	// Index is the position in the path given to CheckPath of the leaking
	// AS (the leftmost position when it is prepended).
	Index  int
	Leaker bgp.ASN // the AS at Index
	// From is the AS the leaker learned the route from (the next AS to the
	// right, towards the origin); To is the AS it announced the route to
	// (the next AS to the left, towards the collector).
	From, To bgp.ASN
	// FromRel is Relationship(Leaker, From): CustomerOf when the route came
	// from a provider, Peer when from a peer, Unknown when that link is not
	// in the data (the valley was entered further right). ToRel is
	// Relationship(Leaker, To): CustomerOf (sent up to a provider) or Peer.
	FromRel, ToRel Relationship
}

// PathCheck is the result of CheckPath.
type PathCheck struct {
	// Leak is the first violation in propagation order (the one nearest the
	// origin); it is meaningful only when Valid is false.
	Leak Leak
	// Valid is false when the path has a valley. A path whose links are
	// partly Unknown can still hide one: see Unknown.
	Valid bool
	// Unknown counts the adjacent pairs (after removing prepends) whose
	// relationship is not in the data. Unknown links neither break a path
	// nor change its phase.
	Unknown int
	// Hops is the number of links checked (distinct adjacent pairs).
	Hops int
}

// CheckPath checks that an AS path is valley-free. The path is as seen from
// the collector: path[0] is the collector's peer and the last element the
// origin (see the package documentation). Prepending (consecutive repeats)
// is collapsed; only AS_SEQUENCE members should be passed, not AS_SET ones.
//
// Walking from the origin towards the collector, every link must go up
// (customer to provider) until the first peer link or downward link; after
// that only downward links may follow. The first link that goes up or
// across a peer after that point is reported as the Leak.
func (g *Graph) CheckPath(path []bgp.ASN) PathCheck {
	res := PathCheck{Valid: true}
	descending := false
	prevRun := -1 // start of the run to the right of cur (towards origin)
	cur := runStart(path, len(path)-1)
	for cur > 0 {
		next := runStart(path, cur-1)
		res.Hops++
		// rel is how the receiving AS relates to the sending AS.
		rel := g.Relationship(path[next], path[cur])
		if rel == Unknown {
			res.Unknown++
		}
		goesUpOrAcross := rel == ProviderOf || rel == Peer
		if descending && goesUpOrAcross && res.Valid {
			res.Valid = false
			res.Leak = g.leak(path, prevRun, cur, next)
		}
		if rel == Peer || rel == CustomerOf {
			descending = true
		}
		prevRun, cur = cur, next
	}
	return res
}

// leak describes the AS at index cur that sent the route from path[from]
// to path[to].
func (g *Graph) leak(path []bgp.ASN, from, cur, to int) Leak {
	l := Leak{Index: cur, Leaker: path[cur], To: path[to]}
	l.ToRel = g.Relationship(l.Leaker, l.To)
	if from >= 0 {
		l.From = path[from]
		l.FromRel = g.Relationship(l.Leaker, l.From)
	}
	return l
}

// runStart returns the first index of the run of equal ASNs ending at i,
// or -1 when i < 0.
func runStart(path []bgp.ASN, i int) int {
	if i < 0 {
		return -1
	}
	for i > 0 && path[i-1] == path[i] {
		i--
	}
	return i
}
