package ingest

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/dataset"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
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
		"peeringdb/20260416/prod-anon/net-page-2.json",
		"peeringdb/20260416/prod-anon/poc-page-1.json",
		"peeringdb/20260416/prod-anon/org-page-1.json",
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
	data := jinxSet(t)
	m, err := Compute(context.Background(), Config{Month: time.Date(2014, 5, 1, 0, 0, 0, 0, time.UTC), Spec: s, Data: data, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("stats %+v, %d routes, %d warnings", m.Meta.Stats, len(m.Routes), len(m.Meta.Warnings))
	// Each record's organisation is its PeeringDB network's, named when
	// the organisation page holds it.
	withOrg, named := 0, 0
	for _, a := range m.ASNs {
		n, ok := data.PeeringDB.Net(bgp.ASN(a.ASN))
		want := store.Org{}
		if ok {
			want.ID = n.OrgID
			if o, ok := data.PeeringDB.Org(n.OrgID); ok {
				want.Name = o.Name
			}
		}
		if a.Org != want {
			t.Errorf("AS%d: organisation %+v, PeeringDB %+v", a.ASN, a.Org, want)
		}
		if a.Org.ID != 0 {
			withOrg++
		}
		if a.Org.Name != "" {
			named++
		}
	}
	t.Logf("%d of %d records with a PeeringDB organisation, %d named", withOrg, len(m.ASNs), named)
	if withOrg == 0 || named == 0 {
		t.Errorf("%d records with a PeeringDB organisation, %d named: want some of each", withOrg, named)
	}
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
