// Package jsonstream walks a JSON document (RFC 8259) from a stream by its
// lexical structure alone: strings, and brackets that nest. It hands out
// each value it is asked for as raw bytes, for the caller to decode, and
// knows where the value ends without decoding it, so that a damaged value
// (garbage, a broken attribute, the end of a truncated file) costs that
// value and reading goes on with the next one. encoding/json's Decoder
// cannot do this: its first syntax error is final.
//
// The readers of PeeringDB pages and of VRP JSON walk their top-level
// object with a Scanner and decode the elements of its arrays one at a
// time; offsets are byte offsets in the stream, for inputerr.
package jsonstream

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// DefaultMaxValue bounds a value a Scanner keeps: a damaged file without
// its closing brackets must not be buffered whole.
const DefaultMaxValue = 16 << 20

// Errors of a Scanner. A value cut by the end of the stream is returned
// with io.ErrUnexpectedEOF.
var (
	// ErrTooLong reports a value longer than the Scanner's maximum; it is
	// skipped whole.
	ErrTooLong = errors.New("value too long")
	// ErrUnexpected reports a byte where the structure wants another.
	ErrUnexpected = errors.New("unexpected byte")
)

// Scanner reads a JSON stream. Its byte slices alias an internal buffer
// and are valid until the next call.
type Scanner struct {
	r     io.Reader
	buf   []byte
	pos   int   // next byte of buf
	end   int   // end of the valid bytes of buf
	base  int64 // stream offset of buf[0]
	err   error // the read error that ended the stream (io.EOF at its end)
	val   []byte
	max   int
	limit bool // val went over max
}

// NewScanner returns a Scanner over r. base is the offset of r's first
// byte in the stream (bytes already consumed, such as a byte order mark);
// offsets count from the start of the stream. maxValue bounds a value
// kept; zero means DefaultMaxValue.
func NewScanner(r io.Reader, base int64, maxValue int) *Scanner {
	if maxValue <= 0 {
		maxValue = DefaultMaxValue
	}
	return &Scanner{r: r, buf: make([]byte, 64<<10), base: base, max: maxValue}
}

// Offset returns the offset of the next byte to be read.
func (s *Scanner) Offset() int64 { return s.base + int64(s.pos) }

// fill reads more bytes once the buffer is consumed; it reports false at
// the end of the stream or on a read error, kept in s.err.
func (s *Scanner) fill() bool {
	if s.err != nil {
		return false
	}
	s.base += int64(s.end)
	s.pos, s.end = 0, 0
	for s.end == 0 {
		n, err := s.r.Read(s.buf)
		s.end = n
		if err != nil {
			s.err = err
			return n > 0
		}
	}
	return true
}

// endErr is the error for input that ends where more was expected.
func (s *Scanner) endErr() error {
	if s.err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return s.err
}

// Peek returns the next byte that is not white space, without consuming
// it. At the end of the stream it returns io.EOF, or the read error.
func (s *Scanner) Peek() (byte, error) {
	for {
		for s.pos < s.end {
			if c := s.buf[s.pos]; !isSpace(c) {
				return c, nil
			}
			s.pos++
		}
		if !s.fill() {
			return 0, s.err
		}
	}
}

// Expect consumes the byte c, after white space.
func (s *Scanner) Expect(c byte) error {
	got, err := s.Peek()
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	if err != nil {
		return err
	}
	if got != c {
		return fmt.Errorf("%w: found %s, want %q", ErrUnexpected, describe(got), c)
	}
	s.pos++
	return nil
}

// Value consumes the value that starts at the next byte that is not white
// space and returns its bytes, without the white space around it. The
// value ends before the first byte found outside strings and brackets
// that is stop or alt (',' and ']' in an array, ',' and '}' in an
// object); that byte is left for the caller. Brackets that close nothing
// are kept in the value, as garbage its decoder will reject. The bytes
// are not checked beyond that. At the end of the stream the bytes read
// come with io.ErrUnexpectedEOF, or the read error; a value longer than
// the maximum is consumed and gives ErrTooLong.
func (s *Scanner) Value(stop, alt byte) ([]byte, error) { return s.value(stop, alt, true) }

// Skip consumes a value as Value does, without keeping it.
func (s *Scanner) Skip(stop, alt byte) error {
	_, err := s.value(stop, alt, false)
	return err
}

// Key reads an object member's name and the ':' after it.
func (s *Scanner) Key() (string, error) {
	c, err := s.Peek()
	switch {
	case err == io.EOF:
		return "", io.ErrUnexpectedEOF
	case err != nil:
		return "", err
	case c != '"':
		return "", fmt.Errorf("%w: found %s, want a member name", ErrUnexpected, describe(c))
	}
	raw, err := s.Value(':', ':')
	if err != nil {
		return "", err
	}
	var k string
	if err := json.Unmarshal(raw, &k); err != nil {
		return "", fmt.Errorf("member name %.40q: %w", raw, err)
	}
	s.pos++ // the ':'
	return k, nil
}

// lexer is the state of a value being scanned.
type lexer struct {
	depth    int
	str, esc bool
}

// scan advances over b and returns the index of the first stop byte at
// depth 0 outside strings, or -1.
func (l *lexer) scan(b []byte, stop, alt byte) int {
	for i, c := range b {
		if l.str {
			switch {
			case l.esc:
				l.esc = false
			case c == '\\':
				l.esc = true
			case c == '"':
				l.str = false
			}
			continue
		}
		switch c {
		case '"':
			l.str = true
		case '{', '[':
			l.depth++
		case '}', ']':
			if l.depth > 0 {
				l.depth--
				continue
			}
			if c == stop || c == alt {
				return i
			}
		case ',', ':':
			if l.depth == 0 && (c == stop || c == alt) {
				return i
			}
		}
	}
	return -1
}

func (s *Scanner) value(stop, alt byte, keep bool) ([]byte, error) {
	s.val, s.limit = s.val[:0], false
	if _, err := s.Peek(); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	var l lexer
	for {
		b := s.buf[s.pos:s.end]
		i := l.scan(b, stop, alt)
		if i >= 0 {
			b = b[:i]
		}
		if keep {
			s.keep(b)
		}
		s.pos += len(b)
		if i >= 0 {
			break
		}
		if !s.fill() {
			return trimSpace(s.val), s.endErr()
		}
	}
	if s.limit {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLong, s.max)
	}
	return trimSpace(s.val), nil
}

// keep appends b to the value, up to the maximum.
func (s *Scanner) keep(b []byte) {
	if s.limit {
		return
	}
	if len(s.val)+len(b) > s.max {
		s.limit = true
		s.val = s.val[:0]
		return
	}
	s.val = append(s.val, b...)
}

// Whole reports whether a value that Value returned with
// io.ErrUnexpectedEOF is nonetheless complete: an object, array or string
// whose closing byte was read, so that the stream ended after it.
func Whole(raw []byte) bool {
	if len(raw) == 0 || (raw[0] != '{' && raw[0] != '[' && raw[0] != '"') {
		return false
	}
	return json.Valid(raw)
}

// End checks that only white space follows the document.
func (s *Scanner) End() error {
	c, err := s.Peek()
	switch {
	case err == io.EOF:
		return nil
	case err != nil:
		return err
	}
	return fmt.Errorf("%w: found %s after the top-level value", ErrUnexpected, describe(c))
}

// SkipTo consumes the bytes before the next c (which it leaves), and
// returns how many there were; at the end of the stream it returns
// io.EOF, or the read error.
func (s *Scanner) SkipTo(c byte) (int64, error) {
	var n int64
	for {
		if i := bytes.IndexByte(s.buf[s.pos:s.end], c); i >= 0 {
			s.pos += i
			return n + int64(i), nil
		}
		n += int64(s.end - s.pos)
		s.pos = s.end
		if !s.fill() {
			return n, s.err
		}
	}
}

// Consume consumes the byte Peek returned.
func (s *Scanner) Consume() { s.pos++ }

func trimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// isSpace reports JSON white space (RFC 8259 §2).
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// describe names a byte in an error.
func describe(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return fmt.Sprintf("%q", c)
	}
	return fmt.Sprintf("byte 0x%02x", c)
}
