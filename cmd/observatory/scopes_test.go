package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/observatory-net/observatory/internal/region"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/testenv"
)

// fold is the spelling-blind form of an aggregate key: case, spaces and
// punctuation ignored, and RIR aliases ("ripencc", "RIPE") mapped to the
// RIR.
func fold(scope, key string) string {
	if r, ok := region.ParseRIR(key); ok && scope == "rir" {
		return r
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, key)
}

// TestEngine_OneKeyPerScope: over a real month (the jinx RIB of May 2014
// with every delegated file of the shared data, IANA's and the reserved
// ZZ rows included, and the AS name lists), every ASN record's RIR,
// economy, region and sub-region is a canonical key, and no aggregation
// scope holds two keys for one entity.
func TestEngine_OneKeyPerScope(t *testing.T) {
	root := testenv.SharedData(t)
	dir := t.TempDir()
	for _, rel := range []string{"mrt/ribs/routeviews.route-views.jinx.ribs.1401487200.bz2", "mrt/updates/ris.rrc06.updates.1401488100.gz",
		"rir-delegated", "asnames"} {
		if err := os.Symlink(filepath.Join(root, rel), filepath.Join(dir, filepath.Base(rel))); err != nil {
			t.Fatal(err)
		}
	}
	db := filepath.Join(t.TempDir(), "k.db")
	if code, out := runCLI(t, "ingest", "--db", db, "--data", dir, "--month", "2014-05", "--quiet"); code != 0 {
		t.Fatalf("ingest exit %d: %s", code, out)
	}
	st, err := openStore(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	metas, err := st.Months(t.Context())
	if err != nil || len(metas) != 1 {
		t.Fatalf("months %v, %v", metas, err)
	}
	m := metas[0]
	asns, err := st.ASNs(t.Context(), m.Month, m.Spec, store.Filter{})
	if err != nil || len(asns) < 40000 {
		t.Fatalf("%d ASNs, %v", len(asns), err)
	}
	rirs, regions := region.RIRs(), region.Regions()
	var noRIR, noCountry int
	for _, a := range asns {
		if a.RIR == "" {
			noRIR++
		} else if !slices.Contains(rirs, a.RIR) {
			t.Errorf("AS%d: RIR %q is not one of %v", a.ASN, a.RIR, rirs)
		}
		if a.Country == "" {
			noCountry++
		} else if region.EconomyKey(a.Country) != a.Country {
			t.Errorf("AS%d: economy %q, canonical %q", a.ASN, a.Country, region.EconomyKey(a.Country))
		}
		if a.Region != "" && !slices.Contains(regions, a.Region) {
			t.Errorf("AS%d: region %q", a.ASN, a.Region)
		}
		if a.SubRegion != "" && !slices.Contains(region.SubRegions(a.Region), a.SubRegion) {
			t.Errorf("AS%d: sub-region %q not of %q", a.ASN, a.SubRegion, a.Region)
		}
		if e, ok := region.Lookup(a.Country); ok && (a.Region != e.Region || a.SubRegion != e.SubRegion) {
			t.Errorf("AS%d: %s is in %s/%s, the record says %s/%s", a.ASN, a.Country, e.Region, e.SubRegion, a.Region, a.SubRegion)
		}
	}
	t.Logf("%d ASNs, %d without an RIR, %d without an economy", len(asns), noRIR, noCountry)
	if noRIR > len(asns)/100 {
		t.Errorf("%d of %d ASNs without an RIR", noRIR, len(asns))
	}
	for _, scope := range []string{"economy", "region", "subregion", "rir"} {
		aggs, err := st.Aggregates(t.Context(), m.Month, m.Spec, scope)
		if err != nil || len(aggs) == 0 {
			t.Fatalf("aggregates of %s: %d, %v", scope, len(aggs), err)
		}
		keys := map[string]string{}
		for _, a := range aggs {
			f := fold(scope, a.Key)
			if other, ok := keys[f]; ok && other != a.Key {
				t.Errorf("scope %s: keys %q and %q name one entity", scope, other, a.Key)
			}
			keys[f] = a.Key
			if scope == "rir" && !slices.Contains(rirs, a.Key) {
				t.Errorf("rir aggregate key %q", a.Key)
			}
			if scope == "economy" && (a.Key == "ZZ" || region.EconomyKey(a.Key) != a.Key) {
				t.Errorf("economy aggregate key %q", a.Key)
			}
		}
	}
}
