// Package eventfeed is the public feed of routing events (issue 16
// deliverable 4): the hijacks, route leaks and bogon announcements that
// ingest detected in a month, one event per culprit incident, in the
// manner of Cloudflare Radar's route-leak and hijack feed. Each event has
// a type, the rule that fired, its culprit, the prefixes and networks
// involved, its start, end and duration, the evidence AS paths with the
// culprit's hop marked, and a confidence computed from the evidence
// (Confidence; docs/events.md).
//
// What is public (docs/events.md, "Who sees what"): an event is built
// from public BGP, RPKI, IRR and bogon data only. Build never reads the
// incident's weight, score or metric charge (the Action 1 scores stay
// private, measurement-framework.md §9), never the feedback trail or the
// review (access.Principal.SeesTrail), and never the participants
// registry. Incidents charged to a neighbour (the "C" metrics, §4.2) are
// not events: the culprit's incident carries the same evidence. An
// incident the secretariat accepted as a false positive (store.Incident
// Excluded) is withdrawn from the feed without a word on why.
package eventfeed
