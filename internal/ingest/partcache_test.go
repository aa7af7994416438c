package ingest

import (
	"context"
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/dataset"
	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/testenv"
)

// cacheFiles are small real MRT files of several formats: TABLE_DUMP v1
// with more than 64 peers (route ids beyond the peer bit set), IPv6,
// TABLE_DUMP_V2 with an AS_SET, and BGP4MP updates.
var cacheFiles = []string{
	"mrt/ribs/namex-bgpd-rib-inet.mrt",
	"mrt/ribs/namex-bgpd-rib-inet6.mrt",
	"mrt/ribs/185.186.nlix.mrt",
	"mrt/updates/ris.rrc06.updates.1401488100.gz",
}

// newCacheFile is the file a later day adds.
const newCacheFile = "mrt/updates/routeviews.route-views.jinx.updates.1401493500.bz2"

// cacheSet loads the MRT files alone, in the order given.
func cacheSet(t *testing.T, paths []string) *dataset.Set {
	t.Helper()
	ctx := context.Background()
	var files []dataset.File
	for _, p := range paths {
		f, err := dataset.Identify(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	s, err := dataset.Load(ctx, files, dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The merge is in the order of the set's files: keep the order given,
	// a day's new files last, as a mirror's dated names sort.
	slices.SortStableFunc(s.MRT, func(a, b dataset.File) int {
		return slices.Index(paths, a.Path) - slices.Index(paths, b.Path)
	})
	return s
}

func computeCached(t *testing.T, paths []string, cache string, damaged *inputerr.Log) (*store.Month, *CacheStats) {
	t.Helper()
	s, _ := spec.Get(spec.Default)
	st := &CacheStats{}
	m, err := Compute(context.Background(), Config{Month: time.Date(2014, 5, 1, 0, 0, 0, 0, time.UTC), Spec: s,
		Data: cacheSet(t, paths), Workers: 2, AllTime: true, Damaged: damaged, Cache: cache, CacheStats: st})
	if err != nil {
		t.Fatal(err)
	}
	m.Meta.IngestedAt = time.Time{}
	return m, st
}

func sameMonth(t *testing.T, what string, want, got *store.Month) {
	t.Helper()
	if d := cmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("%s: the month differs from the one computed from scratch (-scratch +cached):\n%s", what, d)
	}
}

func counts(st *CacheStats) [4]int64 {
	return [4]int64{st.Hits.Load(), st.Misses.Load(), st.Stored.Load(), st.Bad.Load()}
}

// TestPartCache_SameMonth computes a month from scratch and with a cold,
// a warm, and a warm cache plus one new file: the months are the same,
// and the cache is used as it should be.
func TestPartCache_SameMonth(t *testing.T) {
	var paths []string
	for _, rel := range cacheFiles {
		paths = append(paths, testenv.File(t, rel))
	}
	more := append(slices.Clone(paths), testenv.File(t, newCacheFile))
	scratch, _ := computeCached(t, paths, "", nil)
	scratchMore, _ := computeCached(t, more, "", nil)
	if len(scratch.Routes) == 0 || len(scratch.ASNs) == 0 {
		t.Fatalf("empty month: %+v", scratch.Meta.Stats)
	}
	cache := t.TempDir()
	n := int64(len(paths))
	for _, step := range []struct {
		what  string
		files []string
		want  *store.Month
		stats [4]int64 // hits, misses, stored, bad
	}{
		{"cold", paths, scratch, [4]int64{0, n, n, 0}},
		{"warm", paths, scratch, [4]int64{n, 0, 0, 0}},
		{"warm plus one", more, scratchMore, [4]int64{n, 1, 1, 0}},
	} {
		got, st := computeCached(t, step.files, cache, nil)
		sameMonth(t, step.what, step.want, got)
		if c := counts(st); c != step.stats {
			t.Errorf("%s: hits, misses, stored, bad = %v, want %v", step.what, c, step.stats)
		}
	}
}

// TestPartCache_DamagedEntry flips a byte of one entry and truncates
// another: both are detected, the files read again, the month the same.
func TestPartCache_DamagedEntry(t *testing.T) {
	var paths []string
	for _, rel := range cacheFiles {
		paths = append(paths, testenv.File(t, rel))
	}
	cache := t.TempDir()
	want, _ := computeCached(t, paths, cache, nil)
	entries := cacheEntries(t, cache)
	if len(entries) != len(paths) {
		t.Fatalf("%d entries, want %d", len(entries), len(paths))
	}
	b, err := os.ReadFile(entries[0])
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x10
	if err := os.WriteFile(entries[0], b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(entries[1], 100); err != nil {
		t.Fatal(err)
	}
	got, st := computeCached(t, paths, cache, nil)
	sameMonth(t, "damaged entries", want, got)
	n := int64(len(paths))
	if c, w := counts(st), [4]int64{n - 2, 2, 2, 2}; c != w {
		t.Errorf("hits, misses, stored, bad = %v, want %v", c, w)
	}
	// and the entries were written again, whole
	got, st = computeCached(t, paths, cache, nil)
	sameMonth(t, "rewritten entries", want, got)
	if c, w := counts(st), [4]int64{n, 0, 0, 0}; c != w {
		t.Errorf("after the rewrite: hits, misses, stored, bad = %v, want %v", c, w)
	}
}

// TestPartCache_DamagedFile: a truncated file is not cached, so its
// damage is reported on every run, the same as from scratch.
func TestPartCache_DamagedFile(t *testing.T) {
	b, err := os.ReadFile(testenv.File(t, cacheFiles[3]))
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "ris.rrc06.updates.1401488100.gz")
	if err := os.WriteFile(cut, b[:len(b)*2/3], 0o644); err != nil {
		t.Fatal(err)
	}
	paths := []string{testenv.File(t, cacheFiles[2]), cut}
	want, _ := computeCached(t, paths, "", &inputerr.Log{})
	if len(want.Meta.Warnings) == 0 {
		t.Fatal("no warning for the truncated file")
	}
	cache := t.TempDir()
	for _, run := range []string{"cold", "warm"} {
		got, st := computeCached(t, paths, cache, &inputerr.Log{})
		sameMonth(t, run, want, got)
		wantStats := [4]int64{1, 1, 0, 0}
		if run == "cold" {
			wantStats = [4]int64{0, 2, 1, 0}
		}
		if c := counts(st); c != wantStats {
			t.Errorf("%s: hits, misses, stored, bad = %v, want %v", run, c, wantStats)
		}
	}
}

// TestPartCache_Prune removes the entries not used that are old enough.
func TestPartCache_Prune(t *testing.T) {
	paths := []string{testenv.File(t, cacheFiles[2]), testenv.File(t, cacheFiles[3])}
	cache := t.TempDir()
	computeCached(t, paths, cache, nil)
	old := time.Now().Add(-48 * time.Hour)
	for _, e := range cacheEntries(t, cache) {
		if err := os.Chtimes(e, old, old); err != nil {
			t.Fatal(err)
		}
	}
	_, st := computeCached(t, paths[:1], cache, nil)
	if n, err := PruneCache(cache, st, 72*time.Hour); err != nil || n != 0 {
		t.Errorf("prune of entries younger than the age: %d removed, %v", n, err)
	}
	if n, err := PruneCache(cache, st, 24*time.Hour); err != nil || n != 1 {
		t.Errorf("prune: %d removed, %v; want the one entry not used", n, err)
	}
	if _, st := computeCached(t, paths, cache, nil); st.Hits.Load() != 1 || st.Misses.Load() != 1 {
		t.Errorf("after the prune: %v, want the used entry kept and the other gone", counts(st))
	}
}

func cacheEntries(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := filepath.Glob(filepath.Join(dir, "*", "*.part"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(entries)
	return entries
}

// FuzzDecodePart: no entry, however damaged, makes the decoder panic.
func FuzzDecodePart(f *testing.F) {
	p := &filePart{routes: newRouteTable(0), adj: map[[2]bgp.ASN]uint32{{1, 2}: 3}, peers: []PeerKey{{AS: 64500}}}
	b, err := encodePart("k", p)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b[:len(b)-4])
	f.Fuzz(func(t *testing.T, body []byte) {
		// with a good checksum, for the decoder to get past it
		b := binary.LittleEndian.AppendUint32(slices.Clip(body), crc32.Checksum(body, crcTable))
		for _, first := range []bool{true, false} {
			if p, err := decodePart(b, "k", first); err == nil {
				if _, err := encodePart("k", p); err != nil {
					t.Errorf("a decoded part does not encode: %v", err)
				}
			}
		}
	})
}
