package bmp

import (
	"bufio"
	"bytes"
	"net/netip"
	"slices"
	"testing"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/bmp/bmptest"
	"github.com/observatory-net/observatory/internal/mrt"
	"github.com/observatory-net/observatory/internal/mrt/mrttest"
)

// fuzzSeeds are real and built messages of every type.
func fuzzSeeds() [][]byte {
	id := netip.MustParseAddr("192.0.2.9")
	open4 := bmptest.Open(64512, id, bmptest.AS4(64512), bmptest.AddPath(1, 1, 3), bmptest.AddPath(2, 1, 3))
	mp := mrttest.Attr(0x80, 14, []byte{0, 2, 1, 16, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1, 0x20, 0x20, 0x01, 0x0d, 0xb8})
	return [][]byte{
		gobgpInitiation,
		gobgpLocRIB,
		gobgpPrePolicy[1],
		gobgpPrePolicy[3],
		bmptest.PeerUp(peer4, id, 179, 40000, open4, open4),
		bmptest.PeerUp(peer6, netip.MustParseAddr("2001:db8::9"), 179, 40000, open4, bmptest.Open(65002, id)),
		bmptest.RouteMonitoring(peer6, mrttest.Update([]byte{0x18, 192, 0, 2}, slices.Concat(origin, mrttest.ASPath4(65002), mp), nil)),
		bmptest.RouteMonitoring(peer4, mrttest.Update(nil, mrttest.Attr(0x80, 15, []byte{0, 2, 1}), nil)),
		bmptest.PeerDown(peer4, 1, bmptest.Notification(6, 2)),
		bmptest.PeerDown(peer4, 2, []byte{0, 18}),
		bmptest.StatsReport(peer4, bmptest.Stat{Type: 7, Value: bmptest.Gauge64(2)}, bmptest.Stat{Type: 9, Value: make([]byte, 11)}),
		bmptest.RouteMirroring(peer4, bmptest.Notification(6, 4)),
		bmptest.Termination(1),
	}
}

// FuzzMessage decodes arbitrary bytes as one BMP message with every
// decoder, and as a whole session stream. Nothing may panic; a decoded
// Route Monitoring's routes must be masked prefixes of a known family.
func FuzzMessage(f *testing.F) {
	seeds := fuzzSeeds()
	for _, s := range seeds {
		f.Add(s, uint8(0))
		f.Add(s, uint8(7))
	}
	f.Add(slices.Concat(seeds...), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, flags uint8) {
		decodeAll(t, data, flags)
		ss := &session{st: &Station{}, r: bufio.NewReader(bytes.NewReader(data)), peers: map[peerKey]*peer{}}
		ss.run()
		ss.end("fuzz")
	})
}

func decodeAll(t *testing.T, data []byte, flags uint8) {
	m, err := Split(data)
	if err != nil {
		return
	}
	if int64(len(m.Body)) > int64(m.Length) {
		t.Fatalf("body of %d bytes in a message of %d", len(m.Body), m.Length)
	}
	ParseInitiation(m.Body)
	ParseTermination(m.Body)
	ParseStats(m.Body)
	ParsePeerDown(m.Body)
	if u, err := ParsePeerUp(&m.Peer, m.Body); err == nil {
		ParseOpen(u.SentOpen)
		ParseOpen(u.RecvOpen)
	}
	s := Session{AS2: flags&1 != 0}
	if flags&2 != 0 {
		s.AddPath = map[Family]bool{{bgp.AFIIPv4, bgp.SAFIUnicast}: true, {bgp.AFIIPv6, bgp.SAFIUnicast}: true}
	}
	m.Type = TypeRouteMonitoring
	var d Decoder
	d.Routes(&m, s, func(e *mrt.Elem) bool {
		if !e.Prefix.IsValid() || e.Prefix != e.Prefix.Masked() {
			t.Fatalf("bad prefix %s", e.Prefix)
		}
		if e.Kind == mrt.KindAnnounce && e.Attrs == nil {
			t.Fatal("announcement without attributes")
		}
		return true
	})
}
