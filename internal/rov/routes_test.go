package rov_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/rov"
)

func TestParseRouteLine(t *testing.T) {
	type result struct {
		Route string
		OK    bool
		Err   string
	}
	tests := []struct {
		line string
		want result
	}{
		{"192.0.2.0/24 64496\n", result{"192.0.2.0/24 AS64496", true, ""}},
		{"  192.0.2.0/24\tAS64496 \r\n", result{"192.0.2.0/24 AS64496", true, ""}},
		{"192.0.2.0/24 as64496", result{"192.0.2.0/24 AS64496", true, ""}},
		{"192.0.2.0/24 1.10", result{"192.0.2.0/24 AS65546", true, ""}},
		{"2001:db8::/32 4294967295", result{"2001:db8::/32 AS4294967295", true, ""}},
		{"192.0.2.0/24 4294967296", result{"", false, "bad AS number"}},
		{"192.0.2.0/24 AS4294967296", result{"", false, "bad AS number"}},
		{"192.0.2.0/24 AS", result{"", false, "bad AS number"}},
		{"192.0.2.0/24 -1", result{"", false, "bad AS number"}},
		{"192.0.2.0 1", result{"", false, "bad prefix"}},
		{"   \n", result{"", false, ""}},
		{"#192.0.2.0/24 1", result{"", false, ""}},
		{"192.0.2.0/24 1 # comment", result{"", false, "found 3 or more fields"}},
	}
	for _, tt := range tests {
		r, ok, err := rov.ParseRoute([]byte(tt.line))
		got := result{OK: ok}
		if ok {
			got.Route = fmt.Sprintf("%s %s", r.Prefix, r.Origin)
		}
		if err != nil {
			got.Err = err.Error()
			if !strings.Contains(got.Err, tt.want.Err) || tt.want.Err == "" {
				t.Errorf("ParseRoute(%q) error %q, want %q", tt.line, got.Err, tt.want.Err)
			}
			got.Err = tt.want.Err
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseRoute(%q) mismatch (-want +got):\n%s", tt.line, diff)
		}
	}
}

// TestReadRoutes checks the lines read and the location of the first bad
// one.
func TestReadRoutes(t *testing.T) {
	in := "# routes\n192.0.2.0/24 AS64496\n\n2001:db8::/32 64497\n192.0.2.1/24 1\n10.0.0.0/8 1\n"
	var got []string
	var err error
	for r, e := range rov.ReadRoutes(strings.NewReader(in), "routes.txt") {
		if e != nil {
			err = e
			break
		}
		got = append(got, fmt.Sprintf("%s %s", r.Prefix, r.Origin))
	}
	if want := []string{"192.0.2.0/24 AS64496", "2001:db8::/32 AS64497"}; !cmp.Equal(got, want) {
		t.Errorf("routes %q, want %q", got, want)
	}
	if err == nil || !strings.Contains(err.Error(), "routes.txt") || !strings.Contains(err.Error(), "host bits") ||
		!strings.Contains(err.Error(), "5") || !strings.Contains(err.Error(), "51") {
		t.Errorf("error %v: want line 5 at byte 51 of routes.txt, host bits set", err)
	}
}

// FuzzReadRoutes checks ReadRoutes never panics, yields only masked
// prefixes, and reads back its own text form ("PREFIX ASN") of every
// route it yields as the same routes.
func FuzzReadRoutes(f *testing.F) {
	f.Add("192.0.2.0/24 AS64496\n# c\n\n2001:db8::/32 1.10\r\n")
	f.Add("10.0.0.0/8\tas0 \n192.0.2.1/24 1\n")
	f.Add("0.0.0.0/0 4294967295")
	f.Fuzz(func(t *testing.T, in string) {
		var got []rov.Route
		var text strings.Builder
		for r, err := range rov.ReadRoutes(strings.NewReader(in), "fuzz") {
			if err != nil {
				break
			}
			if r.Prefix.Masked() != r.Prefix {
				t.Fatalf("%s: host bits set", r.Prefix)
			}
			got = append(got, r)
			fmt.Fprintf(&text, "%s %d\n", r.Prefix, r.Origin)
		}
		var back []rov.Route
		for r, err := range rov.ReadRoutes(strings.NewReader(text.String()), "again") {
			if err != nil {
				t.Fatalf("own text form %q: %v", text.String(), err)
			}
			back = append(back, r)
		}
		if !cmp.Equal(got, back, cmp.Comparer(func(a, b rov.Route) bool { return a == b })) {
			t.Fatalf("read %v, read back %v", got, back)
		}
	})
}
