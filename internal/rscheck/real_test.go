package rscheck

import (
	"context"
	"os"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/bogon"
	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/mrt"
	"github.com/observatory-net/observatory/internal/rpki"
	"github.com/observatory-net/observatory/internal/testenv"
)

// realSources loads the 2020 global VRP set (two records with negative
// AS numbers skipped) and Team Cymru's fullbogons.
func realSources(tb testing.TB) Sources {
	tb.Helper()
	ctx := context.Background()
	d, err := rpki.Loader{SkipInvalid: true}.Load(ctx, testenv.File(tb, "rpki/vrps-20200217-bgpsquelch-roa.csv"))
	if err != nil {
		tb.Fatal(err)
	}
	// 130,043 records (PROVENANCE.md's 130,045 counts two blank lines),
	// as internal/rpki's TestLoad_bgpsquelch reads them.
	if len(d.VRPs) != 130041 || d.Skipped != 2 {
		tb.Fatalf("VRPs: %d read, %d skipped; want 130041 and 2", len(d.VRPs), d.Skipped)
	}
	snap, err := d.Snapshot()
	if err != nil {
		tb.Fatal(err)
	}
	var bb bogon.Builder
	for _, rel := range []string{"bogons/fullbogons-ipv4.txt", "bogons/fullbogons-ipv6.txt"} {
		f, err := os.Open(testenv.File(tb, rel))
		if err != nil {
			tb.Fatal(err)
		}
		_, err = bb.AddList(ctx, f, rel, "Team Cymru fullbogons", nil)
		f.Close()
		if err != nil {
			tb.Fatal(err)
		}
	}
	return Sources{RPKI: snap, Bogons: bb.Build()}
}

// readRoutes reads every route of a shared MRT file, strictly.
func readRoutes(tb testing.TB, rel string) []Route {
	tb.Helper()
	path := testenv.File(tb, rel)
	r, err := decompress.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer r.Close()
	var out []Route
	for rt, err := range MRTRoutes(mrt.NewScanner(mrt.NewReader(r, path, mrt.Options{}), true)) {
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, rt)
	}
	return out
}

// TestCheck_namex pins the figures of the NAMEX route server's RIBs of
// 2020-09-29 against the VRPs of 2020-02-17 (the set of nearest date in
// the shared data) and the fullbogons of 2022-03. The route counts are
// PROVENANCE.md's; the RPKI-invalid routes are cross-checked with the
// validate command in cmd/observatory (TestRSCheckCmd_matchesValidate).
func TestCheck_namex(t *testing.T) {
	src := realSources(t)
	tests := []struct {
		file string
		want Counts
	}{
		// 107 entries of 4-octet members appear with peer AS_TRANS.
		{"mrt/ribs/namex-bgpd-rib-inet.mrt", Counts{Routes: 3426, MemberFromPath: 107, Rejectable: 56, RPKIInvalid: 53, BogonASN: 3}},
		{"mrt/ribs/namex-bgpd-rib-inet6.mrt", Counts{Routes: 432, MemberFromPath: 16, Rejectable: 3, RPKIInvalid: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			rep := Check(readRoutes(t, tt.file), src)
			if diff := cmp.Diff(tt.want, rep.Total); diff != "" {
				t.Errorf("counts mismatch (-want +got):\n%s", diff)
			}
			var sum Counts
			for _, m := range rep.Members {
				if m.ASN == 23456 {
					t.Errorf("AS_TRANS listed as a member: %+v", m)
				}
				sum.Routes += m.Routes
				sum.Rejectable += m.Rejectable
			}
			if sum.Routes != rep.Total.Routes || sum.Rejectable != len(rep.Findings) {
				t.Errorf("members sum to %d routes, %d rejectable; total %d, %d findings", sum.Routes, sum.Rejectable, rep.Total.Routes, len(rep.Findings))
			}
			for _, f := range rep.Findings {
				if slices.Contains(f.Reasons, RPKIInvalid) && len(f.VRPs) == 0 {
					t.Errorf("%s %s: RPKI-invalid without a covering VRP", f.Member, f.Prefix)
				}
			}
		})
	}
}

// TestCheck_namexBogonASNs names the three bogon-ASN routes: AS15720
// passed on routes with private AS numbers (RFC 6996) in their paths.
func TestCheck_namexBogonASNs(t *testing.T) {
	rep := Check(readRoutes(t, "mrt/ribs/namex-bgpd-rib-inet.mrt"), realSources(t))
	type hit struct {
		Member bgp.ASN
		Prefix string
		Path   string
	}
	var got []hit
	for _, f := range rep.Findings {
		if slices.Contains(f.Reasons, BogonASN) {
			got = append(got, hit{f.Member, f.Prefix.String(), f.Path})
		}
	}
	want := []hit{
		{15720, "62.241.10.0/24", "15720 65100 65505"},
		{15720, "62.241.14.0/24", "15720 65501"},
		{15720, "62.241.15.0/24", "15720 65100 65505"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("bogon-ASN routes mismatch (-want +got):\n%s", diff)
	}
}

func BenchmarkCheck_namex(b *testing.B) {
	src := realSources(b)
	routes := slices.Concat(readRoutes(b, "mrt/ribs/namex-bgpd-rib-inet.mrt"), readRoutes(b, "mrt/ribs/namex-bgpd-rib-inet6.mrt"))
	b.ReportAllocs()
	for b.Loop() {
		rep := Check(routes, src)
		if rep.Total.Routes != len(routes) {
			b.Fatalf("checked %d routes of %d", rep.Total.Routes, len(routes))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(routes)), "ns/route")
}
