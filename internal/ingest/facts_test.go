package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/bgpdump"
	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/mrt"
	"github.com/observatory-net/observatory/internal/mrt/mrttest"
	"github.com/observatory-net/observatory/internal/testenv"
)

// independentRoutes recomputes the distinct prefix/origin pairs and their
// peers from the bgpdump text form of a file, by string handling alone.
func independentRoutes(t *testing.T, path string) map[string]map[string]bool {
	r, err := decompress.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	out := map[string]map[string]bool{}
	sc := mrt.NewScanner(mrt.NewReader(r, path, mrt.Options{}), false)
	var line []byte
	for e := range sc.Elems() {
		line = bgpdump.AppendLine(line[:0], e, bgpdump.Options{})
		f := strings.Split(string(line), "|")
		if f[2] != "B" && f[2] != "A" {
			continue
		}
		hops := strings.Fields(f[6])
		origin := "0"
		if n := len(hops); n > 0 && !strings.ContainsAny(hops[n-1], "{}()[]") {
			origin = hops[n-1]
		}
		k := f[5] + " " + origin
		if out[k] == nil {
			out[k] = map[string]bool{}
		}
		out[k][f[3]+" "+f[4]] = true
	}
	return out
}

func TestCollect_MatchesIndependentCount(t *testing.T) {
	files := []string{
		testenv.File(t, "mrt/ribs/routeviews.route-views.jinx.ribs.1401487200.bz2"),
		testenv.File(t, "mrt/updates/routeviews.route-views.jinx.updates.1401493500.bz2"),
		testenv.File(t, "mrt/updates/ris.rrc06.updates.1401488100.gz"),
	}
	f, err := Collect(context.Background(), files, CollectOptions{Workers: 2, RIBSpan: 7200})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]bool{}
	for _, p := range files {
		for k, peers := range independentRoutes(t, p) {
			if want[k] == nil {
				want[k] = map[string]bool{}
			}
			maps.Copy(want[k], peers)
		}
	}
	if len(f.Routes) != len(want) {
		t.Fatalf("%d distinct routes, independent count %d", len(f.Routes), len(want))
	}
	bad := 0
	for k, rf := range f.Routes {
		wk := k.Prefix.String() + " " + k.Origin.Plain()
		if len(want[wk]) != len(rf.Peers) {
			if bad++; bad < 5 {
				t.Errorf("%s: %d peers, independent %d", wk, len(rf.Peers), len(want[wk]))
			}
		}
	}
	t.Logf("%d routes, %d peers, %d paths, %d RIB entries, %d announcements", len(f.Routes), len(f.Peers), len(f.Paths), f.RIBEntries, f.Updates)
	// One fixed route: 1.0.4.0/24 from AS56203 via AS7545 (jinx RIB, real-peers.md §1).
	rf := f.Routes[RouteKey{Prefix: netip.MustParsePrefix("1.0.4.0/24"), Origin: bgp.ASN(56203)}]
	if rf == nil || len(rf.Upstreams) == 0 || rf.Upstreams[0] != 7545 || rf.First != 1401487200 || rf.Last < 1401487200+7200 {
		t.Errorf("1.0.4.0/24 AS56203: %+v", rf)
	}
}

// TestCollect_Damaged checks the rule for damaged records on MRT files: a
// file cut inside a record and a file of damaged framing are reported
// (file, record, offset) and what was read counts; a strict Log makes the
// first one fail the collection; the digest covers each file's bytes.
func TestCollect_Damaged(t *testing.T) {
	dir := t.TempDir()
	s := mrttest.Session{PeerAS: 65010, LocalAS: 6447, PeerIP: netip.MustParseAddr("10.9.9.9"), LocalIP: netip.MustParseAddr("10.9.9.1"), AS4: true}
	var b []byte
	var starts []int
	for u := range 4 {
		attrs := append([]byte{0x40, 1, 1, 0}, mrttest.ASPath4(65010, 1000+uint32(u))...)
		attrs = append(attrs, mrttest.Attr(0x40, 3, []byte{10, 9, 9, 9})...)
		nlri := mrttest.Prefix(netip.PrefixFrom(netip.AddrFrom4([4]byte{192, 0, byte(u), 0}), 24))
		starts = append(starts, len(b))
		b = append(b, mrttest.Record(1401487200+uint32(u), mrttest.TypeBGP4MP, 4, 0, append(mrttest.BGP4MPHeader(s), mrttest.Update(nil, attrs, nlri)...))...)
	}
	cut := filepath.Join(dir, "cut.mrt")
	garbled := filepath.Join(dir, "garbled.mrt")
	bad := slices.Clone(b)
	copy(bad[starts[1]:], "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff") // record 2's header
	for name, data := range map[string][]byte{cut: b[:starts[3]+20], garbled: bad} {
		if err := os.WriteFile(name, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var log inputerr.Log
	f, err := Collect(context.Background(), []string{cut, garbled}, CollectOptions{Workers: 2, RIBSpan: 7200, Damaged: &log})
	if err != nil {
		t.Fatalf("Collect() error: %v", err)
	}
	if f.Updates != 3+3 {
		t.Errorf("Collect() read %d announcements, want 3 of each file", f.Updates)
	}
	want := []string{
		fmt.Sprintf("%s: 1 damaged record skipped: record 4 at byte offset %d: truncated", cut, starts[3]),
		fmt.Sprintf("%s: 1 damaged record skipped: record 2 at byte offset %d: damaged framing", garbled, starts[1]),
	}
	lines := log.Lines()
	slices.Sort(lines)
	if len(lines) != 2 || !strings.HasPrefix(lines[0], want[0]) || !strings.HasPrefix(lines[1], want[1]) {
		t.Errorf("Lines() = %q\nwant lines starting %q", lines, want)
	}
	sum := sha256.Sum256(b[:starts[3]+20])
	if st := f.Files[0]; st.Size != int64(starts[3]+20) || st.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("FileStats = %d bytes, %s; want %d, %x", st.Size, st.SHA256, starts[3]+20, sum)
	}
	for _, path := range []string{cut, garbled} {
		_, err := Collect(context.Background(), []string{path}, CollectOptions{Workers: 1, Damaged: &inputerr.Log{Strict: true}})
		var ie *inputerr.Error
		if !errors.As(err, &ie) || ie.File != path || ie.Record < 2 {
			t.Errorf("strict Collect(%s) error = %v, want the damaged record located", path, err)
		}
	}
	// A record of a subtype the scanner does not decode is not damage,
	// even under a strict Log: it is told once for the file.
	other := filepath.Join(dir, "other.mrt")
	unknown := mrttest.Record(1401487300, mrttest.TypeBGP4MP, 99, 0, []byte{1, 2, 3})
	if err := os.WriteFile(other, slices.Concat(unknown, b, unknown), 0o600); err != nil {
		t.Fatal(err)
	}
	var notes []string
	f, err = Collect(context.Background(), []string{other}, CollectOptions{Workers: 1, Damaged: &inputerr.Log{Strict: true},
		Warn: func(err error) { notes = append(notes, err.Error()) }})
	if err != nil || f.Updates != 4 {
		t.Errorf("strict Collect() of a file with unsupported records = %v, %d announcements; want no error, 4", err, f.Updates)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "2 records of subtypes not decoded were skipped") {
		t.Errorf("notes = %q, want one telling the 2 unsupported records", notes)
	}
}
