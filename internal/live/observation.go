package live

import (
	"strconv"
	"time"

	"github.com/observatory-net/observatory/internal/alert"
	"github.com/observatory-net/observatory/internal/bmp"
	"github.com/observatory-net/observatory/internal/mrt"
	"github.com/observatory-net/observatory/internal/rov"
)

// Observation converts a station event to the engine's input, at time
// now: an announcement is an Announce, a withdrawal a Withdraw, a peer
// down a PeerDown; ok is false for the other events (peer up, End-of-RIB)
// and for routes without a prefix.
//
// The time is the station's clock when the event arrived, not the
// per-peer header's: the engine's time only moves forward and is also
// moved by Ticks of the same clock, so a router's clock (off, or the old
// timestamps of the table it sends at peer up) must not set it.
func Observation(ev bmp.Event, now time.Time) (o alert.Observation, ok bool) {
	p := PeerOf(ev)
	switch ev.Kind {
	case bmp.KindAnnounce:
		r := &ev.Route
		if !r.Prefix.IsValid() || r.Attrs == nil {
			return nil, false
		}
		origin, single := r.Attrs.Path.Origin()
		if !single {
			origin = rov.NoOrigin
		}
		return alert.Announce{Time: now, Peer: p, Prefix: r.Prefix, Path: alert.PathASNs(nil, &r.Attrs.Path), Origin: origin}, true
	case bmp.KindWithdraw:
		if !ev.Route.Prefix.IsValid() || ev.Route.Kind != mrt.KindWithdraw {
			return nil, false
		}
		return alert.Withdraw{Time: now, Peer: p, Prefix: ev.Route.Prefix}, true
	case bmp.KindPeerDown:
		return alert.PeerDown{Time: now, Peer: p}, true
	}
	return nil, false
}

// PeerOf names the peer of an event as the engine tells peers apart: the
// source is the router's BMP session (its address and port, unique while
// the session lasts) and the RIB, so that the pre- and post-policy tables
// of one peer, or two VRFs' peers of the same address, are not one peer:
// "127.0.0.1:50123 loc-rib", "192.0.2.1:179 post-policy rd=0xfde800000001".
func PeerOf(ev bmp.Event) alert.Peer {
	h := &ev.Peer
	src := ev.Router.Addr.String()
	switch {
	case h.Type == bmp.PeerLocRIB:
		src += " loc-rib"
	case h.AdjRIBOut() && h.PostPolicy():
		src += " adj-rib-out-post"
	case h.AdjRIBOut():
		src += " adj-rib-out"
	case h.PostPolicy():
		src += " post-policy"
	default:
		src += " pre-policy"
	}
	if h.Distinguisher != 0 && h.Type != bmp.PeerLocRIB {
		src += " rd=0x" + strconv.FormatUint(h.Distinguisher, 16)
	}
	return alert.Peer{Source: src, Addr: h.Addr, AS: h.AS}
}
