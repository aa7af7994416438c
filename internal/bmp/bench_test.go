package bmp

import (
	"bufio"
	"bytes"
	"os"
	"runtime"
	"slices"
	"testing"

	"github.com/observatory-net/observatory/internal/mrt"
	"github.com/observatory-net/observatory/internal/testenv"
)

// BenchmarkDecoder_RouteMonitoring decodes the 3,426 routes of the NAMEX
// RIB as Route Monitoring messages (one UPDATE each, as gobgpd and FRR send
// them): framing, per-peer header, attributes and NLRI.
func BenchmarkDecoder_RouteMonitoring(b *testing.B) {
	msgs := monitoringMessages(readRIB(b, namexRIB))
	b.SetBytes(int64(len(slices.Concat(msgs...))))
	b.ReportAllocs()
	var d Decoder
	n := 0
	for b.Loop() {
		n = 0
		for _, raw := range msgs {
			m, err := Split(raw)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := d.Routes(&m, Session{}, func(e *mrt.Elem) bool {
				if _, ok := e.Attrs.Path.Origin(); ok {
					n++
				}
				return true
			}); err != nil {
				b.Fatal(err)
			}
		}
	}
	reportRoutes(b, n)
}

// BenchmarkStation_Session runs the same messages through a session, as
// read from a connection: framing from a stream, tables per peer, and
// attributes copied for each route kept.
func BenchmarkStation_Session(b *testing.B) {
	routes := readRIB(b, namexRIB)
	stream := slices.Concat(monitoringMessages(routes)...)
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	run := func() *session {
		ss := &session{st: &Station{}, r: bufio.NewReader(bytes.NewReader(stream)), peers: map[peerKey]*peer{}}
		if err := ss.run(); err != nil || ss.damaged != 0 {
			b.Fatal(err, ss.damaged)
		}
		return ss
	}
	for b.Loop() {
		run()
	}
	reportRoutes(b, len(routes))
	// What the tables keep: the heap a session holds once it has read
	// the routes, per route.
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	ss := run()
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(len(routes)), "kept-B/route")
	runtime.KeepAlive(ss)
}

// BenchmarkScanner_NamexRIB is the reference: the MRT reader on the same
// routes as the TABLE_DUMP file they come from.
func BenchmarkScanner_NamexRIB(b *testing.B) {
	raw, err := os.ReadFile(testenv.File(b, namexRIB))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n = 0
		sc := mrt.NewScanner(mrt.NewReader(bytes.NewReader(raw), namexRIB, mrt.Options{}), true)
		for e := range sc.Elems() {
			if _, ok := e.Attrs.Path.Origin(); ok {
				n++
			}
		}
		if sc.Err() != nil {
			b.Fatal(sc.Err())
		}
	}
	reportRoutes(b, n)
}

func reportRoutes(b *testing.B, n int) {
	b.ReportMetric(float64(n), "routes/op")
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "routes/s")
}
