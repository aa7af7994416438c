package rdap

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/observatory-net/observatory/internal/inputerr"
)

// The testdata answers are written by hand in the layouts ARIN and LACNIC
// serve (RFC 9083 §5.5 autnum, entities nested under the registrant as
// both registries do, jCard vCards of RFC 7095), with documentation ASNs
// and example contacts.
func TestParse(t *testing.T) {
	tests := []struct {
		file string
		want *Autnum
	}{
		{"testdata/arin-AS64496.json", &Autnum{Handle: "AS64496", Start: 64496, End: 64496, Port43: "whois.arin.net", Server: "rdap.arin.net", Entities: 4,
			Contact: &Entity{Handle: "IPADD1-ARIN", Roles: []string{"administrative", "technical"}, Email: true, Tel: true}}},
		{"testdata/lacnic-AS64497.json", &Autnum{Handle: "64497", Start: 64497, End: 64497, Port43: "whois.lacnic.net", Server: "rdap.lacnic.net", Entities: 3,
			Contact: &Entity{Handle: "EXA2", Roles: []string{"administrative"}, Email: true, Tel: true}}},
		// Only an abuse desk and a technical entity without e-mail or tel.
		{"testdata/lacnic-AS64498-abuse.json", &Autnum{Handle: "64498", Start: 64498, End: 64498, Port43: "whois.lacnic.net", Server: "whois.lacnic.net", Entities: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := Parse(f, tt.file)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParse_errors(t *testing.T) {
	tests := []struct {
		name, in string
		offset   int64
		want     string
	}{
		{"error answer", mustRead(t, "testdata/error-404.json"), 0, "error answer 404"},
		{"not autnum", `{"objectClassName":"entity","handle":"X"}`, 0, `objectClassName "entity"`},
		{"syntax", `{"objectClassName":"autnum",,}`, 29, "invalid character"},
		{"type", `{"objectClassName":"autnum","startAutnum":"1"}`, 45, "cannot unmarshal"},
		{"reversed", `{"objectClassName":"autnum","startAutnum":5,"endAutnum":4}`, 0, "before startAutnum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.in), "x.json")
			var ie *inputerr.Error
			if !errors.As(err, &ie) {
				t.Fatalf("Parse() error %v, want an *inputerr.Error", err)
			}
			if ie.File != "x.json" || ie.Offset != tt.offset || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse() error %q (offset %d), want file x.json, offset %d, %q", err, ie.Offset, tt.offset, tt.want)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	for _, f := range []string{"testdata/arin-AS64496.json", "testdata/lacnic-AS64497.json"} {
		if !Sniff([]byte(mustRead(t, f))) {
			t.Errorf("Sniff(%s) = false", f)
		}
	}
	for _, s := range []string{`{"data":[{"asn":1}]}`, mustRead(t, "testdata/error-404.json"), `{"objectClassName":"entity"}`} {
		if Sniff([]byte(s)) {
			t.Errorf("Sniff(%s) = true", s)
		}
	}
}

func TestEntity_Counts(t *testing.T) {
	for _, tt := range []struct {
		e    Entity
		want bool
	}{
		{Entity{Roles: []string{"noc"}, Email: true}, true},
		{Entity{Roles: []string{"technical"}, Tel: true}, true},
		{Entity{Roles: []string{"abuse"}, Email: true, Tel: true}, false},
		{Entity{Roles: []string{"registrant"}, Email: true}, false},
		{Entity{Roles: []string{"administrative"}}, false},
	} {
		if got := tt.e.Counts(); got != tt.want {
			t.Errorf("%+v.Counts() = %v, want %v", tt.e, got, tt.want)
		}
	}
}

func mustRead(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// FuzzAutnum decodes arbitrary input: no panic, errors are
// *inputerr.Error within the input, and an answer's contact counts.
func FuzzAutnum(f *testing.F) {
	for _, p := range []string{"testdata/arin-AS64496.json", "testdata/lacnic-AS64497.json", "testdata/lacnic-AS64498-abuse.json", "testdata/error-404.json"} {
		f.Add([]byte(mustRead(f, p)))
	}
	for _, s := range []string{`{"objectClassName":"autnum","startAutnum":1,"entities":[{"roles":["noc"],"vcardArray":["vcard",[["email",{},"text",""]]]}]}`,
		`{"objectClassName":"autnum","startAutnum":1,"entities":[{"entities":[{"entities":[{"roles":["NOC"],"vcardArray":["vcard",[["tel",{},"uri",["x"]]]]}]}]}]}`,
		`[]`, `null`, `{"objectClassName":"autnum","startAutnum":4294967295,"endAutnum":4294967295}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := Parse(bytes.NewReader(data), "fuzz")
		if err != nil {
			var ie *inputerr.Error
			if !errors.As(err, &ie) || ie.File != "fuzz" || ie.Offset < 0 || ie.Offset > int64(len(data)) {
				t.Fatalf("Parse() error %v (%T), want an *inputerr.Error within the input", err, err)
			}
			return
		}
		if a.End < a.Start || !a.Covers(a.Start) {
			t.Fatalf("range %v..%v", a.Start, a.End)
		}
		if a.Contact != nil && (!a.Contact.Counts() || a.Entities == 0) {
			t.Fatalf("contact %+v does not count", a.Contact)
		}
	})
}

func TestSet_Lookup(t *testing.T) {
	var s Set
	s.Add(&Autnum{Handle: "BLOCK", Start: 64496, End: 64511}, "block.json")
	s.Add(&Autnum{Handle: "AS64500", Start: 64500, End: 64500}, "one.json")
	if r, ok := s.Lookup(64500); !ok || r.File != "one.json" {
		t.Errorf("Lookup(AS64500) = %+v, %v; want the single answer", r, ok)
	}
	if r, ok := s.Lookup(64501); !ok || r.Handle != "BLOCK" {
		t.Errorf("Lookup(AS64501) = %+v, %v; want the block", r, ok)
	}
	if _, ok := s.Lookup(1); ok || s.Len() != 2 {
		t.Errorf("Lookup(AS1) found, or Len() = %d", s.Len())
	}
	var nilSet *Set
	if _, ok := nilSet.Lookup(1); ok || nilSet.Len() != 0 {
		t.Error("nil Set not empty")
	}
}
