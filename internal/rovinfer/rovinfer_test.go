package rovinfer_test

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/mrt"
	"github.com/observatory-net/observatory/internal/rov"
	"github.com/observatory-net/observatory/internal/rovinfer"
	"github.com/observatory-net/observatory/internal/rpki"
	"github.com/observatory-net/observatory/internal/testenv"
)

// loadVRPs loads the real global VRP set of 2020-02-17.
func loadVRPs(t testing.TB) (*rpki.Snapshot, []rpki.VRP) {
	t.Helper()
	// The file holds one record with AS "-6", which the loader skips.
	d, err := rpki.Loader{SkipInvalid: true}.Load(t.Context(), testenv.File(t, "rpki/vrps-20200217-bgpsquelch-roa.csv"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := d.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	return s, d.VRPs
}

// TestInfer_knownTruth builds a small path set on real VRPs where the
// truth is known: AS 100 carries its customers' valid routes and none of
// their invalid ones (deploys), AS 300 carries the invalid ones (does
// not), AS 200 carries only valid routes of an origin that announced no
// invalid route (no evidence), AS 400 drops one invalid route and carries
// another (partial). The RPKI states come from rov.Validate on the real
// VRPs, not from the test.
func TestInfer_knownTruth(t *testing.T) {
	s, vrps := loadVRPs(t)
	// Four real IPv4 VRPs of /16…/22 with maxLength = length, distinct
	// origins: each origin announces its prefix (valid) and a /24 inside
	// it (invalid-length, with the valid /16… as an alternative).
	var picked []rpki.VRP
	for _, v := range vrps {
		if v.Prefix.Addr().Is4() && v.Prefix.Bits() >= 16 && v.Prefix.Bits() <= 22 && int(v.MaxLen) == v.Prefix.Bits() && v.ASN != 0 &&
			!slices.ContainsFunc(picked, func(p rpki.VRP) bool { return p.ASN == v.ASN }) {
			sub, _ := v.Prefix.Addr().Prefix(24)
			if rov.Validate(s, sub, v.ASN) == rov.InvalidLength && rov.Validate(s, v.Prefix, v.ASN) == rov.Valid {
				picked = append(picked, v)
			}
		}
		if len(picked) == 5 {
			break
		}
	}
	if len(picked) < 5 {
		t.Fatalf("found %d usable VRPs, want 5", len(picked))
	}
	const peer, dropper, leaker, quiet, partial = 9, 100, 300, 200, 400
	var routes []rovinfer.Route
	add := func(p netip.Prefix, origin bgp.ASN, paths ...[]bgp.ASN) {
		routes = append(routes, rovinfer.Route{Prefix: p, Origin: origin, State: rov.Validate(s, p, origin), Paths: paths})
	}
	for _, v := range picked[:3] { // customers of the dropper, also of the leaker
		sub, _ := v.Prefix.Addr().Prefix(24)
		add(v.Prefix, v.ASN, []bgp.ASN{peer, dropper, v.ASN})
		add(sub, v.ASN, []bgp.ASN{peer, leaker, v.ASN})
	}
	// The quiet AS's customer announces its valid prefix only.
	add(picked[3].Prefix, picked[3].ASN, []bgp.ASN{peer, quiet, picked[3].ASN})
	// The partial AS: neighbour of customer 0 (drops its invalid /24)
	// and of customer 4, whose invalid /24 it carries.
	add(picked[0].Prefix, picked[0].ASN, []bgp.ASN{peer, dropper, picked[0].ASN}, []bgp.ASN{peer, partial, picked[0].ASN})
	sub4, _ := picked[4].Prefix.Addr().Prefix(24)
	add(picked[4].Prefix, picked[4].ASN, []bgp.ASN{peer, partial, picked[4].ASN})
	add(sub4, picked[4].ASN, []bgp.ASN{peer, partial, picked[4].ASN})

	got := map[bgp.ASN]rovinfer.Result{}
	for _, r := range rovinfer.Infer(routes, rovinfer.Options{}) {
		got[r.ASN] = r
	}
	want := map[bgp.ASN]rovinfer.Verdict{dropper: rovinfer.Deploys, leaker: rovinfer.DoesNot, quiet: rovinfer.NotEnoughEvidence,
		partial: rovinfer.Partial, peer: rovinfer.DoesNot}
	for a, v := range want {
		if got[a].Verdict != v {
			t.Errorf("AS%d: verdict %s (%+v), want %s", a, got[a].Verdict, got[a], v)
		}
	}
	if r := got[dropper]; r.Dropped != 3 || r.PropagatedAll() != 0 || len(r.DroppedObs) != 3 || r.Confidence != 0.6 {
		t.Errorf("dropper: dropped %d, propagated %d, %d observations, confidence %v; want 3, 0, 3, 0.6",
			r.Dropped, r.PropagatedAll(), len(r.DroppedObs), r.Confidence)
	}
	if r := got[leaker]; r.PropagatedAlt != 3 || r.PropagatedNoAlt != 0 || r.Propagated[0].Alternative == "" {
		t.Errorf("leaker: %d propagated with a valid alternative, %d without, evidence %+v; want 3, 0, an alternative named",
			r.PropagatedAlt, r.PropagatedNoAlt, r.Propagated)
	}
	if r := got[partial]; r.Dropped != 1 || r.PropagatedAll() != 1 {
		t.Errorf("partial: dropped %d, propagated %d; want 1, 1", r.Dropped, r.PropagatedAll())
	}
	sum := rovinfer.Summarize(rovinfer.Infer(routes, rovinfer.Options{}), func(bgp.ASN) []string { return []string{"world"} })
	if share, ok := sum["world"].DeployShare(); !ok || share != 0.25 {
		t.Errorf("world deploy share %v (%v), want 1 of 4 judged", share, ok)
	}
}

// realRoutes reads an MRT file into routes with their distinct paths,
// validated against s.
func realRoutes(t testing.TB, rel string, s *rpki.Snapshot) []rovinfer.Route {
	t.Helper()
	path := testenv.File(t, rel)
	r, err := decompress.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	c := rovinfer.Collector{RPKI: s}
	if err := c.Add(mrt.NewScanner(mrt.NewReader(r, path, mrt.Options{}), true)); err != nil {
		t.Fatal(err)
	}
	return c.Routes()
}

// TestInfer_realInvariants checks, on the 2014 jinx RIB and the 2026
// RouteViews updates (validated against the 2020 VRPs), what must hold
// whatever the truth: an AS that "deploys" was never seen on a path of an
// invalid route (recomputed here by brute force), every AS seen
// propagating an invalid route is judged does-not or partial, the counts
// equal the evidence, and every transit AS gets a verdict.
func TestInfer_realInvariants(t *testing.T) {
	s, _ := loadVRPs(t)
	for _, file := range []string{"mrt/ribs/routeviews.route-views.jinx.ribs.1401487200.bz2", "mrt/updates/routeviews.updates.20260222.1530.bz2"} {
		t.Run(file, func(t *testing.T) {
			routes := realRoutes(t, file, s)
			onInvalid := map[bgp.ASN]int{}
			transit := map[bgp.ASN]bool{}
			invalid := 0
			for _, r := range routes {
				seen := map[bgp.ASN]bool{}
				for _, p := range r.Paths {
					for _, a := range p[:max(len(p)-1, 0)] {
						if a != r.Origin {
							transit[a] = true
							if r.State.Invalid() && r.Origin != rov.NoOrigin && !seen[a] {
								seen[a] = true
								onInvalid[a]++
							}
						}
					}
				}
				if r.State.Invalid() {
					invalid++
				}
			}
			results := rovinfer.Infer(routes, rovinfer.Options{})
			counts := map[rovinfer.Verdict]int{}
			for _, r := range results {
				counts[r.Verdict]++
				if r.Verdict == rovinfer.Deploys && onInvalid[r.ASN] > 0 {
					t.Errorf("AS%d deploys but is on the paths of %d invalid routes", r.ASN, onInvalid[r.ASN])
				}
				if onInvalid[r.ASN] != r.PropagatedAll() {
					t.Errorf("AS%d: %d invalid routes propagated, brute force says %d", r.ASN, r.PropagatedAll(), onInvalid[r.ASN])
				}
				if onInvalid[r.ASN] > 0 && r.Verdict != rovinfer.DoesNot && r.Verdict != rovinfer.Partial {
					t.Errorf("AS%d propagated invalid routes and is judged %s", r.ASN, r.Verdict)
				}
				if r.Verdict == rovinfer.Deploys && r.Dropped < 3 {
					t.Errorf("AS%d deploys on %d dropped routes", r.ASN, r.Dropped)
				}
			}
			for a := range transit {
				if _, ok := slices.BinarySearchFunc(results, a, func(r rovinfer.Result, a bgp.ASN) int { return int(r.ASN) - int(a) }); !ok {
					t.Errorf("transit AS%d has no verdict", a)
				}
			}
			if invalid == 0 || counts[rovinfer.DoesNot]+counts[rovinfer.Partial] == 0 {
				t.Errorf("%d invalid routes, verdicts %v: the file should show some AS propagating invalid routes", invalid, counts)
			}
			t.Logf("%d routes, %d invalid, %d transit ASes: %v", len(routes), invalid, len(results), counts)
		})
	}
}

// BenchmarkInfer_jinx is the inference on the jinx RIB's 497k routes.
func BenchmarkInfer_jinx(b *testing.B) {
	s, _ := loadVRPs(b)
	routes := realRoutes(b, "mrt/ribs/routeviews.route-views.jinx.ribs.1401487200.bz2", s)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rovinfer.Infer(routes, rovinfer.Options{})
	}
}
