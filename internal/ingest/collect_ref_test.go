package ingest

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"github.com/observatory-net/observatory/internal/mrt/mrttest"
	"github.com/observatory-net/observatory/internal/testenv"
	"hash/maphash"
	"maps"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sync/errgroup"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/mrt"
)

// Collect reads the MRT files in parallel, one worker per file, and merges
// the per-file facts.
func refCollect(ctx context.Context, files []string, opt CollectOptions) (*Facts, error) {
	if opt.Workers <= 0 {
		opt.Workers = 2
	}
	var mu sync.Mutex
	parts := make([]*Facts, len(files))
	outer := ctx
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(opt.Workers)
	for i, path := range files {
		g.Go(func() error {
			f, err := refCollectFile(ctx, path, opt, &mu)
			if err != nil {
				return err
			}
			parts[i] = f
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	life, err := refLifetimes(outer, files, opt)
	if err != nil {
		return nil, err
	}
	life.applyFiles(parts)
	return refMerge(parts, life), nil
}

// refFileCollector accumulates one file's facts.
type refFileCollector struct {
	f       *Facts
	peerIDs map[PeerKey]uint16
	pathIDs map[uint64]uint32
	seed    maphash.Seed
	opt     CollectOptions
}

func refCollectFile(ctx context.Context, path string, opt CollectOptions, mu *sync.Mutex) (*Facts, error) {
	r, err := decompress.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer r.Close()
	warn := func(err error) {
		if opt.Warn != nil {
			mu.Lock()
			opt.Warn(err)
			mu.Unlock()
		}
	}
	c := &refFileCollector{
		f:       &Facts{Routes: map[RouteKey]*RouteFact{}, Adjacency: map[[2]bgp.ASN]uint32{}},
		peerIDs: map[PeerKey]uint16{},
		pathIDs: map[uint64]uint32{},
		seed:    maphash.MakeSeed(),
		opt:     opt,
	}
	sc := mrt.NewScanner(mrt.NewReader(r, path, mrt.Options{Resync: true, Warn: warn}), false)
	st := FileStats{Path: path}
	// The oracle hashes the file by a second read; Collect while it reads.
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(raw)
	st.Size, st.SHA256 = int64(len(raw)), hex.EncodeToString(sum[:])
	n := 0
	for e := range sc.Elems() {
		if n++; n&0xffff == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		c.refAdd(e, &st)
	}
	st.Skipped = sc.Skipped()
	if err := sc.Err(); err != nil {
		// A damaged file ends early: what was read counts, the rest is reported.
		st.Err = err
		warn(err)
	}
	c.f.Files = []FileStats{st}
	return c.f, nil
}

func (c *refFileCollector) refAdd(e *mrt.Elem, st *FileStats) {
	if e.Kind != mrt.KindRIB && e.Kind != mrt.KindAnnounce {
		return
	}
	if c.opt.To != 0 && (e.Time < c.opt.From || e.Time >= c.opt.To) {
		return
	}
	st.Elements++
	if st.From == 0 || e.Time < st.From {
		st.From = e.Time
	}
	st.To = max(st.To, e.Time)
	end := e.Time
	if e.Kind == mrt.KindRIB {
		c.f.RIBEntries++
		end += c.opt.RIBSpan
	} else {
		c.f.Updates++
	}
	origin, _ := e.Attrs.Path.Origin()
	key := RouteKey{Prefix: e.Prefix, Origin: origin}
	rf := c.f.Routes[key]
	if rf == nil {
		rf = &RouteFact{First: e.Time, Last: end}
		c.f.Routes[key] = rf
	}
	rf.First, rf.Last = min(rf.First, e.Time), max(rf.Last, end)
	rf.Peers = insertSorted(rf.Peers, c.refPeerID(e.PeerIP, e.PeerAS))
	pid := c.refPathID(&e.Attrs.Path)
	if len(rf.Paths) < maxPathsPerRoute {
		rf.Paths = insertSorted(rf.Paths, pid)
	}
	if up, ok := upstream(&e.Attrs.Path); ok {
		rf.Upstreams = insertSorted(rf.Upstreams, up)
	}
}

func (c *refFileCollector) refPeerID(ip netip.Addr, as bgp.ASN) uint16 {
	k := PeerKey{IP: ip, AS: as}
	id, ok := c.peerIDs[k]
	if !ok {
		id = uint16(len(c.f.Peers))
		c.peerIDs[k] = id
		c.f.Peers = append(c.f.Peers, k)
	}
	return id
}

// pathID interns a path by the hash of its segments; a path is copied only
// the first time it is seen, so the hot path allocates nothing for the
// paths a RIB repeats.
func (c *refFileCollector) refPathID(p *bgp.Path) uint32 {
	var h maphash.Hash
	h.SetSeed(c.seed)
	for i, s := range p.Segs {
		// AS_SEQUENCEs in a row are one path: one segment here.
		if i == 0 || s.Type != bgp.SegSequence || p.Segs[i-1].Type != bgp.SegSequence {
			h.WriteByte(0xff)
			h.WriteByte(byte(s.Type))
		}
		for _, a := range p.ASNs[s.Start:s.End] {
			var b [4]byte
			b[0], b[1], b[2], b[3] = byte(a>>24), byte(a>>16), byte(a>>8), byte(a)
			h.Write(b[:])
		}
	}
	sum := h.Sum64()
	if id, ok := c.pathIDs[sum]; ok {
		return id
	}
	id := uint32(len(c.f.Paths))
	c.pathIDs[sum] = id
	c.f.Paths = append(c.f.Paths, PathInfo{Path: p.Clone()})
	for i := 1; i < len(p.ASNs); i++ {
		if p.ASNs[i-1] != p.ASNs[i] {
			c.f.Adjacency[[2]bgp.ASN{p.ASNs[i-1], p.ASNs[i]}]++
		}
	}
	return id
}

// merge combines per-file facts, re-numbering peers and paths into one
// table each. Parts are merged in file order, so the result does not
// depend on which worker finished first.
func refMerge(parts []*Facts, life *refLife) *Facts {
	out := &Facts{Routes: map[RouteKey]*RouteFact{}, Adjacency: map[[2]bgp.ASN]uint32{}}
	peerIDs := map[PeerKey]uint16{}
	pathIDs := map[string]uint32{}
	for _, p := range parts {
		if p == nil {
			continue
		}
		peerMap := make([]uint16, len(p.Peers))
		for i, k := range p.Peers {
			id, ok := peerIDs[k]
			if !ok {
				id = uint16(len(out.Peers))
				peerIDs[k] = id
				out.Peers = append(out.Peers, k)
			}
			peerMap[i] = id
		}
		pathMap := make([]uint32, len(p.Paths))
		for i, pi := range p.Paths {
			k := refPathKey(&pi.Path)
			id, ok := pathIDs[k]
			if !ok {
				id = uint32(len(out.Paths))
				pathIDs[k] = id
				out.Paths = append(out.Paths, pi)
			}
			pathMap[i] = id
		}
		for k, rf := range p.Routes {
			refMergeRoute(out, k, rf, peerMap, pathMap)
		}
		for k, n := range p.Adjacency {
			out.Adjacency[k] += n
		}
		out.RIBEntries += p.RIBEntries
		out.Updates += p.Updates
		out.Files = append(out.Files, p.Files...)
	}
	life.applyMerged(out)
	refNormalizeSpans(out)
	return out
}

func refMergeRoute(out *Facts, k RouteKey, rf *RouteFact, peerMap []uint16, pathMap []uint32) {
	dst := out.Routes[k]
	if dst == nil {
		dst = &RouteFact{First: rf.First, Last: rf.Last}
		out.Routes[k] = dst
	}
	dst.First, dst.Last = min(dst.First, rf.First), max(dst.Last, rf.Last)
	dst.Spans = append(dst.Spans, Span{rf.First, rf.Last}) // raw: refNormalizeSpans sorts and joins them
	for _, id := range rf.Peers {
		dst.Peers = insertSorted(dst.Peers, peerMap[id])
	}
	for _, id := range rf.Paths {
		if len(dst.Paths) < maxPathsPerRoute {
			dst.Paths = insertSorted(dst.Paths, pathMap[id])
		}
	}
	for _, a := range rf.Upstreams {
		dst.Upstreams = insertSorted(dst.Upstreams, a)
	}
}

// pathKey is a path's text form, a stable key across files.
func refPathKey(p *bgp.Path) string {
	b := make([]byte, 0, 8*len(p.ASNs)+len(p.Segs))
	return string(p.AppendText(b))
}

// diffFacts describes how two Facts differ, or returns "".
func diffFacts(want, got *Facts) string {
	var d []string
	if !slices.Equal(want.Peers, got.Peers) {
		d = append(d, fmt.Sprintf("peers %v, want %v", got.Peers, want.Peers))
	}
	// Collect keeps only the paths that routes keep: the reference's kept
	// paths, in its order, must be exactly the new ones.
	var kept []uint32
	for _, rf := range want.Routes {
		kept = append(kept, rf.Paths...)
	}
	slices.Sort(kept)
	kept = slices.Compact(kept)
	if len(kept) != len(got.Paths) {
		d = append(d, fmt.Sprintf("%d paths, want %d", len(got.Paths), len(kept)))
	} else {
		for i, id := range kept {
			if !reflect.DeepEqual(want.Paths[id], got.Paths[i]) {
				d = append(d, fmt.Sprintf("path %d = %+v, want %+v", i, got.Paths[i], want.Paths[id]))
				break
			}
		}
		// Renumber the reference's route paths to compare the routes.
		rank := map[uint32]uint32{}
		for i, id := range kept {
			rank[id] = uint32(i)
		}
		renumbered := make(map[RouteKey]*RouteFact, len(want.Routes))
		for k, rf := range want.Routes {
			c := *rf
			c.Paths = make([]uint32, len(rf.Paths))
			for i, id := range rf.Paths {
				c.Paths[i] = rank[id]
			}
			renumbered[k] = &c
		}
		want = &Facts{Routes: renumbered, Peers: want.Peers, Adjacency: want.Adjacency, RIBEntries: want.RIBEntries, Updates: want.Updates, Files: want.Files}
	}
	if len(want.Routes) != len(got.Routes) {
		d = append(d, fmt.Sprintf("%d routes, want %d", len(got.Routes), len(want.Routes)))
	}
	bad := 0
	for k, w := range want.Routes {
		if g := got.Routes[k]; !reflect.DeepEqual(w, g) {
			if bad++; bad <= 5 {
				d = append(d, fmt.Sprintf("route %v = %+v, want %+v", k, g, w))
			}
		}
	}
	if !maps.Equal(want.Adjacency, got.Adjacency) {
		d = append(d, fmt.Sprintf("adjacency: %d pairs, want %d", len(got.Adjacency), len(want.Adjacency)))
	}
	if want.RIBEntries != got.RIBEntries || want.Updates != got.Updates {
		d = append(d, fmt.Sprintf("%d RIB entries and %d updates, want %d and %d", got.RIBEntries, got.Updates, want.RIBEntries, want.Updates))
	}
	if fmt.Sprint(want.Files) != fmt.Sprint(got.Files) {
		d = append(d, fmt.Sprintf("files %+v, want %+v", got.Files, want.Files))
	}
	return strings.Join(d, "\n")
}

// TestCollect_MatchesReference checks the compact tables against the
// straightforward implementation they replaced, on the jinx group in
// several orders and with and without a month filter.
func TestCollect_MatchesReference(t *testing.T) {
	files := []string{
		testenv.File(t, "mrt/ribs/routeviews.route-views.jinx.ribs.1401487200.bz2"),
		testenv.File(t, "mrt/updates/routeviews.route-views.jinx.updates.1401493500.bz2"),
		testenv.File(t, "mrt/updates/ris.rrc06.updates.1401488100.gz"),
	}
	for _, tc := range []struct {
		name  string
		files []string
		opt   CollectOptions
	}{
		{"jinx group", files, CollectOptions{Workers: 2, RIBSpan: 7200}},
		{"reversed, one worker", []string{files[2], files[1], files[0]}, CollectOptions{Workers: 1, RIBSpan: 7200}},
		{"hour filter", files, CollectOptions{Workers: 3, RIBSpan: 7200, From: 1401487200, To: 1401490800}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			compareWithReference(t, tc.files, tc.opt)
		})
	}
}

// TestCollect_MatchesReferenceSynthetic covers what the real files lack:
// more than 64 peers, more than maxPathsPerRoute paths and several
// upstreams per route, AS_SET origins, IPv6, announcements.
func TestCollect_MatchesReferenceSynthetic(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for f := range 3 {
		var b []byte
		var peers []mrttest.Peer
		for i := range 70 {
			peers = append(peers, mrttest.Peer{IP: netip.AddrFrom4([4]byte{10, byte(f), 0, byte(i)}), AS: uint32(64600 + i%50), AS4: true})
		}
		ts := uint32(1401487200 + f*7200)
		b = append(b, mrttest.Record(ts, mrttest.TypeTableDumpV2, mrt.SubPeerIndexTable, 0, mrttest.PeerIndex(netip.MustParseAddr("10.255.0.1"), "", peers))...)
		for p := range 40 {
			var entries []mrttest.Entry
			for i := range 70 {
				if (p+i+f)%3 == 0 {
					continue
				}
				path := mrttest.ASPath4(uint32(64600+i%50), uint32(3000+(i+p)%11), uint32(1000+p%7))
				if p%9 == 0 {
					// AS_SEQUENCE then AS_SET: no single origin
					path = mrttest.Attr(0x40, 2, []byte{2, 1, 0, 0, 0xfc, 0x58, 1, 2, 0, 0, 0x10, 0x01, 0, 0, 0x10, 0x02})
				}
				entries = append(entries, mrttest.Entry{PeerIndex: uint16(i), Attrs: append([]byte{0x40, 1, 1, 0}, path...)})
			}
			pfx := netip.PrefixFrom(netip.AddrFrom4([4]byte{192, 0, byte(p), 0}), 24)
			sub := uint16(mrt.SubRIBIPv4Unicast)
			if p%4 == 0 {
				pfx, sub = netip.PrefixFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, byte(p)}), 48), mrt.SubRIBIPv6Unicast
			}
			b = append(b, mrttest.Record(ts+uint32(p), mrttest.TypeTableDumpV2, sub, 0, mrttest.RIB(uint32(p), pfx, false, entries))...)
		}
		for u := range 5 {
			s := mrttest.Session{PeerAS: 65010, LocalAS: 6447, PeerIP: netip.MustParseAddr("10.9.9.9"), LocalIP: netip.MustParseAddr("10.9.9.1"), AS4: true}
			attrs := append([]byte{0x40, 1, 1, 0}, mrttest.ASPath4(65010, uint32(3000+u), 1000+uint32(u))...)
			attrs = append(attrs, mrttest.Attr(0x40, 3, []byte{10, 9, 9, 9})...)
			nlri := mrttest.Prefix(netip.PrefixFrom(netip.AddrFrom4([4]byte{192, 0, byte(u), 0}), 24))
			body := append(mrttest.BGP4MPHeader(s), mrttest.Update(nil, attrs, nlri)...)
			b = append(b, mrttest.Record(ts+100+uint32(u), mrttest.TypeBGP4MP, 4, 0, body)...)
		}
		name := filepath.Join(dir, fmt.Sprintf("f%d.mrt", f))
		if err := os.WriteFile(name, b, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, name)
	}
	got := compareWithReference(t, files, CollectOptions{Workers: 2, RIBSpan: 7200})
	if len(got.Peers) < 200 || got.Updates != 15 {
		t.Errorf("synthetic input too small to cover the cases: %d peers, %d updates", len(got.Peers), got.Updates)
	}
	// With dumps vouching for one hour only, the three dumps two hours
	// apart leave gaps: three spans per route seen in all three.
	got = compareWithReference(t, files, CollectOptions{Workers: 2, RIBSpan: 3600})
	three := 0
	for _, rf := range got.Routes {
		if len(rf.Spans) == 3 && rf.Spans[1].Start-rf.Spans[0].Start == 7200 {
			three++
		}
	}
	if three == 0 {
		t.Error("no route with three spans: the gaps between dumps were lost")
	}
}

func compareWithReference(t *testing.T, files []string, opt CollectOptions) *Facts {
	t.Helper()
	want, err := refCollect(context.Background(), files, opt)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Collect(context.Background(), files, opt)
	if err != nil {
		t.Fatal(err)
	}
	if d := diffFacts(want, got); d != "" {
		t.Errorf("Collect() differs from the reference:\n%s", d)
	}
	if w, g := refPeersOf(want), got.PeersOf(); !maps.Equal(w, g) {
		t.Errorf("PeersOf() differs from the reference: %d origins, want %d", len(g), len(w))
	}
	return got
}

// refPeersOf is PeersOf before the bit sets.
func refPeersOf(f *Facts) map[bgp.ASN]int {
	sets := map[bgp.ASN][]uint16{}
	for k, rf := range f.Routes {
		if k.Origin == 0 {
			continue
		}
		s := sets[k.Origin]
		for _, p := range rf.Peers {
			s = insertSorted(s, p)
		}
		sets[k.Origin] = s
	}
	out := make(map[bgp.ASN]int, len(sets))
	for a, s := range sets {
		out[a] = len(s)
	}
	return out
}

func TestFacts_PeersOf(t *testing.T) {
	p := func(s string) netip.Prefix { return netip.MustParsePrefix(s) }
	f := &Facts{Peers: make([]PeerKey, 70), Routes: map[RouteKey]*RouteFact{
		{p("10.0.0.0/8"), 1}:    {Peers: []uint16{0, 3, 69}},
		{p("11.0.0.0/8"), 1}:    {Peers: []uint16{3, 64, 80}}, // 80 is outside the peer table
		{p("12.0.0.0/8"), 2}:    {Peers: []uint16{5}},
		{p("13.0.0.0/8"), 0}:    {Peers: []uint16{1, 2}},
		{p("2001:db8::/32"), 2}: {Peers: []uint16{5, 6}},
	}}
	want := map[bgp.ASN]int{1: 5, 2: 2}
	if got := f.PeersOf(); !maps.Equal(got, want) {
		t.Errorf("PeersOf() = %v, want %v", got, want)
	}
	if got := refPeersOf(f); !maps.Equal(got, want) {
		t.Errorf("refPeersOf() = %v, want %v", got, want)
	}
}

// refNormalizeSpans turns the raw per-file spans of each route into the
// sorted, joined set, by a sort and a sweep.
func refNormalizeSpans(f *Facts) {
	for _, rf := range f.Routes {
		raw := rf.Spans
		slices.SortFunc(raw, func(a, b Span) int { return cmp.Compare(a.Start, b.Start) })
		var out Spans
		for _, sp := range raw {
			if n := len(out); n > 0 && sp.Start <= out[n-1].End {
				out[n-1].End = max(out[n-1].End, sp.End)
				continue
			}
			out = append(out, sp)
		}
		rf.Spans = out
		if len(out) == 1 {
			rf.Spans = nil // one span is [First, Last]
		}
	}
}
