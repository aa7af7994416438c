package mrt_test

import (
	"os/exec"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/mrt"
	"github.com/observatory-net/observatory/internal/testenv"
)

// decodeFile opens a compressed MRT file and decodes every element, as
// ingest does: decompression (in lbzip2/bzip2 or a read-ahead goroutine)
// runs beside decoding, so both cores work.
func decodeFile(b *testing.B, path string) int {
	r, err := decompress.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	sc := mrt.NewScanner(mrt.NewReader(r, path, mrt.Options{}), true)
	n := 0
	var sum uint32
	for e := range sc.Elems() {
		n++
		if e.Attrs != nil {
			o, _ := e.Attrs.Path.Origin()
			sum += uint32(o)
		}
	}
	if err := sc.Err(); err != nil {
		b.Fatal(err)
	}
	return n
}

// BenchmarkEndToEnd compares, on the same compressed files in the same
// run, our decode of every route with "bgpdump -q -m FILE >/dev/null"; the
// ratio is reported as x_bgpdump (how many times faster we are).
func BenchmarkEndToEnd(b *testing.B) {
	for _, rel := range []string{
		"mrt/ribs/routeviews.route-views.jinx.ribs.1401487200.bz2",
		"mrt/updates/updates.et-header.2015.gz",
		"mrt/ribs/bview.20020722.2337.gz",
	} {
		path := testenv.File(b, rel)
		b.Run(rel, func(b *testing.B) {
			theirs := timeBgpdump(b, path)
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				n = decodeFile(b, path)
			}
			ours := b.Elapsed() / time.Duration(b.N)
			b.ReportMetric(float64(n)/ours.Seconds(), "entries/s")
			if theirs > 0 {
				b.ReportMetric(theirs.Seconds(), "bgpdump_s")
				b.ReportMetric(theirs.Seconds()/ours.Seconds(), "x_bgpdump")
			}
		})
	}
}

// timeBgpdump returns the best of three bgpdump runs, or 0 without it.
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
