package rislive

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/mrt"
)

// Writer writes MRT elements as RIS Live messages, one a line: an
// announcement or a withdrawal as an UPDATE of one prefix, a session
// leaving Established as RIS_PEER_STATE "down"; other elements are not
// written. It makes replay files of real dumps for offline tests of a
// RIS Live feed.
type Writer struct {
	w    io.Writer
	host string
	n    int64
}

// NewWriter writes to w the messages of collector host (rrc00…).
func NewWriter(w io.Writer, host string) *Writer { return &Writer{w: w, host: host} }

// Write writes e's message, if it has one; ok reports whether it had.
func (w *Writer) Write(e *mrt.Elem) (ok bool, err error) {
	d := Data{Timestamp: float64(e.Time) + float64(e.Micro)/1e6, Peer: e.PeerIP.String(),
		PeerASN: strconv.FormatUint(uint64(e.PeerAS), 10), Host: w.host}
	switch {
	case e.Kind == mrt.KindAnnounce && e.Prefix.IsValid() && e.Attrs != nil:
		d.Type, d.Path = "UPDATE", pathHops(&e.Attrs.Path)
		d.Announcements = []Announcement{{NextHop: nextHop(e.Attrs), Prefixes: []string{e.Prefix.String()}}}
	case e.Kind == mrt.KindWithdraw && e.Prefix.IsValid():
		d.Type, d.Withdrawals = "UPDATE", []string{e.Prefix.String()}
	case e.Kind == mrt.KindState && e.OldState == stateEstablished && e.NewState != stateEstablished:
		d.Type, d.State = "RIS_PEER_STATE", "down"
	default:
		return false, nil
	}
	w.n++
	d.ID = w.host + "-" + strconv.FormatInt(w.n, 10)
	b, err := json.Marshal(Message{Type: "ris_message", Data: d})
	if err != nil {
		return false, fmt.Errorf("RIS Live message %d: %w", w.n, err)
	}
	if _, err := w.w.Write(append(b, '\n')); err != nil {
		return false, fmt.Errorf("write RIS Live message %d: %w", w.n, err)
	}
	return true, nil
}

// pathHops writes a path the RIS Live way: AS_SEQUENCE members as
// numbers, an AS_SET as an array.
func pathHops(p *bgp.Path) []any {
	out := []any{}
	for i, s := range p.Segs {
		asns := p.Segment(i)
		if s.Type == bgp.SegSet || s.Type == bgp.SegConfedSet {
			set := make([]any, len(asns))
			for j, a := range asns {
				set[j] = uint32(a)
			}
			out = append(out, set)
			continue
		}
		for _, a := range asns {
			out = append(out, uint32(a))
		}
	}
	return out
}

// nextHop is the announcement's next hop as text, "" when it has none.
func nextHop(a *bgp.Attrs) string {
	if ip, ok := a.MPReach.NextHopAddr(); ok {
		return ip.String()
	}
	if a.NextHop.IsValid() {
		return a.NextHop.String()
	}
	return ""
}
