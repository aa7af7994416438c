package irr

import (
	"net/netip"

	"github.com/observatory-net/observatory/internal/bgp"
)

// Class is the class of an RPSL object, named by its first attribute
// (RFC 2622 §2).
type Class uint8

// The classes the package decodes. ClassOther stands for every class that is
// framed and skipped (inetnum, route-set, ...).
const (
	ClassOther  Class = iota
	ClassRoute        // route (RFC 2622 §4)
	ClassRoute6       // route6 (RFC 4012 §3)
	ClassAutNum       // aut-num (RFC 2622 §6)
	ClassASSet        // as-set (RFC 2622 §5.1)
	ClassMntner       // mntner (RFC 2622 §3.1)
	ClassPerson       // person (RFC 2622 §3.2)
	ClassRole         // role (RFC 2622 §3.3)
)

var classNames = [...]string{
	ClassOther:  "other",
	ClassRoute:  "route",
	ClassRoute6: "route6",
	ClassAutNum: "aut-num",
	ClassASSet:  "as-set",
	ClassMntner: "mntner",
	ClassPerson: "person",
	ClassRole:   "role",
}

// String returns the RPSL class name ("route", "aut-num", ...) or "other".
func (c Class) String() string {
	if int(c) < len(classNames) {
		return classNames[c]
	}
	return "other"
}

// classOf maps a lower-cased class attribute name to its Class.
func classOf(name []byte) Class {
	switch string(name) {
	case "route":
		return ClassRoute
	case "route6":
		return ClassRoute6
	case "aut-num":
		return ClassAutNum
	case "as-set":
		return ClassASSet
	case "mntner":
		return ClassMntner
	case "person":
		return ClassPerson
	case "role":
		return ClassRole
	}
	return ClassOther
}

// Object is a decoded RPSL object: a *Route, *AutNum, *ASSet, *Mntner or
// *Contact.
// Use a type switch to reach the class-specific attributes.
type Object interface {
	// Class returns the object's class.
	Class() Class
	// Key returns the object's primary key in RPSL text form.
	Key() string
	// Head returns the source and position shared by all classes.
	Head() *Header
}

// Header holds what every decoded object carries: its IRR source and where
// it was found, so that findings can point back at the input.
type Header struct {
	Source string // upper-cased "source:" attribute, or Options.DefaultSource
	Record int64  // 1-based object number in the stream, counting every class
	Offset int64  // byte offset of the object's first line in the stream
}

// Head returns h itself; it makes every object type satisfy Object.
func (h *Header) Head() *Header { return h }

// Route is a route (IPv4) or route6 (IPv6) object: the registration that an
// AS may originate a prefix (RFC 2622 §4, RFC 4012 §3).
type Route struct {
	Header
	Prefix netip.Prefix // the route/route6 attribute, masked
	Origin bgp.ASN      // the origin attribute
	MntBy  []string     // maintainer names, upper-cased
}

// Class returns ClassRoute for an IPv4 prefix and ClassRoute6 for IPv6.
func (r *Route) Class() Class {
	if r.Prefix.Addr().Is4() {
		return ClassRoute
	}
	return ClassRoute6
}

// Key returns the RPSL primary key, prefix and origin run together as the
// RIPE database writes it: "192.0.2.0/24AS64500".
func (r *Route) Key() string { return r.Prefix.String() + r.Origin.String() }

// AutNum is an aut-num object: an AS and its routing policy (RFC 2622 §6,
// RFC 4012 §4). Policy attributes are kept as raw text, one string per
// attribute with continuation lines joined by a space and comments removed;
// the package does not interpret the policy language.
type AutNum struct {
	Header
	ASN      bgp.ASN
	ASName   string
	Import   []string // import attributes
	Export   []string // export attributes
	MPImport []string // mp-import attributes (RFC 4012)
	MPExport []string // mp-export attributes (RFC 4012)
	MemberOf []string // as-set names from member-of, upper-cased
	MntBy    []string // maintainer names, upper-cased
	AdminC   []string // admin-c handles, upper-cased
	TechC    []string // tech-c handles, upper-cased
	AbuseC   []string // abuse-c handles, upper-cased (never a coordination contact, §13.3)
}

// Class returns ClassAutNum.
func (*AutNum) Class() Class { return ClassAutNum }

// Key returns the AS number in its canonical form, "AS64500".
func (a *AutNum) Key() string { return a.ASN.String() }

// ASSet is an as-set object: a named set of AS numbers and other as-sets
// (RFC 2622 §5.1). Set names are case-insensitive and kept upper-cased.
type ASSet struct {
	Header
	Name      string
	ASNs      []bgp.ASN // members that are AS numbers
	Sets      []string  // members that are set names, upper-cased
	MbrsByRef []string  // maintainers allowed to add members by reference, or "ANY"
}

// Class returns ClassASSet.
func (*ASSet) Class() Class { return ClassASSet }

// Key returns the set name.
func (s *ASSet) Key() string { return s.Name }

// Mntner is a mntner object (RFC 2622 §3.1). Only the names of its
// authentication schemes are kept ("MD5-PW", "PGPKEY", "SSO", ...), never
// the credentials that follow them.
type Mntner struct {
	Header
	Name  string
	Auth  []string // scheme names, upper-cased, in attribute order
	MntBy []string // maintainer names, upper-cased
}

// Class returns ClassMntner.
func (*Mntner) Class() Class { return ClassMntner }

// Key returns the maintainer name.
func (m *Mntner) Key() string { return m.Name }

// Contact is a person or role object (RFC 2622 §3.2, §3.3): the object an
// admin-c or tech-c handle points to. Only what §13.3 of the measurement
// framework asks is kept: the handle and how many e-mail and phone
// attributes it has, never the addresses and numbers themselves, which are
// personal data.
type Contact struct {
	Header
	Role   bool   // a role object, else a person
	Handle string // nic-hdl, upper-cased
	Emails int    // e-mail attributes with a value
	Phones int    // phone attributes with a value
	// Dummified is set for the RIPE NCC's public dumps, which replace
	// personal data by placeholders: the DUMY-RIPE placeholder person,
	// and role objects whose e-mail is "unread@ripe.net" or whose address
	// is "Dummy address for …".
	Dummified bool
}

// Class returns ClassRole or ClassPerson.
func (c *Contact) Class() Class {
	if c.Role {
		return ClassRole
	}
	return ClassPerson
}

// Key returns the nic-hdl.
func (c *Contact) Key() string { return c.Handle }
