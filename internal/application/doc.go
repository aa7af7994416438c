// Package application is the use case of programme applications (issue
// 13 item 1): an organisation applies to a MANRS programme with its ASNs,
// the application is checked at once against the newest stored month and
// the participation criteria of the versioned specification
// (spec.Participation), and the secretariat approves or rejects it.
//
// The checks, one result per MANRS Action with the evidence per ASN:
//   - measured: every ASN has a record in the newest month;
//   - coordination (Action 3): a technical or NOC contact registered, M8
//     (measurement-framework.md §13.3);
//   - routingInformationIRR, routingInformationRPKI (Action 4): the M7IRR
//     and M7RPKI scores against the criteria's minimums (§4.4);
//   - filtering (Action 1): the incidents of the criteria's metrics (M1 …
//     M4, §4.1) over the newest stored months, accepted false positives
//     not counted, against the criteria's maximum.
//
// The states: submitted → checks-failed | awaiting-review → approved |
// rejected. A submission records two transitions (→ submitted by the
// applicant, → the checks' verdict by "checks"); a re-check, asked by the
// applicant after a fix (and with new ASNs or areas, while undecided),
// records one. Only an application awaiting review may be approved; one
// awaiting review or whose checks failed may be rejected. The approval
// registers the participant in the transaction of the state change.
//
// An ASN that another registered participant holds is refused at once,
// before anything is written (a *store.ASNConflictError).
//
// The applicant key: a token of internal/apikey's layout, minted for the
// application on submission, shown once and kept with the application as
// its SHA-256 only. It sees its own application and nothing else (the
// role store.RoleApplicant, see internal/access). It is kept after the
// decision, read-only: the applicant reads the verdict and the trail with
// it, and can change nothing any more; an approved participant gets its
// participant keys from the secretariat.
package application
