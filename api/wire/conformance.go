package wire

import "time"

// ConformanceFlags is GET /api/v2/conformance/flags: the month's
// minimum-conformance flags for the steering committee, under the rule of
// the month's specification (issue 13 item 3), as far as the caller may
// see them.
type ConformanceFlags struct {
	MonthData
	Rule ConformanceRule `json:"rule"`
	// Participants is how many participants were checked; Source says
	// whence: "registry", or "month" (the month's own snapshot) when the
	// registry is empty.
	Participants int               `json:"participants"`
	Source       string            `json:"source"`
	Items        []ConformanceFlag `json:"items"`
}

// ConformanceRule is the specification's minimum (internal/spec.Minimum).
type ConformanceRule struct {
	Scores            []ScoreID `json:"scores"`
	Failing           []Level   `json:"failing"`
	ConsecutiveMonths int       `json:"consecutiveMonths"`
	NoDataScores      []ScoreID `json:"noDataScores"`
	NoDataMonths      int       `json:"noDataMonths"`
	HistoryMonths     int       `json:"historyMonths"`
}

// The kinds of a flag.
const (
	FlagLagging = "lagging" // at a failing level for the rule's months
	FlagNoData  = "noData"  // without data for the rule's months
)

// ConformanceFlag is one participant's ASN below the minimum on one
// Action: since which month, for how many months in a row, whether the
// flag is new this month (the run just reached the rule's length), the
// history of the Action's level and the evidence of the run's months.
type ConformanceFlag struct {
	ParticipantID  int64                 `json:"participantId,omitempty"`
	ParticipantUID string                `json:"participantUid,omitempty"`
	Organisation   string                `json:"organisation"`
	Programme      string                `json:"programme"`
	ASN            ASN                   `json:"asn"`
	Score          ScoreID               `json:"score"`
	Action         int                   `json:"action"`
	Kind           string                `json:"kind"`
	Since          time.Time             `json:"since"`
	Months         int                   `json:"months"`
	New            bool                  `json:"new"`
	History        []ConformancePoint    `json:"history"`
	Evidence       []ConformanceEvidence `json:"evidence"`
}

// The states of a history point besides the readiness levels.
const (
	PointNotStored     = "notStored"     // no month stored: a run breaks
	PointNotMeasured   = "notMeasured"   // stored, the ASN has no record
	PointBeforeJoining = "beforeJoining" // before the participant's approval
)

// ConformancePoint is one month of a flag's history: a readiness level
// (Level's names), or notStored, notMeasured or beforeJoining.
type ConformancePoint struct {
	Month time.Time `json:"month"`
	State string    `json:"state"`
	Value *float64  `json:"value"`
}

// ConformanceEvidence is one month of a flag's run: the score and the
// metrics its Action counts.
type ConformanceEvidence struct {
	Month   time.Time `json:"month"`
	Value   *float64  `json:"value"`
	Level   Level     `json:"level"`
	Metrics []Metric  `json:"metrics"`
}
