package httpapi

import (
	"slices"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/internal/store"
)

// TestMonthInputs_NoServerPaths: the public inputs name files relative to
// the data directory, never by the server's absolute paths.
func TestMonthInputs_NoServerPaths(t *testing.T) {
	m := &store.MonthMeta{
		Inputs: []store.Input{
			{Kind: "mrt", Path: "/srv/obs/data/mrt/ribs/rib.bz2", Target: "/mnt/archive/rib.bz2"},
			{Kind: "vrp", Path: "/srv/obs/data/rpki/vrps.json"},
			{Kind: "vrp", Path: "https://rpki.example/vrps.json"},
		},
		NotUsed:  []store.NotUsedInput{{Kind: "irr", Path: "/srv/obs/data/irr/2016/ripe.db"}},
		Warnings: []string{"/srv/obs/data/mrt/ribs/rib.bz2: 2 damaged records skipped", "no path here"},
	}
	out := monthInputsOf(m)
	var got []string
	for _, in := range out.Inputs {
		got = append(got, in.Path, in.Target)
	}
	got = append(got, out.NotUsed[0].Path)
	got = append(got, out.Warnings...)
	want := []string{"mrt/ribs/rib.bz2", "rib.bz2", "rpki/vrps.json", "", "https://rpki.example/vrps.json", "",
		"irr/2016/ripe.db", "mrt/ribs/rib.bz2: 2 damaged records skipped", "no path here"}
	if !slices.Equal(got, want) {
		t.Errorf("paths\n got %q\nwant %q", got, want)
	}
	for _, s := range got {
		if strings.Contains(s, "/srv/") || strings.Contains(s, "/mnt/") {
			t.Errorf("%q names a server path", s)
		}
	}
	if r := dataRoot(&store.MonthMeta{Inputs: []store.Input{{Path: "/a/b/c"}, {Path: "/x/y"}}}); r != "/" {
		t.Errorf("root of /a/b/c and /x/y: %q, want /", r)
	}
}
