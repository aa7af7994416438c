package wire

import "time"

// Report is GET /api/v2/reports/{participant}: one participant's monthly
// conformance report (issue 13 item 2): the five scores of each of its
// ASNs, the change since the previous stored month and why, and what to
// do about each finding.
type Report struct {
	MonthData
	// Previous is the stored month before Month, nil when there is none.
	Previous     *time.Time  `json:"previous"`
	Participant  int64       `json:"participant"`
	Organisation string      `json:"organisation"`
	Programme    string      `json:"programme"`
	ASNs         []ReportASN `json:"asns"`
}

// ReportASN is one ASN of the report. Measured is false when the month
// has no record of it (then Scores are all without data).
type ReportASN struct {
	ASN      ASN           `json:"asn"`
	Holder   string        `json:"holder"`
	Measured bool          `json:"measured"`
	Scores   []ReportScore `json:"scores"`
	// Incidents are the month's incidents of the ASN, excluded ones too.
	Incidents []ReportIncident `json:"incidents"`
	// Became lists the prefixes whose RPKI or IRR state got worse since
	// the previous month: RPKI-invalid, or without IRR coverage.
	Became   []ReportPrefix  `json:"became"`
	Findings []ReportFinding `json:"findings"`
}

// ReportScore is one score of an ASN with the previous month's. Change is
// Value minus Previous, nil when either has no data.
type ReportScore struct {
	ID            ScoreID  `json:"id"`
	Action        int      `json:"action"`
	Value         *float64 `json:"value"`
	Level         Level    `json:"level"`
	Previous      *float64 `json:"previous"`
	PreviousLevel Level    `json:"previousLevel"`
	Change        *float64 `json:"change"`
}

// ReportIncident is one incident of the month.
type ReportIncident struct {
	ID       string    `json:"id"`
	Metric   string    `json:"metric"`
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Score    float64   `json:"score"`
	Excluded bool      `json:"excluded"`
}

// ReportPrefix is a prefix whose state got worse: Kind is "rpkiInvalid"
// (State is the RPKI state now, Before the previous month's, "" when not
// announced then) or "irrLost" (the IRR state now and before).
type ReportPrefix struct {
	Prefix string `json:"prefix"`
	Kind   string `json:"kind"`
	State  string `json:"state"`
	Before string `json:"before"`
}

// ReportFinding is one kind of finding of an ASN, how many, and the
// fixed advice for it, citing the MANRS Action.
type ReportFinding struct {
	Kind   string `json:"kind"`
	Action int    `json:"action"`
	Count  int    `json:"count"`
	Advice string `json:"advice"`
}
