package rpki_test

import (
	"context"
	"errors"
	"runtime"
	"runtime/metrics"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/rpki"
	"github.com/observatory-net/observatory/internal/testenv"
)

const (
	prepdevFile    = "rpki/rpki-client-prepdev-20230504.json.gz"
	bgpsquelchFile = "rpki/vrps-20200217-bgpsquelch-roa.csv"
	ripe2016File   = "rpki/ripe-ncc-test-roas-2016.csv"
)

// stats summarises a dump for comparison with counts made independently
// of this package (python's json module and awk over the same files).
type stats struct {
	VRPs, Distinct, Prefixes, IPv4, IPv6, AS0 int
	ASPAs, ProviderEntries                    int
	TAs                                       []string
}

func summarise(t *testing.T, d *rpki.Dump) stats {
	t.Helper()
	s, err := d.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	st := stats{VRPs: len(d.VRPs), Distinct: s.Len(), Prefixes: s.Prefixes(), ASPAs: len(d.ASPAs)}
	tas := map[string]bool{}
	for _, v := range d.VRPs {
		if v.Prefix.Addr().Is4() {
			st.IPv4++
		} else {
			st.IPv6++
		}
		if v.ASN == 0 {
			st.AS0++
		}
		tas[v.TA] = true
	}
	for ta := range tas {
		st.TAs = append(st.TAs, ta)
	}
	slices.Sort(st.TAs)
	for _, a := range d.ASPAs {
		st.ProviderEntries += len(a.Providers)
	}
	return st
}

func TestLoad_rpkiClientPrepdev(t *testing.T) {
	d, err := rpki.Load(context.Background(), testenv.File(t, prepdevFile))
	if err != nil {
		t.Fatal(err)
	}
	want := stats{
		VRPs: 424223, Distinct: 424223, Prefixes: 229052, IPv4: 323603, IPv6: 100620, AS0: 466,
		// 6,647 customers in both the ipv4 and ipv6 lists, whose provider
		// sets differ for 5,737 of them; the unions total 26,852 entries.
		ASPAs: 6647, ProviderEntries: 26852,
		TAs: []string{"ripe-prepdev-https"},
	}
	if diff := cmp.Diff(want, summarise(t, d)); diff != "" {
		t.Errorf("Load(%s) counts mismatch (-want +got):\n%s", prepdevFile, diff)
	}
	first, last := d.VRPs[0], d.VRPs[len(d.VRPs)-1]
	wantEnds := []rpki.VRP{vrp("1.178.112.0/20", 20, 12975, "ripe-prepdev-https"), vrp("2a13:fe06::/31", 31, 56884, "ripe-prepdev-https")}
	if diff := cmp.Diff(wantEnds, []rpki.VRP{first, last}, cmpOpts...); diff != "" {
		t.Errorf("first and last VRP mismatch (-want +got):\n%s", diff)
	}
	// AS28: ipv4 [41881 61036 204096], ipv6 [57485 60637 204096 210051].
	wantASPA := rpki.ASPA{Customer: 28, Providers: []bgp.ASN{41881, 57485, 60637, 61036, 204096, 210051}}
	if diff := cmp.Diff(wantASPA, d.ASPAs[0]); diff != "" {
		t.Errorf("ASPA of AS28 mismatch (-want +got):\n%s", diff)
	}
}

func TestLoad_bgpsquelch(t *testing.T) {
	path := testenv.File(t, bgpsquelchFile)
	// Two records carry negative origins (int32 renderings of private
	// 4-byte ASNs): a strict load stops at the first.
	_, err := rpki.Load(context.Background(), path)
	var ie *inputerr.Error
	if !errors.As(err, &ie) || ie.Record != 60969 || ie.Offset != 1659633 {
		t.Fatalf("strict Load() error = %v, want one at record 60969, offset 1659633", err)
	}
	d, err := rpki.Loader{SkipInvalid: true}.Load(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	// 130,043 records (PROVENANCE.md's 130,045 counts the two blank lines
	// at the end) of which 2 are skipped.
	want := stats{VRPs: 130041, Distinct: 130041, Prefixes: 119948, IPv4: 111357, IPv6: 18684, AS0: 154, TAs: []string{""}}
	if diff := cmp.Diff(want, summarise(t, d)); diff != "" {
		t.Errorf("Load(%s) counts mismatch (-want +got):\n%s", bgpsquelchFile, diff)
	}
	var skipped []string
	for _, p := range d.Problems {
		skipped = append(skipped, p.Error())
	}
	wantSkipped := []string{
		path + `: record 60969 at byte offset 1659633: bad AS number: "-6"`,
		path + `: record 80432 at byte offset 2204734: bad AS number: "-80847294"`,
	}
	if diff := cmp.Diff(wantSkipped, skipped); diff != "" || d.Skipped != 2 {
		t.Errorf("skipped %d records, mismatch (-want +got):\n%s", d.Skipped, diff)
	}
	if diff := cmp.Diff(vrp("1.120.0.0/13", 13, 1221, ""), d.VRPs[0], cmpOpts...); diff != "" {
		t.Errorf("first VRP mismatch (-want +got):\n%s", diff)
	}
}

func TestLoad_ripe2016(t *testing.T) {
	d, err := rpki.Load(context.Background(), testenv.File(t, ripe2016File))
	if err != nil {
		t.Fatal(err)
	}
	want := stats{VRPs: 49, Distinct: 49, Prefixes: 49, IPv4: 45, IPv6: 4, TAs: []string{""}}
	got := summarise(t, d)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Load(%s) counts mismatch (-want +got):\n%s", ripe2016File, diff)
	}
	if diff := cmp.Diff(vrp("86.106.22.0/24", 24, 31207, ""), d.VRPs[0], cmpOpts...); diff != "" {
		t.Errorf("first VRP mismatch (-want +got):\n%s", diff)
	}
}

// peakHeap samples the live heap every millisecond while f runs and
// returns the largest value seen, in bytes.
func peakHeap(f func()) uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak atomic.Uint64
	read := func() {
		metrics.Read(sample)
		if v := sample[0].Value.Uint64(); v > peak.Load() {
			peak.Store(v)
		}
	}
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				read()
			}
		}
	}()
	f()
	read()
	close(done)
	<-stopped
	return peak.Load()
}

func benchmarkLoad(b *testing.B, rel string, l rpki.Loader) {
	path := testenv.File(b, rel)
	b.ReportAllocs()
	var n int
	var peak, retained uint64
	for b.Loop() {
		runtime.GC()
		var d *rpki.Dump
		p := peakHeap(func() {
			var err error
			if d, err = l.Load(context.Background(), path); err != nil {
				b.Fatal(err)
			}
		})
		peak = max(peak, p)
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		retained = ms.HeapAlloc
		n = len(d.VRPs)
		runtime.KeepAlive(d)
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "VRPs/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(retained)/(1<<20), "retained-MiB")
}

// BenchmarkLoad measures loading the real files; peak-heap-MiB is the
// largest live heap seen while loading (the decompressed prepdev JSON is
// 58 MB), retained-MiB the heap still holding the Dump afterwards.
func BenchmarkLoad(b *testing.B) {
	b.Run("rpki-client-json-gz", func(b *testing.B) { benchmarkLoad(b, prepdevFile, rpki.Loader{}) })
	b.Run("bgpsquelch-csv", func(b *testing.B) { benchmarkLoad(b, bgpsquelchFile, rpki.Loader{SkipInvalid: true}) })
}

func BenchmarkNewSnapshot(b *testing.B) {
	d, err := rpki.Load(context.Background(), testenv.File(b, prepdevFile))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var s *rpki.Snapshot
	for b.Loop() {
		s = nil
		if s, err = d.Snapshot(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(d.VRPs))*float64(b.N)/b.Elapsed().Seconds(), "VRPs/s")
	// The heap the snapshot holds beyond the dump.
	var with, without runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&with)
	runtime.KeepAlive(s)
	s = nil
	runtime.GC()
	runtime.ReadMemStats(&without)
	runtime.KeepAlive(d)
	b.ReportMetric(float64(with.HeapAlloc-without.HeapAlloc)/(1<<20), "snapshot-MiB")
}
