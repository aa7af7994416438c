package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/observatory-net/observatory/internal/ingest/synth"
	"github.com/observatory-net/observatory/internal/testenv"
)

// The partial cache benchmarks: the daily pass of a month of synthetic
// daily RIB dumps (one file a day, one synthetic peer each, the whole
// jinx table) on day 1, 10 and 30, from scratch and with the cache
// holding every day but the last; and per-file figures (collect, encode,
// decode) for real files and a synthetic one. docs/scale.md records them.
//
//	go test -run '^$' -bench 'PartCache' -benchtime 1x ./internal/ingest/
//
// OBSERVATORY_SYNTH_DAYS_DIR keeps the generated days between runs.

const benchDays = 30

func synthDays(b *testing.B) *synth.Month {
	b.Helper()
	rib := testenv.File(b, jinxRIB)
	dir := os.Getenv("OBSERVATORY_SYNTH_DAYS_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	manifest := filepath.Join(dir, "manifest.json")
	if buf, err := os.ReadFile(manifest); err == nil {
		var m synth.Month
		if err := json.Unmarshal(buf, &m); err == nil && len(m.Files) == benchDays {
			return &m
		}
	}
	m, err := synth.Generate(context.Background(), rib, dir, synth.Options{Peers: benchDays, Files: benchDays, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	buf, _ := json.Marshal(m)
	if err := os.WriteFile(manifest, buf, 0o644); err != nil {
		b.Fatal(err)
	}
	return m
}

// gzipDays returns gzip-compressed copies of the days, made once beside
// them: RIS archives are gzip, and reading them costs the decompression.
func gzipDays(b *testing.B, m *synth.Month) []string {
	b.Helper()
	var out []string
	for _, f := range m.Files {
		gz := f + ".gz"
		out = append(out, gz)
		if _, err := os.Stat(gz); err == nil {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		w, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
		w.Write(src) //nolint:errcheck // a bytes.Buffer
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(gz, buf.Bytes(), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return out
}

func BenchmarkPartCache(b *testing.B) {
	m := synthDays(b)
	b.Run("raw", func(b *testing.B) { benchDailyPass(b, m.Files) })
	b.Run("gz", func(b *testing.B) { benchDailyPass(b, gzipDays(b, m)) })
}

// benchDailyPass times the passes of day 1, 10 and 30 over the daily
// files: from scratch; with the earlier days' partials (parts); and with
// the earlier days' month state as well (state), as run has each day.
func benchDailyPass(b *testing.B, days []string) {
	cache := b.TempDir()
	opt := CollectOptions{Workers: 2, RIBSpan: 7200}
	warm := opt
	warm.Cache = cache
	// the partials of days 1..29, stored once, before the timings
	monthStates = false
	if _, err := Collect(context.Background(), days[:benchDays-1], warm); err != nil {
		b.Fatal(err)
	}
	monthStates = true
	for _, day := range []int{1, 10, 30} {
		files := days[:day]
		b.Run("day="+strconv.Itoa(day)+"/scratch", func(b *testing.B) {
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				if _, err := Collect(context.Background(), files, opt); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((cpuTime()-cpu)/float64(b.N), "cpu_s/op")
		})
		fi, err := os.Stat(files[day-1])
		if err != nil {
			b.Fatal(err)
		}
		_, name := cacheKey(files[day-1], fi, warm)
		newPart := filepath.Join(cache, name)
		s := &monthState{opt: warm, chain: stateChain(files, warm)}
		// the month state of the days before, as the day before left it
		var before []byte
		if day > 1 {
			if _, err := Collect(context.Background(), files[:day-1], warm); err != nil {
				b.Fatal(err)
			}
			if before, err = os.ReadFile(s.entry(day - 1)); err != nil {
				b.Fatal(err)
			}
		}
		pass := func(b *testing.B, states bool) {
			b.ReportAllocs()
			var cpu float64 // the passes', not the set-up's
			for b.Loop() {
				b.StopTimer()
				monthStates = states
				os.Remove(newPart)
				os.Remove(s.entry(day))
				if before != nil {
					if err := os.WriteFile(s.entry(day-1), before, 0o644); err != nil {
						b.Fatal(err)
					}
				}
				st := &CacheStats{}
				o := warm
				o.CacheStats = st
				b.StartTimer()
				c := cpuTime()
				if _, err := Collect(context.Background(), files, o); err != nil {
					b.Fatal(err)
				}
				cpu += cpuTime() - c
				if st.Misses.Load() != 1 {
					b.Fatalf("%d files read, want the day's one", st.Misses.Load())
				}
				if states && st.State.Load() != int64(day-1) {
					b.Fatalf("%d files from the month state, want %d", st.State.Load(), day-1)
				}
			}
			monthStates = true
			b.ReportMetric(cpu/float64(b.N), "cpu_s/op")
		}
		b.Run("day="+strconv.Itoa(day)+"/parts", func(b *testing.B) { pass(b, false) })
		b.Run("day="+strconv.Itoa(day)+"/state", func(b *testing.B) { pass(b, true) })
		if before != nil {
			b.Logf("day %d: the month state of the days before is %.1f MB", day, float64(len(before))/1e6)
		}
	}
}

// BenchmarkPartCacheFile measures one file: collecting it (b.SetBytes
// is its size on disk, so MB/s is per MB of MRT as stored), the size of its
// partial, and encoding and decoding the partial.
func BenchmarkPartCacheFile(b *testing.B) {
	files := map[string]func(b *testing.B) string{
		"jinx-rib-bz2": func(b *testing.B) string { return testenv.File(b, jinxRIB) },
		"updates-gz":   func(b *testing.B) string { return testenv.File(b, "mrt/updates/updates.20160811.1600.gz") },
		"synth-rib":    func(b *testing.B) string { return synthDays(b).Files[0] },
	}
	for _, name := range []string{"jinx-rib-bz2", "updates-gz", "synth-rib"} {
		b.Run(name, func(b *testing.B) {
			path := files[name](b)
			fi, err := os.Stat(path)
			if err != nil {
				b.Fatal(err)
			}
			opt := CollectOptions{RIBSpan: 7200}
			var p *filePart
			b.Run("collect", func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(fi.Size())
				for b.Loop() {
					var mu sync.Mutex
					if p, err = collectFile(context.Background(), path, opt, &mu, &sizeHint{}, false); err != nil {
						b.Fatal(err)
					}
				}
			})
			var enc []byte
			b.Run("encode", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if enc, err = encodePart("k", p); err != nil {
						b.Fatal(err)
					}
				}
				b.SetBytes(int64(len(enc)))
				b.ReportMetric(float64(len(enc))/1e6, "partial_MB")
				b.ReportMetric(float64(len(enc))/float64(fi.Size()), "partial/file")
				b.ReportMetric(float64(p.routes.len()), "routes")
				b.ReportMetric(float64(len(p.paths)), "paths")
			})
			b.Run("decode", func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(enc)))
				for b.Loop() {
					if _, err := decodePart(enc, "k", false); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
