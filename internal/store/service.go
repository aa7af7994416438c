package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// This file holds what the multi-user server keeps besides the months:
// API keys, the participants registry and false-positive feedback. Both
// backends implement Service next to Store; the months stay read-only to
// the API except through Review, which re-scores one month in the same
// transaction that records the verdict.

// ErrConflict is returned when a write would break a uniqueness rule (a
// second pending feedback on the same incident, a participant name or an
// ASN taken) or when a review meets feedback that is no longer pending.
var ErrConflict = errors.New("conflict")

// ASNConflictError is the ErrConflict of a registry write that would give
// an ASN to a second participant: an ASN belongs to one registered
// participant at most, so that a participant key's view is never shared.
type ASNConflictError struct {
	ASN      uint32
	Holder   string // the organisation that holds the ASN
	Claimant string // the organisation that the refused write gave it to
}

// Error names the ASN and both organisations.
func (e *ASNConflictError) Error() string {
	return fmt.Sprintf("AS%d is registered to %q: %q may not list it too", e.ASN, e.Holder, e.Claimant)
}

// Unwrap makes the error match ErrConflict.
func (e *ASNConflictError) Unwrap() error { return ErrConflict }

// Role is what an API key may do (issue 4, as the MANRS Observatory has
// them). Anonymous callers carry no key and have no Role.
type Role string

// The roles a key can hold.
const (
	// RoleParticipant sees details and evidence of its participant's ASNs only.
	RoleParticipant Role = "participant"
	// RolePartner sees all details, read-only.
	RolePartner Role = "partner"
	// RoleSecretariat manages participants and keys and reviews feedback.
	RoleSecretariat Role = "secretariat"
)

// Valid reports whether r is one of the defined roles.
func (r Role) Valid() bool {
	return r == RoleParticipant || r == RolePartner || r == RoleSecretariat
}

// APIKey is the stored half of a key. The secret itself is never stored:
// only Hash, the SHA-256 of the whole token, which is looked up by ID.
type APIKey struct {
	ID            string // public part of the token, unique
	Hash          []byte // SHA-256 of the full token
	Name          string // what the holder calls it
	Role          Role
	ParticipantID int64 // for RoleParticipant: whose ASNs it may see
	// ParticipantUID is, for RoleParticipant, the UID of the participant
	// the key was made for, recorded by CreateKey. A key is only good
	// while the participant with ParticipantID has this UID: IDs say
	// which row, UIDs say which participant, and never recur.
	ParticipantUID string
	RatePerMinute  int // 0: the server's default
	CreatedAt      time.Time
	ExpiresAt      time.Time // zero: never
	RevokedAt      time.Time // zero: not revoked
	LastUsedAt     time.Time // zero: never used
}

// Usable reports whether the key may be used at t.
func (k *APIKey) Usable(t time.Time) bool {
	return k.RevokedAt.IsZero() && (k.ExpiresAt.IsZero() || t.Before(k.ExpiresAt))
}

// Registered is a participant of the live registry, as the secretariat
// keeps it. Month records carry their own snapshot (Month.Participants).
type Registered struct {
	ID int64 // assigned by the store on create, never reused
	// UID is a random UUID (version 4, RFC 9562) assigned by the store on
	// create and never changed: the identity that participant keys are
	// bound to. Empty on create; on replace, empty or the stored one.
	UID string
	Participant
	UpdatedAt time.Time
}

// RegisteredASNs returns the set of the ASNs the registry's participants
// hold.
func RegisteredASNs(list []Registered) map[uint32]bool {
	out := map[uint32]bool{}
	for _, p := range list {
		for _, a := range p.ASNs {
			out[a] = true
		}
	}
	return out
}

// Verdict is the state of a feedback.
type Verdict string

// The states of a feedback.
const (
	VerdictPending  Verdict = "pending"
	VerdictAccepted Verdict = "accepted"
	VerdictRejected Verdict = "rejected"
)

// Feedback is a participant's claim that an incident is a false positive,
// and the secretariat's verdict on it: the whole trail is kept.
type Feedback struct {
	ID          int64 // assigned by the store
	IncidentID  string
	Month       time.Time
	Spec        string
	ASN         uint32
	Reason      string
	SubmittedBy string // key ID
	SubmittedAt time.Time
	Verdict     Verdict
	ReviewedBy  string // key ID, empty while pending
	ReviewedAt  time.Time
	ReviewNote  string
}

// FeedbackFilter selects feedback; zero fields match everything.
type FeedbackFilter struct {
	ASNs    []uint32
	Verdict Verdict
	Month   time.Time
}

// Review is a verdict together with what it changes in the month: when
// accepted, the incident is marked Excluded and the ASN records and score
// aggregates re-scored without it replace the stored ones. Everything is
// written in one transaction.
type Review struct {
	FeedbackID int64
	Verdict    Verdict // accepted or rejected
	ReviewedBy string
	ReviewedAt time.Time
	Note       string
	// Set when Verdict is accepted:
	ASN        *ASN        // the re-scored record of Feedback.ASN
	Aggregates []Aggregate // the month's score aggregates, re-computed
}

// Service is what `observatory serve` needs beyond Store. Its methods
// return errors wrapping ErrInvalid (a record refused before any write),
// ErrNotFound or ErrConflict where callers must tell them apart; the full
// contract is in store/storetest (RunService). Accepting feedback goes
// through internal/rescore, which re-scores the month and calls Review.
type Service interface {
	Store
	RSChecks
	Alerts

	// CreateKey stores a new key; its ID must be unique. A participant
	// key is bound, in the same transaction, to the UID of the registered
	// participant it names (ErrNotFound if none, or if k.ParticipantUID
	// is set and is not that participant's), and k.ParticipantUID is set.
	CreateKey(ctx context.Context, k *APIKey) error
	// Key returns a key by ID (ErrNotFound if none).
	Key(ctx context.Context, id string) (*APIKey, error)
	// Keys lists all keys, newest first.
	Keys(ctx context.Context) ([]APIKey, error)
	// RevokeKey marks a key revoked at t (ErrNotFound if none).
	RevokeKey(ctx context.Context, id string, t time.Time) error
	// TouchKey records that a key was used at t; callers may batch it.
	TouchKey(ctx context.Context, id string, t time.Time) error

	// PutParticipant creates (ID 0) or replaces a registered participant
	// and returns its ID. IDs are never reused, not even those of deleted
	// participants. An organisation or an ASN that another participant
	// holds is ErrConflict (an *ASNConflictError for an ASN), checked in
	// the write transaction.
	PutParticipant(ctx context.Context, p *Registered) (int64, error)
	// PutParticipants writes entries as PutParticipant does, in one
	// transaction: all of them or none. Uniqueness is checked on the
	// registry as it stands after every write, so that one batch may move
	// an ASN from one participant to another. It returns the IDs in order.
	PutParticipants(ctx context.Context, ps []Registered) ([]int64, error)
	// RegisteredParticipant returns one participant by ID.
	RegisteredParticipant(ctx context.Context, id int64) (*Registered, error)
	// RegisteredParticipants lists the registry by organisation.
	RegisteredParticipants(ctx context.Context) ([]Registered, error)
	// DeleteParticipant removes a participant from the registry and, in
	// the same transaction, revokes at t every key bound to it that is not
	// revoked yet.
	DeleteParticipant(ctx context.Context, id int64, t time.Time) error

	// FindIncident returns an incident by ID, from the newest month and
	// specification that has it, with that month and specification.
	FindIncident(ctx context.Context, id string) (*Incident, time.Time, string, error)

	// AddFeedback stores a pending feedback and returns its ID. A second
	// pending feedback on the same incident is ErrConflict.
	AddFeedback(ctx context.Context, f *Feedback) (int64, error)
	// Feedback returns one feedback by ID.
	Feedback(ctx context.Context, id int64) (*Feedback, error)
	// Feedbacks lists feedback matching f, newest first.
	Feedbacks(ctx context.Context, f FeedbackFilter) ([]Feedback, error)
	// Review records a verdict on a pending feedback and, when accepted,
	// applies the re-scored month (ErrConflict if no longer pending).
	Review(ctx context.Context, r *Review) error

	// Sessions are the dashboard's sign-ins (sessions.go).
	Sessions
	// Applications are the programme applications (applications.go).
	Applications
}
