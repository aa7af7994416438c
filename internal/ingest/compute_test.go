package ingest

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/dataset"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/testenv"
)

// jinxSet loads the 2014 jinx group with every kind of reference data.
func jinxSet(t *testing.T) *dataset.Set {
	t.Helper()
	ctx := context.Background()
	root := testenv.SharedData(t)
	var files []dataset.File
	for _, rel := range []string{
		"mrt/ribs/routeviews.route-views.jinx.ribs.1401487200.bz2",
		"mrt/updates/routeviews.route-views.jinx.updates.1401493500.bz2",
		"mrt/updates/ris.rrc06.updates.1401488100.gz",
		"rpki/rpki-client-prepdev-20230504.json.gz",
		"irr/ripe-db-route-sample-2016.txt",
		"irr/ripe-db-route6-sample-2016.txt",
		"as-relationships/20140101.as-rel.txt",
		"rir-delegated/2014/delegated-ripencc-latest",
		"rir-delegated/2014/delegated-apnic-latest",
		"bogons/fullbogons-ipv4.txt",
		"peeringdb/20260416/prod-anon/net-page-1.json",
		"peeringdb/20260416/prod-anon/poc-page-1.json",
	} {
		f, err := dataset.Identify(ctx, filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	s, err := dataset.Load(ctx, files, dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCompute_Smoke(t *testing.T) {
	s, _ := spec.Get(spec.Default)
	m, err := Compute(context.Background(), Config{Month: time.Date(2014, 5, 1, 0, 0, 0, 0, time.UTC), Spec: s, Data: jinxSet(t), Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("stats %+v, %d routes, %d warnings", m.Meta.Stats, len(m.Routes), len(m.Meta.Warnings))
	stale := 0
	for _, w := range m.Meta.Warnings {
		if strings.Contains(w, "rpki-client-prepdev-20230504") && strings.Contains(w, "days from the routes") {
			stale++
		}
	}
	if stale != 1 {
		t.Errorf("want one warning that the 2023 VRPs are far from the 2014 routes, got %q", m.Meta.Warnings)
	}
	counts := map[string]int{}
	for _, in := range m.Incidents {
		counts[in.Metric]++
	}
	t.Logf("incidents per metric: %v", counts)
	for _, a := range m.ASNs {
		if a.ASN == 30844 || a.ASN == 3741 || a.ASN == 15169 {
			t.Logf("%+v", a)
		}
	}
}
