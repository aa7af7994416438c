// Package synth makes a synthetic full-Internet month of MRT RIB dumps
// (TABLE_DUMP_V2, RFC 6396 §4.3) out of one real RIB, for benchmarks that
// need more peers and entries than the sample files hold.
//
// Every synthetic peer carries the whole real table: for each prefix of the
// real RIB it takes one of the prefix's real entries, keeps its attributes
// and prepends its own ASN to the AS path, once or, for a few prefixes
// chosen by the seed, two or three times (traffic-engineering prepends).
// Origins are left alone, so the prefix/origin pairs of the month are the
// real ones, each seen by every synthetic peer, and every real path turns
// into one distinct path per peer. The peers are split over several
// collector files, one RIB dump each, two hours apart, so that readers can
// work on several files at once. Output is uncompressed: writing and
// reading it costs no compression time, which keeps generation fast.
package synth

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"

	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/mrt"
	"github.com/observatory-net/observatory/internal/mrt/mrttest"
)

// Options shape the synthetic month.
type Options struct {
	// Peers is the number of synthetic collector peers (default 32).
	Peers int
	// Files is the number of collector files the peers are spread over
	// (default 4); file i is dumped RIBInterval*i after the real dump.
	Files int
	// Seed picks the prepends; the same seed gives the same bytes.
	Seed uint64
}

// RIBInterval is the time between the dumps of two successive files: the
// RouteViews RIB interval.
const RIBInterval = 7200

// Month describes what Generate wrote.
type Month struct {
	Files      []string // in dump order
	Peers      int
	Prefixes   int64 // RIB records of the real dump replicated
	Entries    int64 // RIB entries written, all files together
	Bytes      int64
	SkippedRec int64 // real records not replicated (other subtypes, undecodable)
}

// transit are the ASNs given to the synthetic peers: large transit networks
// that peer with route collectors, so that no bogon or private ASN enters
// the paths. Peers beyond the list reuse its ASNs with other addresses, as
// a network with several sessions to a collector does.
var transit = []uint32{174, 1299, 2914, 3257, 3356, 3491, 6453, 6461, 6762, 6939, 7018, 1239, 701, 3549, 209, 5511,
	4637, 6830, 9002, 12956, 2828, 3320, 1273, 7922, 20485, 31133, 34224, 8359, 4826, 37100, 293, 11164}

// peer is one synthetic peer.
type peer struct {
	ip netip.Addr
	as uint32
}

// Generate reads the real TABLE_DUMP_V2 RIB src (any compression
// decompress.Open knows) and writes the synthetic month into dir.
func Generate(ctx context.Context, src, dir string, opt Options) (*Month, error) {
	if opt.Peers <= 0 {
		opt.Peers = 32
	}
	if opt.Files <= 0 {
		opt.Files = 4
	}
	if opt.Files > opt.Peers || opt.Peers > 0xffff {
		return nil, fmt.Errorf("synth: %d peers cannot fill %d files", opt.Peers, opt.Files)
	}
	g := &generator{opt: opt, month: &Month{Peers: opt.Peers}}
	for i := range opt.Peers {
		g.peers = append(g.peers, peer{ip: netip.AddrFrom4([4]byte{198, 51, 100 + byte(i>>8), byte(i)}), as: transit[i%len(transit)]})
	}
	for i := range opt.Files {
		name := filepath.Join(dir, fmt.Sprintf("synth.rib.%02d.mrt", i))
		if err := g.writeFile(ctx, src, name, i); err != nil {
			return nil, err
		}
		g.month.Files = append(g.month.Files, name)
	}
	return g.month, nil
}

type generator struct {
	opt   Options
	peers []peer
	month *Month
	// scratch storage reused for every record
	rec, path []byte
	entries   []realEntry
}

// realEntry is one entry of the real record being replicated.
type realEntry struct {
	attrs []byte // aliases the reader's buffer
	// path locates the AS_PATH attribute in attrs: its header, value
	// and end; -1 when there is none.
	path [3]int
	orig uint32
}

// filePeers returns the range of peers written to file i.
func (g *generator) filePeers(i int) (lo, hi int) {
	return i * g.opt.Peers / g.opt.Files, (i + 1) * g.opt.Peers / g.opt.Files
}

func (g *generator) writeFile(ctx context.Context, src, name string, file int) (err error) {
	in, err := decompress.Open(src)
	if err != nil {
		return fmt.Errorf("synth: open %s: %w", src, err)
	}
	defer in.Close()
	out, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	defer func() {
		if cerr := out.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("synth: %w", cerr)
		}
	}()
	w := bufio.NewWriterSize(out, 1<<20)
	lo, hi := g.filePeers(file)
	cw := &countWriter{w: w}
	if err := g.copyRecords(ctx, mrt.NewReader(in, src, mrt.Options{}), cw, file, lo, hi); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("synth: write %s: %w", name, err)
	}
	g.month.Bytes += cw.n
	return nil
}

// copyRecords replaces the real peer index by the file's synthetic peers
// and replicates every IPv4 and IPv6 unicast RIB record over them.
func (g *generator) copyRecords(ctx context.Context, r *mrt.Reader, w *countWriter, file, lo, hi int) error {
	wrotePeers := false
	for n := 0; ; n++ {
		if n&0xffff == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		rec, err := r.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("synth: read: %w", err)
		}
		if rec.Type != mrt.TypeTableDumpV2 {
			continue
		}
		ts := rec.Timestamp + uint32(file*RIBInterval)
		if rec.Subtype == mrt.SubPeerIndexTable {
			if !wrotePeers {
				wrotePeers = true
				w.record(ts, mrt.SubPeerIndexTable, g.peerIndex(lo, hi))
			}
			continue
		}
		if rec.Subtype != mrt.SubRIBIPv4Unicast && rec.Subtype != mrt.SubRIBIPv6Unicast {
			g.skip(file)
			continue
		}
		body, err := g.replicate(rec.Body, rec.Index, lo, hi)
		if err != nil {
			g.skip(file)
			continue
		}
		w.record(ts, rec.Subtype, body)
		if w.err != nil {
			return fmt.Errorf("synth: write: %w", w.err)
		}
		if file == 0 {
			g.month.Prefixes++
		}
		g.month.Entries += int64(hi - lo)
	}
}

func (g *generator) skip(file int) {
	if file == 0 {
		g.month.SkippedRec++
	}
}

func (g *generator) peerIndex(lo, hi int) []byte {
	ps := make([]mrttest.Peer, 0, hi-lo)
	for _, p := range g.peers[lo:hi] {
		ps = append(ps, mrttest.Peer{IP: p.ip, AS: p.as, AS4: true})
	}
	return mrttest.PeerIndex(netip.AddrFrom4([4]byte{198, 51, 100, 254}), "synth", ps)
}

var errBadRecord = errors.New("synth: undecodable RIB record")

// replicate rewrites one RIB record body: the sequence number and prefix
// are kept, the entries become one per synthetic peer of [lo, hi).
func (g *generator) replicate(b []byte, index int64, lo, hi int) ([]byte, error) {
	if len(b) < 5 {
		return nil, errBadRecord
	}
	head := 5 + (int(b[4])+7)/8 // sequence number, prefix length, prefix
	if len(b) < head+2 {
		return nil, errBadRecord
	}
	if err := g.parseEntries(b[head+2:], int(binary.BigEndian.Uint16(b[head:]))); err != nil {
		return nil, err
	}
	g.rec = append(g.rec[:0], b[:head]...)
	g.rec = binary.BigEndian.AppendUint16(g.rec, uint16(hi-lo))
	for i := lo; i < hi; i++ {
		h := mix(g.opt.Seed ^ uint64(index)<<16 ^ uint64(i))
		e := &g.entries[h%uint64(len(g.entries))]
		g.rec = binary.BigEndian.AppendUint16(g.rec, uint16(i-lo))
		g.rec = binary.BigEndian.AppendUint32(g.rec, e.orig)
		g.rec = g.appendAttrs(g.rec, e, g.peers[i].as, prepends(h>>32))
	}
	return g.rec, nil
}

// parseEntries splits the real entries and finds each one's AS_PATH.
func (g *generator) parseEntries(b []byte, count int) error {
	g.entries = g.entries[:0]
	for range count {
		if len(b) < 8 {
			return errBadRecord
		}
		al := int(binary.BigEndian.Uint16(b[6:]))
		if len(b) < 8+al {
			return errBadRecord
		}
		e := realEntry{attrs: b[8 : 8+al], orig: binary.BigEndian.Uint32(b[2:]), path: [3]int{-1, -1, -1}}
		for a := e.attrs; len(a) > 0; {
			if len(a) < 3 {
				return errBadRecord
			}
			hl, vl := 3, int(a[2])
			if a[0]&0x10 != 0 {
				if len(a) < 4 {
					return errBadRecord
				}
				hl, vl = 4, int(binary.BigEndian.Uint16(a[2:]))
			}
			if len(a) < hl+vl {
				return errBadRecord
			}
			if a[1] == 2 { // AS_PATH
				off := len(e.attrs) - len(a)
				e.path = [3]int{off, off + hl, off + hl + vl}
			}
			a = a[hl+vl:]
		}
		g.entries = append(g.entries, e)
		b = b[8+al:]
	}
	if len(g.entries) == 0 {
		return errBadRecord
	}
	return nil
}

// appendAttrs appends the attribute length and the entry's attributes with
// n copies of as in front of its AS path. An entry without an AS path, or
// with an empty one, is copied as it is: its origin must not change.
func (g *generator) appendAttrs(dst []byte, e *realEntry, as uint32, n int) []byte {
	if e.path[0] < 0 || e.path[1] == e.path[2] {
		dst = binary.BigEndian.AppendUint16(dst, uint16(len(e.attrs)))
		return append(dst, e.attrs...)
	}
	old := e.attrs[e.path[1]:e.path[2]]
	g.path = g.path[:0]
	if len(old) >= 2 && old[0] == 2 && int(old[1])+n <= 255 {
		// Extend the leading AS_SEQUENCE.
		g.path = append(g.path, 2, old[1]+byte(n))
		old = old[2:]
	} else {
		g.path = append(g.path, 2, byte(n))
	}
	for range n {
		g.path = binary.BigEndian.AppendUint32(g.path, as)
	}
	g.path = append(g.path, old...)
	before, after := e.attrs[:e.path[0]], e.attrs[e.path[2]:]
	hdr := []byte{0x40, 2, byte(len(g.path))}
	if len(g.path) > 255 {
		hdr = binary.BigEndian.AppendUint16([]byte{0x50, 2}, uint16(len(g.path)))
	}
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(before)+len(hdr)+len(g.path)+len(after)))
	dst = append(dst, before...)
	dst = append(dst, hdr...)
	dst = append(dst, g.path...)
	return append(dst, after...)
}

// prepends is how many times a peer puts its ASN on a path: mostly once,
// twice for about 5 % of the prefixes and three times for about 2 %.
func prepends(h uint64) int {
	switch v := h % 100; {
	case v < 2:
		return 3
	case v < 7:
		return 2
	}
	return 1
}

// mix is the splitmix64 finaliser: a cheap, well-spread hash of a seed.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// countWriter frames MRT records and counts the bytes, keeping the first
// write error.
type countWriter struct {
	w   *bufio.Writer
	n   int64
	hdr [12]byte
	err error
}

func (c *countWriter) record(ts uint32, sub uint16, body []byte) {
	if c.err != nil {
		return
	}
	binary.BigEndian.PutUint32(c.hdr[0:], ts)
	binary.BigEndian.PutUint16(c.hdr[4:], uint16(mrt.TypeTableDumpV2))
	binary.BigEndian.PutUint16(c.hdr[6:], sub)
	binary.BigEndian.PutUint32(c.hdr[8:], uint32(len(body)))
	if _, err := c.w.Write(c.hdr[:]); err != nil {
		c.err = err
		return
	}
	_, c.err = c.w.Write(body)
	c.n += int64(12 + len(body))
}
