package bogon

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// maxLine bounds a line so that a damaged file without newlines cannot make
// the reader buffer it whole. Real bogon-list lines are under 50 bytes.
const maxLine = 64 << 10

// lineReader splits a stream into lines and remembers, for each, its
// 1-based number and the byte offset of its first byte.
type lineReader struct {
	br     *bufio.Reader
	long   []byte // assembles a line longer than the bufio buffer
	line   int64  // number of the line last returned
	offset int64  // offset of the line last returned
	next   int64  // offset of the line to come
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, 4096)}
}

// errLongLine reports a line longer than maxLine.
var errLongLine = fmt.Errorf("line longer than %d bytes", maxLine)

// read returns the next line without its "\n" or "\r\n". The slice is valid
// until the next call. At the end of the stream it returns io.EOF.
func (l *lineReader) read() ([]byte, error) {
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
func (l *lineReader) readLong(head []byte) ([]byte, error) {
	l.long = append(l.long[:0], head...)
	for {
		b, err := l.br.ReadSlice('\n')
		l.long = append(l.long, b...)
		if len(l.long) > maxLine {
			l.line++
			l.offset = l.next
			return nil, errLongLine
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return l.long, err
		}
	}
}
