package ingest

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/observatory-net/observatory/internal/atomicfile"
	"github.com/observatory-net/observatory/internal/bgp"
)

// The month state is the merger's state after the first k files of a
// Collect, stored beside their partials: the next pass over the same
// files plus new ones restores it and merges only the new files' parts,
// instead of decoding and merging every partial of the month again. It is
// named by the chained keys of the k files, in order, so it is used only
// for exactly those files in exactly that order; it holds every path of
// the merge (the merger keeps only those some route keeps), since the
// merge numbers paths by fingerprints that are seeded per process and
// must be recomputed.

const stateMagic = "OBSMONTH"

// monthState follows a Collect with a cache.
type monthState struct {
	opt      CollectOptions
	chain    []string // chain[i] names the state of files[:i+1]; "" from a file without a key on
	start    int      // files restored
	restored string   // the entry restored, superseded by a longer one
	paths    pathArena
	encs     []pathEnc  // every merged path, by id
	notes    [][]string // by file
	stopped  bool       // a damaged file came: no state beyond it
}

// monthStates turns the month state on; the benchmarks turn it off to
// measure the partials alone.
var monthStates = true

func (s *monthState) entry(k int) string {
	h := s.chain[k-1]
	return filepath.Join(s.opt.Cache, "state", h[:2], h+".part")
}

// stateChain returns the chained names of the files' prefixes.
func stateChain(files []string, opt CollectOptions) []string {
	chain := make([]string, len(files))
	h := sha256.Sum256([]byte("month state v" + strconv.Itoa(partVersion)))
	for i, path := range files {
		fi, err := os.Stat(path)
		if err != nil {
			break
		}
		key, _ := cacheKey(path, fi, opt)
		h = sha256.Sum256(append(h[:], key...))
		chain[i] = hex.EncodeToString(h[:])
	}
	return chain
}

// restoreState restores into m the longest stored state of the first
// files, and returns how many files it covers.
func restoreState(files []string, opt CollectOptions, m *merger, mu *sync.Mutex) (*monthState, int) {
	if !monthStates || opt.PartsOnly {
		return nil, 0
	}
	s := &monthState{opt: opt, chain: stateChain(files, opt)}
	log := cmp.Or(opt.Log, slog.Default())
	for k := len(files); k > 0; k-- {
		if s.chain[k-1] == "" {
			continue
		}
		entry := s.entry(k)
		b, err := os.ReadFile(entry)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err == nil {
			err = s.decode(b, s.chain[k-1], k, m)
		}
		if err != nil {
			log.Warn("partial cache: month state ignored", "entry", entry, "err", err)
			*m = *newMerger()
			s.paths, s.encs, s.notes = pathArena{}, nil, nil
			if st := opt.CacheStats; st != nil {
				st.Bad.Add(1)
			}
			continue
		}
		for i := range k {
			replay(&filePart{notes: s.notes[i], stats: m.files[i]}, opt, mu)
		}
		if st := opt.CacheStats; st != nil {
			st.Hits.Add(int64(k))
			st.State.Add(int64(k))
		}
		opt.CacheStats.use(filepath.Join("state", s.chain[k-1][:2], s.chain[k-1]+".part"))
		s.start, s.restored = k, entry
		return s, k
	}
	return s, 0
}

// add follows the merge of part, file i, before m takes it.
func (s *monthState) add(m *merger, p *filePart, i int) {
	if s == nil {
		return
	}
	if (p.damaged || p.stats.Err != nil) && !s.stopped {
		s.store(m, i) // the state of the files before it
		s.stopped = true
	}
	for j := range p.paths {
		if _, ok := m.pathIDs[p.paths[j].fp]; !ok {
			s.encs = append(s.encs, s.paths.copyFrom(p.arena.words(p.paths[j].enc)))
		}
	}
	s.notes = append(s.notes, p.notes)
}

// done stores the state of the whole merge, when every file was clean.
func (s *monthState) done(m *merger, n int) {
	if s != nil && !s.stopped {
		s.store(m, n)
	}
}

// store writes the state of the first k files, and removes the one it
// supersedes.
func (s *monthState) store(m *merger, k int) {
	if k <= s.start || s.chain[k-1] == "" {
		return
	}
	log := cmp.Or(s.opt.Log, slog.Default())
	entry := s.entry(k)
	b, err := s.encode(m, s.chain[k-1])
	if err == nil {
		err = os.MkdirAll(filepath.Dir(entry), 0o755)
	}
	if err == nil {
		err = atomicfile.Write(entry, b, 0o644)
	}
	if err != nil {
		log.Warn("partial cache: month state not stored", "entry", entry, "err", err)
		return
	}
	s.opt.CacheStats.use(filepath.Join("state", s.chain[k-1][:2], s.chain[k-1]+".part"))
	if s.restored != "" && s.restored != entry {
		os.Remove(s.restored)
	}
}

func (s *monthState) encode(m *merger, key string) ([]byte, error) {
	e := &partEnc{b: make([]byte, 0, 64+m.routes.len()*24+len(m.paths)*16)}
	e.b = append(e.b, stateMagic...)
	e.u(partVersion)
	e.str(key)
	e.u(uint64(len(m.files)))
	for i := range m.files {
		f := &m.files[i]
		if f.Err != nil {
			return nil, fmt.Errorf("%s: a damaged file in a month state", f.Path)
		}
		e.str(f.Path)
		e.u(uint64(f.Elements))
		e.u(uint64(f.Skipped))
		e.u(uint64(f.From))
		e.u(uint64(f.To))
		e.u(uint64(f.Size))
		e.str(f.SHA256)
		e.u(uint64(len(s.notes[i])))
		for _, n := range s.notes[i] {
			e.str(n)
		}
	}
	e.u(uint64(m.rib))
	e.u(uint64(m.updates))
	e.u(uint64(len(m.peers)))
	for _, k := range m.peers {
		if k.IP.Zone() != "" {
			return nil, fmt.Errorf("peer %s: an address with a zone is not encoded", k.IP)
		}
		e.str(string(k.IP.AsSlice()))
		e.u(uint64(k.AS))
	}
	if len(s.encs) != len(m.paths) {
		return nil, fmt.Errorf("month state: %d paths followed, %d merged", len(s.encs), len(m.paths))
	}
	e.u(uint64(len(m.paths)))
	for id, enc := range m.paths {
		if enc == noPath {
			e.u(0)
		} else {
			e.u(1)
		}
		w := s.paths.words(s.encs[id])
		e.u(uint64(len(w)))
		for _, a := range w {
			e.u(uint64(a))
		}
	}
	e.adj(m.adj)
	if err := e.routes(m.routes, 0); err != nil {
		return nil, err
	}
	if err := e.carrier(m.carry); err != nil {
		return nil, err
	}
	return binary.LittleEndian.AppendUint32(e.b, crc32.Checksum(e.b, crcTable)), nil
}

// decode restores a state of k files into m, checking it whole.
func (s *monthState) decode(b []byte, key string, k int, m *merger) error {
	if len(b) < len(stateMagic)+4 || string(b[:len(stateMagic)]) != stateMagic {
		return fmt.Errorf("%w: no magic", errPart)
	}
	body := b[:len(b)-4]
	if crc32.Checksum(body, crcTable) != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		return fmt.Errorf("%w: checksum mismatch (%d bytes)", errPart, len(b))
	}
	d := &partDec{b: body, off: len(stateMagic)}
	if v := d.u(); v != partVersion {
		return fmt.Errorf("%w: version %d, not %d", errPart, v, partVersion)
	}
	if got := d.str(); got != key && d.err == nil {
		return fmt.Errorf("%w: key %q, not %q", errPart, got, key)
	}
	if n := d.n(8); n != k && d.err == nil {
		return fmt.Errorf("%w: %d files, not %d", errPart, n, k)
	}
	for range k {
		if d.err != nil {
			break
		}
		var f FileStats
		f.Path = d.str()
		f.Elements, f.Skipped = int64(d.u()), int64(d.u())
		f.From, f.To = d.u32(), d.u32()
		f.Size = int64(d.u())
		f.SHA256 = d.str()
		var notes []string
		for range d.n(1) {
			notes = append(notes, d.str())
		}
		m.files = append(m.files, f)
		s.notes = append(s.notes, notes)
	}
	m.rib, m.updates = int64(d.u()), int64(d.u())
	p := &filePart{}
	d.peers(p)
	m.peers = p.peers
	for i, pk := range m.peers {
		if _, dup := m.peerIDs[pk]; dup {
			d.fail("peer twice")
		}
		m.peerIDs[pk] = uint16(i)
	}
	s.decodePaths(d, m)
	for range d.n(3) {
		pair := [2]bgp.ASN{bgp.ASN(d.u32()), bgp.ASN(d.u32())}
		m.adj[pair] = d.u32()
	}
	m.routes = d.routes(len(m.peers), len(m.paths), 0, true)
	d.carrier(m.carry)
	if d.err == nil && d.off != len(d.b) {
		d.fail("trailing bytes")
	}
	return d.err
}

// decodePaths restores every path of the merge: its fingerprint, and
// for those some route keeps, their encoding in the merger.
func (s *monthState) decodePaths(d *partDec, m *merger) {
	n := d.n(3)
	m.pathIDs = make(map[pathFP]uint32, n)
	m.paths = make([]pathEnc, 0, n)
	s.encs = make([]pathEnc, 0, n)
	var w []bgp.ASN
	var segs []bgp.Segment
	var buf []byte
	for id := range n {
		kept := d.u()
		nw := d.n(1)
		w = w[:0]
		for range nw {
			w = append(w, bgp.ASN(d.u32()))
		}
		if d.err != nil {
			return
		}
		if kept > 1 || !validPathWords(w) {
			d.fail("path " + strconv.Itoa(id) + " malformed")
			return
		}
		enc := s.paths.copyFrom(w)
		s.encs = append(s.encs, enc)
		var path bgp.Path
		path, segs = decodePath(s.paths.words(enc), segs[:0])
		var fp pathFP
		fp, buf = fingerprint(&path, buf)
		if _, dup := m.pathIDs[fp]; dup {
			d.fail("path " + strconv.Itoa(id) + " twice")
			return
		}
		m.pathIDs[fp] = uint32(id)
		if kept == 1 {
			m.paths = append(m.paths, m.arena.copyFrom(w))
		} else {
			m.paths = append(m.paths, noPath)
		}
	}
}
