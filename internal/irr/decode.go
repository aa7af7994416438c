package irr

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/observatory-net/observatory/internal/bgp"
)

// decodeAttr gives one complete attribute to the decoder of the object's
// class. Attributes the package does not keep are ignored, and so are all
// attributes of classes it does not decode.
func (r *Reader) decodeAttr(name, val []byte) error {
	switch r.obj.class {
	case ClassOther:
		return nil
	case ClassRoute, ClassRoute6:
		return r.decodeRoute(name, val)
	case ClassAutNum:
		return r.decodeAutNum(name, val)
	case ClassASSet:
		return r.decodeASSet(name, val)
	case ClassMntner:
		return r.decodeMntner(name, val)
	case ClassPerson, ClassRole:
		return r.decodeContact(name, val)
	}
	return nil
}

// decodeCommon handles the attributes shared by all decoded classes; mnt-by
// is kept in *mntBy unless mntBy is nil. It reports whether it recognised
// the attribute.
func (r *Reader) decodeCommon(name, val []byte, mntBy *[]string) (bool, error) {
	switch string(name) {
	case "source":
		if !r.obj.once(seenSource) {
			return true, errors.New("source repeated")
		}
		if !isSourceName(val) {
			return true, fmt.Errorf("source %q is not a registry name", clip(val))
		}
		r.obj.source = r.upper(val)
		return true, nil
	case "mnt-by":
		if mntBy != nil {
			*mntBy = r.appendList(*mntBy, val)
		}
		return true, nil
	}
	return false, nil
}

// decodeRoute handles route and route6 attributes (RFC 2622 §4, RFC 4012 §3).
func (r *Reader) decodeRoute(name, val []byte) error {
	st := &r.obj
	if st.attrs == 1 {
		p, err := parseRoutePrefix(st.class, val)
		if err != nil {
			return err
		}
		st.route = &Route{Prefix: p}
		return nil
	}
	if ok, err := r.decodeCommon(name, val, &st.route.MntBy); ok {
		return err
	}
	switch string(name) {
	case "route", "route6":
		return fmt.Errorf("%s repeated", name)
	case "origin":
		if !st.once(seenOrigin) {
			return errors.New("origin repeated")
		}
		asn, err := bgp.ParseASN(string(val))
		if err != nil {
			return fmt.Errorf("origin: %w", err)
		}
		st.route.Origin = asn
	}
	return nil
}

// parseRoutePrefix parses the class attribute of a route or route6 object
// and masks it; the address family must match the class.
func parseRoutePrefix(c Class, val []byte) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(string(val))
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%s: %w", c, err)
	}
	if p.Addr().Is4() != (c == ClassRoute) {
		return netip.Prefix{}, fmt.Errorf("%s: %s is of the wrong address family", c, p)
	}
	return p.Masked(), nil
}

// decodeAutNum handles aut-num attributes (RFC 2622 §6, RFC 4012 §4).
func (r *Reader) decodeAutNum(name, val []byte) error {
	st := &r.obj
	if st.attrs == 1 {
		asn, err := bgp.ParseASN(string(val))
		if err != nil {
			return fmt.Errorf("aut-num: %w", err)
		}
		st.autNum = &AutNum{ASN: asn}
		return nil
	}
	a := st.autNum
	if ok, err := r.decodeCommon(name, val, &a.MntBy); ok {
		return err
	}
	switch string(name) {
	case "as-name":
		if !st.once(seenASName) {
			return errors.New("as-name repeated")
		}
		a.ASName = string(val)
	case "import":
		a.Import = appendPolicy(a.Import, val)
	case "export":
		a.Export = appendPolicy(a.Export, val)
	case "mp-import":
		a.MPImport = appendPolicy(a.MPImport, val)
	case "mp-export":
		a.MPExport = appendPolicy(a.MPExport, val)
	case "member-of":
		a.MemberOf = r.appendList(a.MemberOf, val)
	case "admin-c":
		a.AdminC = r.appendList(a.AdminC, val)
	case "tech-c":
		a.TechC = r.appendList(a.TechC, val)
	case "abuse-c":
		a.AbuseC = r.appendList(a.AbuseC, val)
	}
	return nil
}

func appendPolicy(dst []string, val []byte) []string {
	if len(val) == 0 {
		return dst
	}
	return append(dst, string(val))
}

// decodeASSet handles as-set attributes (RFC 2622 §5.1).
func (r *Reader) decodeASSet(name, val []byte) error {
	st := &r.obj
	if st.attrs == 1 {
		if !isWord(val) {
			return fmt.Errorf("as-set name %q is not a single word", clip(val))
		}
		st.asSet = &ASSet{Name: r.upper(val)}
		return nil
	}
	s := st.asSet
	if ok, err := r.decodeCommon(name, val, nil); ok {
		return err
	}
	switch string(name) {
	case "members":
		r.appendMembers(s, val)
	case "mbrs-by-ref":
		s.MbrsByRef = r.appendList(s.MbrsByRef, val)
	}
	return nil
}

// appendMembers sorts the items of a members attribute into AS numbers and
// set names. Anything that is not "AS" followed by a number is taken for a
// set name, so that junk shows up as a missing set on expansion.
func (r *Reader) appendMembers(s *ASSet, val []byte) {
	for item, rest := nextItem(val); len(item) > 0; item, rest = nextItem(rest) {
		if isASToken(item) {
			if asn, err := bgp.ParseASN(string(item)); err == nil {
				s.ASNs = append(s.ASNs, asn)
				continue
			}
		}
		s.Sets = append(s.Sets, r.upper(item))
	}
}

// decodeMntner handles mntner attributes (RFC 2622 §3.1).
func (r *Reader) decodeMntner(name, val []byte) error {
	st := &r.obj
	if st.attrs == 1 {
		if !isWord(val) {
			return fmt.Errorf("mntner name %q is not a single word", clip(val))
		}
		st.mntner = &Mntner{Name: r.upper(val)}
		return nil
	}
	m := st.mntner
	if ok, err := r.decodeCommon(name, val, &m.MntBy); ok {
		return err
	}
	if string(name) == "auth" {
		if s := authScheme(val); s != "" {
			m.Auth = append(m.Auth, s)
		}
	}
	return nil
}

// decodeContact handles person and role attributes (RFC 2622 §3.2, §3.3):
// the nic-hdl, and the presence of e-mail and phone attributes, whose
// values are not kept. The RIPE NCC's placeholders mark the object
// Dummified.
func (r *Reader) decodeContact(name, val []byte) error {
	st := &r.obj
	if st.attrs == 1 {
		st.contact = &Contact{Role: st.class == ClassRole}
		return nil
	}
	c := st.contact
	if ok, err := r.decodeCommon(name, val, nil); ok {
		return err
	}
	switch string(name) {
	case "nic-hdl":
		if !st.once(seenNicHdl) {
			return errors.New("nic-hdl repeated")
		}
		if !isWord(val) {
			return fmt.Errorf("nic-hdl %q is not a single word", clip(val))
		}
		c.Handle = r.upper(val)
		c.Dummified = c.Dummified || c.Handle == DummyHandle
	case "e-mail":
		if len(val) > 0 {
			c.Emails++
		}
		c.Dummified = c.Dummified || bytes.EqualFold(val, []byte(dummyEmail))
	case "phone":
		if len(val) > 0 {
			c.Phones++
		}
	case "address":
		c.Dummified = c.Dummified || hasPrefixFold(val, dummyAddress)
	}
	return nil
}

// The RIPE NCC's placeholders for personal data in its public dumps.
const (
	// DummyHandle is the placeholder person every reference to a person
	// object points to in the RIPE NCC's dumps.
	DummyHandle  = "DUMY-RIPE"
	dummyEmail   = "unread@ripe.net"
	dummyAddress = "dummy address for"
)

func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && bytes.EqualFold(b[:len(prefix)], []byte(prefix))
}

// authScheme returns the scheme name of an auth attribute, dropping the
// credential or key that follows it: "MD5-PW $1$..." gives "MD5-PW" and
// "PGPKEY-1A2B3C4D" gives "PGPKEY".
func authScheme(val []byte) string {
	tok, _ := nextItem(val)
	s := upperASCII(string(tok))
	for _, p := range [...]string{"PGPKEY-", "X509-"} {
		if strings.HasPrefix(s, p) {
			return p[:len(p)-1]
		}
	}
	return s
}

// complete checks the object's required attributes and returns it with its
// header, or nil for a class the package does not decode.
func (r *Reader) complete() (Object, error) {
	st := &r.obj
	h := Header{Source: st.source, Record: st.record, Offset: st.offset}
	if h.Source == "" {
		h.Source = st.defSource
	}
	switch st.class {
	case ClassRoute, ClassRoute6:
		if st.seen&seenOrigin == 0 {
			return nil, fmt.Errorf("%w: %s object without origin", ErrAttribute, st.class)
		}
		st.route.Header = h
		return st.route, nil
	case ClassAutNum:
		st.autNum.Header = h
		return st.autNum, nil
	case ClassASSet:
		st.asSet.Header = h
		return st.asSet, nil
	case ClassMntner:
		st.mntner.Header = h
		return st.mntner, nil
	case ClassPerson, ClassRole:
		if st.seen&seenNicHdl == 0 {
			return nil, nil // nothing can refer to it: skipped as other classes are
		}
		st.contact.Header = h
		return st.contact, nil
	}
	return nil, nil
}

// appendList appends the upper-cased items of a list attribute.
func (r *Reader) appendList(dst []string, val []byte) []string {
	for item, rest := nextItem(val); len(item) > 0; item, rest = nextItem(rest) {
		dst = append(dst, r.upper(item))
	}
	return dst
}

// nextItem splits the first item off a list separated by commas and
// blanks.
func nextItem(b []byte) (item, rest []byte) {
	i := 0
	for i < len(b) && isSep(b[i]) {
		i++
	}
	j := i
	for j < len(b) && !isSep(b[j]) {
		j++
	}
	return b[i:j], b[j:]
}

func isSep(c byte) bool { return c == ',' || c == ' ' || c == '\t' }

// isWord reports whether b is one non-empty item without separators.
func isWord(b []byte) bool {
	item, rest := nextItem(b)
	return len(item) == len(b) && len(rest) == 0 && len(b) > 0
}

// isSourceName reports whether b is a registry name such as "RIPE" or
// "RIPE-NONAUTH": ASCII letters, digits, "-" and "_".
func isSourceName(b []byte) bool {
	for _, c := range b {
		if !isLetter(c) && !(c >= '0' && c <= '9') && c != '-' && c != '_' {
			return false
		}
	}
	return len(b) > 0
}

// isASToken reports whether b looks like an AS number, "AS" followed by a
// digit, as opposed to a set name such as "AS-FOO" or "AS1:AS-FOO".
func isASToken(b []byte) bool {
	return len(b) > 2 && b[0]|0x20 == 'a' && b[1]|0x20 == 's' && b[2] >= '0' && b[2] <= '9'
}
