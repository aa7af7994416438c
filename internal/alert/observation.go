package alert

import (
	"net/netip"
	"strconv"
	"time"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/rpki"
)

// Observation is one input of the Engine: an Announce, Withdraw,
// PeerDown, VRPUpdate or Tick. Sources (MRT replay, the BMP station, the
// RTR client) produce them; the engine's time is theirs.
type Observation interface {
	// When is the time the observation was made.
	When() time.Time
	observation()
}

// Peer is a BGP session a route was learned over: the source that
// reported it (a collector, a BMP-monitored router; empty for MRT replay)
// and the peer's address and AS.
type Peer struct {
	Source string     `json:"source,omitempty"`
	Addr   netip.Addr `json:"addr"`
	AS     bgp.ASN    `json:"asn"`
}

// String renders "AS64496 192.0.2.1", prefixed by the source when set.
func (p Peer) String() string {
	s := p.AS.String() + " " + p.Addr.String()
	if p.Source != "" {
		s = p.Source + " " + s
	}
	return s
}

// Announce is a route announced (or replaced) by a peer.
type Announce struct {
	Time   time.Time
	Peer   Peer
	Prefix netip.Prefix // masked by the engine
	// Path is the AS_PATH as seen from the collector (Path[0] the peer's
	// AS, the last the origin), AS_SEQUENCE members only; see PathASNs.
	// The engine copies what it keeps.
	Path []bgp.ASN
	// Origin is the originating AS, rov.NoOrigin (AS0) when the path ends
	// in an AS_SET.
	Origin bgp.ASN
}

// Withdraw is a route withdrawn by a peer.
type Withdraw struct {
	Time   time.Time
	Peer   Peer
	Prefix netip.Prefix
}

// PeerDown is the end of a session: every route of the peer is gone.
type PeerDown struct {
	Time time.Time
	Peer Peer
}

// VRPUpdate replaces the VRP set routes are validated against. Added and
// Removed are the change from the previous set, as an RTR serial update
// delivers it; when both are nil the engine computes the change itself.
type VRPUpdate struct {
	Time     time.Time
	Snapshot *rpki.Snapshot
	Added    []rpki.VRP
	Removed  []rpki.VRP
}

// Tick only advances the engine's time, so that hold timers (visibility
// loss) fire when no route changes.
type Tick struct{ Time time.Time }

// When returns a's time.
func (a Announce) When() time.Time { return a.Time }

// When returns w's time.
func (w Withdraw) When() time.Time { return w.Time }

// When returns d's time.
func (d PeerDown) When() time.Time { return d.Time }

// When returns u's time.
func (u VRPUpdate) When() time.Time { return u.Time }

// When returns t's time.
func (t Tick) When() time.Time { return t.Time }

func (Announce) observation()  {}
func (Withdraw) observation()  {}
func (PeerDown) observation()  {}
func (VRPUpdate) observation() {}
func (Tick) observation()      {}

// PathASNs appends the AS_SEQUENCE members of p to dst, in order: the
// path Announce wants (AS_SETs and confederation segments left out, as
// valley-free checks require).
func PathASNs(dst []bgp.ASN, p *bgp.Path) []bgp.ASN {
	for i, s := range p.Segs {
		if s.Type == bgp.SegSequence {
			dst = append(dst, p.Segment(i)...)
		}
	}
	return dst
}

// pathText renders a path as "64496 64511".
func pathText(path []bgp.ASN) string {
	b := make([]byte, 0, 8*len(path))
	for i, a := range path {
		if i > 0 {
			b = append(b, ' ')
		}
		b = strconv.AppendUint(b, uint64(a), 10)
	}
	return string(b)
}
