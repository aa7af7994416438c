package ingest

import (
	"context"
	"encoding/binary"
	"hash/crc32"
	"net/netip"
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

// moreFiles is paths and the files a later day adds: one of its own, and
// a copy of an earlier one, whose routes and paths the merge must find in
// what it restored.
func moreFiles(t *testing.T, paths []string) []string {
	t.Helper()
	b, err := os.ReadFile(paths[1])
	if err != nil {
		t.Fatal(err)
	}
	cp := filepath.Join(t.TempDir(), "copy-"+filepath.Base(paths[1]))
	if err := os.WriteFile(cp, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return append(slices.Clone(paths), testenv.File(t, newCacheFile), cp)
}

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
// a warm, and a warm cache plus new files: the months are the same,
// and the cache is used as it should be.
func TestPartCache_SameMonth(t *testing.T) {
	t.Run("state", func(t *testing.T) { testSameMonth(t, 4) })
	t.Run("parts", func(t *testing.T) {
		monthStates = false
		defer func() { monthStates = true }()
		testSameMonth(t, 0)
	})
}

// testSameMonth runs the steps; state is how many files the month state
// of the first step covers on the later ones.
func testSameMonth(t *testing.T, state int64) {
	var paths []string
	for _, rel := range cacheFiles {
		paths = append(paths, testenv.File(t, rel))
	}
	more := moreFiles(t, paths)
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
		state int64
	}{
		{"cold", paths, scratch, [4]int64{0, n, n, 0}, 0},
		{"warm", paths, scratch, [4]int64{n, 0, 0, 0}, state},
		{"warm plus two", more, scratchMore, [4]int64{n, 2, 2, 0}, state},
		{"warm again", more, scratchMore, [4]int64{n + 2, 0, 0, 0}, min(state, 1) * (n + 2)},
	} {
		got, st := computeCached(t, step.files, cache, nil)
		sameMonth(t, step.what, step.want, got)
		if c := counts(st); c != step.stats || st.State.Load() != step.state {
			t.Errorf("%s: hits, misses, stored, bad = %v, %d by month state; want %v, %d", step.what, c, st.State.Load(), step.stats, step.state)
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
	entries, states := cacheEntries(t, cache)
	if len(entries) != len(paths) || len(states) != 1 {
		t.Fatalf("%d entries and %d month states, want %d and 1", len(entries), len(states), len(paths))
	}
	// the month state, damaged, is ignored too
	if err := os.Truncate(states[0], 1000); err != nil {
		t.Fatal(err)
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
	if c, w := counts(st), [4]int64{n - 2, 2, 2, 3}; c != w {
		t.Errorf("hits, misses, stored, bad = %v, want %v", c, w)
	}
	// a month state with a byte flipped, without the parts beneath
	_, states = cacheEntries(t, cache)
	if len(states) != 1 {
		t.Fatalf("%d month states after the rewrite, want 1 (the one superseded is removed)", len(states))
	}
	b, err = os.ReadFile(states[0])
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/3] ^= 1
	if err := os.WriteFile(states[0], b, 0o644); err != nil {
		t.Fatal(err)
	}
	// and the entries were written again, whole
	got, st = computeCached(t, paths, cache, nil)
	sameMonth(t, "rewritten entries", want, got)
	if c, w := counts(st), [4]int64{n, 0, 0, 1}; c != w || st.State.Load() != 0 {
		t.Errorf("after the rewrite: hits, misses, stored, bad = %v, %d by month state; want %v, 0", c, st.State.Load(), w)
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
	entries, states := cacheEntries(t, cache)
	for _, e := range append(entries, states...) {
		if err := os.Chtimes(e, old, old); err != nil {
			t.Fatal(err)
		}
	}
	_, st := computeCached(t, paths[:1], cache, nil)
	if n, err := PruneCache(cache, st, 72*time.Hour); err != nil || n != 0 {
		t.Errorf("prune of entries younger than the age: %d removed, %v", n, err)
	}
	if n, err := PruneCache(cache, st, 24*time.Hour); err != nil || n != 2 {
		t.Errorf("prune: %d removed, %v; want the entry and the month state not used", n, err)
	}
	if _, st := computeCached(t, paths, cache, nil); st.Hits.Load() != 1 || st.Misses.Load() != 1 {
		t.Errorf("after the prune: %v, want the used entry kept and the other gone", counts(st))
	}
}

// cacheEntries returns the files' partials and the month states.
func cacheEntries(t *testing.T, dir string) (parts, states []string) {
	t.Helper()
	parts, err := filepath.Glob(filepath.Join(dir, "[0-9a-f][0-9a-f]", "*.part"))
	if err == nil {
		states, err = filepath.Glob(filepath.Join(dir, "state", "*", "*.part"))
	}
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(parts)
	return parts, states
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

// TestPartCache_SameFacts compares the collected facts themselves (every
// route, path, peer, adjacency and file), which the month only partly
// shows, over the same steps as TestPartCache_SameMonth.
func TestPartCache_SameFacts(t *testing.T) {
	var paths []string
	for _, rel := range cacheFiles {
		paths = append(paths, testenv.File(t, rel))
	}
	more := moreFiles(t, paths)
	collect := func(files []string, cache string) *Facts {
		t.Helper()
		f, err := Collect(context.Background(), files, CollectOptions{Workers: 2, RIBSpan: 7200, Cache: cache})
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	opts := cmp.Options{cmpopts.EquateEmpty(), cmpopts.EquateComparable(netip.Addr{}, netip.Prefix{})}
	for _, states := range []bool{true, false} {
		monthStates = states
		cache := t.TempDir()
		for _, step := range []struct {
			what  string
			files []string
		}{{"cold", paths}, {"warm", paths}, {"warm plus two", more}, {"warm again", more}} {
			want, got := collect(step.files, ""), collect(step.files, cache)
			if d := cmp.Diff(want, got, opts); d != "" {
				t.Errorf("month states %t, %s: the facts differ (-scratch +cached):\n%s", states, step.what, d)
			}
		}
	}
	monthStates = true
}

// FuzzDecodeState: no month state, however damaged, makes the decoder
// panic, and one it accepts encodes again.
func FuzzDecodeState(f *testing.F) {
	var paths []*filePart
	for _, path := range []bgp.Path{{Segs: []bgp.Segment{{Type: 2, End: 2}}, ASNs: []bgp.ASN{64500, 64501}}, {}} {
		p := &filePart{routes: newRouteTable(0), adj: map[[2]bgp.ASN]uint32{{64500, 64501}: 1}, peers: []PeerKey{{AS: 64500}}}
		c := &fileCollector{p: p, pathIDs: map[pathFP]uint32{}, pathHot: make([]pathSlot, pathHotSize)}
		c.pathID(&path)
		r := p.routes.lookup(packRoute(netip.MustParsePrefix("192.0.2.0/24"), 64501), 10, 20)
		p.routes.addPeer(r, 0)
		p.routes.addPath(r, 0)
		paths = append(paths, p)
	}
	m, s := newMerger(), &monthState{}
	for i, p := range paths {
		s.add(m, p, i)
		m.add(p)
	}
	b, err := s.encode(m, "k")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b[:len(b)-4])
	f.Fuzz(func(t *testing.T, body []byte) {
		b := binary.LittleEndian.AppendUint32(slices.Clip(body), crc32.Checksum(body, crcTable))
		for k := range 3 {
			m, s := newMerger(), &monthState{}
			if err := s.decode(b, "k", k, m); err == nil {
				if _, err := s.encode(m, "k"); err != nil {
					t.Errorf("a decoded state does not encode: %v", err)
				}
			}
		}
	})
}
