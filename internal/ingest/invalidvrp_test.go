package ingest

import (
	"encoding/json"
	"net/netip"
	"slices"
	"testing"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/dataset"
	"github.com/observatory-net/observatory/internal/irr"
	"github.com/observatory-net/observatory/internal/rov"
	"github.com/observatory-net/observatory/internal/rpki"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// TestInvalidRoutes_Evidence: each invalid route's recorded VRPs are the
// ones covering it, and none of them makes it valid (checked against
// rov.Validate, the classification itself); valid routes are left out.
func TestInvalidRoutes_Evidence(t *testing.T) {
	vrp := func(p string, maxLen uint8, asn bgp.ASN) rpki.VRP {
		return rpki.VRP{Prefix: netip.MustParsePrefix(p), MaxLen: maxLen, ASN: asn, TA: "ta"}
	}
	snap, err := rpki.NewSnapshot([]rpki.VRP{vrp("10.0.0.0/16", 16, 64500), vrp("10.0.0.0/8", 24, 64501), vrp("192.0.2.0/24", 24, 64502)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	d := &dataset.Set{RPKI: snap}
	iv := invalidRoutes{}
	routes := []RouteKey{
		{netip.MustParsePrefix("10.0.1.0/24"), 64500},  // too long for the /16, wrong AS for the /8
		{netip.MustParsePrefix("10.0.0.0/16"), 64500},  // valid
		{netip.MustParsePrefix("192.0.2.0/24"), 64500}, // wrong AS
		{netip.MustParsePrefix("198.51.100.0/24"), 64500},
	}
	for _, k := range routes {
		iv.add(d, k, Class{RPKI: rov.Validate(snap, k.Prefix, k.Origin)})
	}
	ev := iv[64500]
	if ev == nil || ev.Total != 2 || len(ev.Invalid) != 2 {
		t.Fatalf("evidence %+v: want the two invalid routes", ev)
	}
	for _, r := range ev.Invalid {
		p := netip.MustParsePrefix(r.Prefix)
		var want []CoveringVRP
		for v := range snap.CoveringVRPs(p) {
			want = append(want, CoveringVRP{Prefix: v.Prefix.String(), ASN: uint32(v.ASN), MaxLength: int(v.MaxLen), TA: v.TA})
		}
		if !slices.Equal(r.VRPs, want) || len(want) == 0 {
			t.Errorf("%s: VRPs %+v, covering %+v", r.Prefix, r.VRPs, want)
		}
		for _, v := range r.VRPs {
			if v.ASN == 64500 && v.MaxLength >= p.Bits() {
				t.Errorf("%s: VRP %+v would make it valid", r.Prefix, v)
			}
		}
	}
	rec := store.ASN{ASN: 64500, Metrics: []store.Metric{{ID: string(vocab.M7RPKI)}}}
	iv.attach(&rec)
	var back RPKIEvidence
	if err := json.Unmarshal(rec.Metrics[0].Evidence, &back); err != nil || back.Total != 2 {
		t.Errorf("M7RPKI evidence %s: %v", rec.Metrics[0].Evidence, err)
	}
}

// TestIRRSources: a route supported by route objects lists their
// sources, sorted; one without lists none.
func TestIRRSources(t *testing.T) {
	var b irr.Builder
	for _, src := range []string{"RIPE", "RADB"} {
		b.Add(&irr.Route{Header: irr.Header{Source: src}, Prefix: netip.MustParsePrefix("10.0.0.0/16"), Origin: 64500})
	}
	d := &dataset.Set{IRR: b.Build()}
	k := RouteKey{netip.MustParsePrefix("10.0.1.0/24"), 64500}
	c := Class{IRR: d.IRR.Best(k.Prefix, k.Origin)}
	if got := irrSources(d, k, c); !slices.Equal(got, []string{"RADB", "RIPE"}) {
		t.Errorf("sources %v, want RADB and RIPE", got)
	}
	other := RouteKey{k.Prefix, 64501}
	if got := irrSources(d, other, Class{IRR: d.IRR.Best(other.Prefix, other.Origin)}); got != nil {
		t.Errorf("another origin: sources %v, want none", got)
	}
}
