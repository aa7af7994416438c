package aspa_test

import (
	"context"
	"sync"
	"testing"

	"github.com/observatory-net/observatory/internal/aspa"
	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/mrt"
	"github.com/observatory-net/observatory/internal/rpki"
	"github.com/observatory-net/observatory/internal/testenv"
)

const (
	prepdevFile = "rpki/rpki-client-prepdev-20230504.json.gz"
	jinxRIB     = "mrt/ribs/routeviews.route-views.jinx.ribs.1401487200.bz2"
)

var real struct {
	once  sync.Once
	snap  *rpki.Snapshot
	paths []bgp.Path // the distinct AS paths of the jinx RIB
	err   error
}

// loadReal reads the rpki-client set (6,647 ASPAs) and the distinct AS
// paths of the RouteViews jinx RIB, once per test binary.
func loadReal(tb testing.TB) (*rpki.Snapshot, []bgp.Path) {
	tb.Helper()
	rpkiPath, ribPath := testenv.File(tb, prepdevFile), testenv.File(tb, jinxRIB)
	real.once.Do(func() {
		d, err := rpki.Load(context.Background(), rpkiPath)
		if err != nil {
			real.err = err
			return
		}
		if real.snap, real.err = d.Snapshot(); real.err != nil {
			return
		}
		real.paths, real.err = distinctPaths(ribPath)
	})
	if real.err != nil {
		tb.Fatal(real.err)
	}
	return real.snap, real.paths
}

func distinctPaths(path string) ([]bgp.Path, error) {
	r, err := decompress.Open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	seen := map[string]bool{}
	var out []bgp.Path
	var text []byte
	sc := mrt.NewScanner(mrt.NewReader(r, path, mrt.Options{}), true)
	for e := range sc.Elems() {
		text = e.Attrs.Path.AppendText(text[:0])
		if seen[string(text)] {
			continue
		}
		seen[string(text)] = true
		out = append(out, e.Attrs.Path.Clone())
	}
	return out, sc.Err()
}

// TestVerifyPath_jinx verifies every distinct path of the jinx RIB against
// the real ASPA set with both procedures, checks that the downstream
// outcome agrees with the brute-force reference, and logs the counts. The
// ASPAs are from 2023 and the paths from 2014, so the counts say how the
// code behaves on real shapes, not how leaky 2014 was.
func TestVerifyPath_jinx(t *testing.T) {
	if testing.Short() {
		t.Skip("reads a 90 MB RIB")
	}
	s, paths := loadReal(t)
	if n := s.NumASPAs(); n != 6647 {
		t.Errorf("%d ASPAs, want 6647", n)
	}
	m := aspaMap{}
	for a := range s.ASPAs() {
		m[a.Customer] = a.Providers
	}
	counts := map[aspa.Direction]map[string]int{aspa.Upstream: {}, aspa.Downstream: {}}
	for i := range paths {
		p := &paths[i]
		for _, dir := range []aspa.Direction{aspa.Upstream, aspa.Downstream} {
			r := aspa.VerifyPath(s, p, dir, 0)
			key := r.State.String()
			if r.Reason != aspa.ReasonNone && r.Reason != aspa.ReasonRamps {
				key += " (" + r.Reason.String() + ")"
			}
			counts[dir][key]++
			if r.Reason == aspa.ReasonSet {
				continue
			}
			if want := reference(m, p.ASNs, dir); r.State != want {
				t.Errorf("VerifyPath(%s, %s) = %s, reference says %s", p, dir, r.State, want)
			}
		}
	}
	t.Logf("%d distinct paths; upstream %v; downstream %v", len(paths), counts[aspa.Upstream], counts[aspa.Downstream])
}

// TestVerifyPath_allocs checks the zero-allocation goal on real paths.
func TestVerifyPath_allocs(t *testing.T) {
	if testing.Short() {
		t.Skip("reads a 90 MB RIB")
	}
	s, paths := loadReal(t)
	i := 0
	allocs := testing.AllocsPerRun(10000, func() {
		aspa.VerifyPath(s, &paths[i%len(paths)], aspa.Downstream, 0)
		i += 7919
	})
	if allocs != 0 {
		t.Errorf("VerifyPath allocates %.2f times per path, want 0", allocs)
	}
}

// BenchmarkVerifyPath_jinx verifies the distinct jinx paths in RIB order
// against the 6,647 real ASPAs; one op is one path.
func BenchmarkVerifyPath_jinx(b *testing.B) {
	s, paths := loadReal(b)
	for _, dir := range []aspa.Direction{aspa.Upstream, aspa.Downstream} {
		b.Run(dir.String(), func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				aspa.VerifyPath(s, &paths[i], dir, 0)
				if i++; i == len(paths) {
					i = 0
				}
			}
		})
	}
}
