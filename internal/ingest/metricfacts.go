package ingest

import (
	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/dataset"
	"github.com/observatory-net/observatory/internal/metric"
	"github.com/observatory-net/observatory/internal/spoofer"
)

// contacts looks an AS up in every contact source loaded, for M8
// (§13.3, package metric): PeeringDB (a Technical or NOC point of contact
// with an e-mail or phone, or an e-mail in the net), an RPSL aut-num whose
// admin-c or tech-c resolves to a person or role with an e-mail or phone
// (irr.Index.Coordination), an RDAP answer with a technical,
// administrative or noc entity with one (rdap.Entity.Counts); abuse
// contacts never count.
func contacts(d *dataset.Set, a bgp.ASN) metric.Contacts {
	var c metric.Contacts
	if db := d.PeeringDB; db != nil && len(db.Counts()) > 0 {
		c.Checked = append(c.Checked, metric.SourcePeeringDB)
		if db.HasContact(a) {
			n, _ := db.Net(a)
			c.Found = append(c.Found, metric.Contact{Source: metric.SourcePeeringDB, NetID: n.ID})
		}
	}
	if x := d.IRR; x != nil && x.AutNumCount() > 0 {
		c.Checked = append(c.Checked, metric.SourceRPSL)
		if ref, ok := x.Coordination(a); ok {
			c.Found = append(c.Found, metric.Contact{Source: metric.SourceRPSL, Database: ref.Source, Attr: ref.Attr,
				Handle: ref.Handle, Object: ref.Class, Dummified: ref.Dummified})
		}
	}
	if d.RDAP.Len() > 0 {
		c.Checked = append(c.Checked, metric.SourceRDAP)
		if r, ok := d.RDAP.Lookup(a); ok && r.Contact != nil {
			c.Found = append(c.Found, metric.Contact{Source: metric.SourceRDAP, Server: r.Server, Handle: r.Handle,
				Entity: r.Contact.Handle, Roles: r.Contact.Roles, File: r.File})
		}
	}
	return c
}

// spooferTests groups the Spoofer test sessions by the client's AS, for
// M5 (§4.3, package metric), in the order of the records.
func spooferTests(recs []spoofer.Record) map[bgp.ASN][]metric.SpooferTest {
	out := map[bgp.ASN][]metric.SpooferTest{}
	for _, r := range recs {
		out[r.ASN] = append(out[r.ASN], metric.SpooferTest{Time: r.Time, Prefix: r.Prefix, Spoofable: r.Spoofable(), NAT: r.NAT == spoofer.NATYes})
	}
	return out
}
