package live

import (
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/alert"
	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/bmp"
	"github.com/observatory-net/observatory/internal/mrt"
	"github.com/observatory-net/observatory/internal/rov"
)

func TestObservation(t *testing.T) {
	now := time.Date(2026, 12, 4, 1, 2, 3, 0, time.UTC)
	router := bmp.Router{Addr: netip.MustParseAddrPort("127.0.0.1:50123"), SysName: "r1"}
	pfx := netip.MustParsePrefix("193.0.0.0/24")
	peerAddr := netip.MustParseAddr("198.51.100.1")
	seq := &bgp.Attrs{Path: bgp.Path{Segs: []bgp.Segment{{Type: bgp.SegSequence, Start: 0, End: 2}}, ASNs: []bgp.ASN{64500, 64511}}}
	set := &bgp.Attrs{Path: bgp.Path{Segs: []bgp.Segment{{Type: bgp.SegSequence, Start: 0, End: 1}, {Type: bgp.SegSet, Start: 1, End: 3}},
		ASNs: []bgp.ASN{64500, 64511, 64512}}}
	pre := bmp.PeerHeader{Type: bmp.PeerGlobal, Addr: peerAddr, AS: 64500, Sec: 1} // the header's time is not the engine's
	post := bmp.PeerHeader{Type: bmp.PeerRD, Flags: bmp.FlagL, Distinguisher: 65000<<32 | 1, Addr: peerAddr, AS: 64500}
	out := bmp.PeerHeader{Type: bmp.PeerGlobal, Flags: bmp.FlagO, Addr: peerAddr, AS: 64500}
	loc := bmp.PeerHeader{Type: bmp.PeerLocRIB, Distinguisher: 7, AS: 64512}
	prePeer := alert.Peer{Source: "127.0.0.1:50123 pre-policy", Addr: peerAddr, AS: 64500}
	for _, c := range []struct {
		name string
		ev   bmp.Event
		want alert.Observation
	}{
		{"announce", bmp.Event{Router: router, Peer: pre, Kind: bmp.KindAnnounce, Route: mrt.Elem{Kind: mrt.KindAnnounce, Prefix: pfx, Attrs: seq}},
			alert.Announce{Time: now, Peer: prePeer, Prefix: pfx, Path: []bgp.ASN{64500, 64511}, Origin: 64511}},
		{"AS_SET origin", bmp.Event{Router: router, Peer: pre, Kind: bmp.KindAnnounce, Route: mrt.Elem{Kind: mrt.KindAnnounce, Prefix: pfx, Attrs: set}},
			alert.Announce{Time: now, Peer: prePeer, Prefix: pfx, Path: []bgp.ASN{64500}, Origin: rov.NoOrigin}},
		{"post-policy RD", bmp.Event{Router: router, Peer: post, Kind: bmp.KindWithdraw, Route: mrt.Elem{Kind: mrt.KindWithdraw, Prefix: pfx}},
			alert.Withdraw{Time: now, Peer: alert.Peer{Source: "127.0.0.1:50123 post-policy rd=0xfde800000001", Addr: peerAddr, AS: 64500}, Prefix: pfx}},
		{"adj-rib-out", bmp.Event{Router: router, Peer: out, Kind: bmp.KindPeerDown},
			alert.PeerDown{Time: now, Peer: alert.Peer{Source: "127.0.0.1:50123 adj-rib-out", Addr: peerAddr, AS: 64500}}},
		{"loc-rib", bmp.Event{Router: router, Peer: loc, Kind: bmp.KindAnnounce, Route: mrt.Elem{Kind: mrt.KindAnnounce, Prefix: pfx, Attrs: seq}},
			alert.Announce{Time: now, Peer: alert.Peer{Source: "127.0.0.1:50123 loc-rib", AS: 64512}, Prefix: pfx, Path: []bgp.ASN{64500, 64511}, Origin: 64511}},
		{"no prefix", bmp.Event{Router: router, Peer: pre, Kind: bmp.KindAnnounce, Route: mrt.Elem{Kind: mrt.KindAnnounce, Attrs: seq}}, nil},
		{"no attributes", bmp.Event{Router: router, Peer: pre, Kind: bmp.KindAnnounce, Route: mrt.Elem{Kind: mrt.KindAnnounce, Prefix: pfx}}, nil},
		{"peer up", bmp.Event{Router: router, Peer: pre, Kind: bmp.KindPeerUp}, nil},
		{"end of RIB", bmp.Event{Router: router, Peer: pre, Kind: bmp.KindEndOfRIB}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, ok := Observation(c.ev, now)
			if ok != (c.want != nil) {
				t.Fatalf("ok %v, want %v (%v)", ok, c.want != nil, got)
			}
			if diff := cmp.Diff(c.want, got, cmp.Comparer(func(a, b netip.Prefix) bool { return a == b }),
				cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
