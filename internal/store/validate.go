package store

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/observatory-net/observatory/internal/vocab"
)

// ErrInvalid is returned by the Service methods for a record they refuse
// before touching the database: a missing ID, an unknown role or verdict,
// a NaN score. The HTTP layer maps it to a client error.
var ErrInvalid = errors.New("invalid")

// invalid returns an error wrapping ErrInvalid.
func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// ValidateKey checks a key before it is stored: an ID, a valid role, a
// hash, a participant for (and only for) RoleParticipant, a participant
// UID in canonical form when set, no negative rate.
func ValidateKey(k *APIKey) error {
	switch {
	case k == nil:
		return invalid("nil key")
	case k.ID == "":
		return invalid("key without ID")
	case !k.Role.Valid():
		return invalid("key %q: unknown role %q", k.ID, k.Role)
	case len(k.Hash) == 0:
		return invalid("key %q: no hash", k.ID)
	case (k.Role == RoleParticipant) != (k.ParticipantID != 0):
		return invalid("key %q: role %s with participant %d: a participant key, and only one, names its participant",
			k.ID, k.Role, k.ParticipantID)
	case k.ParticipantUID != "" && (k.Role != RoleParticipant || !ValidUID(k.ParticipantUID)):
		return invalid("key %q: role %s with participant UID %q: only a participant key has one, a UUID",
			k.ID, k.Role, k.ParticipantUID)
	case k.RatePerMinute < 0:
		return invalid("key %q: negative rate %d", k.ID, k.RatePerMinute)
	}
	return nil
}

// ValidateRegistered checks a participant before it is stored: an
// organisation name, no negative ID, no UID on create (the store assigns
// it) and a UID in canonical form on replace, when given.
func ValidateRegistered(p *Registered) error {
	switch {
	case p == nil:
		return invalid("nil participant")
	case p.Organisation == "":
		return invalid("participant without organisation")
	case p.ID < 0:
		return invalid("participant %q: negative ID %d", p.Organisation, p.ID)
	case p.ID == 0 && p.UID != "":
		return invalid("participant %q: a new participant's UID is assigned by the store, not given", p.Organisation)
	case p.UID != "" && !ValidUID(p.UID):
		return invalid("participant %q: UID %q is not a UUID in canonical form", p.Organisation, p.UID)
	}
	return nil
}

// CheckKeyParticipant checks a new participant key against the stored
// participant it names, whose UID is uid (found false when there is no
// such participant): ErrNotFound when there is none, or when the key
// already names a UID and it is not uid.
func CheckKeyParticipant(k *APIKey, uid string, found bool) error {
	switch {
	case !found:
		return fmt.Errorf("%w: participant %d is not registered", ErrNotFound, k.ParticipantID)
	case k.ParticipantUID != "" && k.ParticipantUID != uid:
		return fmt.Errorf("%w: participant %d is no longer the participant %s", ErrNotFound, k.ParticipantID, k.ParticipantUID)
	}
	return nil
}

// CheckUIDOf checks a replacement p of the stored participant whose UID
// is stored: a UID never changes, so p's must be empty or the same.
func CheckUIDOf(p *Registered, stored string) error {
	if p.UID != "" && p.UID != stored {
		return invalid("participant %d: UID %s is not its UID %s, which never changes", p.ID, p.UID, stored)
	}
	return nil
}

// ValidateFeedback checks a new feedback: an incident, the first instant
// of a UTC month, a specification, a submitter.
func ValidateFeedback(f *Feedback) error {
	switch {
	case f == nil:
		return invalid("nil feedback")
	case f.IncidentID == "":
		return invalid("feedback without incident")
	case !IsMonthStart(f.Month):
		return invalid("feedback on incident %q: month %v is not the first instant of a UTC month", f.IncidentID, f.Month)
	case f.Spec == "":
		return invalid("feedback on incident %q: no specification", f.IncidentID)
	case f.SubmittedBy == "":
		return invalid("feedback on incident %q: no submitter", f.IncidentID)
	}
	return nil
}

// ValidateReview checks a review: a verdict, a reviewer and, when
// accepted, a re-scored ASN record without NaN values.
func ValidateReview(r *Review) error {
	switch {
	case r == nil:
		return invalid("nil review")
	case r.Verdict != VerdictAccepted && r.Verdict != VerdictRejected:
		return invalid("review of feedback %d: verdict %q is neither accepted nor rejected", r.FeedbackID, r.Verdict)
	case r.ReviewedBy == "":
		return invalid("review of feedback %d: no reviewer", r.FeedbackID)
	case r.Verdict == VerdictAccepted && r.ASN == nil:
		return invalid("review of feedback %d: accepted without the re-scored ASN record", r.FeedbackID)
	}
	if r.Verdict == VerdictAccepted {
		return noNaN(r.ASN, r.Aggregates)
	}
	return nil
}

// ValidateMonth checks what the SQL schemas cannot, so that every store
// accepts the same months: the month key and a specification, no NaN
// (SQLite would keep it as NULL, PostgreSQL as NaN), evidence that is JSON.
func ValidateMonth(m *Month) error {
	if m == nil {
		return invalid("nil month")
	}
	if err := ValidateMonthKey(&m.Meta); err != nil {
		return err
	}
	for i := range m.ASNs {
		if err := noNaN(&m.ASNs[i], nil); err != nil {
			return err
		}
	}
	for _, in := range m.Incidents {
		if math.IsNaN(in.Weight) || math.IsNaN(in.Score) {
			return invalid("incident %q: NaN value", in.ID)
		}
		if len(in.Evidence) > 0 && !json.Valid(in.Evidence) {
			return invalid("incident %q: evidence is not valid JSON", in.ID)
		}
	}
	for _, u := range m.Upstreams {
		if err := validUpstream(&u); err != nil {
			return err
		}
	}
	if err := validOrgs(m); err != nil {
		return err
	}
	if err := validROVEvidence(m.ROVEvidence); err != nil {
		return err
	}
	return noNaN(nil, m.Aggregates)
}

// validROVEvidence checks that the ROV evidence is by ASN, of a known
// kind, with a prefix and an invalid state.
func validROVEvidence(es []ROVObservation) error {
	for i, e := range es {
		switch {
		case i > 0 && es[i-1].ASN > e.ASN:
			return invalid("ROV evidence not sorted by ASN at AS%d", e.ASN)
		case e.Kind != "propagated" && e.Kind != "dropped":
			return invalid("AS%d ROV evidence: unknown kind %q", e.ASN, e.Kind)
		case !e.Prefix.IsValid():
			return invalid("AS%d ROV evidence: no prefix", e.ASN)
		case e.RPKI != "invalid-asn" && e.RPKI != "invalid-length":
			return invalid("AS%d ROV evidence %s: state %q is not RPKI-invalid", e.ASN, e.Prefix, e.RPKI)
		}
	}
	return nil
}

// validOrgs checks that the organisations are by ASN, once each, with an
// id, and that every record's organisation is its entry's.
func validOrgs(m *Month) error {
	for i, o := range m.Orgs {
		switch {
		case o.Org.ID <= 0:
			return invalid("AS%d: PeeringDB organisation id %d", o.ASN, o.Org.ID)
		case i > 0 && m.Orgs[i-1].ASN >= o.ASN:
			return invalid("organisations not sorted by ASN, or AS%d twice", o.ASN)
		}
	}
	for i := range m.ASNs {
		a := &m.ASNs[i]
		var want Org
		if j, ok := slices.BinarySearchFunc(m.Orgs, a.ASN, func(o ASNOrg, asn uint32) int { return cmp.Compare(o.ASN, asn) }); ok {
			want = m.Orgs[j].Org
		}
		if a.Org != want {
			return invalid("AS%d: record organisation %+v, its Orgs entry %+v", a.ASN, a.Org, want)
		}
	}
	return nil
}

// validUpstream checks an upstream record's hop, via, relationship and counts.
func validUpstream(u *Upstream) error {
	switch {
	case u.Hop != 1 && u.Hop != 2:
		return invalid("AS%d upstream AS%d: hop %d is neither 1 nor 2", u.ASN, u.Upstream, u.Hop)
	case (u.Hop == 1) != (u.Via == 0):
		return invalid("AS%d upstream AS%d: hop %d with via AS%d", u.ASN, u.Upstream, u.Hop, u.Via)
	case !slices.Contains([]string{"", "provider", "peer", "customer"}, u.Rel):
		return invalid("AS%d upstream AS%d: unknown relationship %q", u.ASN, u.Upstream, u.Rel)
	case u.Prefixes < 0 || u.Paths < 0:
		return invalid("AS%d upstream AS%d: negative count", u.ASN, u.Upstream)
	}
	return nil
}

// ValidateMonthKey checks that the meta names a month and a specification.
func ValidateMonthKey(mm *MonthMeta) error {
	if !IsMonthStart(mm.Month) {
		return invalid("month %v is not the first instant of a UTC month", mm.Month)
	}
	if mm.Spec == "" {
		return invalid("no specification")
	}
	return nil
}

// noNaN checks that a record (when not nil) and aggregates hold no NaN,
// which the SQL stores cannot keep.
func noNaN(a *ASN, aggs []Aggregate) error {
	if a == nil {
		a = &ASN{}
	}
	for _, x := range a.Metrics {
		if math.IsNaN(x.Raw) || math.IsNaN(x.Score) {
			return invalid("AS%d metric %q: NaN value", a.ASN, x.ID)
		}
	}
	for _, x := range a.Scores {
		if math.IsNaN(x.Value) {
			return invalid("AS%d score %q: NaN value", a.ASN, x.ID)
		}
	}
	for _, x := range aggs {
		if math.IsNaN(x.Value) {
			return invalid("aggregate %s %q %s: NaN value", x.Scope, x.Key, x.Score)
		}
	}
	return nil
}

// IsMonthStart reports whether t is the first instant of a UTC month, the
// key of a stored month.
func IsMonthStart(t time.Time) bool {
	return !t.IsZero() && t.Equal(vocab.MonthOf(t).Start())
}

// CheckFeedbackOn checks a new feedback against the incident it names,
// of AS asn: the feedback's ASN, when set, must be the incident's, and an
// incident already excluded takes no more feedback (ErrConflict).
func CheckFeedbackOn(f *Feedback, asn uint32, excluded bool) error {
	if f.ASN != 0 && f.ASN != asn {
		return invalid("feedback names AS%d, incident %q is of AS%d", f.ASN, f.IncidentID, asn)
	}
	if excluded {
		return fmt.Errorf("%w: incident %q is already excluded", ErrConflict, f.IncidentID)
	}
	return nil
}

// CheckReviewOf checks a review against the stored feedback it decides:
// the feedback must be pending (ErrConflict otherwise) and an accepted
// review must carry the record of the feedback's ASN.
func CheckReviewOf(r *Review, f *Feedback) error {
	if f.Verdict != VerdictPending {
		return fmt.Errorf("%w: feedback %d is %s, not pending", ErrConflict, f.ID, f.Verdict)
	}
	if r.Verdict == VerdictAccepted && r.ASN.ASN != f.ASN {
		return invalid("review of feedback %d on AS%d carries the record of AS%d", f.ID, f.ASN, r.ASN.ASN)
	}
	return nil
}

// UpstreamOrder returns the indexes of us sorted by ASN, then by index:
// the order of the stores' upstream tables, whose key is (ASN, position).
func UpstreamOrder(us []Upstream) []int {
	order := make([]int, len(us))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(us[a].ASN, us[b].ASN) })
	return order
}
