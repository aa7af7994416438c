// Package view is what the API (internal/httpapi) and the dashboard
// (internal/web) both know of the store: the list of stored months and the
// participants registry as cached for a while (MonthsTTL), the previous
// month of a month, a bounded cache of verified callers, the visibility
// rules (who sees which scores and which feedback trail,
// measurement-framework.md §12), the readiness level of a score (§13.1)
// and the feedback trail's use cases: a participant flags an incident as a
// false positive, the secretariat reviews the claim and an accepted one
// re-scores the month (internal/rescore).
//
// One View serves both servers of a process: a write through either
// (Changed) makes both recompute what they derived of the month.
package view
