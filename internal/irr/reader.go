package irr

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"

	"github.com/observatory-net/observatory/internal/inputerr"
)

// Limits applied when the corresponding Options field is zero.
const (
	// DefaultMaxErrors is how many errors a lenient Reader keeps.
	DefaultMaxErrors = 100
	// DefaultMaxObjectBytes bounds one object, so that a dump without blank
	// lines cannot make the reader buffer the whole file. Large real objects
	// fit: the AS3257 aut-num of the shared samples is 470 KB in 9,567 lines.
	DefaultMaxObjectBytes = 1 << 20
	// DefaultMaxObjectLines bounds the number of lines of one object.
	DefaultMaxObjectLines = 100_000
)

// Sentinel causes inside the *inputerr.Error values the Reader reports, for
// callers that want to tell kinds of bad input apart.
var (
	// ErrSyntax reports a line that is neither an attribute nor a
	// continuation, or a continuation with nothing to continue.
	ErrSyntax = errors.New("rpsl syntax error")
	// ErrAttribute reports an attribute with a malformed, missing or
	// repeated value (a bad prefix or origin, a route without origin, ...).
	ErrAttribute = errors.New("bad attribute")
	// ErrTooLarge reports an object over Options.MaxObjectBytes or
	// Options.MaxObjectLines.
	ErrTooLarge = errors.New("object too large")
)

// Options configures a Reader. The zero value reads leniently with the
// default limits.
type Options struct {
	// File names the input in errors; empty for an anonymous stream.
	File string
	// DefaultSource is the source given to objects without a "source:"
	// attribute, as in split dumps of a single registry. It is upper-cased.
	DefaultSource string
	// Strict makes Next return an error for a bad object. Otherwise, the
	// default for bulk IRR dumps, bad objects are skipped and counted.
	Strict bool
	// Damaged, when set, receives every bad object, and a read error of
	// the stream, as a damaged record (see inputerr.Log), instead of
	// Strict and Stats.Errors: skipped, or with a strict Log the error
	// Next returns.
	Damaged *inputerr.Log
	// MaxErrors is how many errors a lenient reader keeps in Stats.Errors;
	// zero means DefaultMaxErrors and a negative value keeps none.
	MaxErrors int
	// MaxObjectBytes and MaxObjectLines bound one object, comment lines
	// included; zero means DefaultMaxObjectBytes and DefaultMaxObjectLines.
	MaxObjectBytes int64
	MaxObjectLines int
}

// Stats counts what a Reader has seen so far.
type Stats struct {
	Objects  int64   // objects framed, of every class
	Routes   int64   // route objects decoded
	Routes6  int64   // route6 objects decoded
	AutNums  int64   // aut-num objects decoded
	ASSets   int64   // as-set objects decoded
	Mntners  int64   // mntner objects decoded
	Contacts int64   // person and role objects decoded
	Bad      int64   // objects rejected as bad input, of every class
	Errors   []error // the first Options.MaxErrors rejections (lenient mode)
}

// Reader reads RPSL objects from a stream, one object at a time.
type Reader struct {
	br    *bufio.Reader
	opts  Options
	off   int64 // offset of the next line
	long  []byte
	eof   bool
	stats Stats
	obj   objState
	intern
}

// NewReader returns a Reader of r configured by opts.
func NewReader(r io.Reader, opts Options) *Reader {
	if opts.MaxErrors == 0 {
		opts.MaxErrors = DefaultMaxErrors
	}
	if opts.MaxObjectBytes <= 0 {
		opts.MaxObjectBytes = DefaultMaxObjectBytes
	}
	if opts.MaxObjectLines <= 0 {
		opts.MaxObjectLines = DefaultMaxObjectLines
	}
	rd := &Reader{br: bufio.NewReaderSize(r, 64<<10), opts: opts}
	if opts.DefaultSource != "" {
		rd.obj.defSource = rd.upper([]byte(opts.DefaultSource))
	}
	return rd
}

// Stats returns the counts so far. The Errors slice is shared with the
// Reader and must not be modified.
func (r *Reader) Stats() Stats { return r.stats }

// Next returns the next route, route6, aut-num, as-set, mntner, person or
// role object, and
// io.EOF after the last one. Objects of other classes are skipped. The
// returned object is owned by the caller.
//
// A bad object is skipped and counted unless Options.Strict is set, in
// which case Next returns an *inputerr.Error for it; calling Next again
// continues with the following object. Any other error is a read error of
// the underlying stream, after which the Reader should be abandoned.
func (r *Reader) Next() (Object, error) {
	for {
		line, n, cut, err := r.readLine()
		if err == io.EOF {
			if r.obj.active {
				if obj, err := r.finish(); obj != nil || err != nil {
					return obj, err
				}
			}
			return nil, io.EOF
		}
		if err != nil {
			return nil, r.readError(err)
		}
		off := r.off
		r.off += int64(n)
		if obj, err := r.processLine(line, off, n, cut); obj != nil || err != nil {
			return obj, err
		}
	}
}

// readError reports a failing stream (a damaged compressed file) as a
// damaged record where it failed; the object being read, if any, is lost
// with it. Reading ends there: the next call returns io.EOF.
func (r *Reader) readError(err error) error {
	r.eof = true
	rec := r.stats.Objects + 1
	if r.obj.active {
		rec = r.obj.record
		r.obj.active = false
	}
	return inputerr.New(r.opts.File, rec, r.off, fmt.Errorf("irr: reading %s: %w", r.name(), err))
}

// All returns an iterator over the objects of the stream and the errors
// Next reports; the iteration ends at the end of the stream or after a read
// error.
func (r *Reader) All() iter.Seq2[Object, error] {
	return func(yield func(Object, error) bool) {
		for {
			obj, err := r.Next()
			if err == io.EOF {
				return
			}
			var ie *inputerr.Error
			if !yield(obj, err) || (err != nil && !errors.As(err, &ie)) {
				return
			}
		}
	}
}

func (r *Reader) name() string {
	if r.opts.File == "" {
		return "<stream>"
	}
	return r.opts.File
}

// readLine returns the next line without its line end, the number of bytes
// it took in the stream, and whether it was cut because it is longer than
// an object may be. It returns io.EOF only when no bytes are left.
func (r *Reader) readLine() (line []byte, n int, cut bool, err error) {
	if r.eof {
		return nil, 0, false, io.EOF
	}
	r.long = r.long[:0]
	for {
		b, err := r.br.ReadSlice('\n')
		n += len(b)
		if err == bufio.ErrBufferFull {
			cut = r.appendLong(b) || cut
			continue
		}
		if err == io.EOF {
			r.eof = true
			if n == 0 {
				return nil, 0, false, io.EOF
			}
		} else if err != nil {
			return nil, n, false, err
		}
		if len(r.long) == 0 && !cut {
			return b, n, false, nil
		}
		cut = r.appendLong(b) || cut
		return r.long, n, cut, nil
	}
}

// appendLong gathers a line longer than the read buffer, up to the object
// size limit, and reports whether the line had to be cut.
func (r *Reader) appendLong(b []byte) bool {
	room := r.opts.MaxObjectBytes - int64(len(r.long))
	if int64(len(b)) > room {
		r.long = append(r.long, b[:max(room, 0)]...)
		return true
	}
	r.long = append(r.long, b...)
	return false
}

// processLine advances the object framing by one line that started at byte
// offset off and took n bytes. It returns an object, or an error in strict
// mode, when the line ends one.
func (r *Reader) processLine(line []byte, off int64, n int, cut bool) (Object, error) {
	line = bytes.TrimSuffix(line, []byte{'\n'})
	line = bytes.TrimSuffix(line, []byte{'\r'})
	if isBlank(line) {
		if r.obj.active {
			return r.finish()
		}
		return nil, nil
	}
	if !r.obj.active {
		if line[0] == '%' || line[0] == '#' {
			return nil, nil // comments between objects
		}
		r.stats.Objects++
		r.obj.start(r.stats.Objects, off)
	}
	st := &r.obj
	st.lines++
	st.bytes += int64(n)
	if st.err == nil && (cut || st.bytes > r.opts.MaxObjectBytes || st.lines > r.opts.MaxObjectLines) {
		st.fail(fmt.Errorf("%w: more than %d bytes or %d lines", ErrTooLarge,
			r.opts.MaxObjectBytes, r.opts.MaxObjectLines))
	}
	if st.err != nil || line[0] == '%' || line[0] == '#' {
		return nil, nil // discarding a bad object, or a comment line
	}
	if line[0] == ' ' || line[0] == '\t' || line[0] == '+' {
		r.continuation(line)
		return nil, nil
	}
	r.attributeLine(line)
	return nil, nil
}

// continuation appends a continuation line (RFC 2622 §2) to the current
// attribute; a "+" line stands for an empty line of the value.
func (r *Reader) continuation(line []byte) {
	st := &r.obj
	if !st.hasAttr {
		st.fail(fmt.Errorf("%w: line %d: continuation line before any attribute", ErrSyntax, st.lines))
		return
	}
	if line[0] == '+' {
		line = line[1:]
	}
	st.appendValue(line)
}

// attributeLine starts a new attribute "name: value", completing the
// previous one.
func (r *Reader) attributeLine(line []byte) {
	st := &r.obj
	r.flushAttr()
	if st.err != nil {
		return
	}
	i := bytes.IndexByte(line, ':')
	if i < 0 {
		st.fail(fmt.Errorf("%w: line %d: no colon in %q", ErrSyntax, st.lines, clip(line)))
		return
	}
	if !validName(line[:i]) {
		st.fail(fmt.Errorf("%w: line %d: bad attribute name %q", ErrSyntax, st.lines, clip(line[:i])))
		return
	}
	st.name = appendLower(st.name[:0], line[:i])
	st.val = st.val[:0]
	st.hasAttr = true
	st.appendValue(line[i+1:])
}

// flushAttr hands the complete current attribute to the decoder of the
// object's class. The first attribute names the class.
func (r *Reader) flushAttr() {
	st := &r.obj
	if !st.hasAttr || st.err != nil {
		return
	}
	st.hasAttr = false
	if st.attrs == 0 {
		st.class = classOf(st.name)
	}
	st.attrs++
	if err := r.decodeAttr(st.name, st.val); err != nil {
		st.fail(fmt.Errorf("%w: line %d: %w", ErrAttribute, st.lines, err))
	}
	if string(st.name) == "auth" {
		clear(st.val) // do not leave credentials behind in the buffer
	}
}

// finish completes the current object at a blank line or the end of the
// stream.
func (r *Reader) finish() (Object, error) {
	r.flushAttr()
	st := &r.obj
	st.active = false
	var obj Object
	if st.err == nil {
		obj, st.err = r.complete()
	}
	if st.err != nil {
		return nil, r.reject(inputerr.New(r.opts.File, st.record, st.offset, st.err))
	}
	if obj != nil {
		r.count(obj.Class())
	}
	return obj, nil
}

// reject counts a bad object and returns the error to report, nil in
// lenient mode.
func (r *Reader) reject(err *inputerr.Error) error {
	r.stats.Bad++
	if r.opts.Damaged != nil {
		return r.opts.Damaged.Skip(err)
	}
	if r.opts.Strict {
		return err
	}
	if len(r.stats.Errors) < r.opts.MaxErrors {
		r.stats.Errors = append(r.stats.Errors, err)
	}
	return nil
}

func (r *Reader) count(c Class) {
	switch c {
	case ClassRoute:
		r.stats.Routes++
	case ClassRoute6:
		r.stats.Routes6++
	case ClassAutNum:
		r.stats.AutNums++
	case ClassASSet:
		r.stats.ASSets++
	case ClassMntner:
		r.stats.Mntners++
	case ClassPerson, ClassRole:
		r.stats.Contacts++
	}
}

// isBlank reports whether a line separates objects. A line of only spaces
// and tabs counts as blank: it cannot be a meaningful continuation, and
// hand-edited files often contain such lines between objects.
func isBlank(line []byte) bool {
	for _, c := range line {
		if c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

// validName reports whether b is an RPSL attribute name: letters, digits,
// "-" and "_", starting with a letter (RFC 2622 §2).
func validName(b []byte) bool {
	if len(b) == 0 || !isLetter(b[0]) {
		return false
	}
	for _, c := range b {
		if !isLetter(c) && !(c >= '0' && c <= '9') && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

func appendLower(dst, b []byte) []byte {
	for _, c := range b {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// clip shortens input quoted in an error message.
func clip(b []byte) []byte {
	const n = 40
	if len(b) > n {
		return b[:n]
	}
	return b
}
