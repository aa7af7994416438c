package asrel

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

func benchData(b *testing.B) []byte {
	data, err := os.ReadFile(testenv.File(b, "as-relationships/20170101.as-rel.txt"))
	if err != nil {
		b.Fatal(err)
	}
	return data
}

func BenchmarkReader(b *testing.B) {
	data := benchData(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	n := 0
	for b.Loop() {
		r := NewReader(bytes.NewReader(data), "")
		n = 0
		for {
			if _, err := r.Next(); err != nil {
				break
			}
			n++
		}
	}
	reportPerRecord(b, n, &before)
}

func BenchmarkLoad(b *testing.B) {
	data := benchData(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var g *Graph
	for b.Loop() {
		var err error
		if g, err = Load(context.Background(), bytes.NewReader(data), "", nil); err != nil {
			b.Fatal(err)
		}
	}
	reportPerRecord(b, g.Stats().Links, &before)
}

func benchGraph(b *testing.B) *Graph {
	g, err := Load(context.Background(), bytes.NewReader(benchData(b)), "", nil)
	if err != nil {
		b.Fatal(err)
	}
	return g
}

func BenchmarkRelationship(b *testing.B) {
	g := benchGraph(b)
	pairs := [][2]bgp.ASN{{174, 3356}, {6453, 15169}, {15169, 6453}, {1, 11537}, {3356, 64512}, {1299, 2914}}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p := pairs[i%len(pairs)]
		g.Relationship(p[0], p[1])
		i++
	}
}

func BenchmarkCheckPath(b *testing.B) {
	g := benchGraph(b)
	path := []bgp.ASN{3356, 6453, 6453, 6453, 15169}
	b.ReportAllocs()
	for b.Loop() {
		g.CheckPath(path)
	}
}

func BenchmarkCustomerConeSize_uncached(b *testing.B) {
	g := benchGraph(b)
	i, _ := g.index[3356]
	b.ReportAllocs()
	for b.Loop() {
		g.walkCone(i, nil)
	}
}
