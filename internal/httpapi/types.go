package httpapi

import (
	"encoding/json"
	"math"
	"time"

	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
)

// The JSON shapes of api/openapi.yaml.

// scoreIDs are the five published scores, in the Observatory's order.
var scoreIDs = []string{"filtering", "antiSpoofing", "coordination", "routingInformationIRR", "routingInformationRPKI"}

type scoreJSON struct {
	ID      string   `json:"id"`
	Value   *float64 `json:"value"`
	HasData bool     `json:"hasData"`
	Level   string   `json:"level"`
}

type asJSON struct {
	ASN         uint32      `json:"asn"`
	Holder      string      `json:"holder"`
	Country     string      `json:"country"`
	RIR         string      `json:"rir"`
	Region      string      `json:"region"`
	SubRegion   string      `json:"subRegion"`
	Participant bool        `json:"participant"`
	Peers       int         `json:"peers"`
	Announced   int         `json:"announced"`
	Scores      []scoreJSON `json:"scores"`
}

type metricJSON struct {
	ID       string          `json:"id"`
	Raw      *float64        `json:"raw"`
	Score    *float64        `json:"score"`
	Counted  bool            `json:"counted"`
	HasData  bool            `json:"hasData"`
	Evidence json.RawMessage `json:"evidence,omitempty"`
}

type routeJSON struct {
	Prefix     string   `json:"prefix"`
	RPKI       string   `json:"rpki"`
	IRR        string   `json:"irr"`
	IRRSources []string `json:"irrSources"`
	Bogon      string   `json:"bogon,omitempty"`
	Peers      int      `json:"peers"`
	FirstSeen  string   `json:"firstSeen,omitempty"`
	LastSeen   string   `json:"lastSeen,omitempty"`
}

type incidentJSON struct {
	ID       string          `json:"id"`
	ASN      uint32          `json:"asn"`
	Metric   string          `json:"metric"`
	Start    string          `json:"start,omitempty"`
	End      string          `json:"end,omitempty"`
	Weight   *float64        `json:"weight"`
	Score    *float64        `json:"score"`
	Excluded bool            `json:"excluded"`
	Events   []string        `json:"events"`
	Evidence json.RawMessage `json:"evidence"`
	Feedback []feedbackJSON  `json:"feedback,omitempty"`
}

type feedbackJSON struct {
	ID          int64  `json:"id"`
	IncidentID  string `json:"incidentId"`
	Month       string `json:"month"`
	Spec        string `json:"spec"`
	ASN         uint32 `json:"asn"`
	Reason      string `json:"reason"`
	SubmittedBy string `json:"submittedBy"`
	SubmittedAt string `json:"submittedAt"`
	Verdict     string `json:"verdict"`
	ReviewedBy  string `json:"reviewedBy,omitempty"`
	ReviewedAt  string `json:"reviewedAt,omitempty"`
	ReviewNote  string `json:"reviewNote,omitempty"`
}

// finite maps NaN and infinities, which JSON cannot carry, to null.
func finite(f float64) *float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return &f
}

// stamp formats a time as RFC 3339 UTC, "" for the zero time.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// level maps the store's readiness levels to the API's.
func level(l string, hasData bool) string {
	switch l {
	case "ready", "aspiring", "lagging":
		if hasData {
			return l
		}
	}
	return "noData"
}

// scoresOf returns the scores of a, only the public Actions' unless full.
// Without the specification no participant score is shown.
func scoresOf(a *store.ASN, sp *spec.Spec, full bool) []scoreJSON {
	out := []scoreJSON{}
	for _, sc := range a.Scores {
		if !full && !publicScore(sp, sc.ID) {
			continue
		}
		v := finite(sc.Value)
		if !sc.HasData {
			v = nil
		}
		out = append(out, scoreJSON{ID: sc.ID, Value: v, HasData: sc.HasData, Level: level(sc.Level, sc.HasData)})
	}
	return out
}

// publicAS returns a's record as the caller may see it: every score of a
// non-participant or of an ASN whose details it may see; a participant's
// public Actions otherwise. An ASN is a participant when its month says so
// or when the registry (reg) lists it.
func publicAS(a *store.ASN, sp *spec.Spec, who *principal, reg map[uint32]bool) asJSON {
	participant := a.Participant || reg[a.ASN]
	full := !participant || who.SeesDetails(a.ASN)
	return asJSON{ASN: a.ASN, Holder: a.Holder, Country: a.Country, RIR: a.RIR, Region: a.Region,
		SubRegion: a.SubRegion, Participant: participant, Peers: a.Peers, Announced: a.Announced,
		Scores: scoresOf(a, sp, full)}
}

func toIncident(in *store.Incident) incidentJSON {
	ev := in.Evidence
	if len(ev) == 0 || !json.Valid(ev) {
		ev = json.RawMessage("null")
	}
	events := in.Events
	if events == nil {
		events = []string{}
	}
	return incidentJSON{ID: in.ID, ASN: in.ASN, Metric: in.Metric, Start: stamp(in.Start), End: stamp(in.End),
		Weight: finite(in.Weight), Score: finite(in.Score), Excluded: in.Excluded, Events: events, Evidence: ev}
}

func toFeedback(f *store.Feedback) feedbackJSON {
	return feedbackJSON{ID: f.ID, IncidentID: f.IncidentID, Month: f.Month.UTC().Format(time.RFC3339), Spec: f.Spec,
		ASN: f.ASN, Reason: f.Reason, SubmittedBy: f.SubmittedBy, SubmittedAt: stamp(f.SubmittedAt),
		Verdict: string(f.Verdict), ReviewedBy: f.ReviewedBy, ReviewedAt: stamp(f.ReviewedAt), ReviewNote: f.ReviewNote}
}
