package rscheck

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/bogon"
	"github.com/observatory-net/observatory/internal/irr"
	"github.com/observatory-net/observatory/internal/rpki"
)

// testRPSL is a tiny registry: route objects and two as-sets.
const testRPSL = `route:  193.0.0.0/21
origin: AS3333
source: RIPE

route:  45.0.0.0/16
origin: AS3333
source: RIPE

route:  8.8.8.0/24
origin: AS15169
source: RADB

route:  8.8.4.0/24
origin: AS3333
source: RADB

as-set: AS-GOOGLE
members: AS15169
source: RADB
`

// prefixes compares netip values, which have unexported fields.
var prefixes = cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })

// seq builds a path of one AS_SEQUENCE, then an AS_SET of set if any.
func seq(asns []bgp.ASN, set ...bgp.ASN) bgp.Path {
	p := bgp.Path{ASNs: append([]bgp.ASN(nil), asns...)}
	p.Segs = append(p.Segs, bgp.Segment{Type: bgp.SegSequence, Start: 0, End: int32(len(asns))})
	if len(set) > 0 {
		p.ASNs = append(p.ASNs, set...)
		p.Segs = append(p.Segs, bgp.Segment{Type: bgp.SegSet, Start: int32(len(asns)), End: int32(len(p.ASNs))})
	}
	return p
}

func route(member bgp.ASN, prefix string, path bgp.Path) Route {
	return Route{Member: member, Prefix: netip.MustParsePrefix(prefix), Path: path}
}

// testSources builds the VRPs, bogons (built-in plus one listed /16) and
// IRR of the hand-made case.
func testSources(t *testing.T) Sources {
	t.Helper()
	vrps := []rpki.VRP{
		{Prefix: netip.MustParsePrefix("193.0.0.0/21"), MaxLen: 21, ASN: 3333, TA: "ripe"},
		{Prefix: netip.MustParsePrefix("1.1.1.0/24"), MaxLen: 24, ASN: 13335, TA: "apnic"},
	}
	snap, err := rpki.NewSnapshot(vrps, nil)
	if err != nil {
		t.Fatal(err)
	}
	var bb bogon.Builder
	if _, err := bb.AddList(context.Background(), strings.NewReader("45.0.0.0/16\n"), "list", "unallocated (test list)", nil); err != nil {
		t.Fatal(err)
	}
	var ib irr.Builder
	if _, err := ib.Load(context.Background(), strings.NewReader(testRPSL), irr.Options{File: "test.rpsl", Strict: true}); err != nil {
		t.Fatal(err)
	}
	return Sources{RPKI: snap, Bogons: bb.Build(), IRR: ib.Build(), MemberSets: map[bgp.ASN]string{15169: "AS-GOOGLE"}}
}

// testRoutes is the hand-made RIB; the comment of each says what it
// violates.
var testRoutes = []Route{
	route(3333, "193.0.0.0/21", seq([]bgp.ASN{3333})),               // clean: valid, IRR exact
	route(3333, "193.0.4.0/24", seq([]bgp.ASN{3333})),               // rpki-invalid (length); IRR covered
	route(13335, "1.1.1.0/24", seq([]bgp.ASN{13335, 64512})),        // rpki-invalid (asn), bogon-asn, irr
	route(13335, "10.0.0.0/8", seq([]bgp.ASN{13335})),               // bogon-prefix (full), irr
	route(13335, "8.8.8.0/24", seq([]bgp.ASN{13335}, 15169, 23456)), // AS_SET: bogon-asn 23456, irr (no origin)
	route(13335, "45.0.1.0/24", seq([]bgp.ASN{13335, 3333})),        // bogon-prefix (administrative); IRR covered
	route(15169, "8.8.8.0/24", seq([]bgp.ASN{15169})),               // clean: IRR exact, in AS-GOOGLE
	route(15169, "8.8.4.0/24", seq([]bgp.ASN{15169, 3333})),         // irr: AS3333 registered but not in AS-GOOGLE
}

func TestCheck_handMade(t *testing.T) {
	rep := Check(testRoutes, testSources(t))

	type short struct {
		Member  bgp.ASN
		Prefix  string
		Reasons []Reason
		RPKI    string
	}
	var got []short
	for _, f := range rep.Findings {
		got = append(got, short{f.Member, f.Prefix.String(), f.Reasons, f.RPKI})
	}
	want := []short{
		{3333, "193.0.4.0/24", []Reason{RPKIInvalid}, "invalid-length"},
		{13335, "1.1.1.0/24", []Reason{RPKIInvalid, BogonASN, IRRUnregistered}, "invalid-asn"},
		{13335, "8.8.8.0/24", []Reason{BogonASN, IRRUnregistered}, "not-found"},
		{13335, "10.0.0.0/8", []Reason{BogonPrefix, IRRUnregistered}, "not-found"},
		{13335, "45.0.1.0/24", []Reason{BogonPrefix}, "not-found"},
		{15169, "8.8.4.0/24", []Reason{IRRUnregistered}, "not-found"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings mismatch (-want +got):\n%s", diff)
	}

	wantMembers := []Member{
		{3333, Counts{Routes: 2, Rejectable: 1, RPKIInvalid: 1}},
		{13335, Counts{Routes: 4, NoOrigin: 1, Rejectable: 4, RPKIInvalid: 1, BogonPrefix: 2, BogonASN: 2, IRRUnregistered: 3}},
		{15169, Counts{Routes: 2, Rejectable: 1, IRRUnregistered: 1}},
	}
	if diff := cmp.Diff(wantMembers, rep.Members); diff != "" {
		t.Errorf("members mismatch (-want +got):\n%s", diff)
	}
	wantTotal := Counts{Routes: 8, NoOrigin: 1, Rejectable: 6, RPKIInvalid: 2, BogonPrefix: 2, BogonASN: 2, IRRUnregistered: 4}
	if diff := cmp.Diff(wantTotal, rep.Total); diff != "" {
		t.Errorf("total mismatch (-want +got):\n%s", diff)
	}
}

func TestCheck_evidence(t *testing.T) {
	rep := Check(testRoutes, testSources(t))
	byKey := map[string]Finding{}
	for _, f := range rep.Findings {
		byKey[f.Member.String()+" "+f.Prefix.String()] = f
	}

	f := byKey["AS13335 1.1.1.0/24"]
	wantVRPs := []VRP{{Prefix: netip.MustParsePrefix("1.1.1.0/24"), MaxLength: 24, ASN: 13335, TA: "apnic"}}
	if diff := cmp.Diff(wantVRPs, f.VRPs, prefixes); diff != "" {
		t.Errorf("1.1.1.0/24 VRPs mismatch (-want +got):\n%s", diff)
	}
	if f.Origin != 64512 || f.Path != "13335 64512" {
		t.Errorf("1.1.1.0/24: origin %v path %q, want AS64512 and \"13335 64512\"", f.Origin, f.Path)
	}
	if len(f.BogonASNs) != 1 || f.BogonASNs[0].ASN != 64512 || f.BogonASNs[0].Kind != "full" {
		t.Errorf("1.1.1.0/24 bogon ASNs = %+v, want AS64512 full", f.BogonASNs)
	}

	f = byKey["AS13335 8.8.8.0/24"]
	if !f.NoOrigin || f.Origin != 0 {
		t.Errorf("AS_SET path: noOrigin %v origin %v, want true and AS0", f.NoOrigin, f.Origin)
	}
	if len(f.BogonASNs) != 1 || f.BogonASNs[0].ASN != 23456 {
		t.Errorf("AS_SET path bogon ASNs = %+v, want AS23456 only", f.BogonASNs)
	}

	f = byKey["AS13335 45.0.1.0/24"]
	if want := (&BogonHit{Kind: "administrative", Reason: "unallocated (test list)"}); !cmp.Equal(want, f.Bogon) {
		t.Errorf("45.0.1.0/24 bogon = %+v, want %+v", f.Bogon, want)
	}
	if f.IRR == nil || f.IRR.Match != "covered" {
		t.Errorf("45.0.1.0/24 IRR = %+v, want covered", f.IRR)
	}

	f = byKey["AS15169 8.8.4.0/24"]
	in := false
	wantIRR := &IRRResult{Match: "exact", ASSet: "AS-GOOGLE", InASSet: &in,
		Objects: []IRRObject{{Source: "RADB", Match: "exact", Prefix: netip.MustParsePrefix("8.8.4.0/24")}}}
	if diff := cmp.Diff(wantIRR, f.IRR, prefixes); diff != "" {
		t.Errorf("8.8.4.0/24 IRR mismatch (-want +got):\n%s", diff)
	}
}

func TestCheck_withoutIRR(t *testing.T) {
	src := testSources(t)
	src.IRR, src.MemberSets = nil, nil
	rep := Check(testRoutes, src)
	if rep.IRRChecked || rep.Total.IRRUnregistered != 0 {
		t.Errorf("without IRR: checked %v, unregistered %d, want false and 0", rep.IRRChecked, rep.Total.IRRUnregistered)
	}
	if rep.Total.Rejectable != 5 {
		t.Errorf("without IRR: rejectable %d, want 5 (the IRR-only route is clean)", rep.Total.Rejectable)
	}
}
