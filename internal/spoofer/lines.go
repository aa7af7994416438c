package spoofer

import "io"

// lineIndex passes a stream through and remembers where recent lines
// start, so that errors can name the byte offset of a row's first line
// (encoding/csv reports only line numbers). Entries before the row being
// read are dropped, so memory stays bounded by the CSV reader's lookahead.
type lineIndex struct {
	r         io.Reader
	base      int64   // offset of the next byte to read
	firstLine int64   // line number of starts[0]
	starts    []int64 // start offsets of lines firstLine, firstLine+1, ...
}

func newLineIndex(r io.Reader) *lineIndex {
	return &lineIndex{r: r, firstLine: 1, starts: []int64{0}}
}

// Read implements io.Reader.
func (l *lineIndex) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for i, c := range p[:n] {
		if c == '\n' {
			l.starts = append(l.starts, l.base+int64(i)+1)
		}
	}
	l.base += int64(n)
	return n, err
}

// offset returns the start offset of line (1-based) and forgets the lines
// before it. A line not seen yet gives the offset of the last one known.
func (l *lineIndex) offset(line int64) int64 {
	i := line - l.firstLine
	if i < 0 {
		return l.starts[0]
	}
	if i >= int64(len(l.starts)) {
		i = int64(len(l.starts)) - 1
	}
	off := l.starts[i]
	l.starts = l.starts[i:]
	l.firstLine += i
	return off
}
