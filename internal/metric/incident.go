package metric

import (
	"encoding/json"
	"fmt"
	"maps"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/score"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// The incident metrics (§4.1, §4.2): the detectors' events of one kind,
// charged to the ASN (M1, M2, M3, M4) or to it as the provider that
// propagated a customer's (the C metrics, §13.4), merged into incidents.
// The raw value is the penalty, the sum of the incidents' scores; the
// score is the penalty through the penalty curve (§4.3).
var incidentInputs = map[vocab.MetricID]string{
	vocab.M1:  "Events[M1]: route leaks by the ASN (valley-free violations, ASPA verification)",
	vocab.M1C: "Events[M1C]: route leaks sent to the ASN, which propagated them",
	vocab.M2:  "Events[M2]: hijacks (RPKI-invalid origin without IRR route object, §13.6) by the ASN",
	vocab.M2C: "Events[M2C]: hijacks by a customer of the ASN",
	vocab.M3:  "Events[M3]: full bogon prefixes announced by the ASN (§13.5)",
	vocab.M3C: "Events[M3C]: full bogon prefixes announced by a customer",
	vocab.M4:  "Events[M4]: full bogon ASNs in paths the ASN announced (§13.5)",
	vocab.M4C: "Events[M4C]: full bogon ASNs in paths a customer announced",
}

// incidentEvidence is the shape of an incident's evidence.
const incidentEvidence = "none in the metric; each incident's Evidence is a JSON list, one object per merged event " +
	"(the event's evidence plus event, start, end, weight), at most 50, then {moreEvents, note}"

func init() {
	for _, id := range vocab.IncidentMetrics {
		register(Unit{ID: id, Inputs: incidentInputs[id] + "; From, To; Spec.Incidents, Spec.PenaltyCurve",
			Evidence: incidentEvidence, Formula: func(f *Facts) Result { return incidentMetric(f, id) }})
	}
}

// incidentMetric merges the ASN's events of one metric into incidents and
// scores them.
func incidentMetric(f *Facts, id vocab.MetricID) Result {
	inc := incidents(f, id, f.Events[id])
	raw := score.Penalty(inc.scored)
	return Result{Metric: store.Metric{ID: string(id), Raw: raw, Score: score.Curve(raw, f.Spec.PenaltyCurve), HasData: true},
		Incidents: inc.records}
}

type scoredIncidents struct {
	scored  []score.Incident
	records []store.Incident
}

// incidents merges an ASN's events of one metric (§4.1) and keeps the
// evidence of every merged event.
func incidents(f *Facts, metric vocab.MetricID, evs []Event) scoredIncidents {
	if len(evs) == 0 {
		return scoredIncidents{}
	}
	raw := make([]score.Event, len(evs))
	byID := make(map[string]Event, len(evs))
	for i, e := range evs {
		raw[i] = e.Event
		byID[e.Event.ID] = e
	}
	inc := score.Merge(raw, f.From, f.To, f.Spec.Incidents)
	out := scoredIncidents{scored: inc}
	for _, in := range inc {
		evidence := make([]map[string]any, 0, min(len(in.Events), maxIncidentEvidence+1))
		for i, id := range in.Events {
			if i == maxIncidentEvidence {
				evidence = append(evidence, map[string]any{"moreEvents": len(in.Events) - i,
					"note": "the incident's events list names them all"})
				break
			}
			e := byID[id]
			ev := make(map[string]any, len(e.Evidence)+4)
			maps.Copy(ev, e.Evidence)
			ev["event"], ev["start"], ev["end"], ev["weight"] = id, e.Event.Start, e.Event.End, e.Event.Weight
			evidence = append(evidence, ev)
		}
		b, _ := json.Marshal(evidence)
		out.records = append(out.records, store.Incident{ID: incidentID(metric, f.ASN, in), ASN: uint32(f.ASN), Metric: string(metric),
			Start: in.Start, End: in.End, Weight: in.Weight, Score: in.Score, Events: in.Events, Evidence: b})
	}
	return out
}

// maxIncidentEvidence bounds the events whose evidence an incident
// carries in full: an incident that merged thousands of leak events names
// them all in Events, and details the first ones.
const maxIncidentEvidence = 50

// incidentID is stable for the same inputs: metric, ASN, start and first
// event.
func incidentID(metric vocab.MetricID, a bgp.ASN, in score.Incident) string {
	return fmt.Sprintf("%s-%d-%d-%s", metric, a, in.Start.Unix(), in.Events[0])
}
