package sources

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestDefault_Valid(t *testing.T) {
	c := Default()
	if c.Source("routeviews") == nil || c.Source("ripe-rpki-archive") == nil {
		t.Fatal("built-in catalogue lacks routeviews or the RPKI archive")
	}
	files, err := c.Expand(time.Date(2014, 5, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	var ribs int
	for _, f := range files {
		if f.Kind == "mrt" {
			ribs++
		}
	}
	if ribs != 2*31 { // two collectors, one RIB a day
		t.Errorf("%d MRT files for May 2014, want 62", ribs)
	}
}

func TestCatalogue_Merge(t *testing.T) {
	c := Default()
	user := `
settings:
  updates: [2345, "2215"]
  days: [30]
sources:
  - name: routeviews
    collectors: [route-views.jinx]
    ribs_per_day: 0
  - name: ris
    collectors: [rrc06]
    ribs_per_day: 0
  - name: bogons
    enabled: false
  - name: extra
    kind: irr
    latest: https://example.net/extra.db.gz
`
	if err := c.Merge([]byte(user)); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	files, err := c.Expand(time.Date(2014, 5, 1, 0, 0, 0, 0, time.UTC), now)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		if f.Kind == "mrt" || f.Source == "extra" || f.Source == "bogons" || f.Source == "caida-as-rel" {
			got = append(got, f.Name()+" -> "+f.Locations[0].Path)
		}
	}
	want := []string{
		"http://archive.routeviews.org/route-views.jinx/bgpdata/2014.05/UPDATES/updates.20140530.2215.bz2 -> routeviews/2014-05-30/route-views.jinx/updates.20140530.2215.bz2",
		"http://archive.routeviews.org/route-views.jinx/bgpdata/2014.05/UPDATES/updates.20140530.2345.bz2 -> routeviews/2014-05-30/route-views.jinx/updates.20140530.2345.bz2",
		"https://data.ris.ripe.net/rrc06/2014.05/updates.20140530.2215.gz -> ris/2014-05-30/rrc06/updates.20140530.2215.gz",
		"https://data.ris.ripe.net/rrc06/2014.05/updates.20140530.2345.gz -> ris/2014-05-30/rrc06/updates.20140530.2345.gz",
		"https://publicdata.caida.org/datasets/as-relationships/serial-1/20140501.as-rel.txt.bz2 -> caida-as-rel/2014-05-01/20140501.as-rel.txt.bz2",
		"https://example.net/extra.db.gz -> extra/2026-11-23/extra.db.gz",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Expand() mismatch (-want +got):\n%s", diff)
	}
	if n := len(c.Source("caida-as-rel").Archive); n != 1 {
		t.Errorf("as-rel archive templates = %d, want the built-in 1", n)
	}
	for _, f := range files {
		if f.Source == "caida-as-rel" && len(f.Locations) != 7 {
			t.Errorf("as-rel locations = %d, want the month and 6 earlier", len(f.Locations))
		}
	}
}

func TestCatalogue_ExpandCurrentMonth(t *testing.T) {
	c := Default()
	now := time.Date(2026, 11, 3, 1, 0, 0, 0, time.UTC)
	files, err := c.Expand(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), now)
	if err != nil {
		t.Fatal(err)
	}
	var mrt int
	for _, f := range files {
		if f.Kind == "mrt" {
			mrt++
		}
		if f.Source == "ripe-rpki-archive" || f.Source == "caida-peeringdb" {
			t.Errorf("past-only source %s expanded for the current month", f.Source)
		}
	}
	if mrt != 2*3 { // 1, 2 and 3 November, 00:00 of the 3rd published by 01:00
		t.Errorf("%d MRT files, want 6", mrt)
	}
	if _, err := c.Expand(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), now); err == nil {
		t.Error("Expand of a month not started: no error")
	}
}

func TestCatalogue_MergeRejects(t *testing.T) {
	for name, in := range map[string]string{
		"unnamed source": "sources:\n  - kind: irr\n",
		"bad time":       "settings:\n  updates: [25:00]\n",
		"bad when":       "sources:\n  - name: bogons\n    when: sometimes\n",
	} {
		t.Run(name, func(t *testing.T) {
			if err := Default().Merge([]byte(in)); err == nil {
				t.Error("Merge: no error")
			}
		})
	}
}
