package sqlite

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/store/storetest"
)

// productionSize is the size of a month of the whole Internet.
var productionSize = storetest.Size{ASNs: 100_000, Routes: 1_000_000, Incidents: 50_000}

// synthetic caches the production-size month: building it takes seconds.
var synthetic = sync.OnceValue(func() *store.Month {
	return storetest.Synthetic(march, "netops@2024.1", productionSize)
})

// BenchmarkStore_WriteMonth writes a production-size month: into a new
// file, over a previous version of itself (which must be deleted first),
// and the routes alone.
func BenchmarkStore_WriteMonth(b *testing.B) {
	m := synthetic()
	routesOnly := &store.Month{Meta: m.Meta, Routes: m.Routes}
	b.Run("new", func(b *testing.B) { benchWrite(b, m, productionSize.Rows(), true) })
	b.Run("replace", func(b *testing.B) { benchWrite(b, m, productionSize.Rows(), false) })
	b.Run("routes", func(b *testing.B) { benchWrite(b, routesOnly, len(m.Routes), true) })
}

// benchWrite writes m, of rows rows, in every iteration, into a new file
// when fresh, and reports the rate and the size of the file.
func benchWrite(b *testing.B, m *store.Month, rows int, fresh bool) {
	s, path := openTest(b)
	defer s.Close()
	if !fresh {
		if err := s.WriteMonth(b.Context(), m); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	var cpu time.Duration
	for b.Loop() {
		if fresh {
			b.StopTimer()
			s.Close()
			s, path = openTest(b)
			b.StartTimer()
		}
		cpu0 := cpuTime()
		if err := s.WriteMonth(b.Context(), m); err != nil {
			b.Fatal(err)
		}
		cpu += cpuTime() - cpu0
	}
	// On a shared machine the wall clock counts the waits for a core too:
	// the rate per CPU second is the steadier figure.
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(rows)*float64(b.N)/cpu.Seconds(), "rows/cpu-s")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(fileSize(b, path))/(1<<20), "MiB")
}

// fileSize returns the size of a database with its WAL.
func fileSize(b *testing.B, path string) int64 {
	var n int64
	for _, p := range []string{path, path + "-wal"} {
		if st, err := os.Stat(p); err == nil {
			n += st.Size()
		}
	}
	return n
}

// readFixture is a database holding the production-size month, shared by
// the read benchmarks.
var readFixture struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// openReadFixture opens the shared database, writing it on first use.
func openReadFixture(b *testing.B) *Store {
	f := &readFixture
	f.once.Do(func() {
		if f.dir, f.err = os.MkdirTemp("", "storebench"); f.err != nil {
			return
		}
		f.path = filepath.Join(f.dir, "observatory.db")
		s, err := Open(b.Context(), f.path)
		if err != nil {
			f.err = err
			return
		}
		f.err = s.WriteMonth(b.Context(), synthetic())
		s.Close()
	})
	if f.err != nil {
		b.Fatal(f.err)
	}
	s, err := Open(b.Context(), f.path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func TestMain(m *testing.M) {
	code := m.Run()
	if readFixture.dir != "" {
		os.RemoveAll(readFixture.dir)
	}
	os.Exit(code)
}

// BenchmarkStore_ASNs reads ASN records, with their metrics and scores,
// through filters of several selectivities.
func BenchmarkStore_ASNs(b *testing.B) {
	s := openReadFixture(b)
	some := make([]uint32, 100)
	for i := range some {
		some[i] = synthetic().ASNs[i*997].ASN
	}
	tests := []struct {
		name string
		f    store.Filter
	}{
		{"country", store.Filter{Country: synthetic().ASNs[7].Country}},
		{"100 ASNs", store.Filter{ASNs: some}},
		{"region", store.Filter{Region: "Europe"}},
		{"all", store.Filter{}},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			var n int
			for b.Loop() {
				asns, err := s.ASNs(b.Context(), march, "netops@2024.1", tt.f)
				if err != nil {
					b.Fatal(err)
				}
				n = len(asns)
			}
			b.ReportMetric(float64(n), "ASNs/op")
		})
	}
}

// BenchmarkStore_Routes reads the routes of one ASN: the one with the most
// routes, and a typical one.
func BenchmarkStore_Routes(b *testing.B) {
	s := openReadFixture(b)
	counts := map[uint32]int{}
	for _, r := range synthetic().Routes {
		counts[r.ASN]++
	}
	tests := []struct {
		name string
		asn  uint32
	}{
		{"heavy", synthetic().ASNs[0].ASN},
		{"typical", synthetic().ASNs[len(synthetic().ASNs)/10].ASN},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Routes(b.Context(), march, "netops@2024.1", tt.asn); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(counts[tt.asn]), "routes/op")
		})
	}
}
