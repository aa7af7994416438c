package ingest

import (
	"context"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/asrel"
	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/dataset"
	"github.com/observatory-net/observatory/internal/mrt/mrttest"
	"github.com/observatory-net/observatory/internal/rpki"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
)

// The ASes of the synthetic leak: origin O buys transit from P1, which
// sends the route down to its multi-homed customer X, which leaks it up to
// its other provider P2, the collector's peer. O2 is a customer of X whose
// route climbs X to P2 as it should; U1 and U2 publish no ASPA.
const (
	asP2 bgp.ASN = 65001 // the collector's peer
	asX  bgp.ASN = 65002 // the leaker
	asP1 bgp.ASN = 65003
	asO  bgp.ASN = 65004
	asO2 bgp.ASN = 65005
	asU1 bgp.ASN = 65006
	asU2 bgp.ASN = 65007
)

// aspaRoutes are the prefixes of the synthetic RIB and their paths,
// neighbour first.
var aspaRoutes = []struct {
	prefix string
	path   []uint32
}{
	{"192.0.2.0/24", []uint32{65001, 65002, 65003, 65004}},         // leaked: ASPA-invalid
	{"198.51.100.0/24", []uint32{65001, 65002, 65002, 65005}},      // valid, with a prepend
	{"203.0.113.0/24", []uint32{65001, 65006, 65007}},              // unknown: no ASPAs
	{"233.252.0.0/24", []uint32{65001}},                            // the peer's own: valid
	{"100.64.0.0/24", []uint32{65001, 65002, 65002, 65002, 65005}}, // the same valid path, prepended more
	{"198.18.0.0/24", []uint32{65001, 64500, 65006, 65007}},        // unknown: from P2's provider, below it nobody attests
}

// writeRIB writes the routes as a TABLE_DUMP_V2 RIB of one peer.
func writeRIB(t *testing.T) string {
	t.Helper()
	const ts = 1401487200
	addr := netip.MustParseAddr
	b := mrttest.Record(ts, mrttest.TypeTableDumpV2, 1, 0,
		mrttest.PeerIndex(addr("192.0.2.254"), "", []mrttest.Peer{{IP: addr("192.0.2.1"), AS: uint32(asP2), AS4: true}}))
	for i, r := range aspaRoutes {
		attrs := slices.Concat(mrttest.Attr(0x40, 1, []byte{0}), mrttest.ASPath4(r.path...), mrttest.Attr(0x40, 3, []byte{192, 0, 2, 1}))
		rib := mrttest.RIB(uint32(i), netip.MustParsePrefix(r.prefix), false, []mrttest.Entry{{Originated: ts, Attrs: attrs}})
		b = append(b, mrttest.Record(ts, mrttest.TypeTableDumpV2, 2, 0, rib)...)
	}
	path := filepath.Join(t.TempDir(), "rib.mrt")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// aspaSet is the reference data of the synthetic leak: the ASPAs, and the
// AS relationships when withRel is set.
func aspaSet(t *testing.T, withRel bool) *dataset.Set {
	t.Helper()
	snap, err := rpki.NewSnapshot(nil, []rpki.ASPA{
		{Customer: asO, Providers: []bgp.ASN{asP1}},
		{Customer: asO2, Providers: []bgp.ASN{asX}},
		{Customer: asX, Providers: []bgp.ASN{asP1, asP2}},
		{Customer: asP1, Providers: []bgp.ASN{64500}},
		{Customer: asP2, Providers: []bgp.ASN{64500}},
	})
	if err != nil {
		t.Fatal(err)
	}
	d := &dataset.Set{RPKI: snap, MRT: []dataset.File{{Path: writeRIB(t), Kind: dataset.KindMRT}}}
	if withRel {
		rels := "65003|65002|-1\n65001|65002|-1\n65003|65004|-1\n65002|65005|-1\n"
		if d.ASRel, err = asrel.Load(context.Background(), strings.NewReader(rels), "test.as-rel.txt", nil); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

func computeSynthetic(t *testing.T, d *dataset.Set) *store.Month {
	t.Helper()
	s, err := spec.Get(spec.Default)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Compute(context.Background(), Config{Month: time.Date(2014, 5, 1, 0, 0, 0, 0, time.UTC), Spec: s, Data: d, AllTime: true})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// leakIncidents returns the M1 and M1C incidents as "metric ASN" and their
// evidence, decoded.
func leakIncidents(t *testing.T, m *store.Month) (map[string]store.Incident, map[string][]map[string]any) {
	t.Helper()
	inc, ev := map[string]store.Incident{}, map[string][]map[string]any{}
	for _, in := range m.Incidents {
		if in.Metric != "M1" && in.Metric != "M1C" {
			continue
		}
		k := in.Metric + " " + bgp.ASN(in.ASN).Plain()
		if _, dup := inc[k]; dup {
			t.Errorf("two %s incidents", k)
		}
		inc[k] = in
		var e []map[string]any
		if err := json.Unmarshal(in.Evidence, &e); err != nil {
			t.Fatal(err)
		}
		ev[k] = e
	}
	return inc, ev
}

func TestCompute_ASPALeak(t *testing.T) {
	inc, ev := leakIncidents(t, computeSynthetic(t, aspaSet(t, false)))
	if diff := cmp.Diff([]string{"M1 65002", "M1C 65001"}, sortedKeys(inc)); diff != "" {
		t.Fatalf("leak incidents mismatch (-want +got):\n%s", diff)
	}
	rule := "ASPA verification (draft-ietf-sidrops-aspa-verification-24 §5.5): invalid"
	for k, evs := range ev {
		if len(evs) != 1 {
			t.Fatalf("%s: %d events, want one (the leaked prefix only): %v", k, len(evs), evs)
		}
		e := evs[0]
		want := map[string]any{"from": "65002", "to": "65001", "attester": "65001"}
		if e["rule"] != rule || e["prefix"] != "192.0.2.0/24" || e["leaker"] != "65002" || e["leakerPinned"] != true ||
			!cmp.Equal(e["hop"], want) || e["weight"] != 1.0 {
			t.Errorf("%s evidence: %v", k, e)
		}
	}
}

// TestCompute_ASPAAndValleyFree checks that a leak both detectors find is
// charged once per metric, with both rules in the evidence.
func TestCompute_ASPAAndValleyFree(t *testing.T) {
	inc, ev := leakIncidents(t, computeSynthetic(t, aspaSet(t, true)))
	if diff := cmp.Diff([]string{"M1 65002", "M1C 65001"}, sortedKeys(inc)); diff != "" {
		t.Fatalf("leak incidents mismatch (-want +got):\n%s", diff)
	}
	for k, evs := range ev {
		if len(inc[k].Events) != 1 || len(evs) != 1 {
			t.Fatalf("%s: %d events, want one", k, len(inc[k].Events))
		}
		e := evs[0]
		rules, _ := e["rules"].([]any)
		if len(rules) != 2 || !strings.HasPrefix(rules[0].(string), "valley-free") || !strings.HasPrefix(rules[1].(string), "ASPA verification") {
			t.Errorf("%s rules: %v", k, e["rules"])
		}
		if e["leaker"] != "65002" || e["from"] != "65003" || e["to"] != "65001" || e["aspa"] == nil {
			t.Errorf("%s evidence: %v", k, e)
		}
	}
}

// TestCompute_noASPAs checks that without ASPAs and AS relationships the
// same routes yield no leak at all.
func TestCompute_noASPAs(t *testing.T) {
	d := aspaSet(t, false)
	d.RPKI = nil
	if inc, _ := leakIncidents(t, computeSynthetic(t, d)); len(inc) != 0 {
		t.Errorf("leak incidents without ASPAs: %v", sortedKeys(inc))
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestLeakEvents_merge checks how findings of one path become events.
func TestLeakEvents_merge(t *testing.T) {
	s, err := spec.Get(spec.Default)
	if err != nil {
		t.Fatal(err)
	}
	finding := func(rule string, leaker, to bgp.ASN) leakFinding {
		return leakFinding{leaker: leaker, to: to, ev: map[string]any{"rule": rule}, detailKey: rule, detail: map[string]any{"rule": rule}}
	}
	tests := []struct {
		name string
		fs   []leakFinding
		want []string // "metric ASN rule"
	}{
		{"one finding", []leakFinding{finding("a", 1, 2)}, []string{"M1 1 a", "M1C 2 a"}},
		{"no AS to charge with M1C", []leakFinding{finding("a", 1, 0)}, []string{"M1 1 a"}},
		{"same leaker and receiver: one event each", []leakFinding{finding("a", 1, 2), finding("b", 1, 2)}, []string{"M1 1 a; b", "M1C 2 a; b"}},
		{"different leakers", []leakFinding{finding("a", 1, 2), finding("b", 3, 4)}, []string{"M1 1 a", "M1 3 b", "M1C 2 a", "M1C 4 b"}},
		{"one's receiver is the other's leaker", []leakFinding{finding("a", 1, 2), finding("b", 2, 4)}, []string{"M1 1 a", "M1 2 b", "M1C 2 a", "M1C 4 b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dt := &detector{d: &dataset.Set{}, s: s}
			dt.leakEvents(RouteKey{Prefix: netip.MustParsePrefix("192.0.2.0/24"), Origin: 9}, &RouteFact{First: 1, Last: 2}, tt.fs)
			var got []string
			for _, e := range dt.events {
				got = append(got, string(e.Metric)+" "+e.ASN.Plain()+" "+e.Evidence["rule"].(string))
				if e.Event.Weight != 1 {
					t.Errorf("%s: weight %v", e.Metric, e.Event.Weight)
				}
			}
			slices.Sort(got)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("events mismatch (-want +got):\n%s", diff)
			}
			for _, f := range tt.fs {
				if _, merged := f.ev["rules"]; merged {
					t.Errorf("leakEvents modified a finding's evidence: %v", f.ev)
				}
			}
		})
	}
}
