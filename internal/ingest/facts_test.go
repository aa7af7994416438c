package ingest

import (
	"context"
	"maps"
	"net/netip"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/bgpdump"
	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/mrt"
	"github.com/observatory-net/observatory/internal/testenv"
)

// independentRoutes recomputes the distinct prefix/origin pairs and their
// peers from the bgpdump text form of a file, by string handling alone.
func independentRoutes(t *testing.T, path string) map[string]map[string]bool {
	r, err := decompress.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	out := map[string]map[string]bool{}
	sc := mrt.NewScanner(mrt.NewReader(r, path, mrt.Options{}), false)
	var line []byte
	for e := range sc.Elems() {
		line = bgpdump.AppendLine(line[:0], e, bgpdump.Options{})
		f := strings.Split(string(line), "|")
		if f[2] != "B" && f[2] != "A" {
			continue
		}
		hops := strings.Fields(f[6])
		origin := "0"
		if n := len(hops); n > 0 && !strings.ContainsAny(hops[n-1], "{}()[]") {
			origin = hops[n-1]
		}
		k := f[5] + " " + origin
		if out[k] == nil {
			out[k] = map[string]bool{}
		}
		out[k][f[3]+" "+f[4]] = true
	}
	return out
}

func TestCollect_MatchesIndependentCount(t *testing.T) {
	files := []string{
		testenv.File(t, "mrt/ribs/routeviews.route-views.jinx.ribs.1401487200.bz2"),
		testenv.File(t, "mrt/updates/routeviews.route-views.jinx.updates.1401493500.bz2"),
		testenv.File(t, "mrt/updates/ris.rrc06.updates.1401488100.gz"),
	}
	f, err := Collect(context.Background(), files, CollectOptions{Workers: 2, RIBSpan: 7200})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]bool{}
	for _, p := range files {
		for k, peers := range independentRoutes(t, p) {
			if want[k] == nil {
				want[k] = map[string]bool{}
			}
			maps.Copy(want[k], peers)
		}
	}
	if len(f.Routes) != len(want) {
		t.Fatalf("%d distinct routes, independent count %d", len(f.Routes), len(want))
	}
	bad := 0
	for k, rf := range f.Routes {
		wk := k.Prefix.String() + " " + k.Origin.Plain()
		if len(want[wk]) != len(rf.Peers) {
			if bad++; bad < 5 {
				t.Errorf("%s: %d peers, independent %d", wk, len(rf.Peers), len(want[wk]))
			}
		}
	}
	t.Logf("%d routes, %d peers, %d paths, %d RIB entries, %d announcements", len(f.Routes), len(f.Peers), len(f.Paths), f.RIBEntries, f.Updates)
	// One fixed route: 1.0.4.0/24 from AS56203 via AS7545 (jinx RIB, real-peers.md §1).
	rf := f.Routes[RouteKey{Prefix: netip.MustParsePrefix("1.0.4.0/24"), Origin: bgp.ASN(56203)}]
	if rf == nil || len(rf.Upstreams) == 0 || rf.Upstreams[0] != 7545 || rf.First != 1401487200 || rf.Last < 1401487200+7200 {
		t.Errorf("1.0.4.0/24 AS56203: %+v", rf)
	}
}
