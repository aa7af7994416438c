// Package score holds the observatory's scoring formulas as pure
// functions of a specification (package spec) and counted facts: incident
// scores by duration and their merging (measurement-framework.md §4.1),
// the penalty curve (§4.3), the Action 4 ratios (§4.4), readiness levels
// (§4.5, §13.1), the combination of an ASN's metric scores into its
// Action scores (§13.2, Actions) and the score aggregates per scope (§2,
// Aggregates), which ingest and re-scoring after a review
// (internal/rescore) both use. The metrics themselves are package
// metric's units. Nothing here reads data or a clock.
package score
