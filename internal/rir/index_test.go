package rir

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/bgp"
)

func mustLoad(t *testing.T, input string) *File {
	t.Helper()
	f, err := Load(context.Background(), strings.NewReader(input), "test", Options{})
	if err != nil {
		t.Fatalf("Load(context.Background(), ) error: %v", err)
	}
	return f
}

// IANA delegates blocks to RIRs; the RIR records inside win.
const ianaTest = `2|iana|20190911|5|19830101|20190612|+0000
iana|ZZ|asn|1|1876|19920101|arin
iana|ZZ|asn|4608|258|19941201|apnic
iana|ZZ|ipv4|1.0.0.0|16777216|20100101|apnic
iana|ZZ|ipv4|41.0.0.0|16777216|20050414|afrinic
iana|ZZ|ipv6|2c00:0000::|12|20061003|afrinic
`

const rirTest = `2|apnic|20190912|5|19830613|20190911|+1000
apnic|AU|asn|4608|1|19950530|allocated
apnic|JP|asn|4610|10|19950530|allocated
apnic|AU|ipv4|1.1.1.0|256|20110811|assigned
apnic|CN|ipv4|1.0.1.0|768|20110414|allocated
apnic||ipv4|1.0.0.0|16777216||available
`

func TestIndex(t *testing.T) {
	ix := NewIndex(mustLoad(t, ianaTest), mustLoad(t, rirTest))
	type result struct {
		Registry, CC string
		Status       Status
		Match        string
		OK           bool
	}
	prefix := func(s string) result {
		d, m, ok := ix.Prefix(netip.MustParsePrefix(s))
		if !ok {
			return result{}
		}
		return result{d.Registry, d.CC, d.Status, m.String(), true}
	}
	asn := func(a bgp.ASN) result {
		d, r, ok := ix.ASN(a)
		if !ok {
			return result{}
		}
		return result{d.Registry, d.CC, d.Status, r.First.Plain() + "-" + r.Last.Plain(), true}
	}
	got := map[string]result{
		"1.1.1.0/24":   prefix("1.1.1.0/24"),
		"1.1.1.128/25": prefix("1.1.1.128/25"),
		"1.0.2.0/24":   prefix("1.0.2.0/24"), // second piece of the 768-address record
		"1.0.3.0/24":   prefix("1.0.3.0/24"),
		"1.0.4.0/24":   prefix("1.0.4.0/24"), // RIR's available /8 won the tie with IANA
		"1.0.0.0/7":    prefix("1.0.0.0/7"),  // shorter than anything indexed
		"41.1.0.0/16":  prefix("41.1.0.0/16"),
		"2c0f::/32":    prefix("2c0f::/32"),
		"AS1":          asn(1),
		"AS1876":       asn(1876),
		"AS1877":       asn(1877),
		"AS4607":       asn(4607),
		"AS4608":       asn(4608),
		"AS4609":       asn(4609),
		"AS4615":       asn(4615),
		"AS4620":       asn(4620),
		"AS4865":       asn(4865),
		"AS4866":       asn(4866),
		"AS0":          asn(0),
	}
	want := map[string]result{
		"1.1.1.0/24":   {"apnic", "AU", Assigned, "1.1.1.0/24", true},
		"1.1.1.128/25": {"apnic", "AU", Assigned, "1.1.1.0/24", true},
		"1.0.2.0/24":   {"apnic", "CN", Allocated, "1.0.2.0/23", true},
		"1.0.3.0/24":   {"apnic", "CN", Allocated, "1.0.2.0/23", true},
		"1.0.4.0/24":   {"apnic", "", Available, "1.0.0.0/8", true},
		"1.0.0.0/7":    {},
		"41.1.0.0/16":  {"iana", "ZZ", "afrinic", "41.0.0.0/8", true},
		"2c0f::/32":    {"iana", "ZZ", "afrinic", "2c00::/12", true},
		"AS1":          {"iana", "ZZ", "arin", "1-1876", true},
		"AS1876":       {"iana", "ZZ", "arin", "1-1876", true},
		"AS1877":       {},
		"AS4607":       {},
		"AS4608":       {"apnic", "AU", Allocated, "4608-4608", true},
		"AS4609":       {"iana", "ZZ", "apnic", "4609-4609", true},
		"AS4615":       {"apnic", "JP", Allocated, "4610-4619", true},
		"AS4620":       {"iana", "ZZ", "apnic", "4620-4865", true},
		"AS4865":       {"iana", "ZZ", "apnic", "4620-4865", true},
		"AS4866":       {},
		"AS0":          {},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Index lookups mismatch (-want +got):\n%s", diff)
	}
	if d, ok := ix.Addr(netip.MustParseAddr("1.1.1.1")); !ok || d.CC != "AU" {
		t.Errorf("Addr(1.1.1.1) = %+v, %v; want AU", d, ok)
	}
	if _, ok := ix.Addr(netip.Addr{}); ok {
		t.Errorf("Addr(invalid) found a delegation")
	}
	var ranges []string
	for r, d := range ix.ASNRanges() {
		ranges = append(ranges, r.First.Plain()+"-"+r.Last.Plain()+" "+d.Registry)
	}
	wantRanges := []string{"1-1876 iana", "4608-4608 apnic", "4609-4609 iana", "4610-4619 apnic", "4620-4865 iana"}
	if diff := cmp.Diff(wantRanges, ranges); diff != "" {
		t.Errorf("ASNRanges() mismatch (-want +got):\n%s", diff)
	}
}

func TestIndex_OverlappingPartialRanges(t *testing.T) {
	// Ranges that overlap without nesting (not seen in real files) still
	// give every ASN to the narrowest range covering it.
	f := mustLoad(t, `2|x|1|3|0|0|0
a|ZZ|asn|10|11|20000101|allocated
b|ZZ|asn|15|11|20000101|allocated
c|ZZ|asn|12|2|20000101|allocated
`)
	ix := NewIndex(f)
	var got []string
	for r, d := range ix.ASNRanges() {
		got = append(got, r.First.Plain()+"-"+r.Last.Plain()+" "+d.Registry)
	}
	// a: 10-20 (width 10), b: 15-25 (width 10, later), c: 12-13.
	want := []string{"10-11 a", "12-13 c", "14-14 a", "15-25 b"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ASNRanges() mismatch (-want +got):\n%s", diff)
	}
}

func TestReadIANAv4(t *testing.T) {
	input := `                   IANA IPv4 Address Space Registry

   Prefix                  Designation                    Date         Whois       Status [1]   Note
   000/8  IANA - Local Identification                    1981-09                    RESERVED    [2]
   001/8  APNIC                                          2010-01  whois.apnic.net  ALLOCATED
   007/8  Administered by ARIN                           1995-04  whois.arin.net     LEGACY
   041/8  AFRINIC   2005-04  whois.afrinic.net  https://rdap.afrinic.net/rdap/  ALLOCATED
   239/8  Multicast                                      1981-09                    RESERVED  [13][15]
   [1]  Indicates the status of address blocks as follows:
        UNALLOCATED: not yet allocated or reserved.
`
	got, err := ReadIANAv4(strings.NewReader(input), "iana", nil)
	if err != nil {
		t.Fatalf("ReadIANAv4() error: %v", err)
	}
	want := []IANABlock{
		{netip.MustParsePrefix("0.0.0.0/8"), "IANA - Local Identification", "1981-09", "", "RESERVED"},
		{netip.MustParsePrefix("1.0.0.0/8"), "APNIC", "2010-01", "whois.apnic.net", "ALLOCATED"},
		{netip.MustParsePrefix("7.0.0.0/8"), "Administered by ARIN", "1995-04", "whois.arin.net", "LEGACY"},
		{netip.MustParsePrefix("41.0.0.0/8"), "AFRINIC", "2005-04", "whois.afrinic.net", "ALLOCATED"},
		{netip.MustParsePrefix("239.0.0.0/8"), "Multicast", "1981-09", "", "RESERVED"},
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); diff != "" {
		t.Errorf("ReadIANAv4() mismatch (-want +got):\n%s", diff)
	}
	for _, bad := range []string{"   256/8  X  2010-01  ALLOCATED\n", "   001/8  APNIC  ALLOCATED\n", "   001/8  APNIC  2010-01\n"} {
		if _, err := ReadIANAv4(strings.NewReader(bad), "iana", nil); err == nil {
			t.Errorf("ReadIANAv4(%q) succeeded", bad)
		}
	}
}
