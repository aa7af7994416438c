package ingest

import (
	"context"
	"encoding/binary"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/mrt/mrttest"
	"github.com/observatory-net/observatory/internal/testenv"
)

// carryEvent is one record of a hand-made updates file.
type carryEvent struct {
	at       uint32
	peer     int    // index into carryPeers
	announce string // a prefix announced with origin
	origin   uint32
	withdraw string // a prefix withdrawn
	down     bool   // the session leaves Established
}

var carryPeers = []mrttest.Session{
	{PeerAS: 64500, LocalAS: 6447, PeerIP: netip.MustParseAddr("10.9.9.1"), LocalIP: netip.MustParseAddr("10.9.9.254"), AS4: true},
	{PeerAS: 64501, LocalAS: 6447, PeerIP: netip.MustParseAddr("10.9.9.2"), LocalIP: netip.MustParseAddr("10.9.9.254"), AS4: true},
}

func writeCarryFile(t *testing.T, dir, name string, evs []carryEvent) string {
	t.Helper()
	var b []byte
	for _, ev := range evs {
		s := carryPeers[ev.peer]
		body := mrttest.BGP4MPHeader(s)
		switch {
		case ev.down:
			body = binary.BigEndian.AppendUint16(body, established)
			body = binary.BigEndian.AppendUint16(body, 1) // Idle
			b = append(b, mrttest.Record(ev.at, mrttest.TypeBGP4MP, 5, 0, body)...)
			continue
		case ev.withdraw != "":
			body = append(body, mrttest.Update(mrttest.Prefix(netip.MustParsePrefix(ev.withdraw)), nil, nil)...)
		default:
			attrs := append([]byte{0x40, 1, 1, 0}, mrttest.ASPath4(s.PeerAS, ev.origin)...)
			attrs = append(attrs, mrttest.Attr(0x40, 3, s.PeerIP.AsSlice())...)
			body = append(body, mrttest.Update(nil, attrs, mrttest.Prefix(netip.MustParsePrefix(ev.announce)))...)
		}
		b = append(b, mrttest.Record(ev.at, mrttest.TypeBGP4MP, 4, 0, body)...)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// carryFiles are three update files, 15 minutes apart, that cover each
// way an announcement ends: a withdrawal in the same file and in a later
// one, a new origin, a session down, the end of the data.
func carryFiles(t *testing.T) []string {
	dir := t.TempDir()
	const t0 = 1_500_000_000
	return []string{
		writeCarryFile(t, dir, "updates.0000", []carryEvent{
			{at: t0 + 10, announce: "10.0.0.0/24", origin: 65001},
			{at: t0 + 20, announce: "10.0.1.0/24", origin: 65002},
			{at: t0 + 30, announce: "10.0.2.0/24", origin: 65003},
			{at: t0 + 40, announce: "10.0.3.0/24", origin: 65004},
			{at: t0 + 50, withdraw: "10.0.3.0/24"},
			{at: t0 + 100, peer: 1, announce: "10.9.0.0/24", origin: 65009},
		}),
		writeCarryFile(t, dir, "updates.0015", []carryEvent{
			{at: t0 + 905, withdraw: "10.0.0.0/24"},
			{at: t0 + 910, announce: "10.0.1.0/24", origin: 65005},
			{at: t0 + 950, peer: 1, down: true},
			{at: t0 + 1000, announce: "10.5.0.0/24", origin: 65006},
		}),
		writeCarryFile(t, dir, "updates.0030", []carryEvent{
			{at: t0 + 1850, announce: "10.6.0.0/24", origin: 65007},
		}),
	}
}

func TestCollect_AnnouncementsEnd(t *testing.T) {
	files := carryFiles(t)
	got := compareWithReference(t, files, CollectOptions{Workers: 2, RIBSpan: 7200})
	const t0 = 1_500_000_000
	for _, want := range []struct {
		prefix      string
		origin      uint32
		first, last uint32
	}{
		{"10.0.0.0/24", 65001, t0 + 10, t0 + 905},   // carried to its withdrawal in the next file
		{"10.0.1.0/24", 65002, t0 + 20, t0 + 910},   // until another origin replaced it
		{"10.0.1.0/24", 65005, t0 + 910, t0 + 1850}, // to the peer's last update
		{"10.0.2.0/24", 65003, t0 + 30, t0 + 1850},  // never withdrawn
		{"10.0.3.0/24", 65004, t0 + 40, t0 + 50},    // withdrawn in its own file
		{"10.9.0.0/24", 65009, t0 + 100, t0 + 950},  // its peer's session went down
		{"10.5.0.0/24", 65006, t0 + 1000, t0 + 1850},
	} {
		k := RouteKey{Prefix: netip.MustParsePrefix(want.prefix), Origin: bgp.ASN(want.origin)}
		rf := got.Routes[k]
		if rf == nil {
			t.Errorf("%v: no route", k)
			continue
		}
		if rf.First != want.first || rf.Last != want.last || len(rf.Spans) > 0 {
			t.Errorf("%v: [%d, %d] spans %v, want [t0+%d, t0+%d] in one span", k, rf.First-t0, rf.Last-t0, rf.Spans, want.first-t0, want.last-t0)
		}
	}
}

// TestPartCache_CarrySameFacts: the month state carries the standing
// announcements, so a daily pass that restores it and merges one more file
// gives the facts of a pass from scratch.
func TestPartCache_CarrySameFacts(t *testing.T) {
	files := carryFiles(t)
	chicago := chicagoFiles(t, 3)
	cache := t.TempDir()
	opts := gocmp.Options{cmpopts.EquateEmpty(), cmpopts.EquateComparable(netip.Addr{}, netip.Prefix{})}
	for _, set := range [][]string{files[:2], files, chicago[:2], chicago} {
		opt := CollectOptions{Workers: 2, RIBSpan: 7200}
		want, err := Collect(context.Background(), set, opt)
		if err != nil {
			t.Fatal(err)
		}
		opt.Cache = cache
		got, err := Collect(context.Background(), set, opt)
		if err != nil {
			t.Fatal(err)
		}
		if d := gocmp.Diff(want, got, opts); d != "" {
			t.Errorf("%d files: the facts differ (-scratch +cached):\n%s", len(set), d)
		}
	}
}

// chicagoFiles are the first n of the consecutive RouteViews Chicago
// update files, 15 minutes apart.
func chicagoFiles(t *testing.T, n int) []string {
	var out []string
	for _, hm := range []string{"1845", "1900", "1915", "1930"}[:n] {
		out = append(out, testenv.File(t, "mrt/updates/route-views-chicago-20170824-25/updates.20170824."+hm+".bz2"))
	}
	return out
}

// TestCollect_CarryMatchesReference: on real consecutive update files the
// announcements carried across files agree with the reference, and there
// are such announcements to agree on.
func TestCollect_CarryMatchesReference(t *testing.T) {
	files := chicagoFiles(t, 3)
	opt := CollectOptions{Workers: 2, RIBSpan: 7200}
	life, err := refLifetimes(context.Background(), files, opt)
	if err != nil {
		t.Fatal(err)
	}
	got := compareWithReference(t, files, opt)
	carried, beyond := len(life.extra), 0
	last := got.Files[0].To
	for _, rf := range got.Routes {
		if rf.First <= last && rf.Last > got.Files[1].To {
			beyond++ // announced in the first file, standing into the third
		}
	}
	t.Logf("%d routes carried across files; %d from the first file into the third", carried, beyond)
	if carried < 100 || beyond < 100 {
		t.Errorf("%d routes carried, %d beyond the second file: too few for the real files to test the carry", carried, beyond)
	}
}
