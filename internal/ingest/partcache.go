package ingest

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/observatory-net/observatory/internal/atomicfile"
	"github.com/observatory-net/observatory/internal/bgp"
)

// The partial cache keeps each MRT file's part (what collectFile found in
// it, in the file's own peer and path numbering) in a file of its own, so
// that a month recomputed every day reads only the files that are new
// since the day before and merges the stored parts of the others. The
// merge is the one of a from-scratch Collect, in file order, so the month
// is the same; docs/incremental.md explains the key and the encoding.

// partVersion is the version of the part encoding and of what a part
// holds. Bump it whenever the encoding, collectFile, or the MRT reading
// beneath it changes what a file's part is: the key includes it, so the
// entries of an older version are never read.
const partVersion = 2

// partMagic opens every entry.
const partMagic = "OBSPART\n"

// CacheStats counts what the partial cache did during a Collect. The
// counters are safe for concurrent use.
type CacheStats struct {
	Hits   atomic.Int64 // parts read from the cache
	Misses atomic.Int64 // files collected (no usable entry)
	Stored atomic.Int64 // parts written to the cache
	Bad    atomic.Int64 // entries found damaged and ignored
	State  atomic.Int64 // files of the hits restored with a month state
	// used are the entries a Collect read or wrote, by name under the
	// cache directory (for PruneCache).
	mu   sync.Mutex
	used map[string]bool
}

func (s *CacheStats) use(name string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	if s.used == nil {
		s.used = map[string]bool{}
	}
	s.used[name] = true
	s.mu.Unlock()
}

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// cacheKey identifies a file's part: the file (path, size, modification
// time) and the options that change what it holds (the month's bounds,
// RIBSpan, and whether the MRT reader resynchronises). It returns the text
// of the key, stored in the entry and checked on reading, and the entry's
// name under the cache directory.
func cacheKey(path string, fi fs.FileInfo, opt CollectOptions) (key, name string) {
	key = fmt.Sprintf("v%d\x00%s\x00%d\x00%d\x00%d\x00%d\x00%d\x00%t", partVersion, path, fi.Size(), fi.ModTime().UnixNano(),
		opt.From, opt.To, opt.RIBSpan, opt.Damaged.IsStrict())
	sum := sha256.Sum256([]byte(key))
	h := hex.EncodeToString(sum[:])
	return key, filepath.Join(h[:2], h+".part")
}

// collectCached is collectFile behind the cache of opt.Cache.
func collectCached(ctx context.Context, path string, opt CollectOptions, mu *sync.Mutex, hint *sizeHint, first bool) (*filePart, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return collectFile(ctx, path, opt, mu, hint, first) // which reports it
	}
	key, name := cacheKey(path, fi, opt)
	entry := filepath.Join(opt.Cache, name)
	st := opt.CacheStats
	log := cmp.Or(opt.Log, slog.Default())
	if b, err := os.ReadFile(entry); err == nil {
		p, err := decodePart(b, key, first)
		if err == nil {
			if st != nil {
				st.Hits.Add(1)
			}
			st.use(name)
			replay(p, opt, mu)
			return p, nil
		}
		log.Warn("partial cache: entry ignored, the file is read again", "entry", entry, "file", path, "err", err)
		if st != nil {
			st.Bad.Add(1)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		log.Warn("partial cache: entry unreadable, the file is read again", "entry", entry, "file", path, "err", err)
	}
	if st != nil {
		st.Misses.Add(1)
	}
	p, err := collectFile(ctx, path, opt, mu, hint, first)
	if err != nil || p.damaged {
		return p, err // a damaged file is read again every time (its damage is reported every time)
	}
	if err := storePart(entry, key, p); err != nil {
		log.Warn("partial cache: part not stored", "entry", entry, "file", path, "err", err)
		return p, nil
	}
	if st != nil {
		st.Stored.Add(1)
	}
	st.use(name)
	return p, nil
}

// replay tells what reading the file would have: its notes, and its
// bytes to Progress.
func replay(p *filePart, opt CollectOptions, mu *sync.Mutex) {
	if opt.Warn != nil {
		for _, n := range p.notes {
			mu.Lock()
			opt.Warn(errors.New(n))
			mu.Unlock()
		}
	}
	if opt.Progress != nil {
		opt.Progress(p.stats.Size)
	}
}

// storePart writes p's entry whole, or not at all.
func storePart(entry, key string, p *filePart) error {
	b, err := encodePart(key, p)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(entry), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(entry, b, 0o644)
}

// PruneCache removes the entries under dir that stats did not use and
// that are older than age, and returns how many it removed. Entries of
// other months stay while younger than age.
func PruneCache(dir string, stats *CacheStats, age time.Duration) (int, error) {
	cutoff := time.Now().Add(-age)
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".part" {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		stats.mu.Lock()
		used := stats.used[rel]
		stats.mu.Unlock()
		if used {
			return nil
		}
		info, err := d.Info()
		if err != nil || !info.ModTime().Before(cutoff) {
			return nil //nolint:nilerr // gone meanwhile: nothing to prune
		}
		if err := os.Remove(p); err != nil {
			return fmt.Errorf("prune partial cache: %w", err)
		}
		n++
		return nil
	})
	return n, err
}

// encodePart encodes a file part: the magic, the version, the key, the
// part, and a CRC-32C of all that. Numbers are varints.
func encodePart(key string, p *filePart) ([]byte, error) {
	if p.stats.Err != nil {
		return nil, fmt.Errorf("a damaged part is not stored: %w", p.stats.Err)
	}
	e := &partEnc{b: make([]byte, 0, 64+p.routes.len()*24+len(p.paths)*16)}
	e.b = append(e.b, partMagic...)
	e.u(partVersion)
	e.str(key)
	s := &p.stats
	e.str(s.Path)
	e.u(uint64(s.Elements))
	e.u(uint64(s.Skipped))
	e.u(uint64(s.From))
	e.u(uint64(s.To))
	e.u(uint64(s.Size))
	e.str(s.SHA256)
	e.u(uint64(p.rib))
	e.u(uint64(p.updates))
	e.u(uint64(len(p.notes)))
	for _, n := range p.notes {
		e.str(n)
	}
	e.u(uint64(len(p.peers)))
	for _, k := range p.peers {
		if k.IP.Zone() != "" {
			return nil, fmt.Errorf("peer %s: an address with a zone is not encoded", k.IP)
		}
		e.str(string(k.IP.AsSlice()))
		e.u(uint64(k.AS))
	}
	e.u(uint64(len(p.paths)))
	for i := range p.paths {
		w := p.arena.words(p.paths[i].enc)
		e.u(uint64(len(w)))
		for _, a := range w {
			e.u(uint64(a))
		}
	}
	e.adj(p.adj)
	if err := e.routes(p.routes, s.From); err != nil {
		return nil, err
	}
	if err := e.fileCarry(p.carry); err != nil {
		return nil, err
	}
	return binary.LittleEndian.AppendUint32(e.b, crc32.Checksum(e.b, crcTable)), nil
}

type partEnc struct{ b []byte }

func (e *partEnc) u(v uint64) { e.b = binary.AppendUvarint(e.b, v) }

func (e *partEnc) str(s string) {
	e.u(uint64(len(s)))
	e.b = append(e.b, s...)
}

// adj encodes the adjacencies sorted, so that an entry is the same bytes
// every time.
func (e *partEnc) adj(adj map[[2]bgp.ASN]uint32) {
	keys := make([][2]bgp.ASN, 0, len(adj))
	for k := range adj {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]bgp.ASN) int {
		if a[0] != b[0] {
			return int(int64(a[0]) - int64(b[0]))
		}
		return int(int64(a[1]) - int64(b[1]))
	})
	e.u(uint64(len(keys)))
	for _, k := range keys {
		e.u(uint64(k[0]))
		e.u(uint64(k[1]))
		e.u(uint64(adj[k]))
	}
}

// routes encodes the routes in table order: the merge walks them so.
// Times are differences: first from the file's first time (base), last
// from first.
func (e *partEnc) routes(t *routeTable, base uint32) error {
	e.u(uint64(t.len()))
	for i := range int32(t.len()) {
		r := t.at(i)
		k := r.key
		e.u(uint64(k.meta))
		switch {
		case k.meta&keyIs6 != 0:
			e.b = binary.BigEndian.AppendUint64(e.b, k.hi)
			e.b = binary.BigEndian.AppendUint64(e.b, k.lo)
		case k.meta == 0 && k.hi == 0 && k.lo == 0:
		case k.meta != 0 && k.hi == 0 && k.lo>>32 == 0xffff:
			e.b = binary.BigEndian.AppendUint32(e.b, uint32(k.lo))
		default:
			return fmt.Errorf("route %d: key %x/%x/%x is not an address", i, k.hi, k.lo, k.meta)
		}
		e.u(uint64(k.origin))
		e.b = binary.AppendVarint(e.b, int64(r.first)-int64(base))
		e.b = binary.AppendVarint(e.b, int64(r.last)-int64(r.first))
		e.u(r.peers)
		e.u(uint64(r.nPaths))
		for _, id := range r.paths[:r.nPaths] {
			e.u(uint64(id))
		}
		e.u(uint64(r.nUp))
		if r.nUp == 1 {
			e.u(uint64(r.up[0]))
		}
		if r.extra == 0 {
			e.u(0)
			continue
		}
		x := &t.extra[r.extra-1]
		e.u(1)
		e.u(uint64(len(x.peers)))
		for _, id := range x.peers {
			e.u(uint64(id))
		}
		e.u(uint64(len(x.ups)))
		for _, a := range x.ups {
			e.u(uint64(a))
		}
		e.u(uint64(len(x.spans)))
		for _, s := range x.spans {
			e.u(uint64(s.Start))
			e.u(uint64(s.End))
		}
	}
	return nil
}

// errPart is a damaged or foreign entry.
var errPart = errors.New("not a valid partial")

// partDec reads an entry; the first error sticks and every later read
// returns zero.
type partDec struct {
	b   []byte
	off int
	err error
}

func (d *partDec) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s at byte %d", errPart, what, d.off)
	}
}

func (d *partDec) u() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b[d.off:])
	if n <= 0 {
		d.fail("bad varint")
		return 0
	}
	d.off += n
	return v
}

// n reads a count of things each at least min bytes long, checked
// against what is left so that a damaged count cannot allocate much.
func (d *partDec) n(min int) int {
	v := d.u()
	if v > uint64(len(d.b)-d.off)/uint64(min) {
		d.fail("count " + strconv.FormatUint(v, 10) + " beyond the entry")
		return 0
	}
	return int(v)
}

// u32 reads a varint that must fit 32 bits.
func (d *partDec) u32() uint32 {
	v := d.u()
	if v > 1<<32-1 {
		d.fail("value beyond 32 bits")
		return 0
	}
	return uint32(v)
}

// time reads a time as its difference from base.
func (d *partDec) time(base int64) uint32 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b[d.off:])
	if n <= 0 {
		d.fail("bad varint")
		return 0
	}
	d.off += n
	t := base + v
	if t < 0 || t > 1<<32-1 {
		d.fail("time beyond 32 bits")
		return 0
	}
	return uint32(t)
}

func (d *partDec) raw(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n > len(d.b)-d.off {
		d.fail("truncated")
		return nil
	}
	b := d.b[d.off : d.off+n]
	d.off += n
	return b
}

func (d *partDec) str() string { return string(d.raw(d.n(1))) }

// decodePart decodes an entry, checking its magic, version, checksum and
// key; first keeps the route index (collectFile documents why).
func decodePart(b []byte, key string, first bool) (*filePart, error) {
	if len(b) < len(partMagic)+4 || string(b[:len(partMagic)]) != partMagic {
		return nil, fmt.Errorf("%w: no magic", errPart)
	}
	body := b[:len(b)-4]
	if crc32.Checksum(body, crcTable) != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		return nil, fmt.Errorf("%w: checksum mismatch (%d bytes)", errPart, len(b))
	}
	d := &partDec{b: body, off: len(partMagic)}
	if v := d.u(); v != partVersion {
		return nil, fmt.Errorf("%w: version %d, not %d", errPart, v, partVersion)
	}
	if k := d.str(); k != key && d.err == nil {
		return nil, fmt.Errorf("%w: key %q, not %q", errPart, k, key)
	}
	p := &filePart{adj: map[[2]bgp.ASN]uint32{}}
	s := &p.stats
	s.Path = d.str()
	s.Elements, s.Skipped = int64(d.u()), int64(d.u())
	s.From, s.To = d.u32(), d.u32()
	s.Size = int64(d.u())
	s.SHA256 = d.str()
	p.rib, p.updates = int64(d.u()), int64(d.u())
	for range d.n(1) {
		p.notes = append(p.notes, d.str())
	}
	d.peers(p)
	d.paths(p)
	for range d.n(3) {
		k := [2]bgp.ASN{bgp.ASN(d.u32()), bgp.ASN(d.u32())}
		p.adj[k] = d.u32()
	}
	p.routes = d.routes(len(p.peers), len(p.paths), s.From, first)
	p.carry = d.fileCarry()
	if d.err == nil && d.off != len(d.b) {
		d.fail("trailing bytes")
	}
	if d.err != nil {
		return nil, d.err
	}
	return p, nil
}

func (d *partDec) peers(p *filePart) {
	n := d.n(2)
	if n > 1<<16 {
		d.fail("too many peers")
		return
	}
	p.peers = make([]PeerKey, n)
	for i := range p.peers {
		ip := d.raw(d.n(1))
		k := &p.peers[i]
		switch len(ip) {
		case 0:
		case 4:
			k.IP = netip.AddrFrom4([4]byte(ip))
		case 16:
			k.IP = netip.AddrFrom16([16]byte(ip))
		default:
			d.fail("peer address of " + strconv.Itoa(len(ip)) + " bytes")
		}
		k.AS = bgp.ASN(d.u32())
	}
}

// paths decodes the paths into the part's arena, computing what the
// collector keeps of each (the fingerprints, seeded per process, are not
// stored).
func (d *partDec) paths(p *filePart) {
	n := d.n(2)
	p.paths = make([]filePath, n)
	var w []bgp.ASN
	var segs []bgp.Segment
	var buf []byte
	for i := range p.paths {
		nw := d.n(1)
		w = w[:0]
		for range nw {
			w = append(w, bgp.ASN(d.u32()))
		}
		if d.err != nil {
			return
		}
		if !validPathWords(w) {
			d.fail("path " + strconv.Itoa(i) + " malformed")
			return
		}
		fi := &p.paths[i]
		fi.enc = p.arena.copyFrom(w)
		var path bgp.Path
		path, segs = decodePath(p.arena.words(fi.enc), segs[:0])
		fi.fp, buf = fingerprint(&path, buf)
		fi.origin, fi.hasOrigin = path.Origin()
		fi.up, fi.hasUp = upstream(&path)
	}
}

// validPathWords reports whether w is one whole path encoding (pathArena).
func validPathWords(w []bgp.ASN) bool {
	if len(w) == 0 {
		return false
	}
	n := uint64(w[0])
	if 1+2*n > uint64(len(w)) {
		return false
	}
	total := 1 + 2*n
	for i := range n {
		total += uint64(w[2+2*i])
	}
	return total == uint64(len(w))
}

func (d *partDec) routes(nPeers, nPaths int, base uint32, first bool) *routeTable {
	n := d.n(6)
	t := &routeTable{}
	if first {
		t.index = make(map[routeKey]int32, n)
	}
	for i := range int32(n) {
		if d.err != nil {
			return t
		}
		if int(i/accChunk) == len(t.chunks) {
			t.chunks = append(t.chunks, make([]routeAcc, accChunk))
		}
		t.n++
		r := t.at(i)
		d.route(t, r, nPeers, nPaths, base)
		if first {
			t.index[r.key] = i
		}
	}
	return t
}

func (d *partDec) route(t *routeTable, r *routeAcc, nPeers, nPaths int, base uint32) {
	k := &r.key
	k.meta = d.u32()
	switch {
	case k.meta&keyIs6 != 0:
		b := d.raw(16)
		if b != nil {
			k.hi, k.lo = binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])
		}
	case k.meta != 0:
		if b := d.raw(4); b != nil {
			k.lo = 0xffff<<32 | uint64(binary.BigEndian.Uint32(b))
		}
	}
	if bits := k.meta &^ keyIs6; bits > 129 || (k.meta&keyIs6 == 0 && bits > 33) {
		d.fail("prefix length")
	}
	k.origin = bgp.ASN(d.u32())
	r.first = d.time(int64(base))
	r.last = d.time(int64(r.first))
	r.peers = d.u()
	if nPeers < 64 && r.peers>>nPeers != 0 {
		d.fail("peer beyond the peer table")
	}
	np := d.u()
	if np > maxPathsPerRoute {
		d.fail("too many paths")
		return
	}
	r.nPaths = uint8(np)
	for j := range r.nPaths {
		r.paths[j] = d.u32()
		if int(r.paths[j]) >= nPaths {
			d.fail("path beyond the path table")
		}
	}
	switch r.nUp = uint8(d.u()); r.nUp {
	case 0, 2:
	case 1:
		r.up[0] = bgp.ASN(d.u32())
	default:
		d.fail("upstream count")
	}
	switch d.u() {
	case 0:
		if r.nUp == 2 {
			d.fail("upstreams without their list")
		}
		return
	case 1:
	default:
		d.fail("extra flag")
		return
	}
	x := t.extraOf(r)
	for range d.n(1) {
		id := d.u()
		if id >= uint64(nPeers) || id < 64 {
			d.fail("extra peer id")
			return
		}
		x.peers = append(x.peers, uint16(id))
	}
	for range d.n(1) {
		x.ups = append(x.ups, bgp.ASN(d.u32()))
	}
	for range d.n(2) {
		x.spans = append(x.spans, Span{d.u32(), d.u32()})
	}
	if r.nUp == 2 && len(x.ups) < 2 {
		d.fail("upstreams without their list")
	}
}
