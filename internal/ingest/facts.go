package ingest

import (
	"context"
	"fmt"
	"hash/maphash"
	"net/netip"
	"slices"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/mrt"
)

// PeerKey identifies a collector peer.
type PeerKey struct {
	IP netip.Addr
	AS bgp.ASN
}

// RouteKey is a prefix and its origin AS; Origin is 0 when the path ends
// in an AS_SET (no single origin, §13.8).
type RouteKey struct {
	Prefix netip.Prefix
	Origin bgp.ASN
}

// RouteFact is what the month's dumps say about one route.
type RouteFact struct {
	Peers     []uint16 // sorted ids of the collector peers that saw it
	First     uint32   // unix time first seen
	Last      uint32   // unix time last seen (end of its last RIB span or last update)
	Upstreams []bgp.ASN
	Paths     []uint32 // ids of distinct paths (into Facts.Paths), at most maxPathsPerRoute
}

const maxPathsPerRoute = 8

// PathInfo is a distinct AS path and what its checks found.
type PathInfo struct {
	Path bgp.Path
}

// Facts are the collapsed observations of a set of MRT files.
type Facts struct {
	Peers      []PeerKey // index = peer id
	Routes     map[RouteKey]*RouteFact
	Paths      []PathInfo
	Adjacency  map[[2]bgp.ASN]uint32 // AS pairs adjacent in some path (left nearer the collector) → routes
	RIBEntries int64
	Updates    int64
	Files      []FileStats
}

// FileStats describes one read MRT file.
type FileStats struct {
	Path     string
	Elements int64
	Skipped  int64
	From, To uint32
	Err      error
}

// CollectOptions tune Collect.
type CollectOptions struct {
	Workers int
	// RIBSpan is how long a route seen in a RIB dump counts as announced
	// after the dump: the collector's dump interval (RouteViews 2 h).
	RIBSpan uint32
	// From, To bound the month: elements outside are ignored.
	From, To uint32
	// Warn receives skipped records and unreadable files.
	Warn func(error)
	// Progress, when set, receives each amount of compressed input read.
	Progress func(n int64)
}

// Collect reads the MRT files in parallel, one worker per file, and merges
// the per-file facts.
func Collect(ctx context.Context, files []string, opt CollectOptions) (*Facts, error) {
	if opt.Workers <= 0 {
		opt.Workers = 2
	}
	var mu sync.Mutex
	parts := make([]*Facts, len(files))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(opt.Workers)
	for i, path := range files {
		g.Go(func() error {
			f, err := collectFile(ctx, path, opt, &mu)
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
	return merge(parts), nil
}

// fileCollector accumulates one file's facts.
type fileCollector struct {
	f       *Facts
	peerIDs map[PeerKey]uint16
	pathIDs map[uint64]uint32
	seed    maphash.Seed
	opt     CollectOptions
}

func collectFile(ctx context.Context, path string, opt CollectOptions, mu *sync.Mutex) (*Facts, error) {
	r, err := decompress.OpenProgress(path, opt.Progress)
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
	c := &fileCollector{
		f:       &Facts{Routes: map[RouteKey]*RouteFact{}, Adjacency: map[[2]bgp.ASN]uint32{}},
		peerIDs: map[PeerKey]uint16{},
		pathIDs: map[uint64]uint32{},
		seed:    maphash.MakeSeed(),
		opt:     opt,
	}
	sc := mrt.NewScanner(mrt.NewReader(r, path, mrt.Options{Resync: true, Warn: warn}), false)
	st := FileStats{Path: path}
	n := 0
	for e := range sc.Elems() {
		if n++; n&0xffff == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		c.add(e, &st)
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

func (c *fileCollector) add(e *mrt.Elem, st *FileStats) {
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
	rf.Peers = insertSorted(rf.Peers, c.peerID(e.PeerIP, e.PeerAS))
	pid := c.pathID(&e.Attrs.Path)
	if len(rf.Paths) < maxPathsPerRoute {
		rf.Paths = insertSorted(rf.Paths, pid)
	}
	if up, ok := upstream(&e.Attrs.Path); ok {
		rf.Upstreams = insertSorted(rf.Upstreams, up)
	}
}

func (c *fileCollector) peerID(ip netip.Addr, as bgp.ASN) uint16 {
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
func (c *fileCollector) pathID(p *bgp.Path) uint32 {
	var h maphash.Hash
	h.SetSeed(c.seed)
	for _, s := range p.Segs {
		h.WriteByte(byte(s.Type))
		for _, a := range p.ASNs[s.Start:s.End] {
			var b [4]byte
			b[0], b[1], b[2], b[3] = byte(a>>24), byte(a>>16), byte(a>>8), byte(a)
			h.Write(b[:])
		}
		h.WriteByte(0xff)
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

// upstream returns the AS next to the origin on the collector side,
// skipping prepends: the one that accepted and propagated the route.
func upstream(p *bgp.Path) (bgp.ASN, bool) {
	origin, ok := p.Origin()
	if !ok {
		return 0, false
	}
	last := p.Segs[len(p.Segs)-1]
	for i := int(last.End) - 1; i >= 0; i-- {
		if a := p.ASNs[i]; a != origin {
			return a, true
		}
	}
	return 0, false
}

func insertSorted[T uint16 | uint32 | bgp.ASN](s []T, v T) []T {
	i, found := slices.BinarySearch(s, v)
	if found {
		return s
	}
	return slices.Insert(s, i, v)
}
