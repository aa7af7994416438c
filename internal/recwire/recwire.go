// Package recwire converts the store's records to the API's JSON types
// (api/wire) where more than one surface shows them: the API's AS record
// (internal/httpapi), the supply-chain audit (internal/audit) and
// `observatory scores --format json` give a network's inferred ROV, its
// leak protection and its organisation in the same words.
package recwire

import (
	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/store"
)

// ROV is a's inferred ROV deployment, zero (left out) when it was never
// seen as a transit hop.
func ROV(a *store.ASN) wire.ROVInference {
	if a.ROV == "" {
		return wire.ROVInference{}
	}
	return wire.ROVInference{Verdict: a.ROV, Propagated: a.ROVPropagated, Dropped: a.ROVDropped, Confidence: a.ROVConfidence}
}

// Leak is a's route-leak protection, zero (left out) for a month ingested
// before it was measured.
func Leak(a *store.ASN) wire.LeakProtection {
	l := &a.Leak
	if l.Verdict == "" {
		return wire.LeakProtection{}
	}
	return wire.LeakProtection{Verdict: l.Verdict, Leaks: l.Originated, CustomerLeaks: l.CustomerLeaks,
		CustomerRoutes: l.CustomerRoutes, ASPA: l.ASPA, ASPAProviders: l.ASPAProviders, ASPAMissing: l.ASPAMissing}
}

// Org is a network's PeeringDB organisation, zero (left out) when it has
// none.
func Org(o store.Org) wire.Organisation {
	if o.ID == 0 {
		return wire.Organisation{}
	}
	return wire.Organisation{PeeringDB: o.ID, Name: o.Name}
}
