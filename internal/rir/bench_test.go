package rir

import (
	"bytes"
	"context"
	"net/netip"
	"os"
	"runtime"
	"testing"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/testenv"
)

// reportPerRecord adds records/s and allocs/record to a benchmark that
// handles records items per iteration.
func reportPerRecord(b *testing.B, records int, before *runtime.MemStats) {
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	total := float64(records) * float64(b.N)
	b.ReportMetric(total/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/total, "allocs/record")
}

func benchFile(b *testing.B, rel string) []byte {
	data, err := os.ReadFile(testenv.File(b, rel))
	if err != nil {
		b.Fatal(err)
	}
	return data
}

func BenchmarkLoad(b *testing.B) {
	for _, rel := range []string{
		"rir-delegated/2014/delegated-ripencc-latest",
		"rir-delegated/2019/delegated-lacnic-extended-latest",
	} {
		b.Run(rel, func(b *testing.B) {
			data := benchFile(b, rel)
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			var n int
			for b.Loop() {
				f, err := Load(context.Background(), bytes.NewReader(data), "", Options{})
				if err != nil {
					b.Fatal(err)
				}
				n = len(f.Records)
			}
			reportPerRecord(b, n, &before)
		})
	}
}

func BenchmarkNewIndex(b *testing.B) {
	f, err := Load(context.Background(), bytes.NewReader(benchFile(b, "rir-delegated/2014/delegated-ripencc-latest")), "", Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		NewIndex(f)
	}
	reportPerRecord(b, len(f.Records), &before)
}

func benchIndex(b *testing.B) *Index {
	f, err := Load(context.Background(), bytes.NewReader(benchFile(b, "rir-delegated/2014/delegated-ripencc-latest")), "", Options{})
	if err != nil {
		b.Fatal(err)
	}
	return NewIndex(f)
}

func BenchmarkIndex_Prefix(b *testing.B) {
	ix := benchIndex(b)
	ps := []netip.Prefix{
		netip.MustParsePrefix("2.16.1.0/24"), netip.MustParsePrefix("193.0.0.0/21"),
		netip.MustParsePrefix("2001:67c:2e8::/48"), netip.MustParsePrefix("8.8.8.0/24"),
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		ix.Prefix(ps[i%len(ps)])
		i++
	}
}

func BenchmarkIndex_ASN(b *testing.B) {
	ix := benchIndex(b)
	asns := []bgp.ASN{3333, 1299, 196608, 15169, 64512}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		ix.ASN(asns[i%len(asns)])
		i++
	}
}
