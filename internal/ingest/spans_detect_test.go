package ingest

import (
	"context"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/dataset"
	"github.com/observatory-net/observatory/internal/mrt/mrttest"
	"github.com/observatory-net/observatory/internal/spec"
)

// TestCompute_HijackSpansScoredApart: a hijacked prefix seen in two RIB
// dumps ten days apart, and in none between, is two 2-hour incidents
// (§4.1: 1 each), not one of ten days (11).
func TestCompute_HijackSpansScoredApart(t *testing.T) {
	dir := t.TempDir()
	const t0 = 1401580800 // 2014-06-01
	for i, ts := range []uint32{t0, t0 + 10*86400} {
		var peers []mrttest.Peer
		for p := range 5 {
			peers = append(peers, mrttest.Peer{AS: uint32(701 + p), AS4: true, IP: netip.AddrFrom4([4]byte{192, 0, 2, byte(p + 1)})})
		}
		rib := mrttest.Record(ts, 13, 1, 0, mrttest.PeerIndex(netip.MustParseAddr("192.0.2.254"), "", peers))
		var es []mrttest.Entry
		for p := range 5 {
			attrs := append(mrttest.Attr(0x40, 1, []byte{0}), mrttest.ASPath4(uint32(701+p), 12654)...)
			es = append(es, mrttest.Entry{PeerIndex: uint16(p), Originated: ts, Attrs: attrs})
		}
		rib = append(rib, mrttest.Record(ts, 13, 2, 0, mrttest.RIB(0, netip.MustParsePrefix("193.0.0.0/21"), false, es))...)
		write(t, dir, fmt.Sprintf("rib.%d.mrt", i), string(rib))
	}
	write(t, dir, "vrps.csv", "ASN,IP Prefix,Max Length,Trust Anchor\nAS3333,193.0.0.0/21,21,ripe\n")
	files, err := dataset.Discover(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	set, err := dataset.Load(context.Background(), files, dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := spec.Get(spec.Default)
	m, err := Compute(context.Background(), Config{Month: time.Unix(t0, 0), Spec: s, Data: set, RIBSpan: 2 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	var scores []float64
	for _, in := range m.Incidents {
		if in.ASN == 12654 && in.Metric == "M2" {
			if d := in.End.Sub(in.Start); d != 2*time.Hour {
				t.Errorf("incident %s lasts %s, want 2h", in.ID, d)
			}
			scores = append(scores, in.Score)
		}
	}
	if len(scores) != 2 || scores[0] != 1 || scores[1] != 1 {
		t.Errorf("M2 incidents of AS12654 scored %v, want two of 1", scores)
	}
}
