package mrt

import (
	"bytes"
	"io"
	"testing"

	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/testenv"
)

const jinxRIB = "mrt/ribs/routeviews.route-views.jinx.ribs.1401487200.bz2"

// loadRaw returns the decompressed content of a shared MRT file.
func loadRaw(b *testing.B, rel string) []byte {
	b.Helper()
	r, err := decompress.Open(testenv.File(b, rel))
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	raw, err := io.ReadAll(r)
	if err != nil {
		b.Fatal(err)
	}
	return raw
}

// scanAll decodes every element and returns how many there were; it
// touches the origin so the attributes are really decoded.
func scanAll(b *testing.B, r io.Reader) int {
	sc := NewScanner(NewReader(r, "bench", Options{}), true)
	n, sum := 0, uint32(0)
	for e := range sc.Elems() {
		n++
		if e.Attrs != nil {
			if o, ok := e.Attrs.Path.Origin(); ok {
				sum += uint32(o)
			}
		}
	}
	if err := sc.Err(); err != nil {
		b.Fatal(err)
	}
	_ = sum
	return n
}

// BenchmarkScanner_JinxRIB measures decoding alone on the uncompressed
// RouteViews jinx RIB (TABLE_DUMP_V2, 503,590 entries).
func BenchmarkScanner_JinxRIB(b *testing.B) {
	raw := loadRaw(b, jinxRIB)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n = scanAll(b, bytes.NewReader(raw))
	}
	reportPerEntry(b, n)
}

// BenchmarkScanner_Updates2015 measures decoding of a full table in UPDATE
// form (BGP4MP_ET, 577,744 elements).
func BenchmarkScanner_Updates2015(b *testing.B) {
	raw := loadRaw(b, "mrt/updates/updates.et-header.2015.gz")
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n = scanAll(b, bytes.NewReader(raw))
	}
	reportPerEntry(b, n)
}

func reportPerEntry(b *testing.B, n int) {
	b.ReportMetric(float64(n), "entries/op")
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
}
