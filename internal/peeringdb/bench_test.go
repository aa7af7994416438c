package peeringdb

import (
	"bytes"
	"context"
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

func benchRead(b *testing.B, data []byte) {
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var n int64
	for b.Loop() {
		var bl Builder
		var err error
		if n, err = bl.Load(context.Background(), bytes.NewReader(data), "", "", nil); err != nil {
			b.Fatal(err)
		}
		bl.Build()
	}
	reportPerRecord(b, int(n), &before)
}

func BenchmarkLoad_netPage(b *testing.B) {
	data, err := os.ReadFile(testenv.File(b, "peeringdb/20260416/prod-anon/net-page-1.json"))
	if err != nil {
		b.Fatal(err)
	}
	benchRead(b, data)
}

func BenchmarkLoad_dump(b *testing.B) {
	data, _ := realDump(b)
	benchRead(b, data)
}

func BenchmarkDB_HasContact(b *testing.B) {
	data, _ := realDump(b)
	var bl Builder
	if _, err := bl.Load(context.Background(), bytes.NewReader(data), "", "", nil); err != nil {
		b.Fatal(err)
	}
	db := bl.Build()
	asns := []bgp.ASN{1299, 6939, 702, 64512, 3257}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		db.HasContact(asns[i%len(asns)])
		i++
	}
}
