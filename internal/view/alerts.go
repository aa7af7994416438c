package view

import (
	"context"
	"errors"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/access"
	"github.com/observatory-net/observatory/internal/store"
)

// alertScope says which live incidents who may see: every one for the
// secretariat and partners, those concerning its ASNs for a participant
// key (asns), none for others.
func alertScope(who *access.Principal) (asns []uint32, err error) {
	switch {
	case who.SeesAll():
		return nil, nil
	case who.Role() == store.RoleParticipant:
		if len(who.ASNs) == 0 {
			return nil, refuse(Forbidden, "this participant key covers no ASN: it sees no alert")
		}
		return who.ASNs, nil
	case who.Key == nil:
		return nil, refuse(Unauthorized, "live alerts need a participant, partner or secretariat key")
	}
	return nil, refuse(Forbidden, "a %s key may not see live alerts", who.Role())
}

// Alerts lists the live incidents who may see (a participant: those
// concerning its ASNs), newest opened first; open keeps those not closed.
func (v *View) Alerts(ctx context.Context, who *access.Principal, open bool, limit int) ([]wire.AlertIncident, error) {
	asns, err := alertScope(who)
	if err != nil {
		return nil, err
	}
	if v.opt.Service == nil {
		return nil, refuse(Unavailable, "this store does not keep alerts")
	}
	as, err := v.opt.Service.AlertIncidents(ctx, store.AlertFilter{ASNs: asns, Open: open, Limit: limit})
	if err != nil {
		return nil, err
	}
	out := make([]wire.AlertIncident, 0, len(as))
	for i := range as {
		out = append(out, alertWire(&as[i]))
	}
	return out, nil
}

// Alert returns live incident id if who may see it; one concerning none
// of a participant's ASNs is not found, as an unknown one.
func (v *View) Alert(ctx context.Context, who *access.Principal, id string) (*wire.AlertIncident, error) {
	asns, err := alertScope(who)
	if err != nil {
		return nil, err
	}
	if v.opt.Service == nil {
		return nil, refuse(Unavailable, "this store does not keep alerts")
	}
	a, err := v.opt.Service.AlertIncident(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && asns != nil && !overlaps(a.ASNs, asns)) {
		return nil, refuse(NotFound, "no alert %s", Quote(id))
	}
	if err != nil {
		return nil, err
	}
	out := alertWire(a)
	return &out, nil
}

// overlaps reports whether the sorted lists a and b share an element.
func overlaps(a, b []uint32) bool {
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			return true
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return false
}

func alertWire(a *store.AlertIncident) wire.AlertIncident {
	out := wire.AlertIncident{ID: a.ID, Kind: a.Kind, Prefix: a.Prefix.String(), Origin: wire.ASN(a.Origin),
		ASNs: make([]wire.ASN, 0, len(a.ASNs)), Open: a.Closed.IsZero(), Opened: a.Opened, Closed: a.Closed,
		Updated: a.Updated, Incident: a.Doc, Link: "/alerts/" + a.ID}
	for _, x := range a.ASNs {
		out.ASNs = append(out.ASNs, wire.ASN(x))
	}
	if !out.Open {
		out.Duration = a.Closed.Sub(a.Opened).Seconds()
	}
	return out
}
