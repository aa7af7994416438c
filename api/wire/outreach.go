package wire

import "time"

// OutreachFormula is how outreach ranks networks (docs/outreach.md); the
// list names it so that a reader of the JSON knows what priority means.
const OutreachFormula = "priority = impact × (1 + readiness); impact = ln(1+customerCone) + ln(1+ipv4Addresses/256) + ln(1+ipv6Slash64s/2^32) + ln(1+incidents); readiness = readyActions / actions"

// OutreachTarget is a network that is not a participant, ranked for
// outreach (GET /api/v2/outreach).
type OutreachTarget struct {
	Rank         int     `json:"rank"`
	ASN          ASN     `json:"asn"`
	Holder       string  `json:"holder"`
	Economy      string  `json:"economy"`
	Region       string  `json:"region"`
	SubRegion    string  `json:"subRegion"`
	RIR          string  `json:"rir"`
	CustomerCone int     `json:"customerCone"`
	IPv4         int64   `json:"ipv4Addresses"`
	IPv6         int64   `json:"ipv6Slash64s"`
	Incidents    int     `json:"incidents"`
	ReadyActions int     `json:"readyActions"`
	Actions      int     `json:"actions"`
	Impact       float64 `json:"impact"`
	Readiness    float64 `json:"readiness"`
	Priority     float64 `json:"priority"`
}

// OutreachList is one page of the outreach ranking of a month.
type OutreachList struct {
	MonthData
	NextPageToken string           `json:"nextPageToken,omitempty"`
	Region        string           `json:"region,omitempty"`
	Economy       string           `json:"economy,omitempty"`
	Formula       string           `json:"formula"`
	Total         int              `json:"total"`
	Items         []OutreachTarget `json:"items"`
}

// Growth is how the programme has grown (GET /api/v2/growth).
type Growth struct {
	// Source is "registry" or "month" (the newest month's snapshot).
	Source        string         `json:"source"`
	Programmes    []string       `json:"programmes"`
	Participation []GrowthMonth  `json:"participation"`
	Undated       map[string]int `json:"undated"`
	Shares        []GrowthShares `json:"shares"`
}

// GrowthMonth is one month of participation: approved in the month and
// in all by its end, per programme.
type GrowthMonth struct {
	Month  time.Time      `json:"month"`
	Joined map[string]int `json:"joined"`
	Total  map[string]int `json:"total"`
}

// GrowthShares compares participants with all networks in one stored
// month.
type GrowthShares struct {
	Month        time.Time                `json:"month"`
	Spec         string                   `json:"spec"`
	World        NetworkShares            `json:"world"`
	Participants map[string]NetworkShares `json:"participants"`
}

// NetworkShares are the network-share aggregates of a group: null when
// no network of it could be judged.
type NetworkShares struct {
	ROAValidShare     *float64 `json:"roaValidShare"`
	ROVFilteringShare *float64 `json:"rovFilteringShare"`
	ROAJudged         int      `json:"roaJudged"`
	ROVJudged         int      `json:"rovJudged"`
}
