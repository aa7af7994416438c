package mrt

import (
	"bufio"
	"errors"
	"io"

	"github.com/observatory-net/observatory/internal/inputerr"
)

// Type is an MRT record type (RFC 6396 §4, IANA "MRT Types").
type Type uint16

// MRT types decoded by this package.
const (
	TypeBGP         Type = 5 // deprecated BGP (RFC 6396 Appendix B)
	TypeTableDump   Type = 12
	TypeTableDumpV2 Type = 13
	TypeBGP4MP      Type = 16
	TypeBGP4MPET    Type = 17
)

// ErrRepaired marks a warning about a record the Reader repaired rather
// than skipped (early RIS TABLE_DUMP lengths): its data is read whole.
var ErrRepaired = errors.New("repaired")

// MaxRecordLen bounds a record body. Real records stay far below it (a BGP
// message is at most 65,535 bytes, a RIB record a few hundred kilobytes); a
// larger length field means broken framing.
const MaxRecordLen = 16 << 20

// Header is the MRT common header, with the microseconds of the extended
// timestamp types (RFC 6396 §3) moved out of the body.
type Header struct {
	Timestamp uint32
	Micro     uint32 // BGP4MP_ET only
	Type      Type
	Subtype   uint16
	Length    uint32 // body length as declared (including Micro for _ET)
}

// Record is one framed MRT record. Body aliases the Reader's buffer and is
// valid until the next call to Next.
type Record struct {
	Header
	Body   []byte
	Index  int64 // 1-based record number
	Offset int64 // byte offset of the header in the decompressed stream
}

// Options tune a Reader.
type Options struct {
	// Resync makes the reader skip forward past damaged framing to the
	// next plausible header instead of stopping; each skip is reported to
	// Warn.
	Resync bool
	// Warn receives recoverable problems (skipped bytes, bad records the
	// Scanner stepped over). Nil discards them.
	Warn func(error)
}

// Reader frames the records of an MRT stream.
type Reader struct {
	r    *bufio.Reader
	file string
	opt  Options
	buf  []byte
	hdr  [12]byte
	off  int64
	n    int64
	last uint32 // timestamp of the last good record, for plausibility

	fixedShort bool // a short TABLE_DUMP length was repaired (warned once)
}

// NewReader returns a Reader over an uncompressed MRT stream; file names it
// in errors. Wrap compressed input with decompress.NewReader first.
func NewReader(r io.Reader, file string, opt Options) *Reader {
	return &Reader{r: bufio.NewReaderSize(r, 1<<20), file: file, opt: opt}
}

// File returns the name given to NewReader.
func (r *Reader) File() string { return r.file }

// errorf builds an error located at the current record.
func (r *Reader) errorf(off int64, format string, args ...any) error {
	return inputerr.Errorf(r.file, r.n, off, format, args...)
}

func (r *Reader) warn(err error) {
	if r.opt.Warn != nil {
		r.opt.Warn(err)
	}
}

// Next returns the next record, or io.EOF at the clean end of the stream.
// A stream that ends inside a record gives an *inputerr.Error wrapping
// inputerr.ErrTruncated.
func (r *Reader) Next() (Record, error) {
	start := r.off
	if n, err := io.ReadFull(r.r, r.hdr[:]); err != nil {
		if err == io.EOF {
			return Record{}, io.EOF
		}
		r.n++
		return Record{}, r.errorf(start, "%w: stream ends %d bytes into a record header", inputerr.ErrTruncated, n)
	}
	r.off += 12
	r.n++
	h := parseHeader(r.hdr[:])
	if !r.plausible(h) {
		if !r.opt.Resync {
			return Record{}, r.errorf(start, "implausible header: type %d subtype %d length %d", h.Type, h.Subtype, h.Length)
		}
		var err error
		if h, start, err = r.resync(start); err != nil {
			return Record{}, err
		}
	}
	return r.readBody(h, start)
}

func parseHeader(b []byte) Header {
	return Header{
		Timestamp: be32(b),
		Type:      Type(be16(b[4:])),
		Subtype:   be16(b[6:]),
		Length:    be32(b[8:]),
	}
}

func (r *Reader) readBody(h Header, start int64) (Record, error) {
	if cap(r.buf) < int(h.Length) {
		r.buf = make([]byte, h.Length, max(int(h.Length), 64<<10))
	}
	body := r.buf[:h.Length]
	n, err := io.ReadFull(r.r, body)
	r.off += int64(n)
	if err != nil {
		return Record{}, r.errorf(start, "%w: body has %d of %d bytes", inputerr.ErrTruncated, n, h.Length)
	}
	if h.Type == TypeTableDump {
		body = r.fixShortTableDump(body)
		h.Length = uint32(len(body))
	}
	if h.Type == TypeBGP4MPET {
		if len(body) < 4 {
			return Record{}, r.errorf(start, "%w: BGP4MP_ET record without microseconds", inputerr.ErrTruncated)
		}
		h.Micro, body = be32(body), body[4:]
	}
	r.last = h.Timestamp
	return Record{Header: h, Body: body, Index: r.n, Offset: start}, nil
}

// fixShortTableDump repairs a framing bug of the RIS collectors of early
// 2000: TABLE_DUMP records whose length field is 4 bytes short of what was
// written. When the bytes after the body do not start a plausible header but
// the bytes 4 further on do, the 4 bytes belong to this record.
func (r *Reader) fixShortTableDump(body []byte) []byte {
	const short = 4
	peek, err := r.r.Peek(12 + short)
	if err != nil && len(peek) != short {
		return body
	}
	if len(peek) == short || (!r.plausible(parseHeader(peek)) && r.plausible(parseHeader(peek[short:]))) {
		body = append(body, peek[:short]...)
		r.buf = body[:0]
		r.r.Discard(short)
		r.off += short
		if !r.fixedShort {
			r.fixedShort = true
			r.warn(r.errorf(r.off-int64(len(body))-12, "TABLE_DUMP length field %d bytes short (early RIS collector bug): %w", short, ErrRepaired))
		}
	}
	return body
}

// plausible rejects headers that broken framing produces: unknown types
// and absurd lengths.
func (r *Reader) plausible(h Header) bool {
	if h.Length > MaxRecordLen {
		return false
	}
	switch h.Type {
	case TypeBGP, TypeTableDump, TypeTableDumpV2, TypeBGP4MP, TypeBGP4MPET:
	default:
		return false
	}
	// Records of one file lie within days of each other; a jump of more
	// than a year means we are reading from the middle of a record.
	if r.last != 0 && absDiff(h.Timestamp, r.last) > 366*86400 {
		return false
	}
	return true
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

// maxResync bounds how far Resync searches for the next header.
const maxResync = 1 << 20

// resync slides forward from a bad header until 12 bytes form a plausible
// header, reporting the bytes skipped.
func (r *Reader) resync(bad int64) (Header, int64, error) {
	window := append([]byte(nil), r.hdr[:]...)
	for skipped := 1; skipped <= maxResync; skipped++ {
		c, err := r.r.ReadByte()
		if err != nil {
			r.warn(r.errorf(bad, "damaged framing: skipped %d bytes to the end of the stream", skipped+11))
			return Header{}, 0, io.EOF
		}
		r.off++
		window = append(window[1:], c)
		if h := parseHeader(window); r.plausible(h) && r.nextLooksValid(h) {
			r.warn(r.errorf(bad, "damaged framing: skipped %d bytes to the next record", skipped))
			return h, bad + int64(skipped), nil
		}
	}
	return Header{}, 0, r.errorf(bad, "damaged framing: no record header within %d bytes", maxResync)
}

// nextLooksValid peeks past a candidate record at the header after it. At
// the end of the stream the candidate is accepted.
func (r *Reader) nextLooksValid(h Header) bool {
	peek, err := r.r.Peek(int(h.Length) + 12)
	if err != nil {
		return len(peek) == int(h.Length) || errors.Is(err, io.EOF) && len(peek) >= int(h.Length)
	}
	return r.plausible(parseHeader(peek[h.Length:]))
}

func be32(b []byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}
func be16(b []byte) uint16 { return uint16(b[0])<<8 | uint16(b[1]) }
