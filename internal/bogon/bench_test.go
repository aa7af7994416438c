package bogon

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

func BenchmarkListReader(b *testing.B) {
	data, err := os.ReadFile(testenv.File(b, "bogons/fullbogons-ipv6.txt"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	n := 0
	for b.Loop() {
		r := NewListReader(bytes.NewReader(data), "")
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

func BenchmarkAddList(b *testing.B) {
	data, err := os.ReadFile(testenv.File(b, "bogons/fullbogons-ipv6.txt"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	n := 0
	for b.Loop() {
		var bl Builder
		if n, err = bl.AddList(context.Background(), bytes.NewReader(data), "", "cymru", nil); err != nil {
			b.Fatal(err)
		}
		bl.Build()
	}
	reportPerRecord(b, n, &before)
}

func benchSet(b *testing.B) *Set {
	var bl Builder
	for _, rel := range []string{"bogons/fullbogons-ipv4.txt", "bogons/fullbogons-ipv6.txt"} {
		data, err := os.ReadFile(testenv.File(b, rel))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := bl.AddList(context.Background(), bytes.NewReader(data), rel, "cymru", nil); err != nil {
			b.Fatal(err)
		}
	}
	bl.AddASNs(131072, 132000, "test")
	return bl.Build()
}

func BenchmarkSet_Prefix(b *testing.B) {
	s := benchSet(b)
	ps := []netip.Prefix{
		netip.MustParsePrefix("8.8.8.0/24"), netip.MustParsePrefix("10.1.0.0/16"),
		netip.MustParsePrefix("2a00:1450::/32"), netip.MustParsePrefix("2001:db8::/48"),
		netip.MustParsePrefix("23.151.160.0/24"), netip.MustParsePrefix("192.0.0.9/32"),
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		s.Prefix(ps[i%len(ps)])
		i++
	}
}

func BenchmarkSet_ASN(b *testing.B) {
	s := benchSet(b)
	asns := []bgp.ASN{3356, 64512, 23456, 131500, 4200000001, 15169}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		s.ASN(asns[i%len(asns)])
		i++
	}
}
