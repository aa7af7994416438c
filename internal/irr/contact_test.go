package irr

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/observatory-net/observatory/internal/bgp"
)

// Hand-written person and role objects in the layouts of the registries'
// public split dumps (RFC 2622 §3.2, §3.3). ripeDummyRole is a role as the
// RIPE NCC's dumps carry it: address, phone and e-mail replaced by
// placeholders, references to persons by DUMY-RIPE, "# Filtered" after
// the source. The handles are those of AS3257's real aut-num object.
const (
	ripeDummyRole = `role:           GTT Network Operations
address:        Dummy address for NET3257-RIPE
phone:          +31205354444
fax-no:         +31205354444
e-mail:         unread@ripe.net
admin-c:        DUMY-RIPE
tech-c:         DUMY-RIPE
nic-hdl:        NET3257-RIPE
mnt-by:         AS3257-ROUTE-MNT
created:        2002-04-15T09:15:08Z
last-modified:  2019-07-16T12:29:44Z
source:         RIPE # Filtered
remarks:        ****************************
remarks:        * THIS OBJECT IS MODIFIED
remarks:        * Please note that all data that is generally regarded as personal
remarks:        * data has been removed from this object.
remarks:        * To view the original object, please query the RIPE Database at:
remarks:        * http://www.ripe.net/whois
remarks:        ****************************
`
	// apnicRole and apnicPerson: APNIC objects, contact attributes kept.
	apnicRole = `role:           ABC NETWORK OPERATIONS
address:        1 Example Street, Brisbane
country:        AU
phone:          +61-7-5550-0100
e-mail:         noc@example.net.au
admin-c:        JD1-AP
tech-c:         JD1-AP
nic-hdl:        ANO1-AP
mnt-by:         MAINT-AU-ABC
last-modified:  2021-03-02T01:02:03Z
source:         APNIC
`
	apnicAbuseRole = `irt:            IRT-ABC-AU
address:        1 Example Street, Brisbane
e-mail:         abuse@example.net.au
abuse-mailbox:  abuse@example.net.au
admin-c:        ANO1-AP
tech-c:         ANO1-AP
auth:           # Filtered
mnt-by:         MAINT-AU-ABC
source:         APNIC

role:           ABC ABUSE
address:        1 Example Street, Brisbane
country:        AU
phone:          +61-7-5550-0199
e-mail:         abuse@example.net.au
abuse-mailbox:  abuse@example.net.au
nic-hdl:        AA1-AP
mnt-by:         MAINT-AU-ABC
source:         APNIC
`
	apnicAutNums = `aut-num:        AS64500
as-name:        ABC-AS-AP
descr:          ABC Networks
country:        AU
org:            ORG-AN1-AP
admin-c:        ANO1-AP
tech-c:         ANO1-AP
abuse-c:        AA1-AP
mnt-irt:        IRT-ABC-AU
mnt-by:         MAINT-AU-ABC
source:         APNIC

aut-num:        AS64501
as-name:        ABUSE-ONLY-AP
abuse-c:        AA1-AP
notify:         hostmaster@example.net.au
mnt-by:         MAINT-AU-ABC
source:         APNIC

aut-num:        AS64502
as-name:        UNRESOLVED-AP
admin-c:        ZZ99-AP
tech-c:         ZZ99-AP
mnt-by:         MAINT-AU-ABC
source:         APNIC
`
	// afrinicPerson: a person object of the AFRINIC layout with a phone
	// only (e-mail is optional in the person template).
	afrinicPerson = `person:         Jane Operator
address:        Ebene, Mauritius
phone:          tel:+230-555-0100
nic-hdl:        JO1-AFRINIC
mnt-by:         GENERATED-XYZ-MNT
source:         AFRINIC # Filtered

aut-num:        AS64510
as-name:        XYZ-AS
admin-c:        JO1-AFRINIC
tech-c:         JO1-AFRINIC
mnt-by:         AFRINIC-HM-MNT
source:         AFRINIC # Filtered

person:         No Contact
address:        Nowhere
nic-hdl:        NC1-AFRINIC
source:         AFRINIC

aut-num:        AS64511
as-name:        NOPHONE-AS
tech-c:         NC1-AFRINIC
source:         AFRINIC
`
)

func buildContacts(t *testing.T, docs ...string) *Index {
	t.Helper()
	var b Builder
	for i, d := range docs {
		if _, err := b.Load(context.Background(), strings.NewReader(d), Options{File: "doc" + string(rune('0'+i)), Strict: true}); err != nil {
			t.Fatalf("Load(doc%d): %v", i, err)
		}
	}
	return b.Build()
}

func TestIndex_Coordination(t *testing.T) {
	// AS3257's real aut-num (RIPE split-dump excerpt) refers to the role
	// NET3257-RIPE and the person SE33-RIPE.
	autnum := string(readShared(t, realAutNum))
	x := buildContacts(t, autnum, ripeDummyRole, apnicRole, apnicAbuseRole, apnicAutNums, afrinicPerson)
	tests := []struct {
		asn  bgp.ASN
		want ContactRef
		ok   bool
	}{
		{3257, ContactRef{Source: "RIPE", Attr: "tech-c", Handle: "NET3257-RIPE", Class: "role", Dummified: true}, true},
		{64500, ContactRef{Source: "APNIC", Attr: "admin-c", Handle: "ANO1-AP", Class: "role"}, true},
		{64501, ContactRef{}, false}, // abuse-c alone does not count (§13.3)
		{64502, ContactRef{}, false}, // handle not loaded
		{64510, ContactRef{Source: "AFRINIC", Attr: "admin-c", Handle: "JO1-AFRINIC", Class: "person"}, true},
		{64511, ContactRef{}, false}, // a person without e-mail or phone
		{64999, ContactRef{}, false}, // no aut-num
	}
	for _, tt := range tests {
		got, ok := x.Coordination(tt.asn)
		if ok != tt.ok {
			t.Errorf("Coordination(%v) ok = %v, want %v", tt.asn, ok, tt.ok)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Coordination(%v) mismatch (-want +got):\n%s", tt.asn, diff)
		}
	}
	if got := x.Contacts(); got != 5 {
		t.Errorf("Contacts() = %d, want 5", got)
	}
}

// TestIndex_Coordination_dummyRIPE: a RIPE dump's aut-num whose contacts
// are all DUMY-RIPE counts (the database requires them to resolve), and a
// resolved role is preferred over the placeholder.
func TestIndex_Coordination_dummyRIPE(t *testing.T) {
	dump := "aut-num: AS1880\nas-name: STUPI\nadmin-c: DUMY-RIPE\ntech-c: DUMY-RIPE\nnotify: roll@example.se\nsource: RIPE # Filtered\n\n" +
		"aut-num: AS64520\nadmin-c: DUMY-RIPE\ntech-c: R1-RIPE\nsource: RIPE\n\n" +
		"role: Real NOC\ne-mail: noc@example.net\nnic-hdl: R1-RIPE\nsource: RIPE\n\n" +
		"aut-num: AS64521\nadmin-c: DUMY-APNIC\nsource: APNIC\n"
	x := buildContacts(t, dump)
	if got, ok := x.Coordination(1880); !ok || !got.Dummified || got.Handle != DummyHandle || got.Class != "" {
		t.Errorf("Coordination(AS1880) = %+v, %v; want the dummified DUMY-RIPE reference", got, ok)
	}
	want := ContactRef{Source: "RIPE", Attr: "tech-c", Handle: "R1-RIPE", Class: "role"}
	if got, ok := x.Coordination(64520); !ok || got != want {
		t.Errorf("Coordination(AS64520) = %+v, %v; want %+v", got, ok, want)
	}
	if _, ok := x.Coordination(64521); ok {
		t.Error("Coordination(AS64521): a DUMY handle of another database counted")
	}
}

func TestReader_contactObjects(t *testing.T) {
	objs, errs, st := readAll(t, ripeDummyRole+"\n"+afrinicPerson+"\nperson: No Handle\nphone: +1\nsource: X\n", Options{File: "c"})
	if len(errs) != 0 || st.Contacts != 3 || st.Bad != 0 || st.Objects != 6 {
		t.Fatalf("stats %+v, errors %v; want 3 contacts and the person without nic-hdl skipped", st, errs)
	}
	c, ok := objs[0].(*Contact)
	want := &Contact{Header: Header{Source: "RIPE", Record: 1}, Role: true, Handle: "NET3257-RIPE", Emails: 1, Phones: 1, Dummified: true}
	if !ok {
		t.Fatalf("first object %T, want *Contact", objs[0])
	}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("role mismatch (-want +got):\n%s", diff)
	}
}

// FuzzContacts indexes arbitrary RPSL with the contact objects and checks
// that Coordination never panics and only ever answers with an admin-c or
// tech-c of the AS's own aut-num objects, resolved in their own database.
func FuzzContacts(f *testing.F) {
	for _, s := range []string{ripeDummyRole, apnicRole + "\n" + apnicAutNums, apnicAbuseRole, afrinicPerson,
		"aut-num: AS1\nadmin-c: DUMY-RIPE\nsource: RIPE\n", "person: x\nnic-hdl: A\nnic-hdl: B\n",
		"role: r\nnic-hdl: H\ne-mail:\nphone:\n\naut-num: AS2\ntech-c: h\n"} {
		f.Add([]byte(s))
	}
	for _, chunk := range seedChunks(readShared(f, realAutNum), 4<<10, 2) {
		f.Add(append(chunk, "\n\n"+ripeDummyRole...))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var b Builder
		if _, err := b.Load(context.Background(), bytes.NewReader(data), Options{File: "fuzz"}); err != nil {
			t.Fatalf("lenient Load: %v", err)
		}
		x := b.Build()
		for asn, list := range x.autNums {
			ref, ok := x.Coordination(asn)
			if !ok {
				continue
			}
			if ref.Attr != "admin-c" && ref.Attr != "tech-c" {
				t.Fatalf("Coordination(%v) answered with %q", asn, ref.Attr)
			}
			named := false
			for _, a := range list {
				if a.Source == ref.Source && (slices.Contains(a.AdminC, ref.Handle) || slices.Contains(a.TechC, ref.Handle)) {
					named = true
				}
			}
			if !named {
				t.Fatalf("Coordination(%v) = %+v, not a handle of its aut-num objects", asn, ref)
			}
			if c, found := x.Contact(ref.Source, ref.Handle); found && c.Emails+c.Phones == 0 {
				t.Fatalf("Coordination(%v) = %+v resolves to an object without e-mail or phone", asn, ref)
			}
		}
	})
}
