package ingest

import (
	"encoding/json"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/dataset"
	"github.com/observatory-net/observatory/internal/store"
)

// contactEvidence is the evidence of M8, in the shape of the framework's
// {checked_on, has_contact_info} (§7.3) with the contacts that count and
// the sources looked at.
type contactEvidence struct {
	HasContactInfo bool            `json:"has_contact_info"`
	Contacts       []contactSource `json:"contacts,omitempty"`
	Checked        []string        `json:"checked"` // peeringdb, rpsl, rdap: the sources loaded
}

// contactSource names one contact that makes an AS coordinable.
type contactSource struct {
	Source string `json:"source"` // peeringdb, rpsl, rdap
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

// coordination is M8 (§13.3): 1 when the AS has a reachable contact in
// PeeringDB (a Technical or NOC point of contact with an e-mail or phone,
// or an e-mail in the net), or in the registry data loaded — an RPSL
// aut-num whose admin-c or tech-c resolves to a person or role with an
// e-mail or phone (irr.Index.Coordination), or an RDAP answer with a
// technical, administrative or noc entity with one (rdap.Entity.Counts);
// abuse contacts never count. It has data when any of these sources is
// loaded; the evidence names every contact that counts.
func (m *month) coordination(a bgp.ASN, rec *store.ASN) {
	ev := coordinationEvidence(m.cfg.Data, a)
	v := 0.0
	if ev.HasContactInfo {
		v = 1
	}
	mt := store.Metric{ID: "M8", Raw: v, Score: v, HasData: len(ev.Checked) > 0}
	if mt.HasData {
		mt.Evidence, _ = json.Marshal(ev)
	}
	rec.Metrics = append(rec.Metrics, mt)
}

// coordinationEvidence looks an AS up in every contact source loaded.
func coordinationEvidence(d *dataset.Set, a bgp.ASN) contactEvidence {
	ev := contactEvidence{}
	if db := d.PeeringDB; db != nil && len(db.Counts()) > 0 {
		ev.Checked = append(ev.Checked, "peeringdb")
		if db.HasContact(a) {
			n, _ := db.Net(a)
			ev.Contacts = append(ev.Contacts, contactSource{Source: "peeringdb", NetID: n.ID})
		}
	}
	if x := d.IRR; x != nil && x.AutNumCount() > 0 {
		ev.Checked = append(ev.Checked, "rpsl")
		if ref, ok := x.Coordination(a); ok {
			ev.Contacts = append(ev.Contacts, contactSource{Source: "rpsl", Database: ref.Source, Attr: ref.Attr,
				Handle: ref.Handle, Object: ref.Class, Dummified: ref.Dummified})
		}
	}
	if d.RDAP.Len() > 0 {
		ev.Checked = append(ev.Checked, "rdap")
		if r, ok := d.RDAP.Lookup(a); ok && r.Contact != nil {
			ev.Contacts = append(ev.Contacts, contactSource{Source: "rdap", Server: r.Server, Handle: r.Handle,
				Entity: r.Contact.Handle, Roles: r.Contact.Roles, File: r.File})
		}
	}
	ev.HasContactInfo = len(ev.Contacts) > 0
	return ev
}
