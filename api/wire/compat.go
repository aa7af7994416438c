package wire

import "time"

// This file holds the shapes that existing MANRS Observatory clients read
// (docs/api-compat.md): the published v2 fields served beside ours, and
// the deprecated v1 responses under /api/….

// Severity ids of the published shapes, which name "no data" differently
// from Level (LevelNoData is "noData").
const (
	SeverityReady    = "ready"
	SeverityAspiring = "aspiring"
	SeverityLagging  = "lagging"
	SeverityNoData   = "no_data_available"
)

// SeverityOf returns the published severity id of a readiness level.
func SeverityOf(l Level) string {
	if l == LevelNoData || l == "" {
		return SeverityNoData
	}
	return string(l)
}

// ASNPage is GET /asns: a page of the month's participant ASNs (Items)
// and, as the published contract has it, all of them (ASNs).
type ASNPage struct {
	MonthData
	NextPageToken string `json:"nextPageToken,omitempty"`
	Items         []ASN  `json:"items"`
	ASNs          []ASN  `json:"asns"`
}

// KeyFigures is the published scores object of GET /scores/summary.
type KeyFigures struct {
	KeyFigures []KeyFigure `json:"keyFigures"`
}

// KeyFigure is one score over the summary's networks: its mean (nil
// without data), the change since the previous stored month (nil when
// either has no value) and the networks per severity.
type KeyFigure struct {
	ID         ScoreID    `json:"id"`
	Value      *float64   `json:"value"`
	Trend      *float64   `json:"trend"`
	Severities []Severity `json:"severities"`
}

// Severity counts the networks at one readiness level; Percentage is of
// all the summary's networks, 0 to 100.
type Severity struct {
	ID         string  `json:"id"`
	Count      int     `json:"count"`
	Percentage float64 `json:"percentage"`
}

// PublishedParticipant is a participant as GET /participants publishes
// it: a UUID id, the status (always "approved": the table lists members
// only), the approval date and the ASNs.
type PublishedParticipant struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Status      string    `json:"status"`
	Programme   Programme `json:"programme"`
	MemberSince time.Time `json:"memberSince,omitzero"`
	ASNs        []ASN     `json:"asns"`
	AreasServed []string  `json:"areasServed"`
}

// V1ASNs is GET /api/asns (v1): the participant ASNs.
type V1ASNs struct {
	ASNs []uint32 `json:"asns"`
}

// V1AS is an AS of GET /api/asns/info (v1).
type V1AS struct {
	Number    uint32 `json:"number"`
	Name      string `json:"name"`
	Country   string `json:"country"`
	Status    string `json:"status"`
	MANRS     bool   `json:"manrs"`
	RIRStatus string `json:"rir_status"`
}

// V1ASList is GET /api/asns/info (v1).
type V1ASList struct {
	Month string `json:"month"`
	ASNs  []V1AS `json:"asns"`
}

// V1ROAFamily is the ROA coverage of one address family (v1).
type V1ROAFamily struct {
	Family        int   `json:"family"`
	Valid         int64 `json:"valid"`
	Invalid       int64 `json:"invalid"`
	NotFound      int64 `json:"not_found"`
	ValidSpace    int64 `json:"valid_space"`
	InvalidSpace  int64 `json:"invalid_space"`
	NotFoundSpace int64 `json:"not_found_space"`
}

// V1ROAs is GET /api/roas/asn/{asn} and /api/roas/country/{CC} (v1).
type V1ROAs struct {
	Month    string        `json:"month"`
	Scope    string        `json:"scope"`
	Key      string        `json:"key"`
	Families []V1ROAFamily `json:"families"`
}

// V1Score is a score of the v1 conformance table: its value (nil when
// not public or without data) and its severity.
type V1Score struct {
	Value    *float64 `json:"value"`
	Severity string   `json:"severity"`
}

// V1Action is one Action of a v1 conformance row: conformance is true
// when the participant's severity on it is ready.
type V1Action struct {
	Conformance bool    `json:"conformance"`
	Score       V1Score `json:"score"`
}

// V1RoutingInformation is Action 4 of a v1 conformance row, split in IRR
// and RPKI.
type V1RoutingInformation struct {
	Conformance bool    `json:"conformance"`
	ScoreIRR    V1Score `json:"score_irr"`
	ScoreRPKI   V1Score `json:"score_rpki"`
}

// V1Participant is a row of GET /api/conformance/{programme} (v1).
type V1Participant struct {
	ID                 int64                `json:"id"`
	Name               string               `json:"name"`
	AreasServed        []string             `json:"areas_served"`
	ASNs               []uint32             `json:"ASNs"`
	MemberSince        string               `json:"member_since"`
	Filtering          V1Action             `json:"filtering"`
	AntiSpoofing       V1Action             `json:"anti_spoofing"`
	Coordination       V1Action             `json:"coordination"`
	RoutingInformation V1RoutingInformation `json:"routing_information"`
}

// V1Conformance is GET /api/conformance/{programme} (v1), and the rows of
// GET /api/ixps/info.
type V1Conformance struct {
	Month        string          `json:"month"`
	Participants []V1Participant `json:"participants"`
}
