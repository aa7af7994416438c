package peeringdb

import (
	"context"
	"errors"
	"io"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/inputerr"
)

// readAll returns every object of input.
func readAll(t *testing.T, input, name string, tag Tag) ([]Object, error) {
	t.Helper()
	r := NewReader(strings.NewReader(input), name, tag)
	var out []Object
	for {
		o, err := r.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, o)
	}
}

var cmpAddr = cmp.Comparer(func(a, b netip.Addr) bool { return a == b })
var cmpPrefix = cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })

func TestReader_Page(t *testing.T) {
	input := `{"data": [
	{"id": 1, "org_id": 8897, "name": "GTT Communications (AS4436)", "asn": 4436, "irr_as_set": "",
	 "info_type": "NSP", "info_prefixes4": 200000, "info_prefixes6": null, "policy_general": "Restrictive",
	 "social_media": [{"service": "website", "identifier": "http://www.gtt.net"}],
	 "created": "2004-07-28T00:00:00Z", "updated": "2022-07-27T05:33:22Z", "status": "ok", "logo": null}
], "meta": {"generated": 1.5, "nested": [[{"a": [1, {}]}]]}}`
	got, err := readAll(t, input, "testdata/net-page-1.json", "")
	if err != nil {
		t.Fatalf("Next() error: %v", err)
	}
	want := []Object{&Net{
		ID: 1, OrgID: 8897, Name: "GTT Communications (AS4436)", ASN: 4436, InfoType: "NSP",
		InfoPrefixes4: 200000, PolicyGeneral: "Restrictive", Status: "ok",
		Created: time.Date(2004, 7, 28, 0, 0, 0, 0, time.UTC), Updated: time.Date(2022, 7, 27, 5, 33, 22, 0, time.UTC),
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Next() mismatch (-want +got):\n%s", diff)
	}
}

func TestReader_Dump(t *testing.T) {
	input := `{
	"org": {"data": [{"id": 2, "name": "Equinix", "address1": "x", "status": "ok"}], "meta": {}},
	"fac": {"data": [{"id": 9, "org_id": 2, "clli": "ASBNVA"}]},
	"poc": {"data": [{"id": 15, "net_id": 7, "role": "Technical", "visible": "Public", "email": "noc@example.net", "status": "ok"}]},
	"netixlan": {"data": [{"id": 13, "net_id": 694, "ix_id": 12, "ixlan_id": 12, "asn": 8075,
	  "ipaddr4": "198.32.118.91", "ipaddr6": null, "speed": 100000, "status": "ok"}]},
	"ixpfx": {"data": [{"id": 1, "ixlan_id": 3814, "protocol": "IPv4", "prefix": "206.223.115.0/24", "in_dfz": true}]},
	"ixlan": {"data": [{"id": 1, "ix_id": 1, "mtu": 1500, "rs_asn": 0}]},
	"ix": {"data": [{"id": 1, "name": "Equinix Ashburn", "proto_unicast": true, "tech_email": "support@equinix.com"}]},
	"unknown_section": {"data": [1, 2, 3]},
	"net": {"data": []}
}`
	got, err := readAll(t, input, "peeringdb_2_dump_2026_04_16.json", "")
	if err != nil {
		t.Fatalf("Next() error: %v", err)
	}
	want := []Object{
		&Org{ID: 2, Name: "Equinix", Status: "ok"},
		&Other{Type: TagFac, ID: 9},
		&Poc{ID: 15, NetID: 7, Role: "Technical", Visible: "Public", Email: "noc@example.net", Status: "ok"},
		&NetIXLan{ID: 13, NetID: 694, IXID: 12, IXLanID: 12, ASN: 8075, IPAddr4: netip.MustParseAddr("198.32.118.91"), Speed: 100000, Status: "ok"},
		&IXPfx{ID: 1, IXLanID: 3814, Protocol: "IPv4", Prefix: netip.MustParsePrefix("206.223.115.0/24"), InDFZ: true},
		&IXLan{ID: 1, IXID: 1, MTU: 1500},
		&IX{ID: 1, Name: "Equinix Ashburn", ProtoUnicast: true, TechEmail: "support@equinix.com"},
	}
	if diff := cmp.Diff(want, got, cmpAddr, cmpPrefix); diff != "" {
		t.Errorf("Next() mismatch (-want +got):\n%s", diff)
	}
}

func TestReader_Sniff(t *testing.T) {
	tests := []struct {
		object string
		want   Tag
	}{
		{`{"id": 1, "net_id": 7, "role": "NOC"}`, TagPoc},
		{`{"id": 1, "net_id": 7, "ixlan_id": 2, "asn": 1}`, TagNetIXLan},
		{`{"id": 1, "asn": 1, "info_type": "NSP"}`, TagNet},
		{`{"id": 1, "ix_id": 1, "rs_asn": 0}`, TagIXLan},
		{`{"id": 1, "ixlan_id": 1, "prefix": "10.0.0.0/8"}`, TagIXPfx},
		{`{"id": 1, "proto_unicast": true}`, TagIX},
		{`{"id": 1, "address1": "x"}`, TagOrg},
		{`{"id": 1, "org_id": 1, "fac_count": 3}`, TagCarrier},
		{`{"id": 1, "org_id": 1, "zipcode": "x"}`, TagCampus},
		{`{"id": 1, "carrier_id": 1, "fac_id": 2}`, TagCarrierFac},
		{`{"id": 1}`, ""},
	}
	for _, tt := range tests {
		got, err := readAll(t, `{"data": [`+tt.object+`, `+tt.object+`]}`, "", "")
		if err != nil {
			t.Fatalf("Next(%s) error: %v", tt.object, err)
		}
		if len(got) != 2 || got[0].Tag() != tt.want || got[1].Tag() != tt.want {
			t.Errorf("sniffed %s as %v, want %v twice", tt.object, got, tt.want)
		}
	}
	// An explicit tag wins over the name and the content.
	got, err := readAll(t, `{"data": [{"id": 5, "net_id": 7, "role": "NOC"}]}`, "net-page-1.json", TagOrg)
	if err != nil || len(got) != 1 || got[0].Tag() != TagOrg {
		t.Errorf("explicit tag: %v, %v", got, err)
	}
}

func TestTagFromName(t *testing.T) {
	for name, want := range map[string]Tag{
		"net-page-1.json":                     TagNet,
		"/x/prod-anon/poc-page-2.json":        TagPoc,
		"netixlan_page_3.json.gz":             TagNetIXLan,
		"ixlan.json":                          TagIXLan,
		"api/ixpfx/page-1.json":               TagIXPfx,
		"testdata/api/carrierfac/page-2.json": TagCarrierFac,
		"peeringdb_2_dump_2026_04_16.json":    "",
		"page-1.json":                         "",
		"":                                    "",
		"networks.json":                       "",
	} {
		if got := TagFromName(name); got != want {
			t.Errorf("TagFromName(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestReader_Errors(t *testing.T) {
	tests := []struct {
		name   string
		input  string
		record int64
		offset int64
		cause  string
	}{
		{"empty", ``, 1, 0, "unexpected EOF"},
		{"top-level array", `[{"id": 1}]`, 1, 0, "garbage before the document"},
		{"data not an array", `{"data": {"id": 1}}`, 1, 9, "want '['"},
		{"wrong type for asn", `{"data": [{"id": 1, "asn": 4436}, {"id": 2, "asn": "AS1"}]}`, 2, 34, "net object"},
		{"negative asn", `{"data": [{"id": 2, "asn": -1}]}`, 1, 10, "net object"},
		{"asn past 32 bits", `{"data": [{"id": 2, "asn": 4294967296}]}`, 1, 10, "net object"},
		{"bad time", `{"data": [{"id": 2, "created": "yesterday"}]}`, 1, 10, "net object"},
		{"truncated", `{"data": [{"id": 1}, {"id": 2`, 2, 21, "unexpected EOF"},
		{"truncated after array", `{"data": [{"id": 1}]`, 2, 20, "unexpected EOF"},
		{"trailing data", `{"data": []} {}`, 1, 12, "after the top-level object"},
		{"bad poc_set", `{"data": [{"id": 1, "poc_set": ["x"]}]}`, 1, 10, "poc_set"},
		{"syntax error in skipped meta", `{"meta": {"a": ]}`, 1, 15, "decode JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readAll(t, tt.input, "net-page-9.json", "")
			var ie *inputerr.Error
			if !errors.As(err, &ie) {
				t.Fatalf("Next() error = %v, want *inputerr.Error", err)
			}
			got := []any{ie.File, ie.Record, ie.Offset}
			want := []any{"net-page-9.json", tt.record, tt.offset}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("error position mismatch (-want +got):\n%s\nerror: %v", diff, err)
			}
			if !strings.Contains(err.Error(), tt.cause) {
				t.Errorf("error %q does not mention %q", err, tt.cause)
			}
		})
	}
}

func TestPocSet_UnmarshalJSON(t *testing.T) {
	got, err := readAll(t, `{"data": [
		{"id": 1, "poc_set": [15, 16]},
		{"id": 2, "poc_set": [{"id": 15, "net_id": 2, "role": "NOC", "email": "noc@example.net"}]},
		{"id": 3, "poc_set": null},
		{"id": 4}
	]}`, "net.json", "")
	if err != nil {
		t.Fatalf("Next() error: %v", err)
	}
	want := []PocSet{
		{IDs: []int{15, 16}},
		{Pocs: []Poc{{ID: 15, NetID: 2, Role: "NOC", Email: "noc@example.net"}}},
		{}, {},
	}
	var sets []PocSet
	for _, o := range got {
		sets = append(sets, o.(*Net).PocSet)
	}
	if diff := cmp.Diff(want, sets); diff != "" {
		t.Errorf("poc_set mismatch (-want +got):\n%s", diff)
	}
}

// TestReader_Damaged checks that a damaged object is reported with its
// position and skipped, and that reading goes on after it.
func TestReader_Damaged(t *testing.T) {
	type pos struct{ Record, Offset int64 }
	tests := []struct {
		name   string
		input  string
		ids    []int // objects read, in order
		errors []pos // damaged records reported, in order
	}{
		{
			name:   "garbage inside an object",
			input:  `{"data": [{"id": 1}, {"id": 2, garbage}, {"id": 3}]}`,
			ids:    []int{1, 3},
			errors: []pos{{2, 21}},
		},
		{
			name:   "garbage between objects",
			input:  `{"data": [{"id": 1}, xx {"id": 2}, {"id": 3}]}`,
			ids:    []int{1, 3},
			errors: []pos{{2, 21}},
		},
		{
			name:   "broken attribute value",
			input:  `{"data": [{"id": 1, "asn": "AS1"}, {"id": 2, "asn": 2}]}`,
			ids:    []int{2},
			errors: []pos{{1, 10}},
		},
		{
			name:   "truncated inside the third object",
			input:  `{"data": [{"id": 1}, {"id": 2}, {"id": 3, "na`,
			ids:    []int{1, 2},
			errors: []pos{{3, 32}},
		},
		{
			name:   "truncated between objects",
			input:  `{"data": [{"id": 1}, `,
			ids:    []int{1},
			errors: []pos{{2, 21}},
		},
		{
			name:   "garbage before the document",
			input:  `garbage {"data": [{"id": 1}]}`,
			ids:    []int{1},
			errors: []pos{{1, 0}},
		},
		{
			name:   "garbage only",
			input:  `garbage`,
			errors: []pos{{1, 0}},
		},
		{
			name:   "damaged section of a dump, the next section read",
			input:  `{"org": {"data": [{"id": 1, "name": 5}]}, "net": {"data": [{"id": 7, "asn": 7}]}}`,
			ids:    []int{7},
			errors: []pos{{1, 18}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(strings.NewReader(tt.input), "net-page-1.json", "")
			var ids []int
			var errs []pos
			for range 100 {
				o, err := r.Next()
				if err == io.EOF {
					break
				}
				var ie *inputerr.Error
				switch {
				case errors.As(err, &ie):
					if ie.File != "net-page-1.json" {
						t.Errorf("error names file %q", ie.File)
					}
					errs = append(errs, pos{ie.Record, ie.Offset})
				case err != nil:
					t.Fatalf("Next() error %v is not an *inputerr.Error", err)
				default:
					ids = append(ids, objectID(o))
				}
			}
			if diff := cmp.Diff(tt.ids, ids); diff != "" {
				t.Errorf("objects mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.errors, errs); diff != "" {
				t.Errorf("damaged records mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// objectID returns the id of a decoded object.
func objectID(o Object) int {
	switch o := o.(type) {
	case *Net:
		return o.ID
	case *Org:
		return o.ID
	case *Other:
		return o.ID
	}
	return -1
}

// TestBuilder_LoadDamaged checks the rule for damaged records: a Log
// counts and skips them, a strict Log makes the first one the error.
func TestBuilder_LoadDamaged(t *testing.T) {
	input := `{"data": [{"id": 1, "asn": 1}, {"id": 2, "asn": "x"}, {"id": 3, "asn": 3}, {"id": 4, "as`
	var lenient inputerr.Log
	var b Builder
	n, err := b.Load(context.Background(), strings.NewReader(input), "net-page-1.json", "", &lenient)
	if err != nil || n != 2 {
		t.Fatalf("Load() = %d, %v; want 2 objects, no error", n, err)
	}
	if got := b.Build().ASNs(); len(got) != 2 {
		t.Errorf("ASNs() = %v, want AS1 and AS3", got)
	}
	want := []string{`net-page-1.json: 2 damaged records skipped: ` +
		`record 2 at byte offset 31: net object: json: cannot unmarshal string into Go struct field Net.asn of type bgp.ASN; ` +
		`record 4 at byte offset 75: net object: unexpected EOF`}
	if diff := cmp.Diff(want, lenient.Lines()); diff != "" {
		t.Errorf("Lines() mismatch (-want +got):\n%s", diff)
	}
	for _, log := range []*inputerr.Log{nil, {Strict: true}} {
		var sb Builder
		n, err := sb.Load(context.Background(), strings.NewReader(input), "net-page-1.json", "", log)
		var ie *inputerr.Error
		if !errors.As(err, &ie) || ie.Record != 2 || ie.Offset != 31 || n != 1 {
			t.Errorf("strict Load() = %d, %v; want record 2 at byte offset 31 after 1 object", n, err)
		}
	}
}
