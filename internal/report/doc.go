// Package report is the monthly conformance report use case (issue 13
// item 2): for one participant and one stored month, the five scores of
// each of its ASNs (measurement-framework.md §13.2), the change since the
// previous stored month of the same specification and why (the month's
// incidents, §4.1; the prefixes that became RPKI-invalid or lost their
// IRR coverage, comparing the stored routes of both months, §4.4), and a
// fixed advice per kind of finding, citing the MANRS Action (§1.1). The
// ASNs are those the registry lists for the participant now. The whole
// behaviour is described in docs/reports.md.
//
// Build makes the report (a wire.Report, the API's JSON) from the store;
// HTML and PDF render it, the PDF in pure Go (codeberg.org/go-pdf/fpdf),
// so that no browser is needed. Queue puts one e-mail per participant
// with a contact address into the store's outbox and Deliver sends the
// pending ones over SMTP, each claimed and then marked sent in its own
// transaction: a failed delivery stays pending and is retried on the next
// run, a sent one is never sent again.
package report
