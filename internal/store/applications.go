package store

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/mail"
	"time"
)

// This file holds the applications to a MANRS programme (issue 13 item 1):
// what an organisation asked for, the automated checks on it, the state it
// is in and the trail of every change. The use case (the checks and the
// state machine) is internal/application; the stores keep the records and
// apply a change in one transaction, with the approval's registry write.

// AppState is the state of an application.
type AppState string

// The states of an application: submitted → checks-failed |
// awaiting-review → approved | rejected. A re-check moves checks-failed or
// awaiting-review to either of the two again.
const (
	AppSubmitted      AppState = "submitted"
	AppChecksFailed   AppState = "checks-failed"
	AppAwaitingReview AppState = "awaiting-review"
	AppApproved       AppState = "approved"
	AppRejected       AppState = "rejected"
)

// AppStates lists every state, in the order of the workflow.
var AppStates = []AppState{AppSubmitted, AppChecksFailed, AppAwaitingReview, AppApproved, AppRejected}

// Valid reports whether s is one of the states.
func (s AppState) Valid() bool {
	for _, v := range AppStates {
		if s == v {
			return true
		}
	}
	return false
}

// Decided reports whether s is final: approved or rejected.
func (s AppState) Decided() bool { return s == AppApproved || s == AppRejected }

// RoleApplicant is the role of an applicant key: minted for one
// application when it is submitted, kept with the application (not among
// the API keys, so that RoleApplicant is not a Valid role of an API key)
// and seeing that application only.
const RoleApplicant Role = "applicant"

// CheckEvidence is what one check found for one ASN.
type CheckEvidence struct {
	ASN    uint32   `json:"asn"`
	Passed bool     `json:"passed"`
	Value  *float64 `json:"value,omitempty"` // the metric score or the incident count, when there is one
	Detail string   `json:"detail"`
}

// CheckResult is one automated check of an application: one per MANRS
// Action the participation criteria test, and whether the ASNs are
// measured at all, with the evidence per ASN.
type CheckResult struct {
	Check    string          `json:"check"`  // "measured" or a score id
	Action   int             `json:"action"` // the MANRS Action, 0 for "measured"
	Passed   bool            `json:"passed"`
	Rule     string          `json:"rule"` // the criterion, as the spec states it
	Evidence []CheckEvidence `json:"evidence"`
}

// Transition is one entry of an application's trail.
type Transition struct {
	From    AppState // "" for the submission
	To      AppState
	By      string // "anonymous", "applicant", "checks", or a key ID
	At      time.Time
	Comment string
}

// Application is an organisation's application to a programme.
type Application struct {
	ID           int64 // assigned by the store
	Organisation string
	Programme    string // netops, ixp, cdn, vendor
	ASNs         []uint32
	Email        string
	Areas        []string
	State        AppState
	// KeyID and KeyHash are the applicant key's public ID (unique) and
	// the SHA-256 of its token (internal/apikey's layout).
	KeyID   string
	KeyHash []byte
	// Checks are the results of the last check, on CheckedMonth of
	// CheckedSpec's scores, against CheckedCriteria's criteria.
	Checks          []CheckResult
	CheckedMonth    time.Time
	CheckedSpec     string
	CheckedCriteria string
	ParticipantID   int64 // the registered participant, once approved
	CreatedAt       time.Time
	UpdatedAt       time.Time
	Trail           []Transition // oldest first
}

// AppChange is one change of an application, written in one transaction
// with its trail entry: From is the state the change expects (ErrConflict
// when the application is no longer in it).
type AppChange struct {
	ID      int64
	From    AppState
	To      AppState
	By      string
	At      time.Time
	Comment string
	// ASNs and Areas, when not nil, replace the application's.
	ASNs  []uint32
	Areas []string
	// Checks, when not nil, replace the last check's results.
	Checks                       []CheckResult
	CheckedMonth                 time.Time
	CheckedSpec, CheckedCriteria string
	// Approve, for To == AppApproved, is the participant to register in
	// the same transaction (the registry's rules apply: an ASN another
	// participant holds is an *ASNConflictError and nothing is written).
	Approve *Registered
}

// Applications are the programme applications. Both backends implement it
// as part of Service; the contract is in store/storetest (RunService).
type Applications interface {
	// CreateApplication stores a new application with its trail and
	// returns its ID; its key ID must be unique (ErrConflict) and it must
	// pass ValidateApplication (ErrInvalid).
	CreateApplication(ctx context.Context, a *Application) (int64, error)
	// Application returns one application with its trail (ErrNotFound).
	Application(ctx context.Context, id int64) (*Application, error)
	// ApplicationByKey returns the application of an applicant key ID
	// (ErrNotFound).
	ApplicationByKey(ctx context.Context, keyID string) (*Application, error)
	// ApplicationList lists every application with its trail, newest first.
	ApplicationList(ctx context.Context) ([]Application, error)
	// ChangeApplication applies c in one transaction (ErrNotFound,
	// ErrConflict when the state is no longer c.From, ErrInvalid).
	ChangeApplication(ctx context.Context, c *AppChange) error
}

// ValidateApplication checks a new application before it is stored.
func ValidateApplication(a *Application) error {
	switch {
	case a == nil:
		return invalid("nil application")
	case a.ID != 0:
		return invalid("application %d: a new application's ID is assigned by the store", a.ID)
	case a.Organisation == "":
		return invalid("application without organisation")
	case a.KeyID == "" || len(a.KeyHash) != sha256.Size:
		return invalid("application %q: an applicant key ID and its SHA-256 are required", a.Organisation)
	case !a.State.Valid():
		return invalid("application %q: unknown state %q", a.Organisation, a.State)
	case len(a.Trail) == 0:
		return invalid("application %q: no trail", a.Organisation)
	case a.CreatedAt.IsZero():
		return invalid("application %q: no creation time", a.Organisation)
	}
	if _, err := mail.ParseAddress(a.Email); err != nil {
		return invalid("application %q: e-mail %q: %v", a.Organisation, a.Email, err)
	}
	return validateTrail(a.Trail)
}

// ValidateAppChange checks a change before it is applied.
func ValidateAppChange(c *AppChange) error {
	switch {
	case c == nil:
		return invalid("nil application change")
	case c.ID <= 0:
		return invalid("application change without application")
	case (c.To == AppApproved) != (c.Approve != nil):
		return invalid("application %d: an approval, and only one, registers a participant", c.ID)
	case c.Approve != nil && c.Approve.ID != 0:
		return invalid("application %d: the approval registers a new participant", c.ID)
	}
	if c.Approve != nil {
		if err := ValidateRegistered(c.Approve); err != nil {
			return err
		}
	}
	return validateTrail([]Transition{{From: c.From, To: c.To, By: c.By, At: c.At}})
}

func validateTrail(ts []Transition) error {
	for _, t := range ts {
		switch {
		case t.From != "" && !t.From.Valid(), !t.To.Valid():
			return invalid("transition %q → %q: unknown state", t.From, t.To)
		case t.By == "":
			return invalid("transition %q → %q without who", t.From, t.To)
		case t.At.IsZero():
			return invalid("transition %q → %q without when", t.From, t.To)
		}
	}
	return nil
}

// AppDoc is the part of an application both stores keep as one JSON
// document: what the applicant gave and the last check's results.
type AppDoc struct {
	Organisation    string        `json:"organisation"`
	Programme       string        `json:"programme"`
	ASNs            []uint32      `json:"asns"`
	Email           string        `json:"email"`
	Areas           []string      `json:"areas"`
	Checks          []CheckResult `json:"checks"`
	CheckedMonth    time.Time     `json:"checkedMonth"`
	CheckedSpec     string        `json:"checkedSpec"`
	CheckedCriteria string        `json:"checkedCriteria"`
}

// EncodeAppDoc returns a's document.
func EncodeAppDoc(a *Application) ([]byte, error) {
	return json.Marshal(AppDoc{a.Organisation, a.Programme, a.ASNs, a.Email, a.Areas, a.Checks,
		a.CheckedMonth.UTC(), a.CheckedSpec, a.CheckedCriteria})
}

// DecodeAppDoc fills a from its document.
func DecodeAppDoc(b []byte, a *Application) error {
	var d AppDoc
	if err := json.Unmarshal(b, &d); err != nil {
		return fmt.Errorf("decode application %d: %w", a.ID, err)
	}
	a.Organisation, a.Programme, a.ASNs, a.Email, a.Areas = d.Organisation, d.Programme, d.ASNs, d.Email, d.Areas
	a.Checks, a.CheckedMonth, a.CheckedSpec, a.CheckedCriteria = d.Checks, d.CheckedMonth.UTC(), d.CheckedSpec, d.CheckedCriteria
	return nil
}

// Apply applies c's fields to a (not its state machine: the store checks
// From, the use case the rest).
func (c *AppChange) Apply(a *Application) {
	a.State, a.UpdatedAt = c.To, c.At
	if c.ASNs != nil {
		a.ASNs = c.ASNs
	}
	if c.Areas != nil {
		a.Areas = c.Areas
	}
	if c.Checks != nil {
		a.Checks, a.CheckedMonth, a.CheckedSpec, a.CheckedCriteria = c.Checks, c.CheckedMonth, c.CheckedSpec, c.CheckedCriteria
	}
}
