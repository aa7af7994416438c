package asrel

import (
	"errors"
	"fmt"
	"io"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/textline"
)

// Rel is the relationship code of one as-rel line.
type Rel int8

// The relationship codes CAIDA uses. Sibling relationships are not part of
// the as-rel files (CAIDA infers them from AS-to-organisation data instead).
const (
	RelP2C Rel = -1 // the first AS is a provider of the second
	RelP2P Rel = 0  // the two ASes are peers
)

// String returns "p2c" or "p2p".
func (r Rel) String() string {
	switch r {
	case RelP2C:
		return "p2c"
	case RelP2P:
		return "p2p"
	}
	return fmt.Sprintf("Rel(%d)", int8(r))
}

// Link is one relationship line of an as-rel file.
type Link struct {
	A, B   bgp.ASN // the two ASes; with RelP2C, A is the provider
	Rel    Rel     // the relationship code
	Source string  // serial-2 inference source ("bgp", "mlp"); empty in serial-1
}

// Reader reads the links of an as-rel file one line at a time.
type Reader struct {
	name    string
	lr      *textline.Reader
	sources map[string]string // interned serial-2 sources
	done    bool              // the stream ended or failed
}

// NewReader returns a Reader over r, which must already be decompressed.
// name is the file name used in errors; it may be empty for a stream.
func NewReader(r io.Reader, name string) *Reader {
	return &Reader{name: name, lr: textline.NewReader(r), sources: make(map[string]string)}
}

// Next returns the next link, or io.EOF after the last one. A malformed line
// yields an *inputerr.Error; Next may be called again to continue with the
// following line. A read error of the underlying stream (a damaged
// compressed file) is an *inputerr.Error located where it happened, after
// which Next returns io.EOF.
func (r *Reader) Next() (Link, error) {
	for !r.done {
		b, err := r.lr.Read()
		if err != nil {
			return Link{}, r.fail(err)
		}
		if len(b) == 0 || b[0] == '#' {
			continue
		}
		l, err := r.parse(b)
		if err != nil {
			return Link{}, inputerr.New(r.name, r.lr.Line(), r.lr.Offset(), err)
		}
		return l, nil
	}
	return Link{}, io.EOF
}

// fail ends the reading with err: io.EOF as is, anything else located.
func (r *Reader) fail(err error) error {
	r.done = true
	return r.lr.Locate(r.name, err)
}

// parse decodes "a|b|rel" or "a|b|rel|source".
func (r *Reader) parse(b []byte) (Link, error) {
	var f [5][]byte
	n := textline.Split(b, '|', f[:])
	if n < 3 || n > 4 {
		return Link{}, fmt.Errorf("%d fields, want 3 (serial-1) or 4 (serial-2)", n)
	}
	var l Link
	var err error
	if l.A, err = parseASN(f[0]); err != nil {
		return Link{}, fmt.Errorf("first AS: %w", err)
	}
	if l.B, err = parseASN(f[1]); err != nil {
		return Link{}, fmt.Errorf("second AS: %w", err)
	}
	if l.A == l.B {
		return Link{}, fmt.Errorf("link from %v to itself", l.A)
	}
	switch string(f[2]) {
	case "-1":
		l.Rel = RelP2C
	case "0":
		l.Rel = RelP2P
	default:
		return Link{}, fmt.Errorf("relationship %q, want -1 or 0", f[2])
	}
	if n == 4 {
		if l.Source, err = r.source(f[3]); err != nil {
			return Link{}, err
		}
	}
	return l, nil
}

// source validates and interns a serial-2 source token.
func (r *Reader) source(b []byte) (string, error) {
	if len(b) == 0 {
		return "", errors.New("empty source field")
	}
	for _, c := range b {
		if !isSourceByte(c) {
			return "", fmt.Errorf("source %q: want letters, digits, ',', '.', '_' or '-'", b)
		}
	}
	if s, ok := r.sources[string(b)]; ok {
		return s, nil
	}
	if len(r.sources) >= 64 {
		return "", fmt.Errorf("too many distinct sources (at %q)", b)
	}
	s := string(b)
	r.sources[s] = s
	return s, nil
}

// parseASN parses an asplain number (RFC 5396) without allocating.
func parseASN(b []byte) (bgp.ASN, error) {
	if len(b) == 0 || len(b) > 10 {
		return 0, fmt.Errorf("%w: %q", bgp.ErrBadASN, b)
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%w: %q", bgp.ErrBadASN, b)
		}
		v = v*10 + uint64(c-'0')
	}
	if v > 1<<32-1 {
		return 0, fmt.Errorf("%w: %q", bgp.ErrBadASN, b)
	}
	return bgp.ASN(v), nil
}

// isSourceByte reports whether c may appear in a serial-2 source token.
func isSourceByte(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return c == ',' || c == '.' || c == '_' || c == '-'
}
