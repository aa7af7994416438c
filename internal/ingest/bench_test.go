package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/dataset"
	"github.com/observatory-net/observatory/internal/ingest/synth"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/testenv"
)

// The ingest benchmarks run the measured work in a child process (this
// test binary again, TestIngestBenchChild), so that the peak memory is the
// kernel's max RSS of a process that did nothing else, next to the peak of
// the Go heap sampled inside it. The figures are custom metrics; ns/op
// also counts the child's start-up and reference data loading.
//
//	go test -run '^$' -bench 'Ingest' -benchtime 3x ./internal/ingest/
//
// OBSERVATORY_SYNTH_DIR keeps the generated synthetic month between runs.

const (
	jinxRIB   = "mrt/ribs/routeviews.route-views.jinx.ribs.1401487200.bz2"
	jinxVRPs  = "rpki/rpki-client-prepdev-20230504.json.gz"
	benchEnv  = "OBSERVATORY_INGEST_BENCH_CHILD"
	resultTag = "INGEST-BENCH-RESULT "
)

// benchJob is what the child process runs.
type benchJob struct {
	Compute bool     // full Compute, else Collect alone
	MRT     []string // MRT files
	Ref     []string // reference files loaded first (VRPs)
	Workers int
	// Cache is the partial cache (Config.Cache, CollectOptions.Cache); "" for none.
	Cache string
}

// benchResult is what the child reports.
type benchResult struct {
	Entries     int64   // RIB entries and announcements read
	Routes      int     // prefix/origin pairs
	Paths       int     // distinct paths (Collect only)
	LoadSec     float64 // loading the reference data
	WorkSec     float64 // Collect or Compute
	WorkCPUSec  float64 // user+system CPU time of the work
	PeakHeapMB  float64 // sampled peak of live+unswept heap objects
	PeakGoMemMB float64 // sampled peak of memory mapped by the Go runtime, minus released
	RSSMB       float64 // max RSS of the child, filled in by the parent
}

func BenchmarkIngest(b *testing.B) {
	b.Run("jinx", func(b *testing.B) {
		rib, vrps := testenv.File(b, jinxRIB), testenv.File(b, jinxVRPs)
		b.Run("collect", func(b *testing.B) {
			theirs := timeBgpdump(b, rib)
			r := runBench(b, benchJob{MRT: []string{rib}, Workers: 2})
			if theirs > 0 {
				b.ReportMetric(theirs.Seconds(), "bgpdump_s")
				b.ReportMetric(theirs.Seconds()/r.WorkSec, "x_bgpdump")
			}
		})
		b.Run("compute", func(b *testing.B) {
			runBench(b, benchJob{Compute: true, MRT: []string{rib}, Ref: []string{vrps}, Workers: 2})
		})
	})
	b.Run("synth", func(b *testing.B) {
		vrps := testenv.File(b, jinxVRPs)
		m := synthMonth(b)
		b.Logf("synthetic month: %d files, %d peers, %d prefixes, %d entries, %d MB", len(m.Files), m.Peers, m.Prefixes, m.Entries, m.Bytes>>20)
		b.Run("collect", func(b *testing.B) {
			runBench(b, benchJob{MRT: m.Files, Ref: []string{vrps}, Workers: 2})
		})
		b.Run("compute", func(b *testing.B) {
			runBench(b, benchJob{Compute: true, MRT: m.Files, Ref: []string{vrps}, Workers: 2})
		})
		// The daily pass of issue 15: every file's partial cached (and the
		// month state of the files so far), so that the pass merges and
		// scores; its peak RSS is the merge's. The cache is filled by a
		// first, unmeasured pass.
		b.Run("compute-cached", func(b *testing.B) {
			cache := b.TempDir()
			job := benchJob{Compute: true, MRT: m.Files, Ref: []string{vrps}, Workers: 2, Cache: cache}
			runChild(b, job)
			runBench(b, job)
		})
		// The merge of a daily pass alone: the month state of every file
		// but the last cached (a first, unmeasured pass over them), Collect
		// restores it, reads the last file and merges it into the month's
		// facts, which classification and scoring then read.
		b.Run("merge-cached", func(b *testing.B) {
			cache := b.TempDir()
			runChild(b, benchJob{MRT: m.Files[:len(m.Files)-1], Workers: 2, Cache: cache})
			job := benchJob{MRT: m.Files, Workers: 2, Cache: cache}
			runBench(b, job)
		})
	})
}

// synthMonth generates the synthetic month from the jinx RIB, in a
// temporary directory or, when set, in $OBSERVATORY_SYNTH_DIR, where a
// month generated before is reused.
func synthMonth(b *testing.B) *synth.Month {
	b.Helper()
	rib := testenv.File(b, jinxRIB)
	dir := os.Getenv("OBSERVATORY_SYNTH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	manifest := filepath.Join(dir, "manifest.json")
	if buf, err := os.ReadFile(manifest); err == nil {
		var m synth.Month
		if err := json.Unmarshal(buf, &m); err == nil {
			return &m
		}
	}
	start := time.Now()
	m, err := synth.Generate(context.Background(), rib, dir, synth.Options{Peers: 32, Files: 4, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("generated the synthetic month in %v", time.Since(start).Round(time.Millisecond))
	buf, _ := json.Marshal(m)
	if err := os.WriteFile(manifest, buf, 0o644); err != nil {
		b.Fatal(err)
	}
	return m
}

// runBench runs the job in a child process once per iteration and reports
// the mean throughput and times and the largest peaks.
func runBench(b *testing.B, job benchJob) benchResult {
	b.Helper()
	b.ReportAllocs()
	var sum, peak benchResult
	n := 0
	for b.Loop() {
		r := runChild(b, job)
		n++
		sum.WorkSec += r.WorkSec
		sum.WorkCPUSec += r.WorkCPUSec
		sum.LoadSec += r.LoadSec
		sum.Entries = r.Entries
		peak.RSSMB = max(peak.RSSMB, r.RSSMB)
		peak.PeakHeapMB = max(peak.PeakHeapMB, r.PeakHeapMB)
		peak.PeakGoMemMB = max(peak.PeakGoMemMB, r.PeakGoMemMB)
		b.Logf("entries %d routes %d paths %d: load %.2fs, work %.2fs (cpu %.2fs), %.0f entries/s, heap %.0f MB, go %.0f MB, rss %.0f MB",
			r.Entries, r.Routes, r.Paths, r.LoadSec, r.WorkSec, r.WorkCPUSec, float64(r.Entries)/r.WorkSec, r.PeakHeapMB, r.PeakGoMemMB, r.RSSMB)
	}
	mean := benchResult{Entries: sum.Entries, WorkSec: sum.WorkSec / float64(n), WorkCPUSec: sum.WorkCPUSec / float64(n), LoadSec: sum.LoadSec / float64(n)}
	b.ReportMetric(float64(mean.Entries)/mean.WorkSec, "entries/s")
	b.ReportMetric(mean.WorkSec, "work_s")
	b.ReportMetric(mean.WorkCPUSec, "cpu_s")
	b.ReportMetric(mean.LoadSec, "load_s")
	b.ReportMetric(peak.RSSMB, "peak_rss_MB")
	b.ReportMetric(peak.PeakHeapMB, "peak_heap_MB")
	b.ReportMetric(peak.PeakGoMemMB, "peak_gomem_MB")
	return mean
}

func runChild(b *testing.B, job benchJob) benchResult {
	b.Helper()
	arg, _ := json.Marshal(job)
	cmd := exec.Command(os.Args[0], "-test.run=^TestIngestBenchChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), benchEnv+"="+string(arg))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		b.Fatalf("bench child: %v\n%s", err, out.Bytes())
	}
	i := bytes.Index(out.Bytes(), []byte(resultTag))
	if i < 0 {
		b.Fatalf("bench child wrote no result:\n%s", out.Bytes())
	}
	line, _, _ := bytes.Cut(out.Bytes()[i+len(resultTag):], []byte("\n"))
	var r benchResult
	if err := json.Unmarshal(line, &r); err != nil {
		b.Fatalf("bench child result %q: %v", line, err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.RSSMB = float64(ru.Maxrss) / 1024 // KiB on Linux
	}
	return r
}

// TestIngestBenchChild is the child side of BenchmarkIngest; without the
// job in its environment it does nothing.
func TestIngestBenchChild(t *testing.T) {
	arg := os.Getenv(benchEnv)
	if arg == "" {
		return
	}
	var job benchJob
	if err := json.Unmarshal([]byte(arg), &job); err != nil {
		t.Fatal(err)
	}
	stop := sampleMemory()
	var r benchResult
	ctx := context.Background()
	start := time.Now()
	var files []dataset.File
	for _, p := range append(slices.Clone(job.Ref), job.MRT...) {
		f, err := dataset.Identify(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	set, err := dataset.Load(ctx, files, dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r.LoadSec = time.Since(start).Seconds()
	cpu0 := cpuTime()
	start = time.Now()
	if job.Compute {
		s, _ := spec.Get(spec.Default)
		m, err := Compute(ctx, Config{Month: time.Date(2014, 5, 1, 0, 0, 0, 0, time.UTC), Spec: s, Data: set, Workers: job.Workers,
			Cache: job.Cache})
		if err != nil {
			t.Fatal(err)
		}
		r.Entries, r.Routes = m.Meta.Stats.RIBEntries+m.Meta.Stats.Updates, len(m.Routes)
	} else {
		f, err := Collect(ctx, job.MRT, CollectOptions{Workers: job.Workers, RIBSpan: 7200, Cache: job.Cache})
		if err != nil {
			t.Fatal(err)
		}
		r.Entries, r.Routes, r.Paths = f.RIBEntries+f.Updates, len(f.Routes), len(f.Paths)
		runtime.KeepAlive(f)
	}
	r.WorkSec = time.Since(start).Seconds()
	r.WorkCPUSec = cpuTime() - cpu0
	runtime.KeepAlive(set)
	r.PeakHeapMB, r.PeakGoMemMB = stop()
	buf, _ := json.Marshal(r)
	fmt.Printf("\n%s%s\n", resultTag, buf)
}

// cpuTime returns the process's user and system CPU seconds.
func cpuTime() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// sampleMemory samples the Go heap every 5 ms until the returned function
// is called, which returns the peaks in MB.
func sampleMemory() func() (heapMB, goMB float64) {
	samples := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
	}
	var heap, total uint64
	read := func() {
		metrics.Read(samples)
		heap = max(heap, samples[0].Value.Uint64())
		total = max(total, samples[1].Value.Uint64()-samples[2].Value.Uint64())
	}
	done, stopped := make(chan struct{}), make(chan struct{})
	var once sync.Once
	go func() {
		defer close(stopped)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				read()
			}
		}
	}()
	return func() (float64, float64) {
		once.Do(func() { close(done) })
		<-stopped
		read()
		return float64(heap) / (1 << 20), float64(total) / (1 << 20)
	}
}

// timeBgpdump returns the best of three "bgpdump -q -m" runs over path, or
// 0 without bgpdump.
func timeBgpdump(b *testing.B, path string) time.Duration {
	tool, err := exec.LookPath("bgpdump")
	if err != nil {
		return 0
	}
	best := time.Duration(1<<63 - 1)
	for range 3 {
		start := time.Now()
		if err := exec.Command(tool, "-q", "-m", "-O", "/dev/null", path).Run(); err != nil {
			b.Fatalf("bgpdump: %v", err)
		}
		best = min(best, time.Since(start))
	}
	return best
}
