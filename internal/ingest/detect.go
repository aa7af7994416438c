package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/netip"
	"time"

	"github.com/observatory-net/observatory/internal/asrel"
	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/bogon"
	"github.com/observatory-net/observatory/internal/dataset"
	"github.com/observatory-net/observatory/internal/irr"
	"github.com/observatory-net/observatory/internal/rov"
	"github.com/observatory-net/observatory/internal/score"
	"github.com/observatory-net/observatory/internal/spec"
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
	Metric   string
	Event    score.Event
	Evidence map[string]any
}

// detector turns classified routes and paths into events.
type detector struct {
	d      *dataset.Set
	s      *spec.Spec
	f      *Facts
	events []metricEvent
}

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
			"irr": c.IRR.String(), "peers": len(rf.Peers), "upstreams": asnStrings(rf.Upstreams)}
	}
	if hijack {
		ev := evidence()
		ev["rule"] = "RPKI-invalid origin with no matching IRR route object (§13.6)"
		dt.culpritAndCustomers("M2", "M2C", k.Origin, rf, k.Prefix, ev)
	}
	if c.Bogon == bogon.Full {
		ev := evidence()
		_, why := dt.d.Bogons.Prefix(k.Prefix)
		ev["rule"], ev["bogon"] = "full bogon prefix (§13.5)", why
		dt.culpritAndCustomers("M3", "M3C", k.Origin, rf, k.Prefix, ev)
	}
}

// culpritAndCustomers charges the culprit, and each upstream that
// propagated the route: weight 1 when AS relationships make it the
// culprit's provider, 0.5 when the relationship is unknown (§13.4).
func (dt *detector) culpritAndCustomers(metric, cmetric string, culprit bgp.ASN, rf *RouteFact, p netip.Prefix, ev map[string]any) {
	dt.add(culprit, metric, p, rf.First, rf.Last, 1, ev)
	for _, up := range rf.Upstreams {
		w, rel := dt.customerWeight(up, culprit)
		if w == 0 {
			continue
		}
		e := clone(ev)
		e["customer"], e["relationship"] = culprit.Plain(), rel
		dt.add(up, cmetric, p, rf.First, rf.Last, w, e)
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
// ASNs (M4/M4C) and valley-free violations (M1/M1C, shown not counted).
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
						"rule": "full bogon ASN in the AS path (§13.5)"}
					rf2 := *rf
					rf2.Upstreams = nil
					if j > 0 {
						rf2.Upstreams = []bgp.ASN{hops[j-1]}
					}
					dt.culpritAndCustomers("M4", "M4C", hops[j], &rf2, k.Prefix, ev)
					break
				}
			}
			break
		}
	}
	if dt.d.ASRel != nil && len(hops) > 2 {
		if chk := dt.d.ASRel.CheckPath(hops); !chk.Valid {
			l := chk.Leak
			ev := map[string]any{"prefix": k.Prefix.String(), "path": p.String(), "leaker": l.Leaker.Plain(),
				"from": l.From.Plain(), "to": l.To.Plain(), "rule": "valley-free violation against CAIDA AS relationships (RFC 7908)"}
			dt.add(l.Leaker, "M1", k.Prefix, rf.First, rf.Last, 1, ev)
			if l.To != 0 {
				dt.add(l.To, "M1C", k.Prefix, rf.First, rf.Last, 1, clone(ev))
			}
		}
	}
}

func (dt *detector) add(a bgp.ASN, metric string, p netip.Prefix, first, last uint32, w float64, ev map[string]any) {
	id := eventID(metric, a, p, first, ev)
	dt.events = append(dt.events, metricEvent{ASN: a, Metric: metric, Evidence: ev,
		Event: score.Event{ID: id, Start: time.Unix(int64(first), 0).UTC(), End: time.Unix(int64(last), 0).UTC(), Weight: w}})
}

// eventID is stable for the same inputs: a hash of what the event is.
func eventID(metric string, a bgp.ASN, p netip.Prefix, first uint32, ev map[string]any) string {
	b, _ := json.Marshal(ev)
	h := sha256.Sum256(fmt.Appendf(nil, "%s|%d|%s|%d|%s", metric, a, p, first, b))
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
