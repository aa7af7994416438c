package eventfeed

import "github.com/observatory-net/observatory/api/wire"

// Wire is the event as the API and the dashboard's JSON give it.
func (e *Event) Wire() wire.Event {
	out := wire.Event{ID: e.ID, Type: string(e.Type), Rule: e.Rule, Culprit: wire.ASN(e.Culprit),
		ASNs: make([]wire.ASN, 0, len(e.ASNs)), Prefixes: make([]string, 0, len(e.Prefixes)),
		Start: e.Start, End: e.End, Duration: e.Duration().Seconds(), Peers: e.Peers, Events: e.Events,
		Confidence: wire.EventConfidence{Value: e.Confidence.Value, Level: e.Confidence.Level,
			Visibility: e.Confidence.Visibility, Agreement: e.Confidence.Agreement, Persistence: e.Confidence.Persistence},
		Paths: make([]wire.EventPath, 0, len(e.Paths)), Link: "/events/" + e.ID}
	for _, a := range e.ASNs {
		out.ASNs = append(out.ASNs, wire.ASN(a))
	}
	for _, p := range e.Prefixes {
		out.Prefixes = append(out.Prefixes, p.String())
	}
	for _, p := range e.Paths {
		out.Paths = append(out.Paths, wire.EventPath{Prefix: p.Prefix.String(), Hops: p.Hops, Culprit: p.Culprit})
	}
	return out
}
