package rpki_test

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/rpki"
)

// TestRead_bareArray checks the bare JSON array of VRPs in its spellings:
// ASN as a number, a string and an "AS" string, with and without "ta",
// maxLength absent (the prefix length) or spelt max_length or maxLen, on
// one line and pretty-printed.
func TestRead_bareArray(t *testing.T) {
	want := []rpki.VRP{
		{Prefix: netip.MustParsePrefix("1.1.1.0/24"), MaxLen: 24, ASN: 13335},
		{Prefix: netip.MustParsePrefix("192.0.2.0/24"), MaxLen: 24, ASN: 64496, TA: "ripe"},
		{Prefix: netip.MustParsePrefix("2001:db8::/32"), MaxLen: 48, ASN: 64497},
		{Prefix: netip.MustParsePrefix("198.51.100.0/22"), MaxLen: 23, ASN: 4200000000},
		{Prefix: netip.MustParsePrefix("203.0.113.0/24"), MaxLen: 24, ASN: 0, TA: "apnic"},
	}
	oneLine := `[{"prefix":"1.1.1.0/24","maxLength":24,"asn":"13335"},` +
		`{"prefix":"192.0.2.0/24","asn":64496,"ta":"ripe"},` +
		`{"prefix":"2001:db8::/32","max_length":48,"asn":"AS64497"},` +
		`{"asn":"as4200000000","prefix":"198.51.100.0/22","maxLen":"23"},` +
		`{"prefix":"203.0.113.0/24","maxLength":24,"asn":0,"ta":"apnic","expires":1700000000}]`
	pretty := "\ufeff\n[\n  {\n    \"prefix\": \"1.1.1.0/24\",\n    \"maxLength\": 24,\n    \"asn\": \"13335\"\n  },\n" +
		"  {\"prefix\": \"192.0.2.0/24\", \"asn\": 64496, \"ta\": \"ripe\"},\n" +
		"  {\"prefix\": \"2001:db8::/32\", \"max_length\": 48, \"asn\": \"AS64497\"},\n" +
		"  {\"asn\": \"as4200000000\", \"prefix\": \"198.51.100.0/22\", \"maxLen\": 23},\n" +
		"  {\"prefix\": \"203.0.113.0/24\", \"maxLength\": 24, \"asn\": 0, \"ta\": \"apnic\"}\n]\n"
	for name, in := range map[string]string{"one line": oneLine, "pretty": pretty} {
		t.Run(name, func(t *testing.T) {
			d, err := rpki.Read(context.Background(), strings.NewReader(in), "vrps.json")
			if err != nil {
				t.Fatal(err)
			}
			if d.Format != rpki.FormatJSON {
				t.Errorf("Format = %q, want json", d.Format)
			}
			if diff := cmp.Diff(want, d.VRPs, cmpOpts...); diff != "" {
				t.Errorf("VRPs mismatch (-want +got):\n%s", diff)
			}
		})
	}
	d, err := rpki.Read(context.Background(), strings.NewReader("[]"), "empty.json")
	if err != nil || len(d.VRPs) != 0 {
		t.Errorf("Read([]) = %v, %v; want no VRPs and no error", d, err)
	}
}

// TestRead_bareArrayLong checks that a one-line array far over the CSV
// line bound (the "line too long" of issue 11) is read whole.
func TestRead_bareArrayLong(t *testing.T) {
	var b strings.Builder
	b.WriteByte('[')
	const n = 5000
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"prefix":"10.`)
		b.WriteString(itoa(i / 256))
		b.WriteByte('.')
		b.WriteString(itoa(i % 256))
		b.WriteString(`.0/24","maxLength":24,"asn":"AS`)
		b.WriteString(itoa(i + 1))
		b.WriteString(`","ta":"arin"}`)
	}
	b.WriteByte(']')
	d, err := rpki.Read(context.Background(), strings.NewReader(b.String()), "long.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.VRPs) != n || d.VRPs[n-1].ASN != bgp.ASN(n) {
		t.Fatalf("read %d VRPs, last %+v; want %d", len(d.VRPs), d.VRPs[len(d.VRPs)-1], n)
	}
}

// TestRead_bareArrayDamaged checks the lenient reading of an array: a bad
// element is skipped with its record and offset.
func TestRead_bareArrayDamaged(t *testing.T) {
	in := `[{"prefix":"10.0.0.0/8","asn":1},{"prefix":"10.0.0.0/33","asn":2},{"prefix":"11.0.0.0/8","asn":"x"},{"prefix":"12.0.0.0/8","asn":3}]`
	var log inputerr.Log
	d, err := rpki.Loader{Damaged: &log}.Read(context.Background(), strings.NewReader(in), "a.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.VRPs) != 2 || d.Skipped != 2 {
		t.Fatalf("kept %d VRPs, skipped %d; want 2 and 2", len(d.VRPs), d.Skipped)
	}
	want := []string{`a.json: 2 damaged records skipped: record 2 at byte offset 33: array element 2: bad prefix: "10.0.0.0/33"; ` +
		`record 3 at byte offset 66: array element 3: bad AS number: "x"`}
	if diff := cmp.Diff(want, log.Lines()); diff != "" {
		t.Errorf("Lines() mismatch (-want +got):\n%s", diff)
	}
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
