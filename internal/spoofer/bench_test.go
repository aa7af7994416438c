package spoofer

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"testing"
)

// BenchmarkLoad reads a synthetic file of 10,000 rows in the layout of
// testdata/sessions.csv (there is no real Spoofer file in shared data).
func BenchmarkLoad(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("session,timestamp,asn,prefix,country,nat,private,routable\n")
	const rows = 10000
	for i := range rows {
		fmt.Fprintf(&buf, "%d,2024-05-01 12:%02d:%02d,%d,10.%d.%d.0/24,NL,yes,blocked,received\n",
			i, i/60%60, i%60, 64496+i%16, i/256%256, i%256)
	}
	data := buf.Bytes()
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		recs, err := Load(context.Background(), bytes.NewReader(data), "", nil)
		if err != nil || len(recs) != rows {
			b.Fatal(len(recs), err)
		}
	}
	runtime.ReadMemStats(&after)
	total := float64(rows) * float64(b.N)
	b.ReportMetric(total/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/total, "allocs/record")
}
