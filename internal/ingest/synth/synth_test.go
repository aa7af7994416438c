package synth

import (
	"bytes"
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/mrt"
	"github.com/observatory-net/observatory/internal/mrt/mrttest"
)

// realRIB writes a small "real" RIB: two peers, 10.0.0.0/8 seen by both
// with different origins, 2001:db8::/32 seen by one.
func realRIB(t *testing.T) string {
	t.Helper()
	origin := mrttest.Attr(0x40, 1, []byte{0}) // ORIGIN IGP
	var b []byte
	b = append(b, mrttest.Record(1401487200, mrttest.TypeTableDumpV2, mrt.SubPeerIndexTable, 0,
		mrttest.PeerIndex(netip.MustParseAddr("192.0.2.1"), "", []mrttest.Peer{
			{IP: netip.MustParseAddr("192.0.2.10"), AS: 65001, AS4: true},
			{IP: netip.MustParseAddr("192.0.2.11"), AS: 65002, AS4: true},
		}))...)
	b = append(b, mrttest.Record(1401487200, mrttest.TypeTableDumpV2, mrt.SubRIBIPv4Unicast, 0,
		mrttest.RIB(0, netip.MustParsePrefix("10.0.0.0/8"), false, []mrttest.Entry{
			{PeerIndex: 0, Originated: 1, Attrs: append(slices.Clone(origin), mrttest.ASPath4(3356, 64496)...)},
			{PeerIndex: 1, Originated: 2, Attrs: append(slices.Clone(origin), mrttest.ASPath4(1299, 2914, 64497)...)},
		}))...)
	b = append(b, mrttest.Record(1401487200, mrttest.TypeTableDumpV2, mrt.SubRIBIPv6Unicast, 0,
		mrttest.RIB(1, netip.MustParsePrefix("2001:db8::/32"), false, []mrttest.Entry{
			{PeerIndex: 1, Originated: 3, Attrs: append(mrttest.ASPath4(6939, 64498), origin...)},
		}))...)
	p := filepath.Join(t.TempDir(), "real.mrt")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

type entry struct {
	File   int
	Time   uint32
	Peer   bgp.ASN
	Prefix string
	Path   string
}

func readMonth(t *testing.T, m *Month) []entry {
	t.Helper()
	var out []entry
	for i, name := range m.Files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := mrt.NewScanner(mrt.NewReader(f, name, mrt.Options{}), true)
		for e := range sc.Elems() {
			out = append(out, entry{File: i, Time: e.Time, Peer: e.PeerAS, Prefix: e.Prefix.String(), Path: e.Attrs.Path.String()})
		}
		f.Close()
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestGenerate(t *testing.T) {
	src := realRIB(t)
	m, err := Generate(context.Background(), src, t.TempDir(), Options{Peers: 4, Files: 2, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Files) != 2 || m.Peers != 4 || m.Prefixes != 2 || m.Entries != 8 || m.SkippedRec != 0 {
		t.Fatalf("Generate() = %+v", m)
	}
	got := readMonth(t, m)
	if len(got) != 8 {
		t.Fatalf("read %d entries, want 8: %+v", len(got), got)
	}
	origins := map[string][]string{"10.0.0.0/8": {"64496", "64497"}, "2001:db8::/32": {"64498"}}
	peers := map[bgp.ASN]bool{}
	for _, e := range got {
		peers[e.Peer] = true
		hops := bytes.Fields([]byte(e.Path))
		if string(hops[0]) != e.Peer.Plain() {
			t.Errorf("%+v: path does not start with the peer's ASN", e)
		}
		if !slices.Contains(origins[e.Prefix], string(hops[len(hops)-1])) {
			t.Errorf("%+v: origin is not one of the real ones %v", e, origins[e.Prefix])
		}
		if want := uint32(1401487200 + e.File*RIBInterval); e.Time != want {
			t.Errorf("%+v: time %d, want %d", e, e.Time, want)
		}
	}
	if len(peers) != 4 {
		t.Errorf("%d distinct peer ASNs, want 4", len(peers))
	}
	again, err := Generate(context.Background(), src, t.TempDir(), Options{Peers: 4, Files: 2, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, readMonth(t, again)); diff != "" {
		t.Errorf("same seed, different month (-first +second):\n%s", diff)
	}
}

func TestGenerate_Options(t *testing.T) {
	if _, err := Generate(context.Background(), realRIB(t), t.TempDir(), Options{Peers: 2, Files: 3}); err == nil {
		t.Error("Generate() with more files than peers succeeded")
	}
}
