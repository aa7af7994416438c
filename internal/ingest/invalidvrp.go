package ingest

import (
	"encoding/json"
	"slices"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/dataset"
	"github.com/observatory-net/observatory/internal/irr"
	"github.com/observatory-net/observatory/internal/rov"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// Bounds of the M7RPKI evidence: the RPKI-invalid routes of an ASN with
// the VRPs that make them invalid, so that a network sees what to fix.
const (
	maxInvalidEvidence = 200 // routes per ASN
	maxCoveringVRPs    = 8   // VRPs per route, most specific first
)

// InvalidRoute is one RPKI-invalid route of an ASN with the VRPs covering
// its prefix: the evidence of M7RPKI (store.Metric.Evidence, as the JSON
// object RPKIEvidence).
type InvalidRoute struct {
	Prefix string        `json:"prefix"`
	State  string        `json:"state"` // invalid-asn or invalid-length
	VRPs   []CoveringVRP `json:"vrps"`
}

// CoveringVRP is a VRP covering an invalid route's prefix: the origin it
// authorises, its maximum length and trust anchor.
type CoveringVRP struct {
	Prefix    string `json:"prefix"`
	ASN       uint32 `json:"asn"`
	MaxLength int    `json:"maxLength"`
	TA        string `json:"ta,omitempty"`
}

// RPKIEvidence is M7RPKI's evidence: the invalid routes (at most
// maxInvalidEvidence) and how many there are in all.
type RPKIEvidence struct {
	Invalid []InvalidRoute `json:"invalid"`
	Total   int            `json:"total"`
}

// invalidRoutes collects, per origin, the evidence of its invalid routes.
type invalidRoutes map[bgp.ASN]*RPKIEvidence

// add records route k when c says it is RPKI-invalid.
func (iv invalidRoutes) add(d *dataset.Set, k RouteKey, c Class) {
	if c.RPKI != rov.InvalidASN && c.RPKI != rov.InvalidLength {
		return
	}
	ev := iv[k.Origin]
	if ev == nil {
		ev = &RPKIEvidence{}
		iv[k.Origin] = ev
	}
	ev.Total++
	if len(ev.Invalid) >= maxInvalidEvidence {
		return
	}
	r := InvalidRoute{Prefix: k.Prefix.String(), State: c.RPKI.String(), VRPs: []CoveringVRP{}}
	for v := range d.RPKI.CoveringVRPs(k.Prefix) {
		if len(r.VRPs) == maxCoveringVRPs {
			break
		}
		r.VRPs = append(r.VRPs, CoveringVRP{Prefix: v.Prefix.String(), ASN: uint32(v.ASN), MaxLength: int(v.MaxLen), TA: v.TA})
	}
	ev.Invalid = append(ev.Invalid, r)
}

// attach sets the evidence of rec's M7RPKI metric.
func (iv invalidRoutes) attach(rec *store.ASN) {
	ev := iv[bgp.ASN(rec.ASN)]
	if ev == nil {
		return
	}
	i := slices.IndexFunc(rec.Metrics, func(m store.Metric) bool { return m.ID == string(vocab.M7RPKI) })
	if i < 0 || rec.Metrics[i].Evidence != nil {
		return
	}
	b, err := json.Marshal(ev)
	if err == nil {
		rec.Metrics[i].Evidence = b
	}
}

// irrSources are the IRR sources with a route object supporting route k:
// the databases to look in, or to fix.
func irrSources(d *dataset.Set, k RouteKey, c Class) []string {
	if d == nil || d.IRR == nil || c.IRR == irr.None {
		return nil
	}
	var out []string
	for _, m := range d.IRR.Lookup(k.Prefix, k.Origin) {
		out = append(out, m.Source)
	}
	return out
}
