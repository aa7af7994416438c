package ingest

import (
	"slices"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/leakprot"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// leakEvidence gathers each AS's route-leak protection evidence
// (internal/leakprot): its leak events (M1) and its customers' leaks it
// passed on (M1C), the customer routes it carried (upstream records
// where the CAIDA relationships make it the provider of the AS below it;
// a route counts at each of its hops, within the paths ingest keeps),
// and its ASPA object against the providers seen above its own routes.
func (m *month) leakEvidence(ups []store.Upstream) map[bgp.ASN]*leakprot.Evidence {
	out := map[bgp.ASN]*leakprot.Evidence{}
	get := func(a bgp.ASN) *leakprot.Evidence {
		e := out[a]
		if e == nil {
			e = &leakprot.Evidence{}
			out[a] = e
		}
		return e
	}
	for _, e := range m.events {
		switch e.Metric {
		case vocab.M1:
			get(e.ASN).LeaksOriginated++
		case vocab.M1C:
			get(e.ASN).CustomerLeaks++
		}
	}
	seenProviders := map[bgp.ASN][]bgp.ASN{}
	for _, u := range ups {
		if u.Rel != "provider" {
			continue
		}
		// A provider of the origin (hop 1) or of the hop-1 AS (hop 2)
		// carried a customer's routes.
		get(bgp.ASN(u.Upstream)).CustomerRoutes += u.Prefixes
		if u.Hop == 1 {
			seenProviders[bgp.ASN(u.ASN)] = append(seenProviders[bgp.ASN(u.ASN)], bgp.ASN(u.Upstream))
		}
	}
	snap := m.cfg.Data.RPKI
	if snap == nil || snap.NumASPAs() == 0 {
		return out
	}
	for a := range seenProviders {
		get(a) // an AS with providers but no other evidence still has its ASPA judged
	}
	for a, e := range out {
		m.aspaOf(a, e, seenProviders[a])
	}
	return out
}

// aspaOf fills e's ASPA fields: whether a has an ASPA object, the
// providers it lists (AS0, "no provider", not counted), and how many of
// the providers seen above a's routes it leaves out.
func (m *month) aspaOf(a bgp.ASN, e *leakprot.Evidence, seen []bgp.ASN) {
	set, ok := m.cfg.Data.RPKI.Providers(a)
	if !ok {
		return
	}
	e.ASPA = true
	for _, p := range set {
		if p != 0 {
			e.ASPAProviders++
		}
	}
	for _, p := range seen {
		if _, found := slices.BinarySearch(set, p); !found {
			e.ASPAMissing++
		}
	}
}

// leakRecord is a's stored leak protection; the zero record (no verdict)
// when there is no evidence of any kind.
func leakRecord(e *leakprot.Evidence) store.LeakProtection {
	if e == nil {
		return store.LeakProtection{Verdict: string(leakprot.NotEnoughEvidence)}
	}
	return store.LeakProtection{Verdict: string(leakprot.Judge(*e)), Originated: e.LeaksOriginated,
		CustomerLeaks: e.CustomerLeaks, CustomerRoutes: e.CustomerRoutes, ASPA: e.ASPA,
		ASPAProviders: e.ASPAProviders, ASPAMissing: e.ASPAMissing}
}
