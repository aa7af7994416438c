package store

import (
	"context"
	"encoding/json"
	"net/netip"
	"time"
)

// AlertIncident is a live incident of the alert engine (internal/alert)
// as the store keeps it: its identity, the networks it concerns, when it
// opened and closed, and its last state with the evidence as a JSON
// document (alert.Incident), so that the API and the dashboard show what
// an alert linked to, and a restarted process knows what it raised.
type AlertIncident struct {
	ID     string
	Kind   string
	Prefix netip.Prefix
	Origin uint32
	// ASNs are the networks the incident concerns (its origin, the
	// expected origins of the watched prefix, a watched AS it leaked
	// through), sorted: who may see it (participants see their own).
	ASNs           []uint32
	Opened, Closed time.Time // Closed is zero while it is open
	Doc            json.RawMessage
	Updated        time.Time
}

// AlertFilter selects alert incidents.
type AlertFilter struct {
	// ASNs, when not empty, keeps the incidents concerning any of them.
	ASNs []uint32
	// Open keeps the incidents not closed.
	Open bool
	// Limit bounds the incidents returned (default and at most 1000).
	Limit int
}

// MaxAlertIncidents is the most incidents one AlertIncidents call returns.
const MaxAlertIncidents = 1000

// Alerts keeps the alert engine's incidents and the deliveries it made;
// both backends implement it beside Service (storetest RunAlerts).
type Alerts interface {
	// RecordAlert stores the incident's state: inserted when its ID is
	// new, else its Closed, Doc, ASNs and Updated replaced (one
	// transaction). A record without ID, kind, prefix, opening time or a
	// JSON object as Doc is ErrInvalid.
	RecordAlert(ctx context.Context, a *AlertIncident) error
	// AlertIncidents returns the incidents f selects, newest opened first
	// (then by ID), their Doc included.
	AlertIncidents(ctx context.Context, f AlertFilter) ([]AlertIncident, error)
	// AlertIncident returns incident id (ErrNotFound if none).
	AlertIncident(ctx context.Context, id string) (*AlertIncident, error)
	// AlertDelivered reports whether delivery key was made.
	AlertDelivered(ctx context.Context, key string) (bool, error)
	// MarkAlertDelivered records delivery key as made at t (again: no
	// error, the first time kept).
	MarkAlertDelivered(ctx context.Context, key string, t time.Time) error
}

// ValidateAlert checks an alert incident before it is stored.
func ValidateAlert(a *AlertIncident) error {
	switch {
	case a == nil:
		return invalid("nil alert incident")
	case a.ID == "" || len(a.ID) > 200 || a.Kind == "" || len(a.Kind) > 50:
		return invalid("alert incident: want an ID and a kind")
	case !a.Prefix.IsValid():
		return invalid("alert incident %s: no prefix", a.ID)
	case a.Opened.IsZero():
		return invalid("alert incident %s: no opening time", a.ID)
	case !a.Closed.IsZero() && a.Closed.Before(a.Opened):
		return invalid("alert incident %s: closed before it opened", a.ID)
	case len(a.Doc) == 0 || a.Doc[0] != '{' || !json.Valid(a.Doc):
		return invalid("alert incident %s: the document is not a JSON object", a.ID)
	}
	return nil
}
