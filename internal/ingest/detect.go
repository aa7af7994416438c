package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/observatory-net/observatory/internal/aspa"
	"github.com/observatory-net/observatory/internal/asrel"
	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/bogon"
	"github.com/observatory-net/observatory/internal/dataset"
	"github.com/observatory-net/observatory/internal/irr"
	"github.com/observatory-net/observatory/internal/rov"
	"github.com/observatory-net/observatory/internal/score"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/vocab"
)

// Class is the classification of one route against the reference data.
type Class struct {
	RPKI  rov.State
	IRR   irr.MatchKind
	Bogon bogon.Kind
}

// classify looks a route up in the RPKI, the IRR and the bogon sets.
func classify(d *dataset.Set, k RouteKey) Class {
	c := Class{RPKI: rov.Validate(d.RPKI, k.Prefix, k.Origin)}
	if d.IRR != nil && k.Origin != 0 {
		c.IRR = d.IRR.Best(k.Prefix, k.Origin)
	}
	if d.Bogons != nil {
		c.Bogon, _ = d.Bogons.Prefix(k.Prefix)
	}
	return c
}

// metricEvent is an event charged to one ASN under one metric.
type metricEvent struct {
	ASN      bgp.ASN
	Metric   vocab.MetricID
	Event    score.Event
	Evidence map[string]any
}

// detector turns classified routes and paths into events.
type detector struct {
	d      *dataset.Set
	s      *spec.Spec
	f      *Facts
	events []metricEvent
	index  map[eventKey]int // events by what they charge, to fold repeats
}

// eventKey is what makes an event: one metric charged to one AS for one
// prefix over one span. The other paths that show the same thing add to
// its evidence, not to the incident count.
type eventKey struct {
	metric vocab.MetricID
	asn    bgp.ASN
	prefix netip.Prefix
	start  uint32
}

// maxEvidencePaths bounds the paths listed in one event's evidence; the
// count of all of them is kept.
const maxEvidencePaths = 8

// route adds the events one route causes: hijacks (M2/M2C, §13.6) and
// bogon prefixes (M3/M3C, full bogons only, §13.5).
func (dt *detector) route(k RouteKey, rf *RouteFact, c Class) {
	if k.Origin == 0 {
		return
	}
	hijack := (c.RPKI == rov.InvalidASN || c.RPKI == rov.InvalidLength) && c.IRR == irr.None
	if !hijack && c.Bogon != bogon.Full {
		return
	}
	evidence := func() map[string]any {
		return map[string]any{"prefix": k.Prefix.String(), "origin": k.Origin.Plain(), "rpki": c.RPKI.String(),
			"irr": c.IRR.String(), "peers": len(rf.Peers), "upstreams": asnStrings(rf.Upstreams), "paths": dt.pathStrings(rf)}
	}
	if hijack {
		ev := evidence()
		ev["rule"] = "RPKI-invalid origin with no matching IRR route object (§13.6)"
		dt.culpritAndCustomers(vocab.M2, vocab.M2C, k.Origin, rf, k.Prefix, ev)
	}
	if c.Bogon == bogon.Full {
		ev := evidence()
		_, why := dt.d.Bogons.Prefix(k.Prefix)
		ev["rule"], ev["bogon"] = "full bogon prefix (§13.5)", why
		dt.culpritAndCustomers(vocab.M3, vocab.M3C, k.Origin, rf, k.Prefix, ev)
	}
}

// culpritAndCustomers charges the culprit, and each upstream that
// propagated the route: weight 1 when AS relationships make it the
// culprit's provider, 0.5 when the relationship is unknown (§13.4).
func (dt *detector) culpritAndCustomers(metric, cmetric vocab.MetricID, culprit bgp.ASN, rf *RouteFact, p netip.Prefix, ev map[string]any) {
	dt.add(culprit, metric, p, rf, 1, ev)
	for _, up := range rf.Upstreams {
		w, rel := dt.customerWeight(up, culprit)
		if w == 0 {
			continue
		}
		e := clone(ev)
		e["customer"], e["relationship"] = culprit.Plain(), rel
		dt.add(up, cmetric, p, rf, w, e)
	}
}

func (dt *detector) customerWeight(up, culprit bgp.ASN) (float64, string) {
	if dt.d.ASRel == nil {
		return dt.s.Customers.UnknownRelationshipWeight, "unknown (no AS relationships loaded)"
	}
	switch r := dt.d.ASRel.Relationship(up, culprit); r {
	case asrel.ProviderOf:
		return 1, r.String()
	case asrel.Unknown:
		return dt.s.Customers.UnknownRelationshipWeight, "unknown (adjacent in the path, not in the AS relationships)"
	default:
		return 0, r.String()
	}
}

// path adds the events of one distinct AS path seen for a route: bogon
// ASNs (M4/M4C) and route leaks (M1/M1C, shown not counted) found by the
// valley-free check against CAIDA's relationships and, when the RPKI data
// holds ASPAs, by ASPA verification.
func (dt *detector) path(k RouteKey, rf *RouteFact, p *bgp.Path) {
	hops := flatHops(p)
	if dt.d.Bogons != nil {
		for i, a := range hops {
			kind, why := dt.d.Bogons.ASN(a)
			if kind != bogon.Full {
				continue
			}
			// The culprit announced a path holding the bogon ASN: the
			// first non-bogon AS on the collector side of it.
			for j := i - 1; j >= 0; j-- {
				if kb, _ := dt.d.Bogons.ASN(hops[j]); kb != bogon.Full {
					ev := map[string]any{"prefix": k.Prefix.String(), "path": p.String(), "bogonASN": a.Plain(), "bogon": why,
						"peers": len(rf.Peers), "rule": "full bogon ASN in the AS path (§13.5)"}
					rf2 := *rf
					rf2.Upstreams = nil
					if j > 0 {
						rf2.Upstreams = []bgp.ASN{hops[j-1]}
					}
					dt.culpritAndCustomers(vocab.M4, vocab.M4C, hops[j], &rf2, k.Prefix, ev)
					break
				}
			}
			break
		}
	}
	var leaks []leakFinding
	if dt.d.ASRel != nil && len(hops) > 2 {
		if chk := dt.d.ASRel.CheckPath(hops); !chk.Valid {
			l := chk.Leak
			ev := map[string]any{"prefix": k.Prefix.String(), "path": p.String(), "leaker": l.Leaker.Plain(),
				"from": l.From.Plain(), "to": l.To.Plain(), "peers": len(rf.Peers), "rule": valleyRule}
			detail := map[string]any{"rule": valleyRule, "leaker": l.Leaker.Plain(), "from": l.From.Plain(), "to": l.To.Plain()}
			leaks = append(leaks, leakFinding{leaker: l.Leaker, to: l.To, ev: ev, detailKey: "valleyFree", detail: detail})
		}
	}
	if dt.d.RPKI.NumASPAs() > 0 {
		if f, ok := aspaLeak(dt.d.RPKI, k, p); ok {
			f.ev["peers"] = len(rf.Peers)
			leaks = append(leaks, f)
		}
	}
	dt.leakEvents(k, rf, leaks)
}

const valleyRule = "valley-free violation against CAIDA AS relationships (RFC 7908)"

// aspaRule names the ASPA check in evidence, with the draft revision and
// the section of the procedure used.
var aspaRule = fmt.Sprintf("ASPA verification (%s §5.5): invalid", aspa.Draft)

// leakFinding is one detector's verdict that a path holds a route leak:
// leaker re-announced the route to to (0 when unknown). detail, stored
// under detailKey, is what the finding adds to another detector's
// evidence when both name the same AS.
type leakFinding struct {
	leaker, to bgp.ASN
	ev         map[string]any
	detailKey  string
	detail     map[string]any
}

// aspaLeak verifies a path against the ASPAs (package aspa) and returns a
// finding when they prove it is not valley-free.
//
// Which procedure: draft-ietf-sidrops-aspa-verification-24 applies the
// upstream procedure (§5.4) to routes received from a customer or a lateral
// peer, where the whole path must climb to the neighbour, and the
// downstream procedure (§5.5) to routes received from a provider, where the
// path may climb, cross one lateral hop and descend to the neighbour;
// §6.3 and §6.4 choose per session from the BGP role. A route collector
// peer sends the collector its full table, routes from its own providers
// and peers included, which is a provider's export to a customer: the
// collector sits where a customer does. Upstream verification would call
// every route the peer learned from a provider or peer Invalid, a leak by
// the peer that never happened. So collector views are verified downstream,
// which is also the draft's choice (§6.4) when a relationship is unclear
// and false Invalids must be avoided.
//
// The neighbour check (§5 step 2) is skipped: a path here is shared by all
// the peers that sent it, and collectors also peer with transparent route
// servers, which the draft exempts. A path Invalid only for its AS_SET
// (step 3) names no leaker and is not a leak; §13.8 lists such routes.
//
// The leaker charged is the AS of the first hop after the end of the
// up-ramp that an ASPA shows going up or across (aspa.Result.Leak): when
// it is also the AS the route went down to, the two ASPAs pin the leak on
// it ("leakerPinned"); otherwise it is the nearest AS proven to have sent
// the route up.
func aspaLeak(s aspa.Lookup, k RouteKey, p *bgp.Path) (leakFinding, bool) {
	r := aspa.VerifyPath(s, p, aspa.Downstream, 0)
	if r.Reason != aspa.ReasonRamps {
		return leakFinding{}, false
	}
	hop := func(h aspa.Hop) map[string]any {
		return map[string]any{"from": h.From.Plain(), "to": h.To.Plain(), "attester": h.Attester.Plain()}
	}
	detail := map[string]any{"rule": aspaRule, "direction": aspa.Downstream.String(), "hop": hop(r.Leak), "upRampEnd": hop(r.Up),
		"leakerPinned": r.Leak.From == r.Up.To,
		"ramps":        map[string]int{"n": r.N, "maxUp": r.MaxUp, "minUp": r.MinUp, "maxDown": r.MaxDown, "minDown": r.MinDown}}
	ev := clone(detail)
	ev["prefix"], ev["path"], ev["leaker"], ev["to"] = k.Prefix.String(), p.String(), r.Leak.From.Plain(), r.Leak.To.Plain()
	return leakFinding{leaker: r.Leak.From, to: r.Leak.To, ev: ev, detailKey: "aspa", detail: detail}, true
}

// leakEvents charges each finding's leaker with M1, and the AS it sent the
// route to with M1C at weight 1, as for valley-free violations (M1 and M1C
// are shown, not counted, §13.2). When two findings of one path name the
// same AS for the same metric (the valley-free check and ASPA agreeing on
// the leaker), they are two opinions on one leak: they become one event
// whose evidence is the first finding's, with "rules" listing both rules,
// "rule" joining them, and the second finding's detail under its key.
// Counting them apart would double the incident. Findings that name
// different ASes stay separate events, each backed by its own evidence.
func (dt *detector) leakEvents(k RouteKey, rf *RouteFact, fs []leakFinding) {
	for _, metric := range []vocab.MetricID{vocab.M1, vocab.M1C} {
		charged := func(f leakFinding) bgp.ASN {
			if metric == vocab.M1 {
				return f.leaker
			}
			return f.to
		}
		for i, f := range fs {
			a := charged(f)
			if a == 0 || slices.ContainsFunc(fs[:i], func(g leakFinding) bool { return charged(g) == a }) {
				continue
			}
			ev := clone(f.ev)
			for _, g := range fs[i+1:] {
				if charged(g) == a {
					mergeFinding(ev, g)
				}
			}
			dt.add(a, metric, k.Prefix, rf, 1, ev)
		}
	}
}

// mergeFinding adds finding g to evidence ev of the same leak.
func mergeFinding(ev map[string]any, g leakFinding) {
	rules, _ := ev["rules"].([]string)
	if len(rules) == 0 {
		rules = []string{fmt.Sprint(ev["rule"])}
	}
	rules = append(rules, fmt.Sprint(g.ev["rule"]))
	ev["rules"], ev["rule"] = rules, strings.Join(rules, "; ")
	ev[g.detailKey] = g.detail
}

// add charges a with one event per announced span of the route: a route
// withdrawn between two dumps makes two events, which §4.1 scores apart
// unless they overlap. The same charge seen again (another path of the
// route showing the same leak or bogon ASN) joins the first event: its
// path is listed in "paths" (at most maxEvidencePaths), counted in
// "pathCount", and the higher weight holds.
func (dt *detector) add(a bgp.ASN, metric vocab.MetricID, p netip.Prefix, rf *RouteFact, w float64, ev map[string]any) {
	spans := rf.AnnouncedSpans()
	if dt.index == nil {
		dt.index = map[eventKey]int{}
	}
	for _, sp := range spans {
		k := eventKey{metric: metric, asn: a, prefix: p, start: sp.Start}
		if i, ok := dt.index[k]; ok {
			foldEvidence(&dt.events[i], ev, w)
			continue
		}
		dt.index[k] = len(dt.events)
		dt.events = append(dt.events, metricEvent{ASN: a, Metric: metric, Evidence: ev,
			Event: score.Event{ID: eventID(k, ev), Start: time.Unix(int64(sp.Start), 0).UTC(), End: time.Unix(int64(sp.End), 0).UTC(), Weight: w}})
	}
}

// foldEvidence adds a repeat of an event's charge to it.
func foldEvidence(e *metricEvent, ev map[string]any, w float64) {
	e.Event.Weight = max(e.Event.Weight, w)
	path, ok := ev["path"].(string)
	if !ok {
		return
	}
	if _, ok := e.Evidence["pathCount"]; !ok {
		e.Evidence = clone(e.Evidence) // shared with the other spans' events
		first, _ := e.Evidence["path"].(string)
		e.Evidence["paths"], e.Evidence["pathCount"] = []string{first}, 1
	}
	paths := e.Evidence["paths"].([]string)
	if len(paths) < maxEvidencePaths && !slices.Contains(paths, path) {
		e.Evidence["paths"] = append(paths, path)
	}
	e.Evidence["pathCount"] = e.Evidence["pathCount"].(int) + 1
}

// eventID is stable for the same inputs: a hash of what the event charges
// and the rule that fired.
func eventID(k eventKey, ev map[string]any) string {
	h := sha256.Sum256(fmt.Appendf(nil, "%s|%d|%s|%d|%v", k.metric, k.asn, k.prefix, k.start, ev["rule"]))
	return hex.EncodeToString(h[:8])
}

// flatHops returns the path's ASNs without prepends, collector side first.
func flatHops(p *bgp.Path) []bgp.ASN {
	out := make([]bgp.ASN, 0, len(p.ASNs))
	for _, a := range p.ASNs {
		if len(out) == 0 || out[len(out)-1] != a {
			out = append(out, a)
		}
	}
	return out
}

// pathStrings lists the distinct AS paths kept for a route (at most
// maxPathsPerRoute), collector peer first: the evidence paths of its
// hijack and bogon-prefix events (the public event feed, docs/events.md).
func (dt *detector) pathStrings(rf *RouteFact) []string {
	out := make([]string, 0, len(rf.Paths))
	for _, pid := range rf.Paths {
		out = append(out, dt.f.Paths[pid].Path.String())
	}
	return out
}

func asnStrings(as []bgp.ASN) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Plain()
	}
	return out
}

func clone(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+2)
	for k, v := range m {
		out[k] = v
	}
	return out
}
