package alert

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/observatory-net/observatory/internal/store"
)

// A restarted live feed takes over the incidents the previous process
// left open (docs/alerts.md, "Restarts"): they stay open under their IDs,
// so the routes that come back as the peers send their tables again
// attach to them instead of opening new incidents, and nothing is alerted
// twice. What does not come back within the resync period had ended while
// no process watched, and is closed then. A visibility loss is closed by
// the visibility coming back, as before.

// Restore takes over incidents (as the store keeps them: OpenIncidents)
// and closes, resync after the first route observed, those no route
// attached to again. It returns the opening event of each incident it
// took over, with the targets of this engine's watch list, for the
// deliveries the previous process may not have made (the dispatcher's
// journal skips those it made). An incident whose key this engine would
// not compute (a ROA change, which opens and closes at once, or a kind
// unknown to it) is not taken over. Call it before the first observation.
func (e *Engine) Restore(incs []Incident, resync time.Duration) []Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	var opens []Event
	for _, in := range incs {
		key, ok := restoredKey(&in)
		if !ok || e.open[key] != nil || !in.Closed.IsZero() {
			continue
		}
		inc := &incident{Incident: in, routes: map[routeKey]struct{}{}, restored: true}
		inc.Targets = Targets{}
		e.retarget(inc, key)
		inc.Evidence.Peers = 0
		e.open[key] = inc
		opens = append(opens, Event{Type: EventOpen, Time: in.Opened, Incident: e.snapshot(inc)})
	}
	if len(opens) > 0 {
		e.resync = resync
	}
	return opens
}

// restoredKey is the key of an incident as the engine computed it.
func restoredKey(in *Incident) (incKey, bool) {
	key := incKey{kind: in.Kind, prefix: in.Prefix, origin: in.Origin}
	switch in.Kind {
	case OriginHijack, SubPrefixHijack, RPKIInvalid, VisibilityLoss:
	case RouteLeak:
		if in.Evidence.Leak == nil {
			return incKey{}, false
		}
		key.leaker = in.Evidence.Leak.Leaker
	default:
		return incKey{}, false
	}
	return key, in.Key == key.String()
}

// retarget sets the targets of a restored incident from this engine's
// watch list, which may have changed since the incident opened.
func (e *Engine) retarget(inc *incident, key incKey) {
	if ps, ok := e.prefixes.Get(inc.Watched); ok && inc.Watched.IsValid() {
		inc.Targets.merge(ps.w.Targets)
		if key.kind == VisibilityLoss {
			ps.seen = true // it was seen, then lost
		}
	}
	for _, a := range [...]uint32{uint32(key.origin), uint32(key.leaker)} {
		for _, aw := range e.watch.ASNs {
			if a != 0 && uint32(aw.ASN) == a {
				inc.Targets.merge(aw.Targets)
			}
		}
	}
}

// expireRestored closes, once the resync period has passed since the
// first route (route: o is an announcement), the restored incidents no
// route attached to. Ticks before the first route do not start it: the
// routers may take their time to connect.
func (e *Engine) expireRestored(dst []Event, route bool) []Event {
	if e.resync == 0 {
		return dst
	}
	if e.resyncUntil.IsZero() {
		if !route {
			return dst
		}
		e.resyncUntil = e.now.Add(e.resync)
	}
	if e.now.Before(e.resyncUntil) {
		return dst
	}
	var keys []incKey
	for key, inc := range e.open {
		if inc.restored {
			inc.restored = false
			if len(inc.routes) == 0 && key.kind != VisibilityLoss {
				keys = append(keys, key)
			}
		}
	}
	slices.SortFunc(keys, func(a, b incKey) int { return strings.Compare(a.String(), b.String()) })
	for _, key := range keys {
		inc := e.open[key]
		inc.Evidence.EndedUnseen = true
		dst = e.close(dst, key, inc)
	}
	e.resync = 0
	return dst
}

// OpenIncidents returns the incidents j keeps open, as the engine's
// Incident (their stored document), for Restore.
func OpenIncidents(ctx context.Context, j store.Alerts) ([]Incident, error) {
	recs, err := j.AlertIncidents(ctx, store.AlertFilter{Open: true, Limit: store.MaxAlertIncidents})
	if err != nil {
		return nil, fmt.Errorf("open alert incidents: %w", err)
	}
	out := make([]Incident, 0, len(recs))
	for _, r := range recs {
		var in Incident
		if err := json.Unmarshal(r.Doc, &in); err != nil {
			return nil, fmt.Errorf("alert incident %s: its document: %w", r.ID, err)
		}
		if in.ID != r.ID {
			return nil, fmt.Errorf("alert incident %s: its document is of %s", r.ID, in.ID)
		}
		if !in.Prefix.IsValid() {
			in.Prefix = netip.Prefix{}
		}
		out = append(out, in)
	}
	return out, nil
}
