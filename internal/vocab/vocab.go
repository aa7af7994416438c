// Package vocab is the observatory's one vocabulary: the identifiers of
// scores, metrics, aggregate scopes and readiness levels, and the month
// with its layout. Every package that names one of them uses these
// constants, and the API's names are derived from them here, so that a
// name is written once (measurement-framework.md §4, §13).
package vocab

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ScoreID names an Action score (§4) or a network-share aggregate (§2).
type ScoreID string

// The five Action scores, in the order of the MANRS Observatory's columns.
const (
	Filtering              ScoreID = "filtering"              // Action 1
	AntiSpoofing           ScoreID = "antiSpoofing"           // Action 2
	Coordination           ScoreID = "coordination"           // Action 3
	RoutingInformationIRR  ScoreID = "routingInformationIRR"  // Action 4, IRR
	RoutingInformationRPKI ScoreID = "routingInformationRPKI" // Action 4, RPKI
)

// Network-share aggregates, computed next to the five scores (§2: the
// participants vs all networks comparison).
const (
	// ROAValidShare: networks with at least one RPKI-valid announcement,
	// among networks that announced anything.
	ROAValidShare ScoreID = "roaValidShare"
	// ROVFilteringShare: networks never seen propagating an RPKI-invalid
	// route, among networks seen as a transit hop of enough routes.
	ROVFilteringShare ScoreID = "rovFilteringShare"
	// ROVDeployedShare: networks judged to deploy route origin
	// validation by internal/rovinfer (never seen propagating an
	// RPKI-invalid route, seen dropping its neighbours' ones), among the
	// networks it could judge (deploys, partial, does not).
	ROVDeployedShare ScoreID = "rovDeployedShare"
)

// Scores are the five Action scores, in their order.
var Scores = []ScoreID{Filtering, AntiSpoofing, Coordination, RoutingInformationIRR, RoutingInformationRPKI}

// Shares are the network-share aggregates.
var Shares = []ScoreID{ROAValidShare, ROVFilteringShare, ROVDeployedShare}

// MetricID names a metric (§4.1–§4.4, §13.3).
type MetricID string

// The metrics.
const (
	M1     MetricID = "M1"  // route leak by the ASN
	M1C    MetricID = "M1C" // route leak by a customer
	M2     MetricID = "M2"  // hijack by the ASN
	M2C    MetricID = "M2C" // hijack by a customer
	M3     MetricID = "M3"  // bogon prefix by the ASN
	M3C    MetricID = "M3C" // bogon prefix by a customer
	M4     MetricID = "M4"  // bogon ASN by the ASN
	M4C    MetricID = "M4C" // bogon ASN by a customer
	M5     MetricID = "M5"  // spoofable prefixes (Spoofer)
	M7IRR  MetricID = "M7IRR"
	M7RPKI MetricID = "M7RPKI"
	M8     MetricID = "M8" // contact information
)

// Metrics are every metric, in the order ingest computes them.
var Metrics = []MetricID{M1, M1C, M2, M2C, M3, M3C, M4, M4C, M5, M7RPKI, M7IRR, M8}

// IncidentMetrics are the metrics whose raw value is the penalty of the
// ASN's incidents (§4.1) and whose score is that penalty through the
// penalty curve.
var IncidentMetrics = []MetricID{M1, M1C, M2, M2C, M3, M3C, M4, M4C}

// Scope names a kind of aggregation group.
type Scope string

// Scopes of aggregates and ROA statistics.
const (
	ScopeASN          Scope = "asn"
	ScopeEconomy      Scope = "economy"
	ScopeRegion       Scope = "region"
	ScopeSubRegion    Scope = "subregion"
	ScopeRIR          Scope = "rir"
	ScopeWorld        Scope = "world"
	ScopeParticipants Scope = "participants" // key: the programme (netops, ixp, …)
)

// WorldKey is the one key of ScopeWorld.
const WorldKey = "world"

// Level is a readiness level (§4.5, §13.1), as the store keeps it.
type Level string

// Readiness levels.
const (
	Ready    Level = "ready"
	Aspiring Level = "aspiring"
	Lagging  Level = "lagging"
	NoData   Level = "no_data_available"
)

// Levels are the readiness levels, best first.
var Levels = []Level{Ready, Aspiring, Lagging, NoData}

// NoDataAPI is the v2 API's and the dashboard's name of NoData; the
// other levels have the same name there as in the store.
const NoDataAPI = "noData"

// API returns the level's name in the v2 API and the dashboard: the
// store's name, but NoDataAPI for NoData.
func (l Level) API() string {
	if l == NoData {
		return NoDataAPI
	}
	return string(l)
}

// LevelFromAPI returns the level an API name stands for.
func LevelFromAPI(s string) (Level, bool) {
	for _, l := range Levels {
		if l.API() == s {
			return l, true
		}
	}
	return "", false
}

// MonthLayout is the layout of a month, YYYY-MM, for time.Format and
// time.Parse.
const MonthLayout = "2006-01"

// Month is a calendar month, held as its first instant in UTC.
type Month struct{ t time.Time }

// MonthOf returns the month that holds t.
func MonthOf(t time.Time) Month {
	t = t.UTC()
	return Month{time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)}
}

// ParseMonth reads YYYY-MM.
func ParseMonth(s string) (Month, error) {
	t, err := time.Parse(MonthLayout, s)
	if err != nil {
		return Month{}, fmt.Errorf("month %q: want YYYY-MM", s)
	}
	return Month{t}, nil
}

// Start is the month's first instant, UTC.
func (m Month) Start() time.Time { return m.t }

// End is the first instant of the next month, UTC.
func (m Month) End() time.Time { return m.t.AddDate(0, 1, 0) }

// Next is the month after m.
func (m Month) Next() Month { return Month{m.End()} }

// Prev is the month before m.
func (m Month) Prev() Month { return Month{m.t.AddDate(0, -1, 0)} }

// IsZero reports whether m is the zero Month.
func (m Month) IsZero() bool { return m.t.IsZero() }

// String is YYYY-MM.
func (m Month) String() string { return m.t.Format(MonthLayout) }

// Strings returns ids as plain strings, for the places (store records,
// CSV columns) that hold identifiers untyped.
func Strings[T ~string](ids []T) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = string(id)
	}
	return out
}

// ErrBadASN is ParseASN's error for text that is not an AS number.
var ErrBadASN = errors.New("bad AS number")

// ParseASN is the one AS number parser: it reads "123", "AS123", "as123"
// and the asdot form "1.10" (RFC 5396), surrounding space ignored, up to
// 4294967295 (RFC 6793).
func ParseASN(s string) (uint32, error) {
	t := strings.TrimSpace(s)
	if len(t) >= 2 && (t[0] == 'A' || t[0] == 'a') && (t[1] == 'S' || t[1] == 's') {
		t = t[2:]
	}
	if hi, lo, ok := strings.Cut(t, "."); ok {
		h, err1 := strconv.ParseUint(hi, 10, 16)
		l, err2 := strconv.ParseUint(lo, 10, 16)
		if err1 != nil || err2 != nil {
			return 0, badASN(s)
		}
		return uint32(h<<16 | l), nil
	}
	n, err := strconv.ParseUint(t, 10, 32)
	if err != nil {
		return 0, badASN(s)
	}
	return uint32(n), nil
}

// badASN is ParseASN's error. It quotes a copy of s, so that s does not
// escape and a caller's string([]byte) conversion need not allocate.
func badASN(s string) error { return fmt.Errorf("%w: %q", ErrBadASN, strings.Clone(s)) }
