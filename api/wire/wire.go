// Package wire holds the JSON types of the /api/v2 contract, the schemas
// of api/openapi.yaml, once: the server (internal/httpapi) answers with
// them and the Go SDK (client) decodes into them. A test of package api
// walks the contract's schemas and these types by reflection and fails on
// any drift between the two.
//
// Times are UTC; a zero time of an optional property is left out.
package wire

import (
	"fmt"
	"strconv"
	"time"

	"github.com/observatory-net/observatory/internal/vocab"
)

// MonthLayout is the layout of a month in query parameters, YYYY-MM
// (time.Format, time.Parse).
const MonthLayout = vocab.MonthLayout

// ASN is an autonomous system number (RFC 6793); in JSON a number.
type ASN uint32

// String returns the canonical form, AS3333.
func (a ASN) String() string { return "AS" + strconv.FormatUint(uint64(a), 10) }

// ParseASN reads AS3333, as3333, 3333 or the asdot form 0.3333
// (vocab.ParseASN, the observatory's one ASN parser).
func ParseASN(s string) (ASN, error) {
	n, err := vocab.ParseASN(s)
	if err != nil {
		return 0, fmt.Errorf("observatory: ASN %q: want AS followed by a number, or a number", s)
	}
	return ASN(n), nil
}

// Level is a readiness level of a score, as the API names it: the names
// of internal/vocab's levels (vocab.Level.API).
type Level string

// The readiness levels, best first.
const (
	LevelReady    = Level(vocab.Ready)
	LevelAspiring = Level(vocab.Aspiring)
	LevelLagging  = Level(vocab.Lagging)
	LevelNoData   = Level(vocab.NoDataAPI)
)

// rank orders the levels, noData and unknown ones lowest.
func (l Level) rank() int {
	switch l {
	case LevelReady:
		return 3
	case LevelAspiring:
		return 2
	case LevelLagging:
		return 1
	}
	return 0
}

// AtLeast reports whether l is min or better; noData never is.
func (l Level) AtLeast(min Level) bool { return l.rank() > 0 && l.rank() >= min.rank() }

// ScoreID names one of the five published scores.
type ScoreID string

// The score ids, in the Observatory's order (MANRS Actions 1 to 4, the
// last split in two).
const (
	ScoreFiltering    = ScoreID(vocab.Filtering)
	ScoreAntiSpoofing = ScoreID(vocab.AntiSpoofing)
	ScoreCoordination = ScoreID(vocab.Coordination)
	ScoreIRR          = ScoreID(vocab.RoutingInformationIRR)
	ScoreRPKI         = ScoreID(vocab.RoutingInformationRPKI)
)

// Verdict is the state of a false-positive feedback.
type Verdict string

// The verdicts.
const (
	VerdictPending  Verdict = "pending"
	VerdictAccepted Verdict = "accepted"
	VerdictRejected Verdict = "rejected"
)

// Programme is a MANRS programme.
type Programme string

// The programmes.
const (
	ProgrammeNetops Programme = "netops"
	ProgrammeIXP    Programme = "ixp"
	ProgrammeCDN    Programme = "cdn"
	ProgrammeVendor Programme = "vendor"
)

// MonthData is the head of every month response: the month (its first
// instant, UTC) and the specification it was scored with (ID@VERSION).
type MonthData struct {
	Month time.Time `json:"month"`
	Spec  string    `json:"spec"`
}

// Page is one page of a list of month data (ASNList, ASList,
// IncidentList). NextPageToken is empty on the last page.
type Page[T any] struct {
	MonthData
	NextPageToken string `json:"nextPageToken,omitempty"`
	Items         []T    `json:"items"`
}
