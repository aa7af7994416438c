package ingest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/inputerr"
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
	Peers []uint16 // sorted ids of the collector peers that saw it
	First uint32   // unix time first seen
	Last  uint32   // unix time last announced (end of its last span)
	// Spans are the announced intervals: per file, from the first time
	// it saw the route to the last (a RIB entry vouching for RIBSpan
	// after the dump; an announcement until what ends it, carried across
	// files: carry.go), joined where they overlap or touch. Nil when the
	// route has one span, [First, Last]: use AnnouncedSpans.
	Spans     Spans
	Upstreams []bgp.ASN
	Paths     []uint32 // ids of distinct paths (into Facts.Paths), at most maxPathsPerRoute
}

const maxPathsPerRoute = 8

// PathInfo is a distinct AS path and what its checks found.
type PathInfo struct {
	Path bgp.Path
}

// Facts are the collapsed observations of a set of MRT files. Paths holds
// only the paths that some route keeps (RouteFact.Paths), numbered in order
// of first appearance; a month's other distinct paths are counted in
// Adjacency but not kept. The paths share large blocks of storage: treat
// them as read-only (Clone one to change it).
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
	// Size and SHA256 describe the file's bytes, hashed as they were read.
	Size   int64
	SHA256 string
}

// CollectOptions tune Collect.
type CollectOptions struct {
	Workers int
	// RIBSpan is how long a route seen in a RIB dump counts as announced
	// after the dump: the collector's dump interval (RouteViews 2 h).
	RIBSpan uint32
	// From, To bound the month: elements outside are ignored.
	From, To uint32
	// Warn receives what is worth telling but not damage: records the
	// MRT reader repaired.
	Warn func(error)
	// Damaged receives the damaged records of every file (see
	// inputerr.Log): undecodable records, damaged framing, a truncated or
	// unreadable file. With a strict (or nil) Log the first one fails the
	// collection, and the MRT reader does not resynchronise.
	Damaged *inputerr.Log
	// Progress, when set, receives each amount of compressed input read.
	Progress func(n int64)
	// Cache, when not empty, is a directory of the files' partials: each
	// file's part is read from there when it was collected before with
	// the same options, and stored there when not (docs/incremental.md).
	Cache string
	// CacheStats, when set, counts what the cache did.
	CacheStats *CacheStats
	// PartsOnly keeps the files' partials alone, no month state: a
	// queue's collect job of one file (internal/jobs) is no month.
	PartsOnly bool
	// Log receives the cache's warnings (default slog.Default()).
	Log *slog.Logger
}

// Collect reads the MRT files in parallel, one worker per file, and merges
// the per-file facts in file order as they complete, so the result does
// not depend on which worker finished first. A file is started only when
// fewer than Workers files are read or waiting to be merged, which bounds
// the memory held in per-file facts. With opt.Cache, a file's part is
// decoded from its partial when there is one, and the merged state of the
// longest run of first files merged before is restored (partcache.go);
// the facts are the same as without.
func Collect(ctx context.Context, files []string, opt CollectOptions) (*Facts, error) {
	if opt.Workers <= 0 {
		opt.Workers = 2
	}
	var mu sync.Mutex
	// The files of a month are alike: the tables of each file are sized
	// for what the last file read held, which spares growing them.
	var hint sizeHint
	results := make([]chan *filePart, len(files))
	for i := range results {
		results[i] = make(chan *filePart, 1)
	}
	// With a cache, the merged state of the longest run of first files
	// merged before is restored, and only the rest is merged.
	m := newMerger()
	var ms *monthState
	start := 0
	if opt.Cache != "" {
		ms, start = restoreState(files, opt, m, &mu)
	}
	g, ctx := errgroup.WithContext(ctx)
	window := make(chan struct{}, opt.Workers) // read but not yet merged
	g.Go(func() error {
		for i := start; i < len(files); i++ {
			path := files[i]
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return ctx.Err()
			}
			g.Go(func() error {
				collect := collectFile
				if opt.Cache != "" {
					collect = collectCached
				}
				part, err := collect(ctx, path, opt, &mu, &hint, i == 0)
				if err != nil {
					return err
				}
				hint.routes.Store(int64(part.routes.len()))
				hint.paths.Store(int64(len(part.paths)))
				results[i] <- part
				return nil
			})
		}
		return nil
	})
	for i := start; i < len(files); i++ {
		select {
		case part := <-results[i]:
			ms.add(m, part, i)
			m.add(part)
			<-window
		case <-ctx.Done():
			return nil, waitErr(ctx, g)
		}
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	ms.done(m, len(files))
	return m.facts(), nil
}

// waitErr returns the error that cancelled the collection.
func waitErr(ctx context.Context, g *errgroup.Group) error {
	if err := g.Wait(); err != nil {
		return err
	}
	return ctx.Err()
}

// sizeHint is how many routes and distinct paths the last file held.
type sizeHint struct{ routes, paths atomic.Int64 }

// filePart is what one file says, in tables local to the file.
type filePart struct {
	peers   []PeerKey // index = local peer id
	routes  *routeTable
	paths   []filePath // index = local path id
	arena   pathArena
	adj     map[[2]bgp.ASN]uint32
	rib     int64
	updates int64
	stats   FileStats
	// notes are the messages the file gave Warn, in order; damaged is
	// set when it gave Damaged any record. The partial cache stores the
	// one and does not store a damaged part.
	notes   []string
	damaged bool
	// carry is what the file's UPDATEs say across its bounds (carry.go);
	// nil for a file without any.
	carry *fileCarry
}

// filePath is a distinct path of a file with what add needs of it.
type filePath struct {
	fp        pathFP
	enc       pathEnc
	origin    bgp.ASN
	up        bgp.ASN
	hasUp     bool
	hasOrigin bool
}

// fileCollector accumulates one file's facts.
type fileCollector struct {
	p       *filePart
	opt     CollectOptions
	peerIDs map[PeerKey]uint16
	peerHot [64]peerSlot // a direct-mapped cache in front of peerIDs
	pathIDs map[pathFP]uint32
	pathHot []pathSlot // a direct-mapped cache in front of pathIDs
	buf     []byte
	// the route of the previous element: RIB entries of one prefix come
	// together, mostly with one origin
	lastKey routeKey
	lastAcc *routeAcc
	// cc follows the UPDATEs, from the first one on
	cc *carryCollector
}

// pathHotSize is the number of slots of the path cache: RIBs list
// prefixes in address order, and a peer's path to an origin repeats over
// its neighbouring prefixes, so a small cache answers most lookups without
// touching the large map.
const pathHotSize = 1 << 14

type pathSlot struct {
	fp pathFP
	id uint32
	ok bool
}

type peerSlot struct {
	key PeerKey
	id  uint16
	ok  bool
}

// collectFile reads one file. The route index of the first file is kept,
// for the merge to take its table over; the others' are dropped.
func collectFile(ctx context.Context, path string, opt CollectOptions, mu *sync.Mutex, hint *sizeHint, first bool) (*filePart, error) {
	r, err := decompress.OpenFile(path, decompress.Options{Progress: opt.Progress, Digest: true})
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Op == "open" {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err != nil { // the file opens but cannot be decompressed
		if err := opt.Damaged.SkipErr(inputerr.New(path, 1, 0, err)); err != nil {
			return nil, err
		}
		return &filePart{routes: newRouteTable(0), adj: map[[2]bgp.ASN]uint32{}, stats: FileStats{Path: path, Err: err}, damaged: true}, nil
	}
	// Under a strict Log the reader does not resynchronise, and the first
	// damaged record ends the file and the collection. Records of
	// subtypes the scanner does not decode are not damage: counted, and
	// told once per file.
	strict := opt.Damaged.IsStrict()
	var damage error
	var unsupported int64
	var firstUnsupported error
	var notes []string
	damaged := false
	note := func(err error) {
		notes = append(notes, err.Error())
		if opt.Warn != nil {
			mu.Lock()
			opt.Warn(err)
			mu.Unlock()
		}
	}
	warn := func(err error) {
		switch {
		case errors.Is(err, mrt.ErrRepaired):
			note(err)
			return
		case errors.Is(err, mrt.ErrUnsupported):
			if unsupported++; firstUnsupported == nil {
				firstUnsupported = err
			}
			return
		case !errors.As(err, new(*inputerr.Error)):
			err = inputerr.New(path, 0, 0, err) // located in the file at least
		}
		damaged = true
		if err := opt.Damaged.SkipErr(err); err != nil && damage == nil {
			damage = err
		}
	}
	nPaths := int(hint.paths.Load())
	c := &fileCollector{
		p: &filePart{routes: newRouteTable(int(hint.routes.Load())), paths: make([]filePath, 0, nPaths),
			adj: map[[2]bgp.ASN]uint32{}, stats: FileStats{Path: path}},
		opt:     opt,
		peerIDs: map[PeerKey]uint16{},
		pathIDs: make(map[pathFP]uint32, nPaths),
		pathHot: make([]pathSlot, pathHotSize),
	}
	sc := mrt.NewScanner(mrt.NewReader(r, path, mrt.Options{Resync: !strict, Warn: warn}), false)
	n := 0
	for e := range sc.Elems() {
		if n++; n&0xffff == 0 {
			if err := ctx.Err(); err != nil {
				r.Close()
				return nil, err
			}
		}
		if damage != nil {
			break
		}
		c.add(e)
	}
	if c.cc != nil {
		c.p.carry = c.cc.finish(c.p.stats.To)
	}
	r.Close()
	c.p.stats.Size, c.p.stats.SHA256 = r.Sum()
	c.p.stats.Skipped = sc.Skipped()
	if !first {
		c.p.routes.index = nil // the merge walks the routes in order
	}
	if err := sc.Err(); err != nil {
		// A damaged file ends early: what was read counts, the rest is
		// reported, or with a strict Log it fails the month.
		c.p.stats.Err = err
		warn(err)
	}
	if damage != nil {
		return nil, damage
	}
	if unsupported > 0 {
		note(fmt.Errorf("%s: %d records of subtypes not decoded were skipped, the first: %w", path, unsupported, firstUnsupported))
	}
	c.p.notes, c.p.damaged = notes, damaged
	return c.p, nil
}

func (c *fileCollector) add(e *mrt.Elem) {
	if c.opt.To != 0 && (e.Time < c.opt.From || e.Time >= c.opt.To) {
		return
	}
	switch e.Kind {
	case mrt.KindRIB, mrt.KindAnnounce:
	case mrt.KindWithdraw:
		c.carry().update(e, 0, nil)
		return
	case mrt.KindState:
		c.carry().state(e)
		return
	default:
		return
	}
	st := &c.p.stats
	st.Elements++
	if st.From == 0 || e.Time < st.From {
		st.From = e.Time
	}
	st.To = max(st.To, e.Time)
	end := e.Time
	if e.Kind == mrt.KindRIB {
		c.p.rib++
		end += c.opt.RIBSpan
	} else {
		c.p.updates++
	}
	peer := c.peerID(e.PeerIP, e.PeerAS)
	pid := c.pathID(&e.Attrs.Path)
	pi := &c.p.paths[pid]
	key := packRoute(e.Prefix, pi.origin)
	rt := c.p.routes
	r := c.lastAcc
	if r == nil || key != c.lastKey {
		r = rt.lookup(key, e.Time, end)
		c.lastKey, c.lastAcc = key, r
	}
	r.first, r.last = min(r.first, e.Time), max(r.last, end)
	rt.addPeer(r, peer)
	rt.addPath(r, pid)
	if pi.hasUp {
		rt.addUp(r, pi.up)
	}
	if e.Kind == mrt.KindAnnounce {
		c.carry().update(e, pi.origin, r)
	}
}

func (c *fileCollector) carry() *carryCollector {
	if c.cc == nil {
		c.cc = newCarryCollector()
	}
	return c.cc
}

func (c *fileCollector) peerID(ip netip.Addr, as bgp.ASN) uint16 {
	k := PeerKey{IP: ip, AS: as}
	b := ip.As16()
	slot := &c.peerHot[(uint32(b[15])^uint32(b[14])<<3^uint32(as))%uint32(len(c.peerHot))]
	if slot.ok && slot.key == k {
		return slot.id
	}
	id, ok := c.peerIDs[k]
	if !ok {
		id = uint16(len(c.p.peers))
		c.peerIDs[k] = id
		c.p.peers = append(c.p.peers, k)
	}
	*slot = peerSlot{key: k, id: id, ok: true}
	return id
}

// pathID interns a path by its fingerprint; a path is stored only the
// first time it is seen, so the hot path allocates nothing for the paths a
// RIB repeats. The adjacencies of a path are counted then.
func (c *fileCollector) pathID(p *bgp.Path) uint32 {
	var fp pathFP
	fp, c.buf = fingerprint(p, c.buf)
	slot := &c.pathHot[fp[1]%pathHotSize]
	if slot.ok && slot.fp == fp {
		return slot.id
	}
	if id, ok := c.pathIDs[fp]; ok {
		*slot = pathSlot{fp: fp, id: id, ok: true}
		return id
	}
	id := uint32(len(c.p.paths))
	c.pathIDs[fp] = id
	*slot = pathSlot{fp: fp, id: id, ok: true}
	fi := filePath{fp: fp, enc: c.p.arena.add(p)}
	fi.origin, fi.hasOrigin = p.Origin()
	fi.up, fi.hasUp = upstream(p)
	c.p.paths = append(c.p.paths, fi)
	for i := 1; i < len(p.ASNs); i++ {
		if p.ASNs[i-1] != p.ASNs[i] {
			c.p.adj[[2]bgp.ASN{p.ASNs[i-1], p.ASNs[i]}]++
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

// AnnouncedSpans returns the route's announced intervals.
func (rf *RouteFact) AnnouncedSpans() Spans {
	if len(rf.Spans) > 0 {
		return rf.Spans
	}
	return Spans{{rf.First, rf.Last}}
}
