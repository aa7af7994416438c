// Package metric holds the observatory's metrics as registered units, one
// file each (measurement-framework.md §4, §13.3): the incident metrics M1
// to M4C (incident.go, one unit per id), M5 anti-spoofing (spoofer.go),
// M7RPKI (rpki.go), M7IRR (irr.go) and M8 contact information
// (contact.go). A Unit names its metric (vocab.MetricID), the Facts it
// reads, the shape of the evidence it stores and its formula, a function
// from one ASN's Facts to its store.Metric (and, for incident metrics,
// the store.Incidents behind it). All returns the units in vocab.Metrics
// order.
//
// Ingest builds each measured ASN's Facts (plain values: route counts by
// RPKI and IRR state, the detectors' events, Spoofer tests, contacts
// found) and runs every unit of All; it names no metric. Combining the
// metrics into Action scores, readiness levels and aggregates is package
// score's (score.Actions, score.Aggregates); which metrics an Action
// counts is the specification's (spec.Action.Counted). This package reads
// no file and imports no reader of routing or registry data.
//
// # Adding a metric: M9
//
// Say M9 is the share of the ASN's announced routes whose origin has an
// ASPA (a made-up example). Three edits.
//
// First, the id, in package vocab: M9 MetricID = "M9", appended to
// vocab.Metrics where it should be stored (last, after M8). The
// specification validator takes its known metrics from vocab.Metrics.
//
// Second, one new file, internal/metric/aspa.go, with the unit:
//
//	package metric
//
//	func init() {
//		register(Unit{ID: vocab.M9, Inputs: "Routes.Announced, Routes.ASPACovered",
//			Evidence: "none", Formula: aspaCoverage})
//	}
//
//	// aspaCoverage is M9 (§x.y): the share of announced routes whose
//	// origin has an ASPA; no announcement, no data.
//	func aspaCoverage(f *Facts) Result {
//		r := f.Routes
//		if r.Announced == 0 {
//			return Result{Metric: store.Metric{ID: string(vocab.M9)}}
//		}
//		v := float64(r.ASPACovered) / float64(r.Announced)
//		return Result{Metric: store.Metric{ID: string(vocab.M9), Raw: v, Score: v, HasData: true}}
//	}
//
// If the fact is new, add it to Facts (here an ASPACovered count in
// Routes) and have ingest fill it where it fills the others (ingest's
// countRoute, or the Facts set in month.build); a fact already in Facts
// needs no change to ingest at all. Ingest then stores M9 for every ASN.
//
// Third, a new specification version (internal/spec/specs/ID-VERSION.json)
// whose Action lists "M9" in counted (or shown): score.Actions then
// combines it into that Action's score. Months scored under older
// versions keep their scores: a metric no Action counts is stored but
// weighs on no score.
//
// The registry test (every vocab.Metrics id has exactly one unit) and the
// specification test catch a missing step.
package metric
