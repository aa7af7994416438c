package irr

import (
	"bytes"
	"context"
	"net/netip"
	"runtime"
	"testing"

	"github.com/observatory-net/observatory/internal/bgp"
)

// BenchmarkLoad parses and indexes each real sample from memory. Besides
// the standard figures it reports objects/s and allocs/object.
func BenchmarkLoad(b *testing.B) {
	for _, rel := range []string{realRoute, realRoute6, realAutNum} {
		b.Run(rel, func(b *testing.B) {
			data := readShared(b, rel)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			var objects int64
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for b.Loop() {
				var bl Builder
				st, err := bl.Load(context.Background(), bytes.NewReader(data), Options{File: rel})
				if err != nil || st.Bad != 0 {
					b.Fatalf("Load() = %+v, %v", st, err)
				}
				bl.Build()
				objects += st.Objects
			}
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(objects)/b.Elapsed().Seconds(), "objects/s")
			b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(objects), "allocs/object")
		})
	}
}

// BenchmarkIndex measures lookups in the index of the real route and
// route6 samples.
func BenchmarkIndex(b *testing.B) {
	x := loadReal(b, realRoute, realRoute6)
	cases := []struct {
		name   string
		prefix netip.Prefix
		origin bgp.ASN
	}{
		{"exact", netip.MustParsePrefix("193.254.30.0/24"), 12726},
		{"covered", netip.MustParsePrefix("194.105.57.168/29"), 1267},
		{"none", netip.MustParsePrefix("198.51.100.0/24"), 64500},
		{"v6-covered", netip.MustParsePrefix("2001:648:2e00:1::/64"), 5408},
	}
	for _, c := range cases {
		b.Run("Best/"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				x.Best(c.prefix, c.origin)
			}
		})
		b.Run("Lookup/"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				x.Lookup(c.prefix, c.origin)
			}
		})
		b.Run("AppendLookup/"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			var dst []Match
			for b.Loop() {
				dst = x.AppendLookup(dst[:0], c.prefix, c.origin)
			}
		})
	}
}
