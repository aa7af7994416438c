package wire

// Audit is GET /audits: an enterprise's routing-security supply chain in a
// month (internal/audit, docs/audit.md): the networks audited, the
// upstreams its routes were seen through, a pass/fail per MANRS+ control
// for each, ranked by risk, and an SLA checklist. Every claim carries its
// evidence: paths, prefixes, and links to the API records behind it.
type Audit struct {
	MonthData
	Query AuditQuery `json:"query"`
	// Resolved tells what each prefix asked for matched: the stored routes
	// equal to it or inside it, else the most specific covering it.
	Resolved []AuditPrefix `json:"resolved"`
	// Prefixes is the number of distinct routes (prefix and origin) of the
	// audited networks, the denominator of every provider's weight.
	Prefixes   int             `json:"prefixes"`
	Networks   []AuditNetwork  `json:"networks"`
	Providers  []AuditProvider `json:"providers"`
	Edges      []AuditEdge     `json:"edges"`
	Checklist  []AuditSLAItem  `json:"checklist"`
	Summary    AuditSummary    `json:"summary"`
	Method     string          `json:"method"`
	Unresolved []string        `json:"unresolved"` // what the query named that the month does not hold
}

// AuditQuery is what was audited: ASNs and prefixes.
type AuditQuery struct {
	ASNs     []ASN    `json:"asns"`
	Prefixes []string `json:"prefixes"`
	// Org is the PeeringDB organisation asked for; left out when none.
	Org int `json:"org,omitempty"`
}

// AuditPrefix is a prefix of the query and a stored route it matched.
type AuditPrefix struct {
	Query  string `json:"query"`
	Route  string `json:"route"`
	Origin ASN    `json:"origin"`
	RPKI   string `json:"rpki"`
	Match  string `json:"match"` // exact, more-specific, covering
}

// AuditNetwork is a network of the supply chain with its month record:
// the five scores, the inferred ROV deployment, ROA coverage of its own
// announcements, incidents per metric, and the MANRS+ controls.
type AuditNetwork struct {
	ASN         ASN          `json:"asn"`
	Holder      string       `json:"holder"`
	Country     string       `json:"country"`
	Participant bool         `json:"participant"`
	Measured    bool         `json:"measured"` // the month has a record of it
	Scores      []Score      `json:"scores"`
	ROV         ROVInference `json:"rov,omitzero"`
	// Organisation is its PeeringDB organisation; left out when none.
	Organisation Organisation   `json:"organisation,omitzero"`
	ROA          AuditROA       `json:"roa"`
	Incidents    map[string]int `json:"incidents"` // per metric, excluded ones not counted
	Controls     []AuditControl `json:"controls"`
	Record       string         `json:"record"` // link to its /ases record
}

// AuditROA is ROA coverage of a network's own announcements, IPv4 and
// IPv6 together: distinct prefix/origin pairs per RPKI state.
type AuditROA struct {
	Valid    int64    `json:"valid"`
	Invalid  int64    `json:"invalid"`
	NotFound int64    `json:"notFound"`
	Share    *float64 `json:"share"` // valid / all, null without announcements
	Link     string   `json:"link"`  // the /roas/asn record: prefixes and VRPs
}

// AuditControl is one MANRS+ control's result for a network: pass, fail
// or unknown (no evidence either way), why, and the evidence.
type AuditControl struct {
	ID       string          `json:"id"` // originValidation, leakProtection, roaCoverage, coordination
	Result   string          `json:"result"`
	Reason   string          `json:"reason"`
	Evidence []AuditEvidence `json:"evidence"`
}

// AuditEvidence is one piece of evidence: a path, a prefix, a VRP set,
// an incident or a record, with a link to the API data behind it.
type AuditEvidence struct {
	Kind string `json:"kind"` // path, prefix, roas, incident, record
	Text string `json:"text"`
	Link string `json:"link,omitempty"`
}

// AuditProvider is an upstream of the audited networks: the hop it was
// seen at (1 next to them, 2 above a hop-1 AS), the share of their
// prefixes whose paths it carries, the relationship, an example path, and
// its risk: Weight × the share of its controls not passed (failed ones
// count 1, unknown ones 1/2).
type AuditProvider struct {
	AuditNetwork
	Hop       int      `json:"hop"`
	Weight    float64  `json:"weight"`
	Prefixes  int      `json:"prefixes"`
	Paths     int      `json:"paths"`
	Rel       string   `json:"rel"` // provider, peer, customer or "" (not in the CAIDA relationships)
	Example   string   `json:"example"`
	Risk      float64  `json:"risk"`
	RiskLevel string   `json:"riskLevel"` // high, medium, low
	Failed    []string `json:"failed"`    // ids of the controls it failed
}

// AuditEdge is a link of the supply-chain graph: From's routes seen
// through To (From below), with the prefixes and paths counted.
type AuditEdge struct {
	From     ASN `json:"from"`
	To       ASN `json:"to"`
	Hop      int `json:"hop"`
	Prefixes int `json:"prefixes"`
	Paths    int `json:"paths"`
}

// AuditSLAItem is a requirement to put in the providers' contracts, with
// which hop-1 providers meet it, fail it, or could not be judged.
type AuditSLAItem struct {
	Control     string `json:"control"`
	Requirement string `json:"requirement"`
	Met         []ASN  `json:"met"`
	NotMet      []ASN  `json:"notMet"`
	Unknown     []ASN  `json:"unknown"`
}

// AuditSummary counts the providers per risk level and names the riskiest.
type AuditSummary struct {
	Providers int    `json:"providers"`
	High      int    `json:"high"`
	Medium    int    `json:"medium"`
	Low       int    `json:"low"`
	Riskiest  []ASN  `json:"riskiest"` // the high-risk providers, riskiest first
	Verdict   string `json:"verdict"`  // one sentence
}

// AuditSectorsRequest is the body of POST /audits/sectors: organisations
// with their sector and ASNs.
type AuditSectorsRequest struct {
	Organisations []AuditOrganisation `json:"organisations"`
}

// AuditOrganisation is an organisation of a sector list.
type AuditOrganisation struct {
	Name   string `json:"name"`
	Sector string `json:"sector"`
	ASNs   []ASN  `json:"asns,omitempty"`
	// PeeringDB are PeeringDB organisation ids: their networks are those
	// the month's records give them.
	PeeringDB []int `json:"peeringdb,omitempty"`
}

// AuditSectors is POST /audits/sectors: the month's routing security per
// sector (internal/audit.Month.Sectors).
type AuditSectors struct {
	MonthData
	Sectors []AuditSector `json:"sectors"`
}

// AuditSector is a sector's routing security and that of its upstreams:
// ROA coverage of the organisations' own announcements, and, over their
// hop-1 upstreams weighted by the prefixes they carry (each
// organisation's weights summed to one, then averaged over the
// organisations with upstreams), the shares inferred to deploy ROV, with
// a ROV verdict at all, and passing the ROA-coverage control.
type AuditSector struct {
	Sector            string   `json:"sector"`
	Organisations     int      `json:"organisations"`
	Networks          int      `json:"networks"`
	Announcements     int64    `json:"announcements"`
	ROAValid          *float64 `json:"roaValid"` // valid / all announcements; null without any
	Upstreams         int      `json:"upstreams"`
	UpstreamROV       *float64 `json:"upstreamROV"`       // weight share inferred to deploy ROV
	UpstreamROVJudged *float64 `json:"upstreamROVJudged"` // weight share with a ROV verdict
	UpstreamROA       *float64 `json:"upstreamROA"`       // weight share passing roaCoverage
	Unresolved        []string `json:"unresolved"`
}
