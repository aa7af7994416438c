package eventfeed

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// Type is the kind of an event.
type Type string

// The event types, from the culprit metrics of §3 (measurement-framework.md).
const (
	Hijack Type = "hijack" // M2: an RPKI-invalid origin with no IRR route object (§13.6)
	Leak   Type = "leak"   // M1: a valley-free or ASPA violation (RFC 7908)
	Bogon  Type = "bogon"  // M3 and M4: a full bogon prefix or ASN (§13.5)
)

// Types are the event types, in the order the documentation lists them.
var Types = []Type{Hijack, Leak, Bogon}

// typeOf is the event type of a culprit metric; ok is false for the
// other metrics (the "C" charges, the non-incident metrics).
func typeOf(metric string) (Type, bool) {
	switch vocab.MetricID(metric) {
	case vocab.M2:
		return Hijack, true
	case vocab.M1:
		return Leak, true
	case vocab.M3, vocab.M4:
		return Bogon, true
	}
	return "", false
}

// Event is one public event: a culprit incident of a month (its events
// merged as §4.1 merges them) told from its evidence alone.
type Event struct {
	ID       string // the incident's id, stable across re-ingests
	Type     Type
	Rule     string // the rule that fired (the first event's)
	Culprit  uint32
	ASNs     []uint32 // every network involved, sorted, the culprit included
	Prefixes []netip.Prefix
	Start    time.Time
	End      time.Time
	// Peers is the most collector peers that saw one of its routes.
	Peers int
	// Events is how many detected events the incident merged.
	Events     int
	Confidence Confidence
	Paths      []Path
}

// Duration is End - Start.
func (e *Event) Duration() time.Duration { return e.End.Sub(e.Start) }

// Path is one evidence AS path, collector peer first.
type Path struct {
	Prefix netip.Prefix
	Hops   []string // ASNs, or an AS_SET as "{1,2}"
	// Culprit is the index of the culprit's first hop, -1 when the
	// culprit is not on the path.
	Culprit int
}

// evidence is one merged event's evidence as internal/ingest writes it
// (internal/metric incidentEvidence); only the public fields are read.
type evidence struct {
	Prefix    string
	Origin    uint32
	RPKI      string
	IRR       string
	Peers     int
	Upstreams []string
	Rule      string
	Rules     []string
	Path      string
	Paths     []string
	Leaker    uint32
	From      uint32
	To        uint32
	BogonASN  uint32
	More      bool // the "moreEvents" marker past the first 50
}

// decodeEvidence reads an incident's evidence: a JSON list of objects
// (or one object, as older or hand-made records hold). A field of another
// type than ingest writes is ignored, not an error: the feed tells what
// it can of an odd record rather than failing the whole month.
func decodeEvidence(b []byte) ([]evidence, error) {
	if len(b) == 0 {
		return nil, nil
	}
	var objs []map[string]json.RawMessage
	if err := json.Unmarshal(b, &objs); err != nil {
		var one map[string]json.RawMessage
		if json.Unmarshal(b, &one) != nil {
			return nil, fmt.Errorf("decode evidence: %w", err)
		}
		objs = []map[string]json.RawMessage{one}
	}
	out := make([]evidence, 0, len(objs))
	for _, o := range objs {
		var ev evidence
		get := func(k string, v any) {
			if raw, ok := o[k]; ok {
				json.Unmarshal(raw, v) //nolint:errcheck // a mistyped field stays zero
			}
		}
		get("prefix", &ev.Prefix)
		ev.Origin = asnField(o["origin"])
		get("rpki", &ev.RPKI)
		get("irr", &ev.IRR)
		get("peers", &ev.Peers)
		get("upstreams", &ev.Upstreams)
		get("rule", &ev.Rule)
		get("rules", &ev.Rules)
		get("path", &ev.Path)
		get("paths", &ev.Paths)
		ev.Leaker = asnField(o["leaker"])
		ev.From = asnField(o["from"])
		ev.To = asnField(o["to"])
		ev.BogonASN = asnField(o["bogonASN"])
		_, ev.More = o["moreEvents"]
		out = append(out, ev)
	}
	return out, nil
}

// asnField reads an ASN that ingest writes as a string ("3333"), or as a
// number; 0 when absent or neither.
func asnField(raw json.RawMessage) uint32 {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if a, err := strconv.ParseUint(s, 10, 32); err == nil {
			return uint32(a)
		}
		return 0
	}
	var n uint32
	json.Unmarshal(raw, &n) //nolint:errcheck // not a number: 0
	return n
}

// maxPaths bounds the evidence paths an event lists.
const maxPaths = 16

// Build turns a month's incidents into its public events, newest start
// first (then by id). Incidents of other metrics and excluded ones are
// left out (doc.go). An incident whose evidence does not decode is an
// error naming it.
func Build(incs []store.Incident) ([]Event, error) {
	var out []Event
	for i := range incs {
		in := &incs[i]
		t, ok := typeOf(in.Metric)
		if !ok || in.Excluded {
			continue
		}
		e, err := build(in, t)
		if err != nil {
			return nil, fmt.Errorf("incident %s of AS%d: %w", in.ID, in.ASN, err)
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Event) int {
		return cmp.Or(b.Start.Compare(a.Start), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// build is one incident's event.
func build(in *store.Incident, t Type) (Event, error) {
	evs, err := decodeEvidence(in.Evidence)
	if err != nil {
		return Event{}, err
	}
	e := Event{ID: in.ID, Type: t, Culprit: in.ASN, Start: in.Start.UTC(), End: in.End.UTC(), Events: len(in.Events)}
	asns := map[uint32]bool{in.ASN: true}
	prefixes := map[netip.Prefix]bool{}
	agree := 0.0
	for _, ev := range evs {
		if ev.More {
			continue
		}
		if e.Rule == "" {
			e.Rule = ev.Rule
		}
		if p, err := netip.ParsePrefix(ev.Prefix); err == nil {
			prefixes[p.Masked()] = true
			e.addPaths(p, ev)
		}
		for _, a := range []uint32{ev.Origin, ev.Leaker, ev.From, ev.To, ev.BogonASN} {
			if a != 0 {
				asns[a] = true
			}
		}
		for _, u := range ev.Upstreams {
			if a, err := strconv.ParseUint(u, 10, 32); err == nil {
				asns[uint32(a)] = true
			}
		}
		e.Peers = max(e.Peers, ev.Peers)
		agree = max(agree, agreement(t, &ev))
	}
	for a := range asns {
		e.ASNs = append(e.ASNs, a)
	}
	slices.Sort(e.ASNs)
	for p := range prefixes {
		e.Prefixes = append(e.Prefixes, p)
	}
	slices.SortFunc(e.Prefixes, comparePrefix)
	e.Confidence = confidenceOf(e.Peers, agree, e.Duration())
	return e, nil
}

// addPaths adds the evidence paths of one merged event.
func (e *Event) addPaths(p netip.Prefix, ev evidence) {
	paths := ev.Paths
	if len(paths) == 0 && ev.Path != "" {
		paths = []string{ev.Path}
	}
	culprit := strconv.FormatUint(uint64(e.Culprit), 10)
	for _, s := range paths {
		if len(e.Paths) == maxPaths {
			return
		}
		hops := strings.Fields(s)
		if slices.ContainsFunc(e.Paths, func(q Path) bool { return q.Prefix == p && slices.Equal(q.Hops, hops) }) {
			continue
		}
		e.Paths = append(e.Paths, Path{Prefix: p, Hops: hops, Culprit: slices.Index(hops, culprit)})
	}
}

func comparePrefix(a, b netip.Prefix) int {
	return cmp.Or(a.Addr().Compare(b.Addr()), cmp.Compare(a.Bits(), b.Bits()))
}
