// Package conformance monitors the minimum conformance of the programme's
// participants (issue 13 item 3): each month, computed on demand from the
// stored months of a specification, it flags every participant's ASN that
// the specification's minimum rule (spec.Minimum) finds below the minimum
// on an Action, with since when, the history of the Action's level and the
// evidence (the scores and the metrics behind them), for the steering
// committee; and it notifies the secretariat's webhook of the month's new
// flags once (Notify).
//
// The rule itself is Evaluate, a function of one ASN's months; Flags reads
// the months and the participants and applies it. Readiness levels are
// those of measurement-framework.md §4.5 with the thresholds of §13.1;
// months are the calendar months of §2, one snapshot each.
package conformance
