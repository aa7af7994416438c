package alert

import (
	"cmp"
	"context"
	"maps"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/gaissmai/bart"

	"github.com/observatory-net/observatory/internal/asrel"
	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/rov"
	"github.com/observatory-net/observatory/internal/rpki"
)

// maxListed bounds the peers and paths an incident lists as evidence.
const maxListed = 20

// Options configure an Engine.
type Options struct {
	// Graph, the CAIDA AS relationships, enables route-leak incidents.
	Graph *asrel.Graph
	// Metrics, when set, counts observations and incidents.
	Metrics *Metrics
}

// Engine turns observations into incidents. It keeps the live route of
// every (peer, prefix) that concerns the watch list (a watched prefix or
// a more-specific, a watched origin, a path through a watched AS when
// leaks are detected) and no other. Its time is the latest observation
// time it was given; it reads no clock. It is safe for concurrent use,
// one observation at a time.
type Engine struct {
	mu       sync.Mutex
	watch    *Watch
	opt      Options
	vrps     *rpki.Snapshot
	prefixes bart.Table[*prefixState]
	asns     map[bgp.ASN]*ASNWatch
	asnIndex map[bgp.ASN]int // position in watch.ASNs
	routes   map[routeKey]*route
	open     map[incKey]*incident
	pending  []*prefixState // visibility below threshold, not yet raised
	now      time.Time
	scratch  []incKey
	// vrpUpdates counts VRP updates, to tell apart two identical ROA
	// changes at the same time.
	vrpUpdates int
	// instant counts the incidents opened per key and opening time while
	// the engine's time stands still, so that an incident closed and
	// opened again within one timestamp (MRT times have whole seconds)
	// gets a new id; it is emptied whenever the time advances.
	instant map[instantKey]int
	stats   Stats
	// resync is the time restored incidents are given to be seen again,
	// from resyncUntil's start, the first route (restore.go).
	resync      time.Duration
	resyncUntil time.Time
}

// Stats count what an Engine did.
type Stats struct {
	Observations int          // observations given
	Routes       int          // live routes kept now
	Opened       map[Kind]int // incidents opened, by kind
	Closed       map[Kind]int // incidents closed, by kind
	Open         map[Kind]int // incidents open now, by kind
}

// prefixState is a watched prefix and its visibility.
type prefixState struct {
	w     *PrefixWatch
	idx   int       // position in watch.Prefixes
	peers int       // peers with a route of exactly w.Prefix from an expected origin
	seen  bool      // peers reached w.MinPeers at least once
	below time.Time // since when peers < MinPeers; zero when not below
}

type instantKey struct {
	key    incKey
	opened int64
}

type routeKey struct {
	peer   Peer
	prefix netip.Prefix
}

type route struct {
	origin  bgp.ASN
	path    []bgp.ASN
	keys    []incKey     // the incidents the route takes part in
	visible *prefixState // counted in this prefix's visibility
}

type incident struct {
	Incident
	routes map[routeKey]struct{}
	// restored is set on an incident taken over from a previous process
	// until the resync period has passed (restore.go).
	restored bool
}

// NewEngine returns an engine for w, validating routes against vrps (nil:
// no VRP, so nothing is RPKI-invalid until a VRPUpdate).
func NewEngine(w *Watch, vrps *rpki.Snapshot, o Options) *Engine {
	e := &Engine{watch: w, opt: o, vrps: vrps, asns: map[bgp.ASN]*ASNWatch{}, asnIndex: map[bgp.ASN]int{},
		routes: map[routeKey]*route{}, open: map[incKey]*incident{}, instant: map[instantKey]int{}}
	e.stats.Opened, e.stats.Closed = map[Kind]int{}, map[Kind]int{}
	for i := range w.Prefixes {
		e.prefixes.Insert(w.Prefixes[i].Prefix, &prefixState{w: &w.Prefixes[i], idx: i})
	}
	for i := range w.ASNs {
		e.asns[w.ASNs[i].ASN] = &w.ASNs[i]
		e.asnIndex[w.ASNs[i].ASN] = i
	}
	return e
}

// Observe applies one observation and appends the events it caused to
// dst, in a deterministic order.
func (e *Engine) Observe(dst []Event, o Observation) []Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	if t := o.When(); t.After(e.now) {
		e.now = t
		clear(e.instant)
	}
	e.stats.Observations++
	n := len(dst)
	switch o := o.(type) {
	case Announce:
		dst = e.announce(dst, o)
	case *Announce:
		dst = e.announce(dst, *o)
	case Withdraw:
		dst = e.withdraw(dst, routeKey{o.Peer, o.Prefix.Masked()})
	case PeerDown:
		dst = e.peerDown(dst, o.Peer)
	case VRPUpdate:
		dst = e.vrpUpdate(dst, o)
	}
	dst = e.timers(dst)
	_, ann := o.(Announce)
	_, annp := o.(*Announce)
	dst = e.expireRestored(dst, ann || annp)
	if m := e.opt.Metrics; m != nil {
		m.observed(o)
		for _, ev := range dst[n:] {
			m.incident(ev)
		}
	}
	return dst
}

// Now returns the engine's time: the latest observation time.
func (e *Engine) Now() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

// Open returns the open incidents, oldest first.
func (e *Engine) Open() []Incident {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]Incident, 0, len(e.open))
	for _, inc := range e.open {
		out = append(out, e.snapshot(inc))
	}
	slices.SortFunc(out, func(a, b Incident) int {
		return cmp.Or(a.Opened.Compare(b.Opened), cmp.Compare(a.Key, b.Key))
	})
	return out
}

// Stats returns the engine's counts.
func (e *Engine) Stats() Stats {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := Stats{Observations: e.stats.Observations, Routes: len(e.routes),
		Opened: maps.Clone(e.stats.Opened), Closed: maps.Clone(e.stats.Closed), Open: map[Kind]int{}}
	for k := range e.open {
		s.Open[k.kind]++
	}
	return s
}

// Run feeds e from in until in is closed or ctx is done, passing every
// event to emit. With tick > 0 it also observes a Tick of now() every
// tick, so that hold timers fire while no route changes; now is the
// injected clock (nil: time.Now).
func (e *Engine) Run(ctx context.Context, in <-chan Observation, now func() time.Time, tick time.Duration, emit func(Event)) error {
	if now == nil {
		now = time.Now
	}
	var tc <-chan time.Time
	if tick > 0 {
		t := time.NewTicker(tick)
		defer t.Stop()
		tc = t.C
	}
	var evs []Event
	for {
		var o Observation
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tc:
			o = Tick{Time: now()}
		case obs, ok := <-in:
			if !ok {
				return nil
			}
			o = obs
		}
		evs = e.Observe(evs[:0], o)
		for _, ev := range evs {
			emit(ev)
		}
	}
}

func (e *Engine) announce(dst []Event, a Announce) []Event {
	k := routeKey{a.Peer, a.Prefix.Masked()}
	if !k.prefix.IsValid() {
		return dst // no prefix: nothing to keep
	}
	ps := e.covering(k.prefix)
	r := e.routes[k]
	if !e.relevant(ps, a) {
		if r != nil {
			dst = e.drop(dst, k, r)
		}
		return dst
	}
	if r == nil {
		r = &route{}
		e.routes[k] = r
	}
	r.origin = a.Origin
	r.path = append(r.path[:0], a.Path...)
	return e.evaluate(dst, k, r, ps)
}

// covering returns the most specific watched prefix covering p.
func (e *Engine) covering(p netip.Prefix) *prefixState {
	_, ps, ok := e.prefixes.LookupPrefixLPM(p)
	if !ok {
		return nil
	}
	return ps
}

// relevant reports whether the engine keeps a's route.
func (e *Engine) relevant(ps *prefixState, a Announce) bool {
	if ps != nil || e.asns[a.Origin] != nil {
		return true
	}
	if e.opt.Graph == nil || len(e.asns) == 0 {
		return false
	}
	for _, x := range a.Path {
		if e.asns[x] != nil {
			return true
		}
	}
	return false
}

func (e *Engine) withdraw(dst []Event, k routeKey) []Event {
	if r := e.routes[k]; r != nil {
		dst = e.drop(dst, k, r)
	}
	return dst
}

func (e *Engine) peerDown(dst []Event, p Peer) []Event {
	var keys []routeKey
	for k := range e.routes {
		if k.peer == p {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, compareRouteKeys)
	for _, k := range keys {
		dst = e.drop(dst, k, e.routes[k])
	}
	return dst
}

// drop removes a route and what it took part in.
func (e *Engine) drop(dst []Event, k routeKey, r *route) []Event {
	for _, key := range r.keys {
		dst = e.detach(dst, key, k)
	}
	r.keys = r.keys[:0]
	if r.visible != nil {
		dst = e.visibility(dst, r.visible, -1)
		r.visible = nil
	}
	delete(e.routes, k)
	return dst
}

// evaluate brings the incidents of route k (new, changed, or under new
// VRPs) up to date.
func (e *Engine) evaluate(dst []Event, k routeKey, r *route, ps *prefixState) []Event {
	want := e.want(k.prefix, r, ps)
	for _, old := range r.keys {
		if !slices.Contains(want, old) {
			dst = e.detach(dst, old, k)
		}
	}
	for _, nk := range want {
		dst = e.attach(dst, nk, k, r, ps)
	}
	r.keys = append(r.keys[:0], want...)
	vis := ps != nil && ps.w.Prefix == k.prefix && expected(ps.w, r.origin)
	switch {
	case vis && r.visible == nil:
		r.visible = ps
		dst = e.visibility(dst, ps, +1)
	case !vis && r.visible != nil:
		dst = e.visibility(dst, r.visible, -1)
		r.visible = nil
	}
	return dst
}

// expected reports whether origin may originate w's prefix: any origin
// when the entry names none.
func expected(w *PrefixWatch, origin bgp.ASN) bool {
	return len(w.Origins) == 0 || slices.Contains(w.Origins, origin)
}

// want returns the keys of the incidents route k takes part in, in the
// engine's scratch slice.
func (e *Engine) want(p netip.Prefix, r *route, ps *prefixState) []incKey {
	keys := e.scratch[:0]
	if ps != nil && len(ps.w.Origins) > 0 && r.origin != rov.NoOrigin && !expected(ps.w, r.origin) {
		kind := SubPrefixHijack
		if p == ps.w.Prefix {
			kind = OriginHijack
		}
		keys = append(keys, incKey{kind: kind, prefix: p, origin: r.origin})
	}
	if (ps != nil || e.asns[r.origin] != nil) && rov.Validate(e.vrps, p, r.origin).Invalid() {
		keys = append(keys, incKey{kind: RPKIInvalid, prefix: p, origin: r.origin})
	}
	if g := e.opt.Graph; g != nil {
		if pc := g.CheckPath(r.path); !pc.Valid && (ps != nil || e.asns[r.origin] != nil || e.asns[pc.Leak.Leaker] != nil) {
			keys = append(keys, incKey{kind: RouteLeak, prefix: p, origin: r.origin, leaker: pc.Leak.Leaker})
		}
	}
	e.scratch = keys
	return keys
}

// attach adds route k to the incident of key, opening it if needed.
func (e *Engine) attach(dst []Event, key incKey, k routeKey, r *route, ps *prefixState) []Event {
	inc := e.open[key]
	opened := inc == nil
	if opened {
		inc = e.newIncident(key, r, ps, e.now)
		e.open[key] = inc
	}
	inc.routes[k] = struct{}{}
	ev := &inc.Evidence
	ev.Peers = len(inc.routes)
	ev.MaxPeers = max(ev.MaxPeers, ev.Peers)
	if len(ev.Paths) < maxListed {
		if s := pathText(r.path); !slices.Contains(ev.Paths, s) {
			ev.Paths = append(ev.Paths, s)
		}
	}
	if opened {
		e.stats.Opened[key.kind]++
		dst = append(dst, Event{Type: EventOpen, Time: e.now, Incident: e.snapshot(inc)})
	}
	return dst
}

// detach removes route k from the incident of key, closing it when k was
// its last route.
func (e *Engine) detach(dst []Event, key incKey, k routeKey) []Event {
	inc := e.open[key]
	if inc == nil {
		return dst
	}
	delete(inc.routes, k)
	inc.Evidence.Peers = len(inc.routes)
	if len(inc.routes) > 0 {
		return dst
	}
	return e.close(dst, key, inc)
}

func (e *Engine) close(dst []Event, key incKey, inc *incident) []Event {
	inc.Closed = e.now
	inc.Duration = Duration(max(0, e.now.Sub(inc.Opened)))
	delete(e.open, key)
	e.stats.Closed[key.kind]++
	return append(dst, Event{Type: EventClose, Time: e.now, Incident: e.snapshot(inc)})
}

// newIncident builds the incident of key raised by route r under the
// watched prefix ps (nil when only ASN watches apply), opened at t.
func (e *Engine) newIncident(key incKey, r *route, ps *prefixState, t time.Time) *incident {
	inc := &incident{routes: map[routeKey]struct{}{}}
	inc.Key = key.String()
	ik := instantKey{key, t.UnixNano()}
	inc.ID = incidentID(key.kind, inc.Key, t, e.instant[ik])
	e.instant[ik]++
	inc.Kind, inc.Prefix, inc.Origin, inc.Opened = key.kind, key.prefix, key.origin, t
	if ps != nil {
		inc.Watches = append(inc.Watches, ps.w.Name)
		inc.Watched = ps.w.Prefix
		inc.Expected = slices.Clone(ps.w.Origins)
		inc.Targets.merge(ps.w.Targets)
	}
	for _, a := range []bgp.ASN{key.origin, key.leaker} {
		if aw := e.asns[a]; aw != nil && !slices.Contains(inc.Watches, aw.Name) {
			inc.Watches = append(inc.Watches, aw.Name)
			inc.Targets.merge(aw.Targets)
		}
	}
	switch key.kind {
	case RPKIInvalid:
		e.rpkiEvidence(inc)
	case RouteLeak:
		if r != nil {
			l := e.opt.Graph.CheckPath(r.path).Leak
			inc.Evidence.Leak = &LeakEvidence{Leaker: l.Leaker, From: l.From, To: l.To,
				FromRel: l.FromRel.String(), ToRel: l.ToRel.String()}
		}
	}
	return inc
}

// rpkiEvidence sets the validation state and the covering VRPs.
func (e *Engine) rpkiEvidence(inc *incident) {
	inc.Evidence.RPKI = rov.Validate(e.vrps, inc.Prefix, inc.Origin).String()
	inc.Evidence.VRPs = inc.Evidence.VRPs[:0]
	for v := range e.vrps.CoveringVRPs(inc.Prefix) {
		inc.Evidence.VRPs = append(inc.Evidence.VRPs, v)
	}
}

// snapshot copies inc as an event shows it: the current peers listed.
func (e *Engine) snapshot(inc *incident) Incident {
	out := inc.Incident
	out.Watches = slices.Clone(inc.Watches)
	out.Expected = slices.Clone(inc.Expected)
	ev := &out.Evidence
	ev.Paths = slices.Clone(ev.Paths)
	ev.VRPs = slices.Clone(ev.VRPs)
	ev.Added, ev.Removed = slices.Clone(ev.Added), slices.Clone(ev.Removed)
	if ev.Leak != nil {
		l := *ev.Leak
		ev.Leak = &l
	}
	peers := make([]Peer, 0, len(inc.routes))
	for k := range inc.routes {
		peers = append(peers, k.peer)
	}
	slices.SortFunc(peers, comparePeers)
	peers = slices.Compact(peers)
	ev.PeerList = nil
	for _, p := range peers[:min(len(peers), maxListed)] {
		ev.PeerList = append(ev.PeerList, p.String())
	}
	return out
}

func comparePeers(a, b Peer) int {
	return cmp.Or(cmp.Compare(a.Source, b.Source), a.Addr.Compare(b.Addr), cmp.Compare(a.AS, b.AS))
}

func compareRouteKeys(a, b routeKey) int {
	return cmp.Or(a.prefix.Addr().Compare(b.prefix.Addr()), cmp.Compare(a.prefix.Bits(), b.prefix.Bits()), comparePeers(a.peer, b.peer))
}
