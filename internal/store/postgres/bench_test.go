package postgres

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/store/storetest"
)

// productionSize is the size of a month of the whole Internet, as in
// store/sqlite's benchmarks, so that the two stores compare.
var productionSize = storetest.Size{ASNs: 100_000, Routes: 1_000_000, Incidents: 50_000}

// synthetic caches the production-size month: building it takes seconds.
var synthetic = sync.OnceValue(func() *store.Month {
	return storetest.Synthetic(march, "netops@2024.1", productionSize)
})

// BenchmarkStore_WriteMonth writes a production-size month: into empty
// tables, over a previous version of itself (which must be deleted first),
// and the routes alone.
func BenchmarkStore_WriteMonth(b *testing.B) {
	m := synthetic()
	routesOnly := &store.Month{Meta: m.Meta, Routes: m.Routes}
	b.Run("new", func(b *testing.B) { benchWrite(b, m, productionSize.Rows(), true) })
	b.Run("replace", func(b *testing.B) { benchWrite(b, m, productionSize.Rows(), false) })
	b.Run("routes", func(b *testing.B) { benchWrite(b, routesOnly, len(m.Routes), true) })
}

// benchWrite writes m, of rows rows (counting each metric and score as a
// row, as store/sqlite's benchmark does), in every iteration, into emptied
// tables when fresh, and reports the rate and the size of the database.
func benchWrite(b *testing.B, m *store.Month, rows int, fresh bool) {
	s, _ := openTest(b)
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
			truncate(b, s)
			b.StartTimer()
		}
		cpu0 := cpuTime()
		if err := s.WriteMonth(b.Context(), m); err != nil {
			b.Fatal(err)
		}
		cpu += cpuTime() - cpu0
	}
	// The server's work shows in the wall clock only: rows/cpu-s is the
	// client's share, not comparable with store/sqlite's.
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "client-cpu-s/op")
	b.ReportMetric(float64(dbSize(b, s))/(1<<20), "MiB")
}

// truncate empties every table of the store.
func truncate(b *testing.B, s *Store) {
	b.Helper()
	if _, err := s.pool.Exec(b.Context(), "TRUNCATE months, "+strings.Join(monthTables, ", ")); err != nil {
		b.Fatal(err)
	}
}

// dbSize returns the size of the store's database.
func dbSize(b *testing.B, s *Store) int64 {
	b.Helper()
	var n int64
	if err := s.pool.QueryRow(b.Context(), "SELECT pg_database_size(current_database())").Scan(&n); err != nil {
		b.Fatal(err)
	}
	return n
}

// openReadFixture opens a new database holding the production-size month,
// analysed as autovacuum would have it, for the read benchmarks.
func openReadFixture(b *testing.B) *Store {
	s, _ := openTest(b)
	b.Cleanup(func() { s.Close() })
	if err := s.WriteMonth(b.Context(), synthetic()); err != nil {
		b.Fatal(err)
	}
	if _, err := s.pool.Exec(b.Context(), "VACUUM ANALYZE"); err != nil {
		b.Fatal(err)
	}
	return s
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
