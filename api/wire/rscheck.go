package wire

import "time"

// RSCheckList is GET /rs-checks: the stored IXP route-server checks
// (observatory rs-check --db), newest first, without their findings.
type RSCheckList struct {
	Items []RSCheckMeta `json:"items"`
}

// RSCheckMeta is one stored route-server check: which IXP, when it was
// stored, the routes checked and those that should have been rejected,
// and the link to the whole report.
type RSCheckMeta struct {
	ID         int64     `json:"id"`
	IXP        string    `json:"ixp"`
	CheckedAt  time.Time `json:"checkedAt"`
	Routes     int       `json:"routes"`
	Rejectable int       `json:"rejectable"`
	Report     string    `json:"report"` // link to GET /rs-checks/{id}
}

// RSCheck is GET /rs-checks/{id}: a stored route-server check whole, its
// report exactly as `observatory rs-check --format json` wrote it
// (internal/rscheck, docs/rs-check.md).
type RSCheck struct {
	RSCheckMeta
	Result RSCheckReport `json:"result"`
}

// RSCheckReport is the report of one check: per file and per member the
// routes checked and the violations, then every route the route server
// accepted but should have rejected, with its reasons and evidence.
type RSCheckReport struct {
	IXP        string           `json:"ixp,omitempty"`
	Files      []RSCheckFile    `json:"files"`
	IRRChecked bool             `json:"irrChecked"`
	Total      RSCheckCounts    `json:"total"`
	Members    []RSCheckMember  `json:"members"`
	Findings   []RSCheckFinding `json:"findings"`
}

// RSCheckCounts are routes checked and violations per reason; a route with
// several reasons counts once in Rejectable and once under each reason.
type RSCheckCounts struct {
	Routes          int `json:"routes"`
	NoOrigin        int `json:"noOrigin"`
	MemberFromPath  int `json:"memberFromPath"`
	Rejectable      int `json:"rejectable"`
	RPKIInvalid     int `json:"rpkiInvalid"`
	BogonPrefix     int `json:"bogonPrefix"`
	BogonASN        int `json:"bogonASN"`
	IRRUnregistered int `json:"irrUnregistered"`
}

// RSCheckFile is one input file's counts.
type RSCheckFile struct {
	Name string `json:"name"`
	RSCheckCounts
}

// RSCheckMember is one member's counts.
type RSCheckMember struct {
	ASN ASN `json:"asn"`
	RSCheckCounts
}

// RSCheckFinding is a route the route server accepted but should have
// rejected: the member that announced it, the route, why, and the evidence.
type RSCheckFinding struct {
	Member    ASN               `json:"member"`
	PeerAS    ASN               `json:"peerAS,omitempty"`
	PeerIP    string            `json:"peerIP"`
	Prefix    string            `json:"prefix"`
	Origin    ASN               `json:"origin"`
	NoOrigin  bool              `json:"noOrigin,omitempty"`
	Path      string            `json:"path"`
	Reasons   []string          `json:"reasons"`
	RPKI      string            `json:"rpki"`
	VRPs      []RSCheckVRP      `json:"vrps,omitempty"`
	Bogon     RSCheckBogon      `json:"bogon,omitzero"`
	BogonASNs []RSCheckBogonASN `json:"bogonASNs,omitempty"`
	IRR       RSCheckIRR        `json:"irr,omitzero"`
}

// RSCheckVRP is a VRP covering a finding's prefix.
type RSCheckVRP struct {
	Prefix    string `json:"prefix"`
	MaxLength int    `json:"maxLength"`
	ASN       ASN    `json:"asn"`
	TA        string `json:"ta,omitempty"`
}

// RSCheckBogon is the bogon entry a prefix matched.
type RSCheckBogon struct {
	Kind   string `json:"kind"`
	Reason string `json:"reason"`
}

// RSCheckBogonASN is a reserved AS number found in a path.
type RSCheckBogonASN struct {
	ASN    ASN    `json:"asn"`
	Kind   string `json:"kind"`
	Reason string `json:"reason"`
}

// RSCheckIRR is the IRR evidence of a finding.
type RSCheckIRR struct {
	Match   string             `json:"match"`
	Objects []RSCheckIRRObject `json:"objects"`
	ASSet   string             `json:"asSet,omitempty"`
	InASSet *bool              `json:"inASSet,omitempty"`
}

// RSCheckIRRObject is the best route object of one IRR source.
type RSCheckIRRObject struct {
	Source string `json:"source"`
	Match  string `json:"match"`
	Prefix string `json:"prefix"`
}
