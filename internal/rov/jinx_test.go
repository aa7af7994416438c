package rov_test

import (
	"testing"

	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/mrt"
	"github.com/observatory-net/observatory/internal/rov"
	"github.com/observatory-net/observatory/internal/testenv"
)

// jinxRoutes returns every distinct prefix/origin pair of the RouteViews
// jinx RIB (paths ending in an AS_SET get rov.NoOrigin).
func jinxRoutes(t *testing.T) []route {
	t.Helper()
	path := testenv.File(t, "mrt/ribs/routeviews.route-views.jinx.ribs.1401487200.bz2")
	r, err := decompress.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	sc := mrt.NewScanner(mrt.NewReader(r, path, mrt.Options{}), true)
	var out []route
	for e := range sc.Elems() {
		origin, ok := e.Attrs.Path.Origin()
		if !ok {
			origin = rov.NoOrigin
		}
		out = append(out, route{prefix: e.Prefix, origin: origin})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return distinct(out)
}

// TestValidate_crossCheckJinx is the acceptance check: every
// distinct prefix/origin pair of the jinx RIB (about 497,000, at least
// 100,000 required) validated against the 424k-VRP rpki-client set agrees
// 100% with the naive reference (bucketed scan), and a sample of them with
// the plain linear scan over all VRPs.
func TestValidate_crossCheckJinx(t *testing.T) {
	s, vrps := loadPrepdev(t)
	routes := jinxRoutes(t)
	if len(routes) < 100_000 {
		t.Fatalf("only %d distinct jinx routes, want at least 100000", len(routes))
	}
	crossCheck(t, s, newBucketed(vrps), routes)
	step := len(routes) / 500
	for i := 0; i < len(routes); i += step {
		r := routes[i]
		if got, want := rov.Validate(s, r.prefix, r.origin), naiveValidate(vrps, r.prefix, r.origin); got != want {
			t.Errorf("Validate(%s, %s) = %s, linear scan of all VRPs says %s", r.prefix, r.origin, got, want)
		}
	}
}
