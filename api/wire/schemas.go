package wire

import (
	"encoding/json"
	"time"
)

// Score is one score of a network. Value is nil without data.
type Score struct {
	ID      ScoreID  `json:"id"`
	Value   *float64 `json:"value"`
	HasData bool     `json:"hasData"`
	Level   Level    `json:"level"`
}

// AS is a network with the scores the caller may see: for a participant's
// ASN without a key of its own, only the Actions the specification marks
// public.
type AS struct {
	ASN         ASN    `json:"asn"`
	Holder      string `json:"holder"`
	Country     string `json:"country"`
	RIR         string `json:"rir"`
	Region      string `json:"region"`
	SubRegion   string `json:"subRegion"`
	Participant bool   `json:"participant"`
	Peers       int    `json:"peers"`
	Announced   int    `json:"announced"`
	// ROV is the ROV deployment inferred for it as a transit hop; left
	// out (zero) when it was never seen as one.
	ROV ROVInference `json:"rov,omitzero"`
	// Leak is its route-leak protection; left out (zero) for months
	// ingested before it was measured.
	Leak LeakProtection `json:"leakProtection,omitzero"`
	// Organisation is the PeeringDB organisation of its network; left
	// out when PeeringDB has none.
	Organisation Organisation `json:"organisation,omitzero"`
	Scores       []Score      `json:"scores"`
}

// Organisation is the organisation a network belongs to: its PeeringDB
// organisation id and name ("" when the organisation's record was not
// read).
type Organisation struct {
	PeeringDB int    `json:"peeringdb"`
	Name      string `json:"name"`
}

// LeakProtection is a network's route-leak protection (internal/leakprot):
// the verdict, the leak events it caused (M1) and its customers' leaks it
// passed on (M1C), the customer routes it carried, and its ASPA object.
type LeakProtection struct {
	Verdict        string `json:"verdict"` // protects, partial, does-not, not-enough-evidence
	Leaks          int    `json:"leaks"`
	CustomerLeaks  int    `json:"customerLeaks"`
	CustomerRoutes int    `json:"customerRoutes"`
	ASPA           bool   `json:"aspa"`
	ASPAProviders  int    `json:"aspaProviders"`
	ASPAMissing    int    `json:"aspaMissing"`
}

// ROVInference is the route origin validation deployment inferred from
// the month's AS paths (internal/rovinfer).
type ROVInference struct {
	Verdict    string  `json:"verdict"` // deploys, partial, does-not, not-enough-evidence
	Propagated int     `json:"propagated"`
	Dropped    int     `json:"dropped"`
	Confidence float64 `json:"confidence"`
}

// Score returns the network's score id, and false when not visible.
func (a *AS) Score(id ScoreID) (Score, bool) {
	for _, s := range a.Scores {
		if s.ID == id {
			return s, true
		}
	}
	return Score{}, false
}

// ASRecord is GET /ases/{asn}: a network in a month.
type ASRecord struct {
	MonthData
	AS
}

// LevelCounts counts (or gives the percentage of) networks per level.
type LevelCounts struct {
	Ready    float64 `json:"ready"`
	Aspiring float64 `json:"aspiring"`
	Lagging  float64 `json:"lagging"`
	NoData   float64 `json:"noData"`
}

// ScoreAggregate is one score over a region. Trend is the value minus
// that of the previous stored month, nil when that has none.
type ScoreAggregate struct {
	ID          ScoreID     `json:"id"`
	Value       *float64    `json:"value"`
	Trend       *float64    `json:"trend"`
	Counts      LevelCounts `json:"counts"`
	Percentages LevelCounts `json:"percentages"`
}

// ScoreSummary is GET /scores/summary. Scope says what Region matched:
// world, region, subregion, rir, economy or participants; "asns" or
// "economies" for a summary of the networks ASNs or Economies name.
// Aggregates are ours, Scores the same figures in the published shape
// (KeyFigures).
type ScoreSummary struct {
	MonthData
	Region        string           `json:"region"`
	Scope         string           `json:"scope"`
	ASNs          []ASN            `json:"asns,omitempty"`
	Economies     []string         `json:"economies,omitempty"`
	PreviousMonth time.Time        `json:"previousMonth,omitzero"`
	Aggregates    []ScoreAggregate `json:"aggregates"`
	Scores        KeyFigures       `json:"scores"`
}

// Metric is one measured metric of a network: its raw value, its score,
// and whether it counts in the network's scores.
type Metric struct {
	ID      string   `json:"id"`
	Raw     *float64 `json:"raw"`
	Score   *float64 `json:"score"`
	Counted bool     `json:"counted"`
	HasData bool     `json:"hasData"`
	// Evidence is what the metric rests on, when the server keeps it: for
	// M8 the contacts found and their source (PeeringDB net, RPSL handle
	// and database, RDAP handle and server).
	Evidence json.RawMessage `json:"evidence,omitempty"`
}

// Route is the evidence of one announced prefix.
type Route struct {
	Prefix     string    `json:"prefix"`
	RPKI       string    `json:"rpki"`
	IRR        string    `json:"irr"`
	IRRSources []string  `json:"irrSources"`
	Bogon      string    `json:"bogon,omitempty"`
	Peers      int       `json:"peers"`
	FirstSeen  time.Time `json:"firstSeen,omitzero"`
	LastSeen   time.Time `json:"lastSeen,omitzero"`
}

// Incident is a detected incident with its evidence, as the detector
// recorded it, and the feedback trail on it, oldest first. Excluded
// incidents were accepted as false positives and do not count.
type Incident struct {
	ID       string          `json:"id"`
	ASN      ASN             `json:"asn"`
	Metric   string          `json:"metric"`
	Start    time.Time       `json:"start,omitzero"`
	End      time.Time       `json:"end,omitzero"`
	Weight   *float64        `json:"weight"`
	Score    *float64        `json:"score"`
	Excluded bool            `json:"excluded"`
	Events   []string        `json:"events"`
	Evidence json.RawMessage `json:"evidence"`
	Feedback []Feedback      `json:"feedback,omitempty"`
}

// ScoreDetails is GET /scores/details: a network's scores, metrics, route
// evidence and incidents.
type ScoreDetails struct {
	MonthData
	AS
	Metrics   []Metric   `json:"metrics"`
	Routes    []Route    `json:"routes"`
	Incidents []Incident `json:"incidents"`
}

// Feedback is a false-positive report on an incident and its review.
type Feedback struct {
	ID          int64     `json:"id"`
	IncidentID  string    `json:"incidentId"`
	Month       time.Time `json:"month"`
	Spec        string    `json:"spec"`
	ASN         ASN       `json:"asn"`
	Reason      string    `json:"reason"`
	SubmittedBy string    `json:"submittedBy"` // the ID of the key
	SubmittedAt time.Time `json:"submittedAt"`
	Verdict     Verdict   `json:"verdict"`
	ReviewedBy  string    `json:"reviewedBy,omitempty"`
	ReviewedAt  time.Time `json:"reviewedAt,omitzero"`
	ReviewNote  string    `json:"reviewNote,omitempty"`
}

// FeedbackList is GET /feedback, a page of feedback: not month data.
type FeedbackList struct {
	NextPageToken string     `json:"nextPageToken,omitempty"`
	Items         []Feedback `json:"items"`
}

// FeedbackRequest is the body of POST /incidents/{id}/feedback.
type FeedbackRequest struct {
	Reason string `json:"reason"`
}

// Review is the secretariat's verdict on a feedback: VerdictAccepted or
// VerdictRejected, with an optional note (ReviewRequest).
type Review struct {
	Verdict Verdict `json:"verdict"`
	Note    string  `json:"note,omitempty"`
}

// ROAFamily is ROA coverage of one address family: announcements and
// address space (addresses for IPv4, /64 networks for IPv6) per state.
type ROAFamily struct {
	Family        int   `json:"family"`
	Valid         int64 `json:"valid"`
	Invalid       int64 `json:"invalid"`
	NotFound      int64 `json:"notFound"`
	ValidSpace    int64 `json:"validSpace"`
	InvalidSpace  int64 `json:"invalidSpace"`
	NotFoundSpace int64 `json:"notFoundSpace"`
}

// ROAStats is ROA coverage of a network (Scope "asn", Key AS3333) or an
// economy (Scope "economy", Key NL).
type ROAStats struct {
	MonthData
	Scope    string      `json:"scope"`
	Key      string      `json:"key"`
	Families []ROAFamily `json:"families"`
}

// ParticipantScore is a participant's mean of one score over its ASNs
// with data. Value is nil when the score is not public (the mark only).
type ParticipantScore struct {
	Value *float64 `json:"value"`
	Level Level    `json:"level"`
}

// ParticipantRow is a row of the public participants table. ID and UID
// are the registry's, empty when the table comes from the month's
// snapshot.
type ParticipantRow struct {
	ID           int64            `json:"id,omitempty"`
	UID          string           `json:"uid,omitempty"`
	Organisation string           `json:"organisation"`
	Programme    Programme        `json:"programme"`
	ASNs         []ASN            `json:"asns"`
	Approved     time.Time        `json:"approved,omitzero"`
	Areas        []string         `json:"areas"`
	Action1Mark  Level            `json:"action1Mark"`
	AntiSpoofing ParticipantScore `json:"antiSpoofing"`
	Coordination ParticipantScore `json:"coordination"`
	IRR          ParticipantScore `json:"routingInformationIRR"`
	RPKI         ParticipantScore `json:"routingInformationRPKI"`
}

// ParticipantPage is a page of the participants table (ParticipantTable).
// Source is "registry" or, when the registry is empty, "month".
type ParticipantPage struct {
	MonthData
	NextPageToken string           `json:"nextPageToken,omitempty"`
	Source        string           `json:"source"`
	Items         []ParticipantRow `json:"items"`
	// Participants are the page's rows in the published shape.
	Participants []PublishedParticipant `json:"participants"`
}

// ParticipantInput registers or replaces a participant.
type ParticipantInput struct {
	Organisation string    `json:"organisation"`
	Programme    Programme `json:"programme"`
	ASNs         []ASN     `json:"asns"`
	Approved     time.Time `json:"approved,omitzero"`
	Areas        []string  `json:"areas,omitempty"`
}

// RegisteredParticipant is an entry of the participants registry. ID is
// never reused; UID is a random UUID that never changes, to which the
// participant's keys are bound.
type RegisteredParticipant struct {
	ID           int64     `json:"id"`
	UID          string    `json:"uid"`
	Organisation string    `json:"organisation"`
	Programme    Programme `json:"programme"`
	ASNs         []ASN     `json:"asns"`
	Approved     time.Time `json:"approved,omitzero"`
	Areas        []string  `json:"areas"`
	UpdatedAt    time.Time `json:"updatedAt"`
}

// SpecSummary names a scoring specification the server knows.
type SpecSummary struct {
	ID        string `json:"id"`
	Version   string `json:"version"`
	Ref       string `json:"ref"` // ID@VERSION
	Title     string `json:"title"`
	Published string `json:"published"`
	Default   bool   `json:"default"`
}

// SpecList is GET /specs.
type SpecList struct {
	Items []SpecSummary `json:"items"`
}

// SpecAction is how a specification scores one MANRS Action.
type SpecAction struct {
	Score   ScoreID  `json:"score"`
	Action  int      `json:"action"`
	Name    string   `json:"name,omitempty"`
	Public  bool     `json:"public"`  // shown to anonymous callers for participants
	Counted []string `json:"counted"` // the metrics that make the score
}

// SpecReadiness is the lowest score of the ready and aspiring levels.
type SpecReadiness struct {
	Ready    float64 `json:"ready"`
	Aspiring float64 `json:"aspiring"`
}

// Spec is a scoring specification. The server sends more than these
// fields; Raw, which the SDK fills, holds the whole document.
type Spec struct {
	ID        string          `json:"id"`
	Version   string          `json:"version"`
	Title     string          `json:"title"`
	Published string          `json:"published,omitempty"`
	Actions   []SpecAction    `json:"actions"`
	Readiness SpecReadiness   `json:"readiness"`
	Raw       json.RawMessage `json:"-"`
}

// Health is GET /healthz: status "ok", the number of stored months and
// the last integrity check of the store.
type Health struct {
	Status string      `json:"status"`
	Months int         `json:"months"`
	Check  HealthCheck `json:"check"`
}

// HealthCheck is the last integrity check of the store: Status ok,
// error, pending or none.
type HealthCheck struct {
	Status    string    `json:"status"`
	At        time.Time `json:"at,omitzero"`
	ElapsedMS int64     `json:"elapsedMs,omitempty"`
	Error     string    `json:"error,omitempty"`
}

// MonthInputs is GET /inputs: what a month rests on.
type MonthInputs struct {
	MonthData
	ComputedAt time.Time  `json:"computedAt"`
	Final      bool       `json:"final"`
	Inputs     []Input    `json:"inputs"`
	NotUsed    []NotUsed  `json:"notUsed"`
	Warnings   []string   `json:"warnings"`
	Stats      MonthStats `json:"stats"`
}

// Input is one file a month read, with the time its records cover.
type Input struct {
	Kind    string    `json:"kind"`
	Path    string    `json:"path"`
	Target  string    `json:"target,omitempty"`
	Size    int64     `json:"size"`
	SHA256  string    `json:"sha256"`
	Records int64     `json:"records"`
	From    time.Time `json:"from,omitzero"`
	To      time.Time `json:"to,omitzero"`
}

// NotUsed is a reference file found and left out, with why.
type NotUsed struct {
	Kind   string    `json:"kind"`
	Group  string    `json:"group,omitempty"`
	Path   string    `json:"path"`
	Date   time.Time `json:"date,omitzero"`
	Reason string    `json:"reason"`
}

// MonthStats counts what a month's ingest read and found.
type MonthStats struct {
	RIBEntries   int64 `json:"ribEntries"`
	Updates      int64 `json:"updates"`
	Routes       int64 `json:"routes"`
	Peers        int   `json:"peers"`
	MeasuredASNs int   `json:"measuredASNs"`
	Incidents    int   `json:"incidents"`
}
