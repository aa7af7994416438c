package wire

import (
	"encoding/json"
	"time"
)

// AlertList is GET /alerts: the live alert engine's incidents the caller
// may see, newest opened first.
type AlertList struct {
	Items []AlertIncident `json:"items"`
}

// AlertIncident is one live incident (internal/alert, docs/alerts.md):
// its kind, route, the networks it concerns, when it opened and closed,
// and its state with the evidence as the alert delivered it (peers, AS
// paths, covering VRPs, the leak, the ROA changes). The link each alert
// carries leads here.
type AlertIncident struct {
	ID     string    `json:"id"`
	Kind   string    `json:"kind"`
	Prefix string    `json:"prefix"`
	Origin ASN       `json:"origin"`
	ASNs   []ASN     `json:"asns"`
	Open   bool      `json:"open"`
	Opened time.Time `json:"opened"`
	// Closed and Duration are left out while the incident is open.
	Closed   time.Time       `json:"closed,omitzero"`
	Duration float64         `json:"durationSeconds,omitzero"`
	Updated  time.Time       `json:"updated"`
	Incident json.RawMessage `json:"incident"`
	Link     string          `json:"link"`
}
