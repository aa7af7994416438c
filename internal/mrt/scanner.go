package mrt

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"net/netip"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/inputerr"
)

// Kind says what an element is.
type Kind uint8

// Element kinds.
const (
	KindRIB      Kind = iota + 1 // a RIB entry (TABLE_DUMP, TABLE_DUMP_V2)
	KindAnnounce                 // a prefix announced in an UPDATE
	KindWithdraw                 // a prefix withdrawn in an UPDATE
	KindState                    // a BGP FSM state change
)

// Elem is one route-level element of an MRT file. It is owned by the
// Scanner and valid until the next element is produced.
type Elem struct {
	Kind    Kind
	Type    Type   // MRT type of the record
	Subtype uint16 // MRT subtype of the record
	Time    uint32 // record timestamp, seconds
	Micro   uint32 // microseconds (BGP4MP_ET)
	Local   bool   // a *_LOCAL message: sent by the collector, not received

	PeerIP netip.Addr
	PeerAS bgp.ASN

	Prefix   netip.Prefix // masked
	HostBits bool         // the encoded prefix had host bits set
	AddPath  bool         // PathID is meaningful (RFC 7911, RFC 8050)
	PathID   uint32

	// Attrs are the path attributes of RIB and Announce elements.
	Attrs *bgp.Attrs
	// FromMP is set when the prefix came from MP_REACH/MP_UNREACH (and,
	// for TABLE_DUMP_V2, for every non-IPv4 RIB).
	FromMP bool
	// Originated is the RIB entry's originated time.
	Originated uint32

	OldState, NewState uint16 // KindState

	Record int64 // 1-based MRT record number
	Offset int64 // byte offset of the record
	// Entry is bgpdump's packet index (its -p field): the 0-based count
	// of records before this one, leaving out PEER_INDEX_TABLE records.
	Entry int64
}

// NextHop returns the next hop for the element's prefix: the NEXT_HOP
// attribute for IPv4 NLRI, the (global) MP_REACH next hop otherwise.
func (e *Elem) NextHop() (netip.Addr, bool) {
	if e.Attrs == nil {
		return netip.Addr{}, false
	}
	if e.FromMP {
		return e.Attrs.MPReach.NextHopAddr()
	}
	return e.Attrs.NextHop, e.Attrs.Has(bgp.AttrNextHop)
}

// Peer is an entry of a TABLE_DUMP_V2 PEER_INDEX_TABLE.
type Peer struct {
	BGPID netip.Addr
	IP    netip.Addr
	AS    bgp.ASN
}

// Scanner decodes the elements of an MRT stream.
type Scanner struct {
	r       *Reader
	strict  bool
	attrs   bgp.Attrs
	elem    Elem
	peers   []Peer
	err     error
	skipped int64
	entries int64
}

// NewScanner returns a Scanner over r. Records that are framed correctly
// but do not decode are reported to the Reader's Warn function and skipped,
// as bgpdump does, unless strict is set, in which case the first one ends
// the scan with its error.
func NewScanner(r *Reader, strict bool) *Scanner {
	return &Scanner{r: r, strict: strict}
}

// Err returns the error that ended the scan, if any.
func (s *Scanner) Err() error { return s.err }

// Skipped returns how many records were skipped as undecodable.
func (s *Scanner) Skipped() int64 { return s.skipped }

// Entries returns how many records, PEER_INDEX_TABLEs left out, the scan
// has passed (the record being decoded included).
func (s *Scanner) Entries() int64 { return s.entries }

// Peers returns the current TABLE_DUMP_V2 peer index.
func (s *Scanner) Peers() []Peer { return s.peers }

// Elems iterates over every element. The *Elem is reused: copy what you keep.
func (s *Scanner) Elems() iter.Seq[*Elem] {
	return func(yield func(*Elem) bool) {
		for {
			rec, err := s.r.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				s.err = err
				return
			}
			cont, err := s.decode(&rec, yield)
			if !(rec.Type == TypeTableDumpV2 && rec.Subtype == SubPeerIndexTable) {
				s.entries++
			}
			if err != nil {
				err = inputerr.New(s.r.file, rec.Index, rec.Offset, err)
				if s.strict {
					s.err = err
					return
				}
				s.skipped++
				s.r.warn(err)
			}
			if !cont {
				return
			}
		}
	}
}

// ErrUnsupported marks records skipped on purpose: well-framed records of
// subtypes the Scanner does not decode. They are not damage.
var ErrUnsupported = errors.New("unsupported")

func (s *Scanner) decode(rec *Record, yield func(*Elem) bool) (bool, error) {
	s.elem = Elem{Type: rec.Type, Subtype: rec.Subtype, Time: rec.Timestamp, Micro: rec.Micro,
		Record: rec.Index, Offset: rec.Offset, Entry: s.entries}
	switch rec.Type {
	case TypeTableDumpV2:
		return s.tableDumpV2(rec.Subtype, rec.Body, yield)
	case TypeTableDump:
		return s.tableDump(rec.Subtype, rec.Body, yield)
	case TypeBGP4MP, TypeBGP4MPET:
		return s.bgp4mp(rec.Subtype, rec.Body, yield)
	case TypeBGP:
		return s.legacyBGP(rec.Subtype, rec.Body, yield)
	}
	return true, nil
}

// emit yields the element; it reports whether the consumer wants more.
func (s *Scanner) emit(yield func(*Elem) bool) bool { return yield(&s.elem) }

func errShort(what string, need, have int) error {
	return fmt.Errorf("%w: %s needs %d bytes, %d left", inputerr.ErrTruncated, what, need, have)
}

// addr reads a 4- or 16-byte address.
func readAddr(b []byte, v6 bool) (netip.Addr, []byte, error) {
	n := 4
	if v6 {
		n = 16
	}
	if len(b) < n {
		return netip.Addr{}, nil, errShort("address", n, len(b))
	}
	a, _ := bgp.AddrFrom(b[:n])
	return a, b[n:], nil
}
