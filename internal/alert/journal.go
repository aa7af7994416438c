package alert

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/observatory-net/observatory/internal/store"
)

// Record keeps the incident of ev in j (store.Alerts) as of ev: inserted
// when it opens, its closing time and evidence replaced when it closes,
// with the networks it concerns (AlertASNs) for who may see it. The live
// feed records each event before it queues its deliveries, so that the
// link an alert carries leads to a stored incident.
func Record(ctx context.Context, j store.Alerts, ev Event) error {
	a, err := StoreIncident(ev)
	if err != nil {
		return err
	}
	return j.RecordAlert(ctx, a)
}

// StoreIncident converts ev's incident for the store; its document is
// the incident as delivered (Incident's JSON).
func StoreIncident(ev Event) (*store.AlertIncident, error) {
	in := ev.Incident
	doc, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("alert %s: %w", in.ID, err)
	}
	a := &store.AlertIncident{ID: in.ID, Kind: string(in.Kind), Prefix: in.Prefix, Origin: uint32(in.Origin),
		ASNs: AlertASNs(&in), Opened: in.Opened.UTC(), Doc: doc, Updated: ev.Time.UTC()}
	if !a.Prefix.IsValid() {
		a.Prefix = in.Watched
	}
	if ev.Type == EventClose {
		a.Closed = in.Closed.UTC()
		if a.Closed.IsZero() {
			a.Closed = ev.Time.UTC()
		}
	}
	if a.Updated.IsZero() {
		a.Updated = time.Now().UTC()
	}
	return a, nil
}

// AlertASNs are the networks an incident concerns, sorted: its origin,
// the watched prefix's expected origins, and for a leak the leaker and
// its neighbours on the path.
func AlertASNs(in *Incident) []uint32 {
	var out []uint32
	add := func(a uint32) {
		if a != 0 && !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	add(uint32(in.Origin))
	for _, a := range in.Expected {
		add(uint32(a))
	}
	if l := in.Evidence.Leak; l != nil {
		add(uint32(l.Leaker))
		add(uint32(l.From))
		add(uint32(l.To))
	}
	slices.Sort(out)
	return out
}
