package bmp

import (
	"net/netip"
	"time"

	"github.com/observatory-net/observatory/internal/mrt"
)

// Kind says what an Event reports.
type Kind uint8

// Event kinds.
const (
	KindAnnounce Kind = iota + 1 // a route entered a peer's table (or replaced one)
	KindWithdraw                 // a route left a peer's table
	KindPeerUp                   // a Peer Up Notification
	KindPeerDown                 // a Peer Down, or the end of the router's session
	KindEndOfRIB                 // the peer's initial table is complete (RFC 4724)
)

// String returns the kind as the bmp command prints it.
func (k Kind) String() string {
	switch k {
	case KindAnnounce:
		return "announce"
	case KindWithdraw:
		return "withdraw"
	case KindPeerUp:
		return "peer-up"
	case KindPeerDown:
		return "peer-down"
	case KindEndOfRIB:
		return "end-of-rib"
	}
	return "?"
}

// Router is a BMP speaker, as its session shows it.
type Router struct {
	Addr     netip.AddrPort // remote end of the TCP session
	SysName  string         // from the Initiation message, if any
	SysDescr string
}

// String names the router by its address and, when known, its sysName.
func (r Router) String() string {
	if r.SysName != "" {
		return r.Addr.String() + " (" + r.SysName + ")"
	}
	return r.Addr.String()
}

// Event is one change the station saw. Route is set for announcements and
// withdrawals: an mrt.Elem of Kind mrt.KindAnnounce or mrt.KindWithdraw
// whose Attrs (announcements only) belong to the event and are never
// modified afterwards, so that a handler may keep it.
type Event struct {
	Router Router
	Peer   PeerHeader
	Kind   Kind
	Route  mrt.Elem
	// Time is the per-peer header's timestamp, or the arrival time when
	// the router sent none (and for the end of a session).
	Time time.Time
	// Reason says why a peer went down; for peer-up, the session's
	// local address and ports.
	Reason string
	// Family is the address family of an End-of-RIB.
	Family Family
}

// peerTime returns the time of a per-peer header, or now when it is zero.
func peerTime(p *PeerHeader, now time.Time) time.Time {
	if p.Sec == 0 && p.Micro == 0 {
		return now.UTC().Truncate(time.Microsecond)
	}
	return time.Unix(int64(p.Sec), int64(p.Micro)*1000).UTC()
}
