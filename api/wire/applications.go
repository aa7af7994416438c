package wire

import "time"

// ApplicationInput is POST /applications: an organisation applies to a
// MANRS programme.
type ApplicationInput struct {
	Organisation string    `json:"organisation"`
	Programme    Programme `json:"programme"`
	ASNs         []ASN     `json:"asns"`
	Email        string    `json:"email"`
	Areas        []string  `json:"areas,omitempty"` // economies, ISO 3166 alpha-2
}

// ApplicationEvidence is what one check found for one ASN.
type ApplicationEvidence struct {
	ASN    ASN      `json:"asn"`
	Passed bool     `json:"passed"`
	Value  *float64 `json:"value"` // the metric score or incident count; null when none
	Detail string   `json:"detail"`
}

// ApplicationCheck is one automated check of an application.
type ApplicationCheck struct {
	Check    string                `json:"check"`  // "measured" or a score id
	Action   int                   `json:"action"` // the MANRS Action, 0 for measured
	Passed   bool                  `json:"passed"`
	Rule     string                `json:"rule"`
	Evidence []ApplicationEvidence `json:"evidence"`
}

// ApplicationTransition is one entry of an application's trail.
type ApplicationTransition struct {
	From    string    `json:"from,omitempty"` // absent for the submission
	To      string    `json:"to"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
	Comment string    `json:"comment"`
}

// Application is an application, its checks and its trail. ApplicantKey
// is set in the answer to the submission only: the token is shown once.
type Application struct {
	ID              int64                   `json:"id"`
	Organisation    string                  `json:"organisation"`
	Programme       Programme               `json:"programme"`
	ASNs            []ASN                   `json:"asns"`
	Email           string                  `json:"email"`
	Areas           []string                `json:"areas"`
	State           string                  `json:"state"`
	Checks          []ApplicationCheck      `json:"checks"`
	CheckedMonth    time.Time               `json:"checkedMonth"`
	CheckedSpec     string                  `json:"checkedSpec"`
	CheckedCriteria string                  `json:"checkedCriteria"`
	ParticipantID   int64                   `json:"participantId,omitempty"`
	CreatedAt       time.Time               `json:"createdAt"`
	UpdatedAt       time.Time               `json:"updatedAt"`
	Trail           []ApplicationTransition `json:"trail"`
	ApplicantKey    string                  `json:"applicantKey,omitempty"`
}

// ApplicationList is GET /applications, newest first.
type ApplicationList struct {
	Items []Application `json:"items"`
}

// ApplicationReview is POST /applications/{id}/review.
type ApplicationReview struct {
	Decision string `json:"decision"` // approved or rejected
	Comment  string `json:"comment"`
}

// ApplicationRecheck is POST /applications/{id}/recheck: what the
// applicant changed, if anything, and why.
type ApplicationRecheck struct {
	ASNs    []ASN    `json:"asns,omitempty"`
	Areas   []string `json:"areas,omitempty"`
	Comment string   `json:"comment,omitempty"`
}
