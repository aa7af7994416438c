package peeringdb

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/jsonstream"
)

// maxObject bounds one object; the largest real ones (a net with its
// poc_set) are a few kilobytes.
const maxObject = 4 << 20

// Reader decodes the objects of an API page or a full dump one at a time.
type Reader struct {
	sc      *jsonstream.Scanner
	name    string
	tag     Tag // the type of a page's "data" array; empty until known
	state   readerState
	section bool  // inside a dump section {"data": [...]}
	cur     Tag   // type of the array being read
	n       int64 // objects started so far (the failing one included)
	ok      int64 // objects returned
}

type readerState int

const (
	stStart readerState = iota // before the top-level '{'
	stOpen                     // just after the '{' of the top object or a section
	stKey                      // before a member name
	stAfter                    // after a member's value: ',' or '}'
	stArray                    // inside a "data" array, before an element or ']'
	stElem                     // after an element: ',' or ']'
	stDone                     // the end, or damage that leaves nothing readable
)

// NewReader returns a Reader over r (already decompressed). name is used in
// errors and, when tag is empty, to tell the type of a page's objects (see
// TagFromName); tag, when given, names that type outright.
func NewReader(r io.Reader, name string, tag Tag) *Reader {
	if tag == "" {
		tag = TagFromName(name)
	}
	return &Reader{sc: jsonstream.NewScanner(r, 0, maxObject), name: name, tag: tag}
}

// Next returns the next object, or io.EOF after the last one.
//
// A damaged object (bad JSON, a value of the wrong type, the end of a
// truncated file) gives an *inputerr.Error naming it; Next may be called
// again and goes on with the next object. Objects are told apart by the
// brackets and strings of the JSON text, so garbage inside one object
// costs that object only. Damage to the structure around the objects (a
// file that does not start with '{', a broken separator, the end of the
// file between objects) is reported the same way and ends the reading:
// the next call returns io.EOF.
func (r *Reader) Next() (Object, error) {
	for r.state != stDone {
		obj, err := r.step()
		if err != nil {
			return nil, err
		}
		if obj != nil {
			r.ok++
			return obj, nil
		}
	}
	return nil, io.EOF
}

// Count returns the number of objects returned so far.
func (r *Reader) Count() int64 { return r.ok }

// step advances by one token or one object.
func (r *Reader) step() (Object, error) {
	switch r.state {
	case stStart:
		return nil, r.start()
	case stOpen:
		return nil, r.open()
	case stKey:
		return nil, r.key()
	case stAfter:
		return nil, r.after()
	case stArray:
		return r.element()
	case stElem:
		return nil, r.afterElement()
	}
	return nil, nil
}

// start consumes the top-level '{'. Bytes before it are garbage: a
// damaged record of their own, after which reading goes on at the '{'.
func (r *Reader) start() error {
	c, err := r.sc.Peek()
	if err != nil || c == '{' {
		return r.expect('{', stOpen)
	}
	off := r.sc.Offset()
	n, err := r.sc.SkipTo('{')
	if err != nil {
		return r.broken(off, fmt.Errorf("found %q, want '{'", c))
	}
	r.state = stOpen
	r.sc.Consume()
	return inputerr.New(r.name, r.n+1, off, fmt.Errorf("%d bytes of garbage before the document", n))
}

// expect consumes the delimiter c and moves to state next.
func (r *Reader) expect(c byte, next readerState) error {
	_, _ = r.sc.Peek() // Expect reports it; this only moves the offset past white space
	off := r.sc.Offset()
	if err := r.sc.Expect(c); err != nil {
		return r.broken(off, err)
	}
	r.state = next
	return nil
}

// open handles the first member, or the end, of an object just opened.
func (r *Reader) open() error {
	if c, err := r.sc.Peek(); err == nil && c == '}' {
		r.state = stAfter
		return r.close()
	}
	r.state = stKey
	return nil
}

// key handles one member of the top object or a section.
func (r *Reader) key() error {
	_, _ = r.sc.Peek() // Key reports it
	off := r.sc.Offset()
	k, err := r.sc.Key()
	if err != nil {
		return r.broken(off, err)
	}
	switch {
	case k == "data":
		if !r.section {
			r.cur = r.tag
		}
		return r.expect('[', stArray)
	case !r.section && knownTags[Tag(k)]:
		r.cur, r.section = Tag(k), true
		return r.expect('{', stOpen)
	}
	return r.skipValue()
}

// after handles what follows a member's value.
func (r *Reader) after() error {
	c, err := r.sc.Peek()
	off := r.sc.Offset()
	switch {
	case err != nil:
		return r.broken(off, noEOF(err))
	case c == ',':
		r.sc.Consume()
		r.state = stKey
		return nil
	case c == '}':
		return r.close()
	}
	return r.broken(off, fmt.Errorf("found %q after a member, want , or }", c))
}

// close consumes the '}' of a section or of the top object.
func (r *Reader) close() error {
	r.sc.Consume()
	if r.section {
		r.section = false
		r.state = stAfter
		return nil
	}
	off := r.sc.Offset()
	r.state = stDone
	if err := r.sc.End(); err != nil {
		return r.errorf(off, "data after the top-level object: %w", err)
	}
	return nil
}

// element decodes the next object of a "data" array, or leaves the array.
func (r *Reader) element() (Object, error) {
	c, err := r.sc.Peek()
	off := r.sc.Offset()
	if err != nil {
		return nil, r.broken(off, noEOF(err))
	}
	if c == ']' {
		r.sc.Consume()
		r.state = stAfter
		return nil, nil
	}
	r.n++
	raw, err := r.sc.Value(',', ']')
	r.state = stElem
	if errors.Is(err, io.ErrUnexpectedEOF) && jsonstream.Whole(raw) {
		// The stream ends after a whole object: afterElement reports it.
		err = nil
	}
	if err == nil {
		var obj Object
		if obj, err = r.decodeObject(raw); err == nil {
			return obj, nil
		}
		err = syntaxAt(err, off)
	} else if !errors.Is(err, jsonstream.ErrTooLong) {
		r.state = stDone // the file ends inside the object, or cannot be read on
	}
	return nil, inputerr.New(r.name, r.n, off, fmt.Errorf("%s object: %w", tagOrUnknown(r.cur), noEOF(err)))
}

// afterElement handles the ',' or ']' after an element.
func (r *Reader) afterElement() error {
	c, err := r.sc.Peek()
	if err != nil { // Value stops only at ',' or ']', or at the end
		return r.broken(r.sc.Offset(), noEOF(err))
	}
	r.sc.Consume()
	r.state = stArray
	if c == ']' {
		r.state = stAfter
	}
	return nil
}

// decodeObject decodes one object of type r.cur, sniffing the type from
// the first object when it is not known.
func (r *Reader) decodeObject(raw []byte) (Object, error) {
	if r.cur != "" {
		obj := newObject(r.cur)
		return obj, json.Unmarshal(raw, obj)
	}
	tag, err := SniffTag(raw)
	if err != nil {
		return nil, err
	}
	if tag != "" {
		r.cur = tag
		if !r.section {
			r.tag = tag
		}
	}
	obj := newObject(tag)
	return obj, json.Unmarshal(raw, obj)
}

// newObject returns a pointer to a zero object of type tag.
func newObject(tag Tag) Object {
	switch tag {
	case TagNet:
		return new(Net)
	case TagOrg:
		return new(Org)
	case TagPoc:
		return new(Poc)
	case TagIX:
		return new(IX)
	case TagIXLan:
		return new(IXLan)
	case TagIXPfx:
		return new(IXPfx)
	case TagNetIXLan:
		return new(NetIXLan)
	}
	return &Other{Type: tag}
}

// skipValue skips the value of a key the reader does not use ("meta"),
// checking that it is JSON when it is small enough to hold.
func (r *Reader) skipValue() error {
	_, _ = r.sc.Peek() // Value reports it
	off := r.sc.Offset()
	raw, err := r.sc.Value(',', '}')
	switch {
	case errors.Is(err, jsonstream.ErrTooLong):
	case err != nil:
		return r.broken(off, err)
	case !json.Valid(raw):
		var v any
		err = json.Unmarshal(raw, &v)
		var se *json.SyntaxError
		if errors.As(err, &se) {
			off += se.Offset - 1
		}
		return r.broken(off, err)
	}
	r.state = stAfter
	return nil
}

// syntaxAt adds to a syntax error inside an object the offset in the
// stream where it was found.
func syntaxAt(err error, off int64) error {
	var se *json.SyntaxError
	if errors.As(err, &se) && se.Offset > 1 {
		return fmt.Errorf("%w (at byte offset %d)", err, off+se.Offset-1)
	}
	return err
}

// broken reports damage to the structure around the objects, which ends
// the reading; Record is the number the next object would have.
func (r *Reader) broken(off int64, err error) error {
	r.state = stDone
	return inputerr.New(r.name, r.n+1, off, fmt.Errorf("decode JSON: %w", noEOF(err)))
}

func (r *Reader) errorf(off int64, format string, args ...any) error {
	return inputerr.New(r.name, r.n+1, off, fmt.Errorf(format, args...))
}

// noEOF turns an end of input inside the document into ErrUnexpectedEOF.
func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

func tagOrUnknown(t Tag) string {
	if t == "" {
		return "unknown"
	}
	return string(t)
}
