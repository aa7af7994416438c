package irr

import "github.com/observatory-net/observatory/internal/bgp"

// ContactRef is the registry contact that makes an AS coordinable: the
// aut-num attribute that names it and the object it resolves to.
type ContactRef struct {
	Source string // the database, "RIPE", "APNIC", "AFRINIC", …
	Attr   string // "admin-c" or "tech-c"
	Handle string // the nic-hdl referred to
	Class  string // "person" or "role"; "" for the unloaded DUMY-RIPE placeholder
	// Dummified is set when the reference goes through the RIPE NCC's
	// placeholders (see Contact.Dummified): the registry holds the
	// contact, the public dump does not show it.
	Dummified bool
}

// Contacts returns the number of person and role objects indexed.
func (x *Index) Contacts() int {
	n := 0
	for _, l := range x.contacts {
		n += len(l)
	}
	return n
}

// AutNumCount returns the number of ASes with an aut-num object.
func (x *Index) AutNumCount() int { return len(x.autNums) }

// Contact returns the person or role object of a handle in a source.
func (x *Index) Contact(source, handle string) (*Contact, bool) {
	for _, c := range x.contacts[upperASCII(handle)] {
		if c.Source == source {
			return c, true
		}
	}
	return nil, false
}

// Coordination applies the RPSL half of §13.3 of the measurement
// framework ("a reachable contact ... in RIR whois/RDAP data where it is
// loaded; abuse-only contacts do not count") to the aut-num objects of an
// AS: an admin-c or tech-c that resolves, in the aut-num's own database,
// to a person or role object with an e-mail or a phone attribute. The
// prototype's RIPEstat rule counts the same two attributes (framework §3,
// M8). Not counted: abuse-c and abuse-mailbox (abuse desks, excluded by
// §13.3), mnt-by (an authorisation, not a contact) and notify (where
// update notices go, not a published contact role), and a handle whose
// object is not loaded.
//
// The RIPE NCC's public dumps replace every reference to a person by the
// DUMY-RIPE placeholder and the e-mail and phone of role objects by
// placeholders. The database itself requires admin-c and tech-c on an
// aut-num, requires them to resolve, and requires a phone on a person and
// an e-mail on a role, so such a reference stands for a real contact: it
// counts, marked Dummified. A non-dummified contact is preferred when an
// AS has both, and a dummified object found over the bare placeholder.
func (x *Index) Coordination(asn bgp.ASN) (ContactRef, bool) {
	var best ContactRef
	found := false
	for _, a := range x.autNums[asn] {
		for _, attr := range [...]struct {
			name    string
			handles []string
		}{{"admin-c", a.AdminC}, {"tech-c", a.TechC}} {
			for _, h := range attr.handles {
				ref, ok := x.resolve(a.Source, attr.name, h)
				if !ok {
					continue
				}
				if !ref.Dummified {
					return ref, true
				}
				if !found || best.Class == "" && ref.Class != "" {
					best, found = ref, true
				}
			}
		}
	}
	return best, found
}

// resolve finds the reachable contact a handle of an aut-num names.
func (x *Index) resolve(source, attr, handle string) (ContactRef, bool) {
	ref := ContactRef{Source: source, Attr: attr, Handle: handle}
	if c, ok := x.Contact(source, handle); ok {
		if c.Emails == 0 && c.Phones == 0 {
			return ContactRef{}, false
		}
		ref.Class, ref.Dummified = c.Class().String(), c.Dummified
		return ref, true
	}
	if handle == DummyHandle && source == "RIPE" {
		ref.Dummified = true
		return ref, true
	}
	return ContactRef{}, false
}
