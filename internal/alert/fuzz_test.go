package alert

import (
	"net/netip"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/rpki"
)

// fuzzWatch watches a /24 with an expected origin and a visibility rule,
// a /16 with none, and an AS (AS64501, the leaker of leakGraph).
const fuzzWatch = `
prefixes:
  - name: a
    prefix: 192.0.2.0/24
    origins: [64496]
    visibility: {min_peers: 2, hold: 3s}
  - name: b
    prefix: 10.1.0.0/16
    visibility: {hold: 0s}
asns:
  - name: leaker
    asn: 64501
`

var (
	fuzzPrefixes = []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("192.0.2.0/25"),
		netip.MustParsePrefix("192.0.2.128/26"), netip.MustParsePrefix("10.1.0.0/16"), netip.MustParsePrefix("10.1.2.0/24"),
		netip.MustParsePrefix("203.0.113.0/24")}
	fuzzOrigins = []bgp.ASN{64496, 64511, 0, 64501}
	fuzzPaths   = [][]bgp.ASN{{64520, 64501, 64510}, {64501, 64510}, {64510}, {3356, 1299}}
)

// FuzzEngine checks, for any sequence of observations over a small world
// (4 peers, 6 prefixes, 4 origins, 4 paths, 3 VRP sets), that no incident
// opens while one of the same key is open, that every close ends the open
// incident of its key with the right duration, that no id is used twice,
// and that what the engine says is open is what the events left open.
func FuzzEngine(f *testing.F) {
	f.Add([]byte{0, 0, 1, 1, 0, 1, 1, 1, 1, 0, 1, 0, 4, 0, 0, 9, 3, 1, 0, 1})
	f.Add([]byte{0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 2, 0, 3, 1, 0, 0, 2, 0, 0, 7, 4, 2, 0, 0, 0, 3, 3, 3})
	f.Add([]byte{0, 3, 4, 1, 0, 2, 4, 2, 3, 2, 0, 5, 4, 1, 0, 1, 2, 3, 3, 0})
	g := leakGraph(f)
	w := mustWatch(f, fuzzWatch)
	sets := []*rpki.Snapshot{nil, snap(f, "192.0.2.0/24-24 AS64496"), snap(f, "192.0.2.0/24-26 AS64511", "10.1.0.0/16-24 AS64501")}
	f.Fuzz(func(t *testing.T, data []byte) {
		e := NewEngine(w, nil, Options{Graph: g})
		open := map[string]Incident{}
		ids := map[string]bool{}
		now := t0
		var evs []Event
		for i := 0; i+3 < len(data) && i < 4*500; i += 4 {
			op, a, b, c := data[i]%6, int(data[i+1]), int(data[i+2]), int(data[i+3])
			now = now.Add(time.Duration(c%5) * time.Second)
			evs = e.Observe(evs[:0], fuzzObservation(op, a, b, c, now, sets))
			for _, ev := range evs {
				check(t, ev, open, ids)
			}
		}
		left := e.Open()
		if len(left) != len(open) {
			t.Fatalf("engine has %d open incidents, the events left %d", len(left), len(open))
		}
		for _, in := range left {
			if open[in.Key].ID != in.ID {
				t.Fatalf("open incident %s (%s) not opened by an event", in.ID, in.Key)
			}
		}
	})
}

func fuzzObservation(op byte, a, b, c int, now time.Time, sets []*rpki.Snapshot) Observation {
	p := peer(a%4 + 1)
	prefix := fuzzPrefixes[b%len(fuzzPrefixes)]
	switch op {
	case 0, 1:
		path := append([]bgp.ASN{p.AS}, fuzzPaths[c%len(fuzzPaths)]...)
		origin := fuzzOrigins[(b/len(fuzzPrefixes)+c)%len(fuzzOrigins)]
		if origin != 0 {
			path = append(path, origin)
		}
		return Announce{Time: now, Peer: p, Prefix: prefix, Path: path, Origin: origin}
	case 2:
		return Withdraw{Time: now, Peer: p, Prefix: prefix}
	case 3:
		return PeerDown{Time: now, Peer: p}
	case 4:
		return VRPUpdate{Time: now, Snapshot: sets[c%len(sets)]}
	}
	return Tick{Time: now}
}

// check applies ev to the open set, failing on a duplicate or orphan.
func check(t *testing.T, ev Event, open map[string]Incident, ids map[string]bool) {
	in := ev.Incident
	switch {
	case ev.Type == EventOpen && in.Kind == ROAChange:
		if ids[in.ID] {
			t.Fatalf("ROA change id %s used twice", in.ID)
		}
		ids[in.ID] = true
	case ev.Type == EventOpen:
		if prev, ok := open[in.Key]; ok {
			t.Fatalf("%s opened again at %s while %s (opened %s) is open", in.Key, ev.Time, prev.ID, prev.Opened)
		}
		if ids[in.ID] {
			t.Fatalf("id %s opened twice", in.ID)
		}
		ids[in.ID] = true
		open[in.Key] = in
	case ev.Type == EventClose:
		prev, ok := open[in.Key]
		if !ok || prev.ID != in.ID {
			t.Fatalf("%s (%s) closed but not open", in.ID, in.Key)
		}
		if want := Duration(ev.Time.Sub(in.Opened)); in.Duration != want || in.Evidence.Peers != 0 && in.Kind != VisibilityLoss {
			t.Fatalf("%s closed with duration %s (want %s) and %d peers", in.ID, in.Duration, want, in.Evidence.Peers)
		}
		delete(open, in.Key)
	}
}
