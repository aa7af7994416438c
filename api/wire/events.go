package wire

import "time"

// ConfidenceFormula is how an event's confidence is computed
// (docs/events.md, internal/eventfeed.Confidence); the list names it.
const ConfidenceFormula = "confidence = 0.4·visibility + 0.4·agreement + 0.2·persistence; visibility = min(peers,5)/5; " +
	"agreement: hijack 1 (invalid-asn, no IRR) or 0.5 (invalid-length, no IRR), leak 1 (valley-free and ASPA) 0.75 (ASPA) 0.5 (valley-free), bogon 1; " +
	"persistence 0.5 (<30 min) 0.75 (<24 h) 1 (≥24 h); level high ≥0.8, medium ≥0.6, low"

// EventList is one page of a month's public events (GET /api/v2/events),
// newest start first.
type EventList struct {
	MonthData
	NextPageToken string  `json:"nextPageToken,omitempty"`
	Formula       string  `json:"confidenceFormula"`
	Total         int     `json:"total"`
	Items         []Event `json:"items"`
}

// Event is one public routing event (GET /api/v2/events/{id}): a hijack,
// route leak or bogon announcement told from public data only.
type Event struct {
	ID       string    `json:"id"`
	Type     string    `json:"type"`
	Rule     string    `json:"rule"`
	Culprit  ASN       `json:"culprit"`
	ASNs     []ASN     `json:"asns"`
	Prefixes []string  `json:"prefixes"`
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Duration float64   `json:"durationSeconds"`
	// Peers is the most collector peers that saw one of its routes.
	Peers      int             `json:"peers"`
	Events     int             `json:"mergedEvents"`
	Confidence EventConfidence `json:"confidence"`
	Paths      []EventPath     `json:"paths"`
	Link       string          `json:"link"`
}

// EventConfidence is an event's confidence and its three factors.
type EventConfidence struct {
	Value       float64 `json:"value"`
	Level       string  `json:"level"`
	Visibility  float64 `json:"visibility"`
	Agreement   float64 `json:"agreement"`
	Persistence float64 `json:"persistence"`
}

// EventPath is one evidence AS path, collector peer first; Culprit is
// the index in Hops of the culprit's first hop, -1 when it is not on it.
type EventPath struct {
	Prefix  string   `json:"prefix"`
	Hops    []string `json:"hops"`
	Culprit int      `json:"culprit"`
}
