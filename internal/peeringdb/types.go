package peeringdb

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"time"

	"github.com/observatory-net/observatory/internal/bgp"
)

// Tag is a PeeringDB object type, as in the API path (/api/net).
type Tag string

// The object types of the PeeringDB schema.
const (
	TagNet        Tag = "net"
	TagOrg        Tag = "org"
	TagPoc        Tag = "poc"
	TagIX         Tag = "ix"
	TagIXLan      Tag = "ixlan"
	TagIXPfx      Tag = "ixpfx"
	TagNetIXLan   Tag = "netixlan"
	TagFac        Tag = "fac"
	TagNetFac     Tag = "netfac"
	TagIXFac      Tag = "ixfac"
	TagCarrier    Tag = "carrier"
	TagCarrierFac Tag = "carrierfac"
	TagCampus     Tag = "campus"
)

// knownTags are the tags of the schema.
var knownTags = map[Tag]bool{
	TagNet: true, TagOrg: true, TagPoc: true, TagIX: true, TagIXLan: true, TagIXPfx: true,
	TagNetIXLan: true, TagFac: true, TagNetFac: true, TagIXFac: true, TagCarrier: true,
	TagCarrierFac: true, TagCampus: true,
}

// Object is one decoded PeeringDB object: *Net, *Org, *Poc, *IX, *IXLan,
// *IXPfx, *NetIXLan or *Other.
type Object interface {
	Tag() Tag
}

// Net is a network (an AS). Fields carry the API's
// names (json tags) and meanings; absent or null values read as zero.
type Net struct {
	ID              int       `json:"id"`
	OrgID           int       `json:"org_id"`
	ASN             bgp.ASN   `json:"asn"`
	Name            string    `json:"name"`
	AKA             string    `json:"aka"`
	NameLong        string    `json:"name_long"`
	Website         string    `json:"website"`
	IRRASSet        string    `json:"irr_as_set"`
	InfoType        string    `json:"info_type"`
	InfoPrefixes4   int       `json:"info_prefixes4"` // null in the data reads as 0
	InfoPrefixes6   int       `json:"info_prefixes6"`
	InfoScope       string    `json:"info_scope"`
	InfoTraffic     string    `json:"info_traffic"`
	InfoRatio       string    `json:"info_ratio"`
	InfoUnicast     bool      `json:"info_unicast"`
	InfoMulticast   bool      `json:"info_multicast"`
	InfoIPv6        bool      `json:"info_ipv6"`
	LookingGlass    string    `json:"looking_glass"`
	RouteServer     string    `json:"route_server"`
	PolicyURL       string    `json:"policy_url"`
	PolicyGeneral   string    `json:"policy_general"` // Open, Selective, Restrictive, No
	PolicyLocations string    `json:"policy_locations"`
	PolicyRatio     bool      `json:"policy_ratio"`
	PolicyContracts string    `json:"policy_contracts"`
	RIRStatus       string    `json:"rir_status"`
	Notes           string    `json:"notes"`
	PocSet          PocSet    `json:"poc_set"` // only present at depth > 0
	Status          string    `json:"status"`
	Created         time.Time `json:"created"`
	Updated         time.Time `json:"updated"`
}

// Org is an organisation owning nets, exchanges and facilities. Fields carry the API's
// names (json tags) and meanings; absent or null values read as zero.
type Org struct {
	ID       int       `json:"id"`
	Name     string    `json:"name"`
	AKA      string    `json:"aka"`
	NameLong string    `json:"name_long"`
	Website  string    `json:"website"`
	Country  string    `json:"country"`
	City     string    `json:"city"`
	Status   string    `json:"status"`
	Created  time.Time `json:"created"`
	Updated  time.Time `json:"updated"`
}

// Poc is a network's point of contact. Fields carry the API's
// names (json tags) and meanings; absent or null values read as zero.
type Poc struct {
	ID      int       `json:"id"`
	NetID   int       `json:"net_id"`
	Role    string    `json:"role"`    // Abuse, Maintenance, Policy, Technical, NOC, Public Relations, Sales
	Visible string    `json:"visible"` // Public, Users, Private
	Name    string    `json:"name"`
	Phone   string    `json:"phone"`
	Email   string    `json:"email"`
	URL     string    `json:"url"`
	Status  string    `json:"status"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// IX is an internet exchange. Fields carry the API's
// names (json tags) and meanings; absent or null values read as zero.
type IX struct {
	ID              int       `json:"id"`
	OrgID           int       `json:"org_id"`
	Name            string    `json:"name"`
	NameLong        string    `json:"name_long"`
	City            string    `json:"city"`
	Country         string    `json:"country"`
	RegionContinent string    `json:"region_continent"`
	Media           string    `json:"media"`
	ProtoUnicast    bool      `json:"proto_unicast"`
	ProtoMulticast  bool      `json:"proto_multicast"`
	ProtoIPv6       bool      `json:"proto_ipv6"`
	Website         string    `json:"website"`
	TechEmail       string    `json:"tech_email"`
	TechPhone       string    `json:"tech_phone"`
	PolicyEmail     string    `json:"policy_email"`
	PolicyPhone     string    `json:"policy_phone"`
	NetCount        int       `json:"net_count"`
	Status          string    `json:"status"`
	Created         time.Time `json:"created"`
	Updated         time.Time `json:"updated"`
}

// IXLan is the peering LAN of an exchange. Fields carry the API's
// names (json tags) and meanings; absent or null values read as zero.
type IXLan struct {
	ID     int     `json:"id"`
	IXID   int     `json:"ix_id"`
	Name   string  `json:"name"`
	MTU    int     `json:"mtu"`
	RSASN  bgp.ASN `json:"rs_asn"` // route server ASN, 0 when none
	Status string  `json:"status"`
}

// IXPfx is a prefix of a peering LAN. Fields carry the API's
// names (json tags) and meanings; absent or null values read as zero.
type IXPfx struct {
	ID       int          `json:"id"`
	IXLanID  int          `json:"ixlan_id"`
	Protocol string       `json:"protocol"` // IPv4 or IPv6
	Prefix   netip.Prefix `json:"prefix"`
	InDFZ    bool         `json:"in_dfz"`
	Status   string       `json:"status"`
}

// NetIXLan is a network's port on a peering LAN. Fields carry the API's
// names (json tags) and meanings; absent or null values read as zero.
type NetIXLan struct {
	ID          int        `json:"id"`
	NetID       int        `json:"net_id"`
	IXID        int        `json:"ix_id"`
	IXLanID     int        `json:"ixlan_id"`
	Name        string     `json:"name"` // the exchange's name
	ASN         bgp.ASN    `json:"asn"`
	IPAddr4     netip.Addr `json:"ipaddr4"` // invalid when null or empty
	IPAddr6     netip.Addr `json:"ipaddr6"`
	Speed       int        `json:"speed"` // Mbit/s
	IsRSPeer    bool       `json:"is_rs_peer"`
	Operational bool       `json:"operational"`
	Status      string     `json:"status"`
}

// Other is an object of a type the observatory does not use.
type Other struct {
	Type Tag // empty when the type could not be told
	ID   int `json:"id"` // the object's id
}

// Tag returns "net".
func (*Net) Tag() Tag { return TagNet }

// Tag returns "org".
func (*Org) Tag() Tag { return TagOrg }

// Tag returns "poc".
func (*Poc) Tag() Tag { return TagPoc }

// Tag returns "ix".
func (*IX) Tag() Tag { return TagIX }

// Tag returns "ixlan".
func (*IXLan) Tag() Tag { return TagIXLan }

// Tag returns "ixpfx".
func (*IXPfx) Tag() Tag { return TagIXPfx }

// Tag returns "netixlan".
func (*NetIXLan) Tag() Tag { return TagNetIXLan }

// Tag returns the object's type.
func (o *Other) Tag() Tag { return o.Type }

// PocSet is a net's poc_set: poc ids (depth 1) or poc objects (depth 2).
type PocSet struct {
	IDs  []int // depth 1: poc ids
	Pocs []Poc // depth 2: embedded poc objects
}

// UnmarshalJSON accepts null, an array of ids or an array of poc objects.
func (s *PocSet) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*s = PocSet{}
		return nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("poc_set: %w", err)
	}
	for _, r := range raw {
		if r = bytes.TrimSpace(r); len(r) > 0 && r[0] == '{' {
			var p Poc
			if err := json.Unmarshal(r, &p); err != nil {
				return fmt.Errorf("poc_set: %w", err)
			}
			s.Pocs = append(s.Pocs, p)
			continue
		}
		var id int
		if err := json.Unmarshal(r, &id); err != nil {
			return fmt.Errorf("poc_set: want poc ids or objects: %w", err)
		}
		s.IDs = append(s.IDs, id)
	}
	return nil
}
