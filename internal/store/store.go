// Package store defines what the observatory keeps per month and the Store
// interface every backend implements (store/sqlite, embedded, by default;
// store/postgres for the multi-user server). A month is written whole, in
// one transaction, replacing any previous version of the same month and
// specification: readers see the old month or the new one, never a mix.
//
// Record types are plain data; every score names the specification that
// produced it (measurement-framework.md §13).
package store

import (
	"context"
	"encoding/json"
	"errors"
	"net/netip"
	"time"
)

// ErrNotFound is returned when a month, ASN or record does not exist.
var ErrNotFound = errors.New("not found")

// ErrReadOnly is returned by the writes of a store opened read-only (an
// SQLite file that may not be written, a PostgreSQL database whose
// transactions are read-only): serve answers from it, and whatever would
// write (a key's last use, feedback, an ingest) is refused with it.
var ErrReadOnly = errors.New("the store is read-only")

// IsReadOnly reports whether err is a write refused because the store is
// read-only: ErrReadOnly (the SQLite store says so itself), or a database
// error of SQLSTATE 25006, read_only_sql_transaction, which PostgreSQL
// gives a write in a read-only transaction.
func IsReadOnly(err error) bool {
	if errors.Is(err, ErrReadOnly) {
		return true
	}
	var coded interface{ SQLState() string }
	return errors.As(err, &coded) && coded.SQLState() == "25006"
}

// MonthMeta describes one ingested month.
type MonthMeta struct {
	Month      time.Time // first instant of the month, UTC
	Spec       string    // "netops@2024.1"
	IngestedAt time.Time
	Final      bool    // the month had ended when it was computed
	Inputs     []Input // what the scores rest on
	// NotUsed lists the reference files found but left out: snapshots
	// farther from the month than another of their kind (one coherent
	// month), with why.
	NotUsed  []NotUsedInput
	Warnings []string // e.g. inputs far apart in time
	Stats    Stats
}

// Input is one file an ingest read.
type Input struct {
	Path string // as found in the data directory or given, or the URL fetched
	// Target is the file's real path when Path went through a symbolic
	// link (data directories are often links into a shared tree); empty
	// otherwise.
	Target  string
	Kind    string // dataset kind: mrt, vrp, irr, …
	Size    int64
	SHA256  string
	Records int64 // elements, VRPs, objects… as the reader counts them
	From    time.Time
	To      time.Time // time span covered, when known
}

// NotUsedInput is a reference file an ingest found and did not read.
type NotUsedInput struct {
	Kind   string    `json:"kind"`            // dataset kind: vrp, delegated, …
	Group  string    `json:"group,omitempty"` // the snapshot's group within its kind: a registry, an IRR source
	Path   string    `json:"path"`
	Date   time.Time `json:"date"` // the snapshot's date; zero when undated
	Reason string    `json:"reason"`
}

// Stats are month-wide counts.
type Stats struct {
	RIBEntries  int64
	Updates     int64
	Routes      int64 // distinct prefix/origin pairs
	Peers       int
	MeasuredASN int
	Incidents   int
}

// Metric is one metric of one ASN: the raw value (an incident penalty, a
// count or a ratio), its score in [0, 1], and whether there was input.
type Metric struct {
	ID      string // "M2", "M7RPKI", …
	Raw     float64
	Score   float64
	HasData bool
	Counted bool // counted in its Action score by the specification
	// Evidence, when set, is what the metric rests on as a JSON object:
	// for M8 the contacts found and their source (§13.3).
	Evidence json.RawMessage
}

// Score is one of the five published scores of an ASN.
type Score struct {
	ID      string // "filtering", "antiSpoofing", "coordination", "routingInformationIRR", "routingInformationRPKI"
	Value   float64
	HasData bool
	Level   string // ready, aspiring, lagging, no_data_available
}

// ASN is the month record of one network.
type ASN struct {
	ASN         uint32
	Holder      string
	Country     string // ISO 3166 alpha-2 "economy", from delegated stats
	RIR         string
	Region      string // UN M49 region
	SubRegion   string // UN M49 sub-region
	Participant bool
	Peers       int // collector peers that saw any route it originated
	Announced   int // distinct prefixes originated (M7 denominator, §13.8)
	// Cone is the size of the ASN's customer cone in the month's CAIDA AS
	// relationships (asrel.Graph.CustomerConeSize: itself and every AS
	// below it by provider-to-customer links); 0 when the ASN is not in
	// them or none were loaded. Space4 and Space6 are the address space
	// it originated, the union of its prefixes in the units of ROAStat
	// (IPv4 addresses, IPv6 /64s). Outreach ranks by them (docs/outreach.md).
	Cone           int
	Space4, Space6 int64
	// ROV is the route origin validation deployment inferred for the ASN
	// as a transit hop of the month's paths (internal/rovinfer: deploys,
	// partial, does-not, not-enough-evidence), "" when it was never seen
	// as one. ROVPropagated counts the RPKI-invalid routes it was seen
	// passing on, ROVDropped its neighbours' invalid routes it was not
	// seen on, ROVConfidence the verdict's confidence in [0, 1].
	ROV                       string
	ROVPropagated, ROVDropped int
	ROVConfidence             float64
	// Leak is its route-leak protection (internal/leakprot).
	Leak LeakProtection
	// Org is the PeeringDB organisation of its network record (its
	// Month.Orgs entry), zero when PeeringDB has none or was not read.
	Org     Org
	Metrics []Metric
	Scores  []Score
}

// Org is a PeeringDB organisation: its id and name.
type Org struct {
	ID   int
	Name string // "" when the organisation's record was not read
}

// LeakProtection is an ASN's route-leak protection (internal/leakprot):
// the verdict (protects, partial, does-not, not-enough-evidence; "" for
// months ingested before), the leak events it caused (M1) and its
// customers' leaks it passed on (M1C), the customer routes it was seen
// carrying, and its ASPA object: whether it has one, the providers it
// lists, and the providers seen above it in paths (CAIDA provider links)
// that it does not list.
type LeakProtection struct {
	Verdict                                   string
	Originated, CustomerLeaks, CustomerRoutes int
	ASPA                                      bool
	ASPAProviders, ASPAMissing                int
}

// Incident is a scored run of events of one metric for one ASN (§4.1).
type Incident struct {
	ID       string // stable across re-ingests of the same inputs
	ASN      uint32
	Metric   string
	Start    time.Time
	End      time.Time
	Weight   float64
	Score    float64
	Excluded bool            // accepted as a false positive: not counted
	Events   []string        // event ids merged into it
	Evidence json.RawMessage // prefixes, paths, peers, the rule that fired
}

// Route is the evidence for one announced prefix of an ASN.
type Route struct {
	ASN       uint32
	Prefix    string
	RPKI      string // valid, invalid-asn, invalid-length, not-found
	IRR       string // exact, covered, none (best over sources)
	IRRSource []string
	Bogon     string // "", full, administrative
	Peers     int
	FirstSeen time.Time
	LastSeen  time.Time
}

// Upstream is an AS that an ASN's routes were seen through in the
// month's paths (internal/ingest, read by internal/audit). Hop 1 is the
// AS next to the origin; hop 2 the AS next to a hop-1 AS, Via. Prefixes
// counts the ASN's distinct prefixes with a path through Upstream at that
// hop (via Via), Paths the distinct paths. Rel is how Upstream relates to
// the AS below it (the ASN, or Via) in the CAIDA relationships: provider,
// peer, customer, or "" when they do not link them. Example is one such
// path, ASNs separated by spaces, collector peer first.
type Upstream struct {
	ASN      uint32
	Hop      int
	Via      uint32 // 0 for hop 1
	Upstream uint32
	Rel      string
	Prefixes int
	Paths    int
	Example  string
}

// ROVObservation is one piece of the evidence behind an ASN's inferred
// ROV verdict (internal/rovinfer.Observation): an RPKI-invalid route it
// was seen passing on (Kind "propagated"), or an invalid route of a
// neighbour that it was not seen on (Kind "dropped").
type ROVObservation struct {
	ASN    uint32
	Kind   string
	Prefix netip.Prefix
	Origin uint32
	RPKI   string // the route's RFC 6811 state: invalid-asn or invalid-length
	Path   string // a path it was seen on, ASNs separated by spaces, collector peer first
	// Alternative is, for a propagated route, the valid or not-found
	// route of the same or a covering prefix, when one existed.
	Alternative string
	// ViaPrefix and Via are, for a dropped route, a route the ASN was
	// seen passing on from the same neighbour and its path (the evidence
	// that it hears that neighbour); Relationship is how the ASN relates
	// to the neighbour (CAIDA), when known.
	ViaPrefix, Via, Relationship string
}

// ROAStat is ROA coverage in the manner of ROAST for one scope and
// address family: announcements (distinct prefix/origin pairs) and address
// space valid, invalid (either reason) and not found.
type ROAStat struct {
	Scope    string // asn, economy, region, subregion, rir, participants, world
	Key      string // "AS3333", "NL", "Europe", "netops", "world", …
	Family   int    // 4 or 6
	Valid    int64
	Invalid  int64
	NotFound int64
	// Address space of each state, the union of its prefixes: addresses
	// for IPv4, /64 networks for IPv6, so that it fits an int64.
	ValidSpace, InvalidSpace, NotFoundSpace int64
}

// Aggregate is a published score over a set of networks: the mean score
// of the networks with data and how many are at each readiness level. For
// the network-share aggregates (roaValidShare, rovFilteringShare) Value is
// the share of judged networks that pass, Ready counts those that pass,
// Lag those that fail and NoData those that could not be judged.
type Aggregate struct {
	Scope  string // world, region, subregion, rir, economy, participants
	Key    string // "world", "Europe", "NL", "netops", …
	Score  string // score id
	Value  float64
	Ready  int
	Aspire int
	Lag    int
	NoData int
}

// Participant is a member of a MANRS programme.
type Participant struct {
	Organisation string
	Programme    string // netops, ixp, cdn, vendor
	ASNs         []uint32
	Approved     time.Time
	Areas        []string
}

// Month is everything written for one month in one transaction.
type Month struct {
	Meta         MonthMeta
	ASNs         []ASN
	Incidents    []Incident
	Routes       []Route
	ROAStats     []ROAStat
	Aggregates   []Aggregate
	Participants []Participant
	Upstreams    []Upstream
	// ROVEvidence is the evidence kept behind the records' inferred ROV
	// verdicts, by ASN.
	ROVEvidence []ROVObservation
	// Orgs are the PeeringDB organisations of the month's networks: of
	// every ASN with a record, a route or an upstream record that
	// PeeringDB knows, by ASN. A record's Org is its entry's.
	Orgs []ASNOrg
}

// ASNOrg is the PeeringDB organisation of a network.
type ASNOrg struct {
	ASN uint32
	Org Org
}

// Filter selects ASN records.
type Filter struct {
	ASNs    []uint32
	Country string
	Region  string // matches Region, SubRegion or RIR
	// ScoresOnly leaves Metrics nil: the caller needs the records and
	// their scores alone. Metrics are most of a month's rows (twelve an
	// ASN), so a whole month reads in a fraction of the time without them.
	ScoresOnly bool
}

// Store keeps months. Implementations are safe for concurrent use.
type Store interface {
	// WriteMonth replaces Meta.Month for Meta.Spec in one transaction.
	WriteMonth(ctx context.Context, m *Month) error
	// Months lists the stored months, newest first.
	Months(ctx context.Context) ([]MonthMeta, error)
	// ASNs returns the month's ASN records matching f, by ASN.
	ASNs(ctx context.Context, month time.Time, spec string, f Filter) ([]ASN, error)
	// Incidents returns the month's incidents of an ASN (all ASNs for 0).
	Incidents(ctx context.Context, month time.Time, spec string, asn uint32) ([]Incident, error)
	// Routes returns the month's route evidence of an ASN.
	Routes(ctx context.Context, month time.Time, spec string, asn uint32) ([]Route, error)
	// AllRoutes returns the month's route evidence of every ASN, by ASN
	// and, within an ASN, in the order written.
	AllRoutes(ctx context.Context, month time.Time, spec string) ([]Route, error)
	// Upstreams returns the month's upstreams of an ASN (all ASNs for 0),
	// by ASN and, within an ASN, in the order written.
	Upstreams(ctx context.Context, month time.Time, spec string, asn uint32) ([]Upstream, error)
	// Orgs returns the month's PeeringDB organisations, by ASN.
	Orgs(ctx context.Context, month time.Time, spec string) ([]ASNOrg, error)
	// ROVEvidence returns the month's ROV evidence of an ASN (all ASNs
	// for 0), by ASN and, within an ASN, in the order written.
	ROVEvidence(ctx context.Context, month time.Time, spec string, asn uint32) ([]ROVObservation, error)
	// ROAStats returns the month's ROA statistics of a scope ("" for all).
	ROAStats(ctx context.Context, month time.Time, spec, scope string) ([]ROAStat, error)
	// Aggregates returns the month's aggregates of a scope ("" for all).
	Aggregates(ctx context.Context, month time.Time, spec, scope string) ([]Aggregate, error)
	// Participants returns the participants recorded with the month.
	Participants(ctx context.Context, month time.Time, spec string) ([]Participant, error)
	Close() error
}
