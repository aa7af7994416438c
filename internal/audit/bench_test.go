package audit

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/dataset"
	"github.com/observatory-net/observatory/internal/ingest"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store/sqlite"
	"github.com/observatory-net/observatory/internal/testenv"
)

// BenchmarkAudit_jinx audits one enterprise at a time (Walmart, Mozilla,
// Forcepoint in turn) over the May 2014 jinx month once it is loaded, and
// reports the 99th percentile of one audit (p99-ns) beside the mean.
func BenchmarkAudit_jinx(b *testing.B) {
	root := testenv.SharedData(b)
	ctx := context.Background()
	var files []dataset.File
	for _, rel := range []string{"mrt/ribs/routeviews.route-views.jinx.ribs.1401487200.bz2",
		"rpki/rpki-client-prepdev-20230504.json.gz", "as-relationships/20140101.as-rel.txt"} {
		f, err := dataset.Identify(ctx, filepath.Join(root, rel))
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, f)
	}
	set, err := dataset.Load(ctx, files, dataset.Options{})
	if err != nil {
		b.Fatal(err)
	}
	sp, _ := spec.Get(spec.Default)
	m, err := ingest.Compute(ctx, ingest.Config{Month: time.Date(2014, 5, 1, 0, 0, 0, 0, time.UTC), Spec: sp, Data: set, Workers: 2})
	if err != nil {
		b.Fatal(err)
	}
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if err := st.WriteMonth(ctx, m); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	am, err := Load(ctx, st, m.Meta, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("month loaded for audits in %s: %d upstream records, %d routes", time.Since(start).Round(time.Millisecond), len(m.Upstreams), len(m.Routes))
	enterprises := []uint32{17374, 36856, 35788}
	var took []time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		t0 := time.Now()
		if _, err := am.Audit(Query{ASNs: enterprises[i%3 : i%3+1]}); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(t0))
		i++
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)*99/100].Nanoseconds()), "p99-ns")
}
