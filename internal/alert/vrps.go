package alert

import (
	"crypto/sha256"
	"iter"
	"slices"
	"time"

	"github.com/observatory-net/observatory/internal/rpki"
)

// visibility applies a change of delta peers to the visibility of ps:
// reaching MinPeers closes an open visibility loss (and arms the rule
// the first time); falling below it starts the hold timer.
func (e *Engine) visibility(dst []Event, ps *prefixState, delta int) []Event {
	ps.peers += delta
	key := incKey{kind: VisibilityLoss, prefix: ps.w.Prefix}
	inc := e.open[key]
	if inc != nil {
		inc.Evidence.Peers = ps.peers
	}
	if ps.peers >= ps.w.MinPeers {
		ps.seen = true
		ps.below = time.Time{}
		e.pending = slices.DeleteFunc(e.pending, func(p *prefixState) bool { return p == ps })
		if inc != nil {
			dst = e.close(dst, key, inc)
		}
		return dst
	}
	if ps.seen && ps.below.IsZero() && inc == nil {
		ps.below = e.now
		e.pending = append(e.pending, ps)
	}
	return dst
}

// timers raises the visibility losses whose hold has passed, opened at
// the time visibility was lost.
func (e *Engine) timers(dst []Event) []Event {
	if len(e.pending) == 0 {
		return dst
	}
	keep := e.pending[:0]
	for _, ps := range e.pending {
		if e.now.Before(ps.below.Add(ps.w.Hold)) {
			keep = append(keep, ps)
			continue
		}
		key := incKey{kind: VisibilityLoss, prefix: ps.w.Prefix}
		inc := e.newIncident(key, nil, ps, ps.below)
		inc.Evidence.Peers, inc.Evidence.MinPeers = ps.peers, ps.w.MinPeers
		inc.Evidence.Hold, inc.Evidence.Since = Duration(ps.w.Hold), ps.below
		e.open[key] = inc
		e.stats.Opened[VisibilityLoss]++
		dst = append(dst, Event{Type: EventOpen, Time: e.now, Incident: e.snapshot(inc)})
		ps.below = time.Time{}
	}
	e.pending = keep
	return dst
}

// vrpUpdate swaps the VRP set, raises the ROA changes of watched prefixes
// and ASes, and re-validates every kept route.
func (e *Engine) vrpUpdate(dst []Event, u VRPUpdate) []Event {
	old := e.vrps
	e.vrpUpdates++
	e.vrps = u.Snapshot
	// The first VRP set is the baseline, not a change.
	if old != nil {
		added, removed := u.Added, u.Removed
		if added == nil && removed == nil {
			added, removed = DiffVRPs(old, u.Snapshot)
		}
		dst = e.roaChanges(dst, added, removed)
	}
	keys := make([]routeKey, 0, len(e.routes))
	for k := range e.routes {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compareRouteKeys)
	for _, k := range keys {
		if r := e.routes[k]; r != nil {
			dst = e.evaluate(dst, k, r, e.covering(k.prefix))
		}
	}
	for key, inc := range e.open {
		if key.kind == RPKIInvalid {
			e.rpkiEvidence(inc)
		}
	}
	return dst
}

// roaChanges raises one roa-change per watched prefix overlapped by a
// changed VRP (covering it or inside it), and per watched AS named by
// one, in watch-list order. The watched prefixes of each VRP are found in
// the prefix index, so a large change (a full reload) costs a look-up per
// VRP, not a scan of the watch list.
func (e *Engine) roaChanges(dst []Event, added, removed []rpki.VRP) []Event {
	if len(added)+len(removed) == 0 {
		return dst
	}
	np := len(e.watch.Prefixes)
	byWatch := make([][2][]rpki.VRP, np+len(e.watch.ASNs))
	for side, set := range [][]rpki.VRP{added, removed} {
		for _, v := range set {
			for _, ps := range e.prefixes.Supernets(v.Prefix) {
				byWatch[ps.idx][side] = append(byWatch[ps.idx][side], v)
			}
			for p, ps := range e.prefixes.Subnets(v.Prefix) {
				if p != v.Prefix { // the exact prefix came with the supernets
					byWatch[ps.idx][side] = append(byWatch[ps.idx][side], v)
				}
			}
			if aw := e.asns[v.ASN]; aw != nil {
				i := np + e.asnIndex[v.ASN]
				byWatch[i][side] = append(byWatch[i][side], v)
			}
		}
	}
	for i := range e.watch.Prefixes {
		w := &e.watch.Prefixes[i]
		dst = e.roaChange(dst, incKey{kind: ROAChange, prefix: w.Prefix}, e.covering(w.Prefix), nil, byWatch[i][0], byWatch[i][1])
	}
	for i := range e.watch.ASNs {
		w := &e.watch.ASNs[i]
		dst = e.roaChange(dst, incKey{kind: ROAChange, origin: w.ASN}, nil, w, byWatch[np+i][0], byWatch[np+i][1])
	}
	return dst
}

func (e *Engine) roaChange(dst []Event, key incKey, ps *prefixState, aw *ASNWatch, added, removed []rpki.VRP) []Event {
	if len(added)+len(removed) == 0 {
		return dst
	}
	h := sha256.New()
	for _, set := range [][]rpki.VRP{added, removed} {
		for _, v := range set {
			h.Write([]byte(v.String()))
		}
		h.Write([]byte{0})
	}
	copy(key.digest[:], h.Sum(nil))
	key.at, key.seq = e.now.UnixNano(), e.vrpUpdates
	inc := e.newIncident(key, nil, ps, e.now)
	if aw != nil {
		inc.Watches = append(inc.Watches, aw.Name)
		inc.Targets.merge(aw.Targets)
	}
	inc.Evidence.Added, inc.Evidence.Removed = added, removed
	inc.Closed = e.now
	e.stats.Opened[ROAChange]++
	e.stats.Closed[ROAChange]++
	return append(dst, Event{Type: EventOpen, Time: e.now, Incident: e.snapshot(inc)})
}

// DiffVRPs returns the VRPs of b not in a (added) and of a not in b
// (removed), in rpki.Compare order. Either may be nil (empty).
func DiffVRPs(a, b *rpki.Snapshot) (added, removed []rpki.VRP) {
	na, stopA := iter.Pull(a.VRPs())
	defer stopA()
	nb, stopB := iter.Pull(b.VRPs())
	defer stopB()
	va, okA := na()
	vb, okB := nb()
	for okA || okB {
		c := 0
		switch {
		case !okA:
			c = 1
		case !okB:
			c = -1
		default:
			c = rpki.Compare(va, vb)
		}
		switch {
		case c < 0:
			removed = append(removed, va)
			va, okA = na()
		case c > 0:
			added = append(added, vb)
			vb, okB = nb()
		default:
			va, okA = na()
			vb, okB = nb()
		}
	}
	return added, removed
}
