// Package storetest is the conformance suite every store.Store
// implementation must pass (store/sqlite now, store/postgres later), and the
// contract it checks. A backend's test calls
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store { return openEmpty(t) })
//	}
//
// # Contract
//
// Months. A month is identified by its UTC calendar month and its
// specification. WriteMonth requires Meta.Month to be the first instant of a
// UTC month (in any location) and Meta.Spec to be non-empty; the read methods
// accept any instant within the month. Months lists every stored (month,
// spec), newest month first, specifications in ascending byte order within a
// month; it returns an empty list, not an error, for an empty store.
//
// Not found. Each read method that takes a month returns an error wrapping
// store.ErrNotFound (test with errors.Is) when no version of that month and
// specification was written. For a month that exists, a query that matches
// nothing (an ASN without routes, a filter without match, a month written
// with no records) returns an empty slice and a nil error.
//
// Order. ASNs come in ascending ASN order, each with its Metrics and Scores
// in the order written. Incidents, Routes, ROAStats, Aggregates and
// Participants come in the order written, restricted to the ASN or scope
// asked for. Incidents(…, 0) returns the incidents of every ASN; Routes takes
// the ASN literally (0 means AS0).
//
// Filters. The fields of a store.Filter are ANDed; an empty field does not
// restrict. ASNs matches any listed ASN; Country matches Country exactly;
// Region matches Region, SubRegion or RIR exactly. Matching is
// case-sensitive and treats no character as a wildcard.
//
// Values. Strings round-trip byte for byte (any valid UTF-8 without NUL,
// including SQL metacharacters). Float64 values round-trip exactly,
// including ±Inf and subnormals; NaN is rejected by WriteMonth, because SQL
// engines store it as NULL or not at all. A negative zero may come back as
// zero. Times come back in UTC (Location() == time.UTC) with at least
// microsecond precision; the zero time comes back as the zero time. Nil and
// empty slices are not distinguished. Incident evidence must be valid JSON
// (or empty) and comes back as equivalent JSON: a backend may normalise
// whitespace.
//
// Integrity. Within a month, an ASN has at most one record and an incident
// ID at most one incident; WriteMonth fails otherwise. Routes and incidents
// may name ASNs without a record. WriteMonth replaces
// the whole (month, spec) atomically: after an error (a constraint, a NaN,
// a cancelled context) the previous version is intact, and a concurrent
// reader sees, within one call, either the previous version or the new one.
// Other specifications of the same month are never touched. When the
// context was done, the error wraps the context's error.
//
// # Service contract (RunService)
//
// Errors. A refused record (store.ValidateKey, ValidateRegistered,
// ValidateFeedback, ValidateReview) wraps store.ErrInvalid; a broken
// uniqueness rule or a decided feedback wraps store.ErrConflict; an
// unknown ID wraps store.ErrNotFound. A refused or failed write changes
// nothing.
//
// Keys. IDs are unique. Keys lists newest first (CreatedAt, then ID).
// RevokeKey keeps the first revocation time; TouchKey never moves
// LastUsedAt back. Both are ErrNotFound for an unknown ID. A participant
// key needs its participant registered (ErrNotFound otherwise, or when it
// names another UID) and is stored with the participant's UID.
//
// Registry. PutParticipant with ID 0 creates, otherwise replaces
// (ErrNotFound if the ID is unknown); organisations are unique, compared
// byte for byte, and so are ASNs: an ASN that another participant holds is
// an *ASNConflictError (ErrConflict), and two concurrent writers cannot
// both take it. PutParticipants writes a batch in one transaction, checked
// as a whole (it may move an ASN). IDs are never reused, not even the
// greatest after its delete. A new participant gets a UID in canonical
// UUID form, distinct from every other; a replace keeps it (a different
// UID is ErrInvalid, as a UID given on create). DeleteParticipant revokes
// the participant's unrevoked keys at the time it is given, others' not.
// RegisteredParticipants lists by organisation in byte order. A zero
// UpdatedAt is set by the store.
//
// Feedback. AddFeedback needs the incident in the month and specification
// it names (ErrNotFound), refuses an excluded incident and a second
// pending feedback on one incident of one month and specification
// (ErrConflict), and records the incident's ASN (a non-zero Feedback.ASN
// must match it). Feedbacks lists newest first (SubmittedAt, then ID).
// FindIncident takes the newest month, then the greatest specification.
//
// Review. Only pending feedback is reviewed (ErrConflict otherwise). An
// accepted review, in one transaction with the verdict: marks the incident
// Excluded, replaces the whole record of the feedback's ASN with
// Review.ASN, and replaces each aggregate of Review.Aggregates in place
// (same scope, key and score), appending those the month lacks. Nothing
// else of the month changes. A rejection changes only the feedback.
//
// Sessions. Hashes are unique (ErrConflict) and SHA-256 sized; a session
// needs a key, a creation time and an expiry after it
// (store.ValidateSession, ErrInvalid). Session returns a session whether
// usable or not; TouchSession never moves LastSeenAt back; TouchSession
// and DeleteSession are ErrNotFound for an unknown hash. RevokeSessions
// marks only the key's unrevoked sessions, keeping earlier revocation
// times. PruneSessions deletes revoked, expired and idle sessions only.
package storetest
