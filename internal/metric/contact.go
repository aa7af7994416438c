package metric

import (
	"encoding/json"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// The contact sources of M8, as its evidence names them.
const (
	SourcePeeringDB = "peeringdb"
	SourceRPSL      = "rpsl"
	SourceRDAP      = "rdap"
)

// Contacts is what the contact sources loaded say of the ASN (§13.3).
type Contacts struct {
	Checked []string  // the sources loaded: SourcePeeringDB, SourceRPSL, SourceRDAP
	Found   []Contact // the contacts that count, in the order of Checked
}

// Contact names one contact that makes an AS coordinable.
type Contact struct {
	Source string `json:"source"` // SourcePeeringDB, SourceRPSL, SourceRDAP
	// PeeringDB: the net's id.
	NetID int `json:"net_id,omitempty"`
	// RPSL: the database, the aut-num attribute and the handle it names,
	// the class of the object it resolves to, and whether the public dump
	// hides it behind the RIPE NCC's placeholders.
	Database  string `json:"database,omitempty"`
	Attr      string `json:"attr,omitempty"`
	Handle    string `json:"handle,omitempty"`
	Object    string `json:"object,omitempty"`
	Dummified bool   `json:"dummified,omitempty"`
	// RDAP: the server, the autnum's handle and the entity that counts.
	Server string   `json:"server,omitempty"`
	Entity string   `json:"entity,omitempty"`
	Roles  []string `json:"roles,omitempty"`
	File   string   `json:"file,omitempty"`
}

// ContactEvidence is the evidence of M8, in the shape of the framework's
// {checked_on, has_contact_info} (§7.3) with the contacts that count and
// the sources looked at.
type ContactEvidence struct {
	HasContactInfo bool      `json:"has_contact_info"`
	Contacts       []Contact `json:"contacts,omitempty"`
	Checked        []string  `json:"checked"` // the sources loaded
}

func init() {
	register(Unit{ID: vocab.M8, Inputs: "Contacts (PeeringDB, RPSL aut-num, RDAP lookups)",
		Evidence: "ContactEvidence, when a source is loaded", Formula: coordination})
}

// coordination is M8 (§13.3): 1 when the AS has a reachable contact in
// PeeringDB (a Technical or NOC point of contact with an e-mail or phone,
// or an e-mail in the net), or in the registry data loaded — an RPSL
// aut-num whose admin-c or tech-c resolves to a person or role with an
// e-mail or phone, or an RDAP answer with a technical, administrative or
// noc entity with one; abuse contacts never count (ingest looks them up).
// It has data when any of these sources is loaded; the evidence names
// every contact that counts.
func coordination(f *Facts) Result {
	ev := ContactEvidence{HasContactInfo: len(f.Contacts.Found) > 0, Contacts: f.Contacts.Found, Checked: f.Contacts.Checked}
	v := 0.0
	if ev.HasContactInfo {
		v = 1
	}
	mt := store.Metric{ID: string(vocab.M8), Raw: v, Score: v, HasData: len(ev.Checked) > 0}
	if mt.HasData {
		mt.Evidence, _ = json.Marshal(ev)
	}
	return Result{Metric: mt}
}
