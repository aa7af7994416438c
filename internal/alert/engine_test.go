package alert

import (
	"encoding/json"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/asrel"
	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/rpki"
)

var t0 = time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)

// at is t0 plus s seconds.
func at(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }

// peer is test peer i: 10.0.0.i, AS65000+i.
func peer(i int) Peer {
	return Peer{Addr: netip.AddrFrom4([4]byte{10, 0, 0, byte(i)}), AS: bgp.ASN(65000 + i)}
}

// ann is peer i announcing prefix over path (the peer's AS prepended),
// the origin the path's last AS.
func ann(s, i int, prefix string, path ...bgp.ASN) Announce {
	p := peer(i)
	full := append([]bgp.ASN{p.AS}, path...)
	return Announce{Time: at(s), Peer: p, Prefix: netip.MustParsePrefix(prefix), Path: full, Origin: full[len(full)-1]}
}

func wd(s, i int, prefix string) Withdraw {
	return Withdraw{Time: at(s), Peer: peer(i), Prefix: netip.MustParsePrefix(prefix)}
}

func mustWatch(t testing.TB, text string) *Watch {
	t.Helper()
	w, err := ParseWatch(strings.NewReader(text), "watch.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// snap builds a VRP set from "PREFIX-MAXLEN ASN" strings.
func snap(t testing.TB, vrps ...string) *rpki.Snapshot {
	t.Helper()
	var vs []rpki.VRP
	for _, s := range vrps {
		vs = append(vs, vrp(t, s))
	}
	s, err := rpki.NewSnapshot(vs, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func vrp(t testing.TB, s string) rpki.VRP {
	t.Helper()
	pm, asn, _ := strings.Cut(s, " ")
	p, ml, _ := strings.Cut(pm, "-")
	pfx := netip.MustParsePrefix(p)
	a, err := bgp.ParseASN(asn)
	if err != nil {
		t.Fatal(err)
	}
	n := pfx.Bits()
	if ml != "" {
		v, err := strconv.Atoi(ml)
		if err != nil {
			t.Fatal(err)
		}
		n = v
	}
	return rpki.VRP{Prefix: pfx, MaxLen: uint8(n), ASN: a}
}

// feed runs the observations through e and returns every event.
func feed(e *Engine, obs ...Observation) []Event {
	var out []Event
	for _, o := range obs {
		out = e.Observe(out, o)
	}
	return out
}

// brief is an event as the tests compare it.
type brief struct {
	Type     EventType
	Time     int // seconds after t0
	Kind     Kind
	Prefix   string
	Origin   bgp.ASN
	Peers    int
	MaxPeers int
	Opened   int
	Duration time.Duration
}

func briefs(evs []Event) []brief {
	out := make([]brief, len(evs))
	for i, ev := range evs {
		in := ev.Incident
		p := ""
		if in.Prefix.IsValid() {
			p = in.Prefix.String()
		}
		out[i] = brief{ev.Type, int(ev.Time.Sub(t0) / time.Second), in.Kind, p, in.Origin, in.Evidence.Peers,
			in.Evidence.MaxPeers, int(in.Opened.Sub(t0) / time.Second), time.Duration(in.Duration)}
	}
	return out
}

const hijackWatch = `
prefixes:
  - name: example-net
    prefix: 192.0.2.0/24
    origins: [AS64496]
    webhooks: [http://127.0.0.1:1/hook]
`

func TestEngine_hijackOpensOnceAndClosesAfterLastWithdraw(t *testing.T) {
	e := NewEngine(mustWatch(t, hijackWatch), nil, Options{})
	var obs []Observation
	for i := 1; i <= 5; i++ { // five peers see the hijack, one second apart
		obs = append(obs, ann(10+i, i, "192.0.2.0/24", 3356, 64511))
	}
	obs = append(obs, ann(20, 6, "192.0.2.0/24", 3356, 64496)) // the legitimate route: no incident
	for i := 1; i <= 4; i++ {
		obs = append(obs, wd(100+i, i, "192.0.2.0/24"))
	}
	obs = append(obs, ann(150, 5, "192.0.2.0/24", 1299, 64511)) // the last peer changes path: still a hijack
	obs = append(obs, wd(311, 5, "192.0.2.0/24"))
	got := briefs(feed(e, obs...))
	want := []brief{
		{EventOpen, 11, OriginHijack, "192.0.2.0/24", 64511, 1, 1, 11, 0},
		{EventClose, 311, OriginHijack, "192.0.2.0/24", 64511, 0, 5, 11, 300 * time.Second},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events mismatch (-want +got):\n%s", diff)
	}
	if n := len(e.Open()); n != 0 {
		t.Errorf("%d incidents still open", n)
	}
}

func TestEngine_hijackEvidence(t *testing.T) {
	e := NewEngine(mustWatch(t, hijackWatch), nil, Options{})
	feed(e, ann(1, 1, "192.0.2.0/24", 3356, 64511), ann(2, 2, "192.0.2.0/24", 1299, 64511), ann(3, 3, "192.0.2.0/24", 1299, 64511))
	open := e.Open()
	if len(open) != 1 {
		t.Fatalf("%d open incidents, want 1", len(open))
	}
	in := open[0]
	want := Evidence{Peers: 3, MaxPeers: 3,
		PeerList: []string{"AS65001 10.0.0.1", "AS65002 10.0.0.2", "AS65003 10.0.0.3"},
		Paths:    []string{"65001 3356 64511", "65002 1299 64511", "65003 1299 64511"}}
	if diff := cmp.Diff(want, in.Evidence); diff != "" {
		t.Errorf("evidence mismatch (-want +got):\n%s", diff)
	}
	if in.Key != "origin-hijack|192.0.2.0/24|AS64511" || !strings.HasPrefix(in.ID, "origin-hijack-") || len(in.ID) != len("origin-hijack-")+16 {
		t.Errorf("key %q id %q", in.Key, in.ID)
	}
	if diff := cmp.Diff([]string{"http://127.0.0.1:1/hook"}, in.Targets.Webhooks); diff != "" {
		t.Errorf("targets mismatch (-want +got):\n%s", diff)
	}
}

func TestEngine_invalidMoreSpecific(t *testing.T) {
	vrps := snap(t, "192.0.2.0/24-24 AS64496")
	e := NewEngine(mustWatch(t, hijackWatch), vrps, Options{})
	got := feed(e,
		ann(1, 1, "192.0.2.0/25", 3356, 64496),   // the owner's too-long more-specific: invalid-length
		ann(2, 1, "192.0.2.128/25", 3356, 64511), // someone else's: sub-prefix hijack and invalid-asn
		ann(3, 2, "192.0.2.128/25", 1299, 64511),
		ann(4, 1, "198.51.100.0/24", 3356, 64511), // not watched
		wd(10, 1, "192.0.2.0/25"),
		wd(20, 1, "192.0.2.128/25"),
		wd(30, 2, "192.0.2.128/25"),
	)
	want := []brief{
		{EventOpen, 1, RPKIInvalid, "192.0.2.0/25", 64496, 1, 1, 1, 0},
		{EventOpen, 2, SubPrefixHijack, "192.0.2.128/25", 64511, 1, 1, 2, 0},
		{EventOpen, 2, RPKIInvalid, "192.0.2.128/25", 64511, 1, 1, 2, 0},
		{EventClose, 10, RPKIInvalid, "192.0.2.0/25", 64496, 0, 1, 1, 9 * time.Second},
		{EventClose, 30, SubPrefixHijack, "192.0.2.128/25", 64511, 0, 2, 2, 28 * time.Second},
		{EventClose, 30, RPKIInvalid, "192.0.2.128/25", 64511, 0, 2, 2, 28 * time.Second},
	}
	if diff := cmp.Diff(want, briefs(got)); diff != "" {
		t.Errorf("events mismatch (-want +got):\n%s", diff)
	}
	ev := got[0].Incident.Evidence
	if ev.RPKI != "invalid-length" || len(ev.VRPs) != 1 || ev.VRPs[0] != vrp(t, "192.0.2.0/24-24 AS64496") {
		t.Errorf("evidence of %s: state %s, VRPs %v", got[0].Incident.Key, ev.RPKI, ev.VRPs)
	}
	if s := got[2].Incident.Evidence.RPKI; s != "invalid-asn" {
		t.Errorf("state of %s: %s, want invalid-asn", got[2].Incident.Key, s)
	}
	if w := got[2].Incident.Watched; w != netip.MustParsePrefix("192.0.2.0/24") {
		t.Errorf("watched prefix %s", w)
	}
}

func TestEngine_vrpUpdateInvalidAndBack(t *testing.T) {
	e := NewEngine(mustWatch(t, hijackWatch), snap(t), Options{}) // an empty set: updates are changes
	only64500 := snap(t, "192.0.2.0/24-24 AS64500")
	both := snap(t, "192.0.2.0/24-24 AS64500", "192.0.2.0/24-24 AS64496")
	got := feed(e,
		ann(1, 1, "192.0.2.0/24", 3356, 64496),
		ann(2, 2, "192.0.2.0/24", 1299, 64496),
		VRPUpdate{Time: at(60), Snapshot: only64500}, // the owner's ROA is missing: both routes invalid
		VRPUpdate{Time: at(90), Snapshot: only64500}, // the same set again: nothing
		VRPUpdate{Time: at(180), Snapshot: both},     // ROA published: valid again
	)
	want := []brief{
		{EventOpen, 60, ROAChange, "192.0.2.0/24", 0, 0, 0, 60, 0},
		{EventOpen, 60, RPKIInvalid, "192.0.2.0/24", 64496, 1, 1, 60, 0},
		{EventOpen, 180, ROAChange, "192.0.2.0/24", 0, 0, 0, 180, 0},
		{EventClose, 180, RPKIInvalid, "192.0.2.0/24", 64496, 0, 2, 60, 120 * time.Second},
	}
	if diff := cmp.Diff(want, briefs(got)); diff != "" {
		t.Errorf("events mismatch (-want +got):\n%s", diff)
	}
	if a := got[0].Incident.Evidence.Added; len(a) != 1 || a[0].ASN != 64500 {
		t.Errorf("first ROA change added %v", a)
	}
	if a := got[2].Incident.Evidence.Added; len(a) != 1 || a[0].ASN != 64496 || len(got[2].Incident.Evidence.Removed) != 0 {
		t.Errorf("second ROA change added %v removed %v", a, got[2].Incident.Evidence.Removed)
	}
}

func TestEngine_vrpUpdateGivenDiff(t *testing.T) {
	w := mustWatch(t, hijackWatch+"asns:\n  - name: owner\n    asn: 64496\n")
	e := NewEngine(w, snap(t), Options{})
	s := snap(t, "192.0.2.0/23-24 AS64500")
	got := feed(e, VRPUpdate{Time: at(5), Snapshot: s, Added: []rpki.VRP{vrp(t, "192.0.2.0/23-24 AS64500")}})
	// One change for the prefix (a covering VRP overlaps it), none for AS64496.
	want := []brief{{EventOpen, 5, ROAChange, "192.0.2.0/24", 0, 0, 0, 5, 0}}
	if diff := cmp.Diff(want, briefs(got)); diff != "" {
		t.Errorf("events mismatch (-want +got):\n%s", diff)
	}
	got = feed(e, VRPUpdate{Time: at(6), Snapshot: snap(t, "192.0.2.0/23-24 AS64500", "203.0.113.0/24 AS64496")})
	want = []brief{{EventOpen, 6, ROAChange, "", 64496, 0, 0, 6, 0}}
	if diff := cmp.Diff(want, briefs(got)); diff != "" {
		t.Errorf("events of the AS's ROA mismatch (-want +got):\n%s", diff)
	}
	// A VRP inside the watched prefix added, the AS's VRP removed (the
	// /23 stays): one change for each.
	got = feed(e, VRPUpdate{Time: at(7), Snapshot: snap(t, "192.0.2.0/23-24 AS64500", "192.0.2.128/25 AS64511")})
	want = []brief{{EventOpen, 7, ROAChange, "192.0.2.0/24", 0, 0, 0, 7, 0}, {EventOpen, 7, ROAChange, "", 64496, 0, 0, 7, 0}}
	if diff := cmp.Diff(want, briefs(got)); diff != "" {
		t.Errorf("events of the more-specific ROA mismatch (-want +got):\n%s", diff)
	}
	if ev := got[0].Incident.Evidence; len(ev.Added) != 1 || ev.Added[0] != vrp(t, "192.0.2.128/25 AS64511") || len(ev.Removed) != 0 {
		t.Errorf("more-specific change: added %v removed %v", ev.Added, ev.Removed)
	}
	if ev := got[1].Incident.Evidence; len(ev.Removed) != 1 || ev.Removed[0] != vrp(t, "203.0.113.0/24 AS64496") {
		t.Errorf("AS change: removed %v", ev.Removed)
	}
}

func TestEngine_firstVRPSetIsBaseline(t *testing.T) {
	e := NewEngine(mustWatch(t, hijackWatch), nil, Options{})
	got := feed(e, ann(1, 1, "192.0.2.0/24", 64511), VRPUpdate{Time: at(5), Snapshot: snap(t, "192.0.2.0/24 AS64496")})
	// The hijack, and under the first VRP set its rpki-invalid; no ROA change.
	want := []brief{{EventOpen, 1, OriginHijack, "192.0.2.0/24", 64511, 1, 1, 1, 0}, {EventOpen, 5, RPKIInvalid, "192.0.2.0/24", 64511, 1, 1, 5, 0}}
	if diff := cmp.Diff(want, briefs(got)); diff != "" {
		t.Errorf("events mismatch (-want +got):\n%s", diff)
	}
}

// leakGraph: AS64496 is a customer of AS64510; AS64501 is a customer of
// both AS64510 and AS64520.
func leakGraph(t testing.TB) *asrel.Graph {
	var b asrel.Builder
	for _, l := range []asrel.Link{{A: 64510, B: 64496, Rel: asrel.RelP2C}, {A: 64510, B: 64501, Rel: asrel.RelP2C}, {A: 64520, B: 64501, Rel: asrel.RelP2C}} {
		if err := b.Add(l); err != nil {
			t.Fatal(err)
		}
	}
	return b.Build()
}

func TestEngine_routeLeak(t *testing.T) {
	w := mustWatch(t, `
asns:
  - name: customer-multihomed
    asn: AS64501
    emails: [noc@example.net]
`)
	e := NewEngine(w, nil, Options{Graph: leakGraph(t)})
	got := feed(e,
		// AS64501 learned 203.0.113.0/24 from its provider AS64510 and
		// sent it up to its other provider AS64520 (RFC 7908 type 1).
		Announce{Time: at(1), Peer: peer(1), Prefix: netip.MustParsePrefix("203.0.113.0/24"), Path: []bgp.ASN{64520, 64501, 64501, 64510, 64496}, Origin: 64496},
		// Valley-free through AS64501 (its own customer cone is empty, so
		// the route goes down only): no leak.
		Announce{Time: at(2), Peer: peer(2), Prefix: netip.MustParsePrefix("203.0.113.0/24"), Path: []bgp.ASN{64501, 64510, 64496}, Origin: 64496},
		// Not through a watched AS: not kept.
		Announce{Time: at(3), Peer: peer(3), Prefix: netip.MustParsePrefix("203.0.113.0/24"), Path: []bgp.ASN{64520, 64510, 64496}, Origin: 64496},
		Withdraw{Time: at(50), Peer: peer(1), Prefix: netip.MustParsePrefix("203.0.113.0/24")},
	)
	want := []brief{
		{EventOpen, 1, RouteLeak, "203.0.113.0/24", 64496, 1, 1, 1, 0},
		{EventClose, 50, RouteLeak, "203.0.113.0/24", 64496, 0, 1, 1, 49 * time.Second},
	}
	if diff := cmp.Diff(want, briefs(got)); diff != "" {
		t.Errorf("events mismatch (-want +got):\n%s", diff)
	}
	wantLeak := &LeakEvidence{Leaker: 64501, From: 64510, To: 64520, FromRel: "customer-of", ToRel: "customer-of"}
	if diff := cmp.Diff(wantLeak, got[0].Incident.Evidence.Leak); diff != "" {
		t.Errorf("leak mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"customer-multihomed"}, got[0].Incident.Watches); diff != "" {
		t.Errorf("watches mismatch (-want +got):\n%s", diff)
	}
	if s := e.Stats(); s.Routes != 1 {
		t.Errorf("%d routes kept, want 1 (the valley-free one through AS64501)", s.Routes)
	}
}

const visWatch = `
prefixes:
  - name: anycast
    prefix: 198.51.100.0/24
    origins: [64496]
    visibility: {min_peers: 2, hold: 60s}
  - name: never-announced
    prefix: 203.0.113.0/24
    visibility: {hold: 0s}
`

func TestEngine_visibilityLossWithHold(t *testing.T) {
	e := NewEngine(mustWatch(t, visWatch), nil, Options{})
	const p = "198.51.100.0/24"
	got := feed(e,
		ann(0, 1, p, 64496), ann(0, 2, p, 64496), ann(0, 3, p, 64496),
		wd(10, 1, p),                         // two left: enough
		wd(20, 2, p),                         // one left: below since 20 s
		ann(25, 4, p, 64511),                 // a hijacker's route does not count
		Tick{Time: at(50)},                   // within the hold
		Tick{Time: at(80)},                   // hold over: raised, opened at 20 s
		ann(100, 1, p, 64496),                // back to two: closed
		wd(200, 1, p), ann(230, 1, p, 64496), // a flap shorter than the hold: nothing
		Tick{Time: at(1000)},
	)
	want := []brief{
		{EventOpen, 25, OriginHijack, p, 64511, 1, 1, 25, 0},
		{EventOpen, 80, VisibilityLoss, p, 0, 1, 0, 20, 0},
		{EventClose, 100, VisibilityLoss, p, 0, 2, 0, 20, 80 * time.Second},
	}
	if diff := cmp.Diff(want, briefs(got)); diff != "" {
		t.Errorf("events mismatch (-want +got):\n%s", diff)
	}
	ev := got[1].Incident.Evidence
	if ev.MinPeers != 2 || ev.Hold != Duration(time.Minute) || !ev.Since.Equal(at(20)) {
		t.Errorf("visibility evidence %+v", ev)
	}
}

func TestEngine_visibilityHoldZeroAndPeerDown(t *testing.T) {
	e := NewEngine(mustWatch(t, visWatch), nil, Options{})
	const p = "203.0.113.0/24"
	got := feed(e,
		ann(1, 1, p, 64496, 64499),
		ann(1, 1, "203.0.113.0/25", 64496, 64499), // a more-specific does not count for the /24
		PeerDown{Time: at(7), Peer: peer(1)},
		ann(9, 2, p, 64499),
	)
	want := []brief{
		{EventOpen, 7, VisibilityLoss, p, 0, 0, 0, 7, 0},
		{EventClose, 9, VisibilityLoss, p, 0, 1, 0, 7, 2 * time.Second},
	}
	if diff := cmp.Diff(want, briefs(got)); diff != "" {
		t.Errorf("events mismatch (-want +got):\n%s", diff)
	}
	if s := e.Stats(); s.Routes != 1 {
		t.Errorf("%d routes after the peer went down, want 1", s.Routes)
	}
}

func TestEngine_reopenIsANewIncident(t *testing.T) {
	e := NewEngine(mustWatch(t, hijackWatch), nil, Options{})
	got := feed(e,
		ann(1, 1, "192.0.2.0/24", 64511), wd(2, 1, "192.0.2.0/24"),
		ann(3, 1, "192.0.2.0/24", 64511), wd(4, 1, "192.0.2.0/24"))
	if len(got) != 4 {
		t.Fatalf("%d events, want 4", len(got))
	}
	if got[0].Incident.ID != got[1].Incident.ID || got[2].Incident.ID != got[3].Incident.ID || got[0].Incident.ID == got[2].Incident.ID {
		t.Errorf("ids %s %s %s %s: want one per occurrence", got[0].Incident.ID, got[1].Incident.ID, got[2].Incident.ID, got[3].Incident.ID)
	}
	if got[0].Incident.Key != got[2].Incident.Key {
		t.Errorf("keys %q and %q differ", got[0].Incident.Key, got[2].Incident.Key)
	}
}

func TestEngine_deterministic(t *testing.T) {
	w := mustWatch(t, hijackWatch+visWatch[len("\nprefixes:\n"):])
	stream := func() []Observation {
		var obs []Observation
		for i := 1; i <= 8; i++ {
			obs = append(obs, ann(i, i, "192.0.2.0/24", 64511), ann(i, i, "192.0.2.128/25", 64512))
		}
		obs = append(obs, VRPUpdate{Time: at(20), Snapshot: snap(t, "192.0.2.0/24-25 AS64496")})
		for i := 1; i <= 8; i++ {
			obs = append(obs, PeerDown{Time: at(30 + i), Peer: peer(i)})
		}
		return obs
	}
	a := feed(NewEngine(w, nil, Options{}), stream()...)
	b := feed(NewEngine(w, nil, Options{}), stream()...)
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if diff := cmp.Diff(string(ja), string(jb)); diff != "" {
		t.Errorf("two runs differ (-first +second):\n%s", diff)
	}
	if len(a) != 8 { // hijack and sub-prefix hijack, their rpki-invalid under the first VRP set (a baseline, no ROA change), four closes
		t.Errorf("%d events:\n%v", len(a), briefs(a))
	}
}

func TestEngine_noPrefixIgnored(t *testing.T) {
	e := NewEngine(mustWatch(t, hijackWatch), nil, Options{})
	got := feed(e, Announce{Time: at(1), Peer: peer(1), Origin: 64511}, Withdraw{Time: at(2), Peer: peer(1)},
		Announce{Time: at(3), Peer: peer(1), Prefix: netip.MustParsePrefix("192.0.2.77/24"), Path: []bgp.ASN{65001, 64511}, Origin: 64511})
	// The prefix with host bits is masked on entry: 192.0.2.0/24.
	if len(got) != 1 || got[0].Incident.Prefix != netip.MustParsePrefix("192.0.2.0/24") || e.Stats().Routes != 1 {
		t.Errorf("events %v, %d routes", briefs(got), e.Stats().Routes)
	}
}

func TestLine(t *testing.T) {
	e := NewEngine(mustWatch(t, visWatch), nil, Options{})
	const p = "198.51.100.0/24"
	evs := feed(e, ann(0, 1, p, 64496), ann(0, 2, p, 64496), wd(1, 1, p), Tick{Time: at(61)}, ann(70, 1, p, 64496))
	got := make([]string, len(evs))
	for i, ev := range evs {
		got[i] = Line(ev)
	}
	want := []string{
		"2026-12-04T00:01:01Z OPEN  visibility-loss  198.51.100.0/24      -         peers=1 watch=anycast",
		"2026-12-04T00:01:10Z CLOSE visibility-loss  198.51.100.0/24      -         peers=2 duration=1m9s watch=anycast",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Line() mismatch (-want +got):\n%s", diff)
	}
}
