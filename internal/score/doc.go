// Package score holds the observatory's scoring formulas as pure
// functions of a specification (package spec) and counted facts: incident
// scores by duration and their merging (measurement-framework.md §4.1),
// the penalty curve (§4.3), the Action 4 ratios (§4.4), readiness levels
// (§4.5, §13.1) and the combination of metric scores into Action scores
// (§13.2). Nothing here reads data or a clock.
package score
