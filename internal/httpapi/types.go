package httpapi

import (
	"encoding/json"
	"math"
	"time"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/recwire"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/view"
	"github.com/observatory-net/observatory/internal/vocab"
)

// The JSON shapes of api/openapi.yaml are the types of package api/wire,
// which the Go SDK decodes into too; these are the server's names for them.
type (
	monthData        = wire.MonthData
	scoreJSON        = wire.Score
	asJSON           = wire.AS
	asRecord         = wire.ASRecord
	asnList          = wire.ASNPage
	asList           = wire.Page[wire.AS]
	levelCounts      = wire.LevelCounts
	scoreAggregate   = wire.ScoreAggregate
	scoreSummary     = wire.ScoreSummary
	scoreDetails     = wire.ScoreDetails
	metricJSON       = wire.Metric
	routeJSON        = wire.Route
	incidentJSON     = wire.Incident
	incidentList     = wire.Page[wire.Incident]
	feedbackJSON     = wire.Feedback
	feedbackList     = wire.FeedbackList
	roaFamily        = wire.ROAFamily
	roaStats         = wire.ROAStats
	specSummary      = wire.SpecSummary
	participantTable = wire.ParticipantPage
	participantInput = wire.ParticipantInput
	registeredJSON   = wire.RegisteredParticipant
	checkJSON        = wire.HealthCheck
	monthInputs      = wire.MonthInputs
	inputJSON        = wire.Input
	notUsedJSON      = wire.NotUsed
	monthStatsJSON   = wire.MonthStats
	healthJSON       = wire.Health
	specList         = wire.SpecList
	scoreID          = wire.ScoreID
	feedbackRequest  = wire.FeedbackRequest
	reviewRequest    = wire.Review
)

// scoreIDs are the five published scores, in the Observatory's order.
var scoreIDs = vocab.Strings(vocab.Scores)

// counts returns the networks (or their percentage) per level.
func counts(ready, aspiring, lagging, noData float64) levelCounts {
	return levelCounts{Ready: ready, Aspiring: aspiring, Lagging: lagging, NoData: noData}
}

// wireASNs returns ASNs as the API sends them; nil stays nil.
func wireASNs(asns []uint32) []wire.ASN {
	if asns == nil {
		return nil
	}
	out := make([]wire.ASN, len(asns))
	for i, a := range asns {
		out[i] = wire.ASN(a)
	}
	return out
}

// storeASNs returns ASNs as the store keeps them; nil stays nil.
func storeASNs(asns []wire.ASN) []uint32 {
	if asns == nil {
		return nil
	}
	out := make([]uint32, len(asns))
	for i, a := range asns {
		out[i] = uint32(a)
	}
	return out
}

// toRegistered returns a registry entry as the API sends it.
func toRegistered(r *store.Registered) registeredJSON {
	return registeredJSON{ID: r.ID, UID: r.UID, Organisation: r.Organisation, Programme: wire.Programme(r.Programme),
		ASNs: orEmpty(wireASNs(r.ASNs)), Approved: r.Approved.UTC(), Areas: orEmpty(r.Areas), UpdatedAt: r.UpdatedAt.UTC()}
}

// rowJSON returns a row of the participants table as the API sends it;
// the dashboard (internal/web) reads participantRow itself.
func rowJSON(r participantRow) wire.ParticipantRow {
	approved, _ := time.Parse(time.RFC3339Nano, r.Approved) // stamp's form; "" stays the zero time
	mark := func(m participantScore) wire.ParticipantScore {
		return wire.ParticipantScore{Value: m.Value, Level: wire.Level(m.Level)}
	}
	return wire.ParticipantRow{ID: r.ID, UID: r.UID, Organisation: r.Organisation, Programme: wire.Programme(r.Programme),
		ASNs: wireASNs(r.ASNs), Approved: approved, Areas: r.Areas, Action1Mark: wire.Level(r.Action1Mark),
		AntiSpoofing: mark(r.AntiSpoofing), Coordination: mark(r.Coordination), IRR: mark(r.IRR), RPKI: mark(r.RPKI)}
}

// rowsJSON returns rows as the API sends them.
func rowsJSON(rows []participantRow) []wire.ParticipantRow {
	out := make([]wire.ParticipantRow, len(rows))
	for i, r := range rows {
		out[i] = rowJSON(r)
	}
	return out
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

// scoresOf returns the scores of a, only the public Actions' unless full.
// Without the specification no participant score is shown.
func scoresOf(a *store.ASN, sp *spec.Spec, full bool) []scoreJSON {
	out := []scoreJSON{}
	for _, sc := range a.Scores {
		if !full && !view.PublicScore(sp, sc.ID) {
			continue
		}
		v := finite(sc.Value)
		if !sc.HasData {
			v = nil
		}
		out = append(out, scoreJSON{ID: wire.ScoreID(sc.ID), Value: v, HasData: sc.HasData, Level: wire.Level(view.Level(sc.Level, sc.HasData))})
	}
	return out
}

// publicAS returns a's record as the caller may see it: every score of a
// non-participant or of an ASN whose details it may see; a participant's
// public Actions otherwise. An ASN is a participant when its month says so
// or when the registry (reg) lists it.
func publicAS(a *store.ASN, sp *spec.Spec, who *principal, reg map[uint32]bool) asJSON {
	participant, full := view.Visibility(a, &who.Principal, reg)
	return asJSON{ASN: wire.ASN(a.ASN), Holder: a.Holder, Country: a.Country, RIR: a.RIR, Region: a.Region,
		SubRegion: a.SubRegion, Participant: participant, Peers: a.Peers, Announced: a.Announced,
		ROV: recwire.ROV(a), Leak: recwire.Leak(a), Organisation: recwire.Org(a.Org), Scores: scoresOf(a, sp, full)}
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
	return incidentJSON{ID: in.ID, ASN: wire.ASN(in.ASN), Metric: in.Metric, Start: in.Start.UTC(), End: in.End.UTC(),
		Weight: finite(in.Weight), Score: finite(in.Score), Excluded: in.Excluded, Events: events, Evidence: ev}
}

func toFeedback(f *store.Feedback) feedbackJSON {
	return feedbackJSON{ID: f.ID, IncidentID: f.IncidentID, Month: f.Month.UTC(), Spec: f.Spec,
		ASN: wire.ASN(f.ASN), Reason: f.Reason, SubmittedBy: f.SubmittedBy, SubmittedAt: f.SubmittedAt.UTC(),
		Verdict: wire.Verdict(f.Verdict), ReviewedBy: f.ReviewedBy, ReviewedAt: f.ReviewedAt.UTC(), ReviewNote: f.ReviewNote}
}
