package alert

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/rpki"
)

// benchWorld is 256 watched /24s (10.0.i.0/24, expected origin
// AS64496), a VRP per watched prefix, and a stream of observations.
func benchWorld(b *testing.B) (*Watch, *rpki.Snapshot) {
	var sb strings.Builder
	sb.WriteString("prefixes:\n")
	var vrps []rpki.VRP
	for i := range 256 {
		p := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, byte(i), 0}), 24)
		fmt.Fprintf(&sb, "  - {name: p%d, prefix: %s, origins: [64496], webhooks: [https://hooks.example/x]}\n", i, p)
		vrps = append(vrps, rpki.VRP{Prefix: p, MaxLen: 24, ASN: 64496})
	}
	s, err := rpki.NewSnapshot(vrps, nil)
	if err != nil {
		b.Fatal(err)
	}
	return mustWatch(b, sb.String()), s
}

// BenchmarkEngine_Observe measures one observation: an unwatched route
// (what most of a full feed is), and watched routes that open and close
// hijack and rpki-invalid incidents (announce, then withdraw, by 16
// peers).
func BenchmarkEngine_Observe(b *testing.B) {
	w, s := benchWorld(b)
	path := []bgp.ASN{65001, 3356, 1299, 64496}
	b.Run("unwatched", func(b *testing.B) {
		e := NewEngine(w, s, Options{})
		obs := make([]Observation, 4096) // boxed beforehand, as a channel of observations holds them
		for i := range obs {
			obs[i] = Announce{Time: at(i), Peer: peer(i % 16), Prefix: netip.PrefixFrom(netip.AddrFrom4([4]byte{192, byte(i >> 8), byte(i), 0}), 24),
				Path: path, Origin: 64496}
		}
		var evs []Event
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			evs = e.Observe(evs[:0], obs[i%len(obs)])
			i++
		}
	})
	b.Run("watched", func(b *testing.B) {
		e := NewEngine(w, s, Options{})
		hijack := []bgp.ASN{65001, 3356, 64511}
		var obs []Observation
		for p := range 256 {
			pfx := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, byte(p), 128}), 25)
			for k := range 16 {
				obs = append(obs, Announce{Time: at(len(obs)), Peer: peer(k), Prefix: pfx, Path: hijack, Origin: 64511})
			}
			for k := range 16 {
				obs = append(obs, Withdraw{Time: at(len(obs)), Peer: peer(k), Prefix: pfx})
			}
		}
		var evs []Event
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			evs = e.Observe(evs[:0], obs[i%len(obs)])
			i++
		}
		b.ReportMetric(float64(e.Stats().Opened[SubPrefixHijack])/float64(b.N), "incidents/op")
	})
}

// BenchmarkEngine_VRPUpdate measures a VRP update of a full reload (no
// change list: the engine diffs 20,000 VRPs) with 4,096 kept routes
// re-validated, alternating two sets that differ by the 256 watched
// prefixes' VRPs.
func BenchmarkEngine_VRPUpdate(b *testing.B) {
	w, watched := benchWorld(b)
	var base []rpki.VRP
	for i := range 20000 - 256 {
		base = append(base, rpki.VRP{Prefix: netip.PrefixFrom(netip.AddrFrom4([4]byte{172, byte(i >> 8), byte(i), 0}), 24), MaxLen: 24, ASN: bgp.ASN(64512 + i%1000)})
	}
	with, err := rpki.NewSnapshot(append(base, slices.Collect(watched.VRPs())...), nil)
	if err != nil {
		b.Fatal(err)
	}
	without, err := rpki.NewSnapshot(base, nil)
	if err != nil {
		b.Fatal(err)
	}
	e := NewEngine(w, with, Options{})
	var evs []Event
	for i := range 4096 {
		evs = e.Observe(evs[:0], Announce{Time: at(0), Peer: peer(i % 16), Prefix: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, byte(i / 16), 0}), 24),
			Path: []bgp.ASN{65001, 64496}, Origin: 64496})
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		s := with
		if i%2 == 0 {
			s = without
		}
		evs = e.Observe(evs[:0], VRPUpdate{Time: at(i + 1), Snapshot: s})
		i++
	}
}
