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
	Prefix    string   `json:"prefix"`
	Origin    uint32   `json:"origin"`
	RPKI      string   `json:"rpki"`
	IRR       string   `json:"irr"`
	Peers     int      `json:"peers"`
	Upstreams []string `json:"upstreams"`
	Rule      string   `json:"rule"`
	Rules     []string `json:"rules"`
	Path      string   `json:"path"`
	Paths     []string `json:"paths"`
	Leaker    uint32   `json:"leaker"`
	From      uint32   `json:"from"`
	To        uint32   `json:"to"`
	BogonASN  uint32   `json:"bogonASN"`
	Note      string   `json:"note"`
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
	var evs []evidence
	if len(in.Evidence) > 0 {
		if err := json.Unmarshal(in.Evidence, &evs); err != nil {
			return Event{}, fmt.Errorf("decode evidence: %w", err)
		}
	}
	e := Event{ID: in.ID, Type: t, Culprit: in.ASN, Start: in.Start.UTC(), End: in.End.UTC(), Events: len(in.Events)}
	asns := map[uint32]bool{in.ASN: true}
	prefixes := map[netip.Prefix]bool{}
	agree := 0.0
	for _, ev := range evs {
		if ev.Note != "" { // the "moreEvents" marker past the first 50
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
