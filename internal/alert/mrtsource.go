package alert

import (
	"iter"
	"time"

	"github.com/observatory-net/observatory/internal/mrt"
	"github.com/observatory-net/observatory/internal/rov"
)

// established is the BGP FSM state Established (RFC 4271 §8.2.2), as MRT
// STATE_CHANGE records number it (RFC 6396 §4.4.1).
const established = 6

// MRTObservations yields the observations of an MRT file read by sc, for
// a replay: a RIB entry or an announcement is an Announce, a withdrawal a
// Withdraw, a session leaving Established a PeerDown; the peers' source
// is source (empty: peers are told apart by address and AS only). Each
// Announce has a path of its own.
func MRTObservations(sc *mrt.Scanner, source string) iter.Seq[Observation] {
	return func(yield func(Observation) bool) {
		for e := range sc.Elems() {
			o, ok := FromMRT(e, source)
			if ok && !yield(o) {
				return
			}
		}
	}
}

// FromMRT converts one MRT element; ok is false for elements that are
// not observations (other state changes, elements without a prefix).
func FromMRT(e *mrt.Elem, source string) (o Observation, ok bool) {
	t := time.Unix(int64(e.Time), int64(e.Micro)*1000).UTC()
	p := Peer{Source: source, Addr: e.PeerIP, AS: e.PeerAS}
	switch e.Kind {
	case mrt.KindRIB, mrt.KindAnnounce:
		if !e.Prefix.IsValid() || e.Attrs == nil {
			return nil, false
		}
		origin, single := e.Attrs.Path.Origin()
		if !single {
			origin = rov.NoOrigin
		}
		return Announce{Time: t, Peer: p, Prefix: e.Prefix, Path: PathASNs(nil, &e.Attrs.Path), Origin: origin}, true
	case mrt.KindWithdraw:
		if !e.Prefix.IsValid() {
			return nil, false
		}
		return Withdraw{Time: t, Peer: p, Prefix: e.Prefix}, true
	case mrt.KindState:
		if e.OldState == established && e.NewState != established {
			return PeerDown{Time: t, Peer: p}, true
		}
	}
	return nil, false
}

// Merge yields the observations of several time-ordered sources in time
// order (ties: the earlier source first), as a replay of many files
// must: the collectors' files interleave.
func Merge(srcs ...iter.Seq[Observation]) iter.Seq[Observation] {
	return func(yield func(Observation) bool) {
		type head struct {
			next func() (Observation, bool)
			o    Observation
			ok   bool
		}
		heads := make([]head, len(srcs))
		for i, s := range srcs {
			next, stop := iter.Pull(s)
			defer stop()
			o, ok := next()
			heads[i] = head{next, o, ok}
		}
		for {
			best := -1
			for i, h := range heads {
				if h.ok && (best < 0 || h.o.When().Before(heads[best].o.When())) {
					best = i
				}
			}
			if best < 0 {
				return
			}
			if !yield(heads[best].o) {
				return
			}
			h := &heads[best]
			h.o, h.ok = h.next()
		}
	}
}
