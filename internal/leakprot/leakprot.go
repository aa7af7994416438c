// Package leakprot judges, per AS and month, whether the AS protects the
// routing system against route leaks (issue 14 item 2), from counts that
// ingest already has: the leaks the AS originated (metric M1, route leak by
// the ASN, found valley-free with CAIDA relationships and by ASPA
// verification, see internal/ingest/detect.go and internal/aspa), the leaks
// its customers made that it passed on (M1C, route leak by a customer:
// it did not filter its customers) and its ASPA object in the month's RPKI.
//
// Only the verdict rule lives here so far: ingest, the store, the API and the
// dashboard do not carry it yet, and the CustomerRoutes and ASPAMissing
// inputs are not computed anywhere yet.
//
// Limit for "leaks propagated" (an AS after the leaking hop, toward the
// collector): ingest keeps a leak event's paths in its evidence ("path",
// then "paths", at most maxEvidencePaths of them, with "pathCount"), so a
// count drawn from evidence is a lower bound when pathCount exceeds the cap.
package leakprot

// Verdict is the leak-protection judgement of one AS in one month.
type Verdict string

// The verdicts. NotEnoughEvidence is given when the AS was seen in too few
// paths, or as the upstream of no customer, to tell.
const (
	Protects          Verdict = "protects"
	Partial           Verdict = "partial"
	DoesNot           Verdict = "does-not"
	NotEnoughEvidence Verdict = "not-enough-evidence"
)

// Evidence is what the verdict is drawn from, for one AS in one month.
type Evidence struct {
	// LeaksOriginated counts the AS's M1 incidents (it was the leaking hop).
	LeaksOriginated int
	// CustomerLeaks counts its M1C incidents: a customer's leak that it
	// passed on instead of filtering.
	CustomerLeaks int
	// CustomerRoutes counts the routes learnt from customers that it was
	// seen to pass on; zero means its customer filtering could not be seen.
	CustomerRoutes int
	// ASPA tells whether the AS has an ASPA object in the month's RPKI.
	ASPA bool
	// ASPAProviders counts the providers its ASPA object lists (AS0 not
	// counted); it does not enter the verdict.
	ASPAProviders int
	// ASPAMissing counts providers seen upstream of it in paths that its
	// ASPA object does not list (meaningful only when ASPA is true).
	ASPAMissing int
}

// Judge applies this rule. M1 and M1C are the framework's leak metrics
// (measurement-framework.md §3, culprit and accomplice as in §4.2); they are
// shown, not scored (§13), so the verdict is informative only:
//
//   - no customer route seen and no leak of its own: NotEnoughEvidence;
//   - a leak of its own (M1): DoesNot;
//   - customer leaks passed on (M1C) but none of its own: Partial;
//   - no leak, but no ASPA object or one missing a seen provider: Partial;
//   - otherwise (no leak, customers' routes seen, complete ASPA): Protects.
func Judge(e Evidence) Verdict {
	switch {
	case e.LeaksOriginated > 0:
		return DoesNot
	case e.CustomerRoutes == 0:
		return NotEnoughEvidence
	case e.CustomerLeaks > 0:
		return Partial
	case !e.ASPA || e.ASPAMissing > 0:
		return Partial
	default:
		return Protects
	}
}
