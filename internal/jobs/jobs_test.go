package jobs

import (
	"context"
	"io/fs"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/observatory-net/observatory/internal/ingest"
	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/testenv"
)

// TestCollectArgs_KeyOptionsAreComputes: the options a collect job
// collects with are, in every field of the cache key, those Compute
// derives for its month.
func TestCollectArgs_KeyOptionsAreComputes(t *testing.T) {
	may := time.Date(2014, 5, 17, 3, 0, 0, 0, time.UTC)
	for _, cfg := range []ingest.Config{
		{Month: may, Cache: "/c"},
		{Month: may, Cache: "/c", Damaged: &inputerr.Log{}},
		{Month: may, Cache: "/c", Damaged: &inputerr.Log{Strict: true}, RIBSpan: 8 * time.Hour},
		{Month: may, Cache: "/c", AllTime: true},
	} {
		want := ingest.CollectOptionsFor(cfg)
		got := NewCollectArgs("/data/f.bz2", cfg).options()
		if got.From != want.From || got.To != want.To || got.RIBSpan != want.RIBSpan || got.Cache != want.Cache ||
			got.Damaged.IsStrict() != want.Damaged.IsStrict() {
			t.Errorf("config %+v: job options from %d to %d span %d cache %s strict %t, Compute's from %d to %d span %d cache %s strict %t",
				cfg, got.From, got.To, got.RIBSpan, got.Cache, got.Damaged.IsStrict(), want.From, want.To, want.RIBSpan, want.Cache, want.Damaged.IsStrict())
		}
	}
}

// TestCollectWorker_EntryIsComputes runs a collect job twice on a real
// update file: the first stores the file's part, the second (a retry)
// finds it, and Compute's collect of the month reads it from the cache.
func TestCollectWorker_EntryIsComputes(t *testing.T) {
	path := filepath.Join(testenv.SharedData(t), "mrt/updates/ris.rrc06.updates.1401488100.gz")
	cache := t.TempDir()
	cfg := ingest.Config{Month: time.Date(2014, 5, 1, 0, 0, 0, 0, time.UTC), Cache: cache, Damaged: &inputerr.Log{}}
	w := &CollectWorker{Log: slog.New(slog.DiscardHandler)}
	for attempt := 1; attempt <= 2; attempt++ {
		job := &river.Job[CollectArgs]{JobRow: &rivertype.JobRow{ID: 1, Attempt: attempt}, Args: NewCollectArgs(path, cfg)}
		if err := w.Work(context.Background(), job); err != nil {
			t.Fatalf("attempt %d: %v", attempt, err)
		}
		if n := entries(t, cache); n != 1 {
			t.Fatalf("after attempt %d the cache holds %d entries, want 1", attempt, n)
		}
	}
	opt := ingest.CollectOptionsFor(cfg)
	opt.CacheStats = &ingest.CacheStats{}
	facts, err := ingest.Collect(context.Background(), []string{path}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if h, m := opt.CacheStats.Hits.Load(), opt.CacheStats.Misses.Load(); h != 1 || m != 0 {
		t.Errorf("Compute's collect: %d hits, %d misses; want the job's entry read", h, m)
	}
	if facts.Updates == 0 {
		t.Error("no updates read from the cached part")
	}
}

func entries(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
