// Package textline reads line-oriented text inputs (CAIDA AS relationships,
// RIR delegated statistics, bogon lists, registries) one line at a time,
// keeping each line's 1-based number and byte offset so that readers can
// report bad input as file, record and offset (package inputerr).
package textline

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/observatory-net/observatory/internal/inputerr"
)

// MaxLine bounds a line so that a damaged file without newlines cannot make
// the reader buffer it whole. Real lines of the formats read this way are
// under 200 bytes.
const MaxLine = 64 << 10

// ErrLongLine reports a line longer than MaxLine.
var ErrLongLine = fmt.Errorf("line longer than %d bytes", MaxLine)

// Reader splits a stream into lines.
type Reader struct {
	br     *bufio.Reader
	long   []byte // assembles a line longer than the bufio buffer
	line   int64  // number of the line last returned
	offset int64  // offset of the line last returned
	next   int64  // offset of the line to come
}

// NewReader returns a Reader over r.
func NewReader(r io.Reader) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, 4096)}
}

// Line is the 1-based number of the line last returned (or rejected).
func (l *Reader) Line() int64 { return l.line }

// Offset is the byte offset of the line last returned (or rejected).
func (l *Reader) Offset() int64 { return l.offset }

// Next is the byte offset where the next line starts: where a read error
// happened.
func (l *Reader) Next() int64 { return l.next }

// Read returns the next line without its "\n" or "\r\n". The slice is
// valid until the next call. At the end of the stream it returns io.EOF; a
// line over MaxLine gives ErrLongLine.
func (l *Reader) Read() ([]byte, error) {
	b, err := l.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		b, err = l.readLong(b)
	}
	if err != nil && (err != io.EOF || len(b) == 0) {
		return nil, err
	}
	l.line++
	l.offset = l.next
	l.next += int64(len(b))
	b = bytes.TrimSuffix(b, []byte{'\n'})
	b = bytes.TrimSuffix(b, []byte{'\r'})
	return b, nil
}

// readLong continues a line that filled the bufio buffer.
func (l *Reader) readLong(head []byte) ([]byte, error) {
	l.long = append(l.long[:0], head...)
	for {
		b, err := l.br.ReadSlice('\n')
		l.long = append(l.long, b...)
		if len(l.long) > MaxLine {
			l.line++
			l.offset = l.next
			return nil, ErrLongLine
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return l.long, err
		}
	}
}

// Locate turns an error of Read into the error a reader reports: io.EOF
// as is; ErrLongLine located at the rejected line; any other read error
// (a damaged compressed stream) located where the next line would start.
func (l *Reader) Locate(file string, err error) error {
	switch {
	case err == io.EOF:
		return io.EOF
	case errors.Is(err, ErrLongLine):
		return inputerr.New(file, l.line, l.offset, err)
	}
	return inputerr.New(file, l.line+1, l.next, fmt.Errorf("read: %w", err))
}

// Split splits line b at sep into f, without allocating, and returns the
// number of fields, which exceeds len(f) when there are more fields than f
// holds.
func Split(b []byte, sep byte, f [][]byte) int {
	n := 0
	for {
		i := bytes.IndexByte(b, sep)
		if n < len(f) {
			if i < 0 {
				f[n] = b
			} else {
				f[n] = b[:i]
			}
		}
		n++
		if i < 0 {
			return n
		}
		b = b[i+1:]
	}
}
