// Package audit builds an enterprise's routing-security supply-chain
// audit from a stored month (MANRS+, docs/audit.md): the networks it
// names (ASNs, or the origins of the routes its prefixes match), the
// upstreams its routes were seen through in the month's AS paths (hop 1
// next to the origin, hop 2 above a hop-1 AS, store.Upstream, weighted by
// the share of its prefixes they carry), and for each upstream its
// participation, five scores, inferred ROV deployment
// (internal/rovinfer), route leaks (M1, M1C), ROA coverage of its own
// announcements and incidents, with a pass, fail or unknown per MANRS+
// control, a risk ranking and an SLA checklist.
//
// Load reads a month once; Month.Audit then reads memory only. What it
// cannot see: the upstreams come from the collectors' paths, so a
// provider that carries none of the enterprise's routes towards a
// collector peer (a backup link, a private or inbound-only session) is
// absent; a prefix query is resolved to the origins of the matching
// routes, whose upstreams are then those of all their routes; and
// ROV is inferred in the control plane (internal/rovinfer's limits).
package audit
