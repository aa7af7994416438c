package peeringdb

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/observatory-net/observatory/internal/inputerr"
)

// maxDepth bounds the nesting of skipped values.
const maxDepth = 10000

// Reader decodes the objects of an API page or a full dump one at a time.
type Reader struct {
	dec     *json.Decoder
	name    string
	tag     Tag // the type of a page's "data" array; empty until known
	state   readerState
	section bool  // inside a dump section {"data": [...]}
	cur     Tag   // type of the array being read
	n       int64 // objects started so far (the failing one included)
	ok      int64 // objects returned
	fatal   error
}

type readerState int

const (
	stStart readerState = iota // before the top-level '{'
	stKeys                     // among the keys of the top object or a section
	stArray                    // inside a "data" array
)

// NewReader returns a Reader over r (already decompressed). name is used in
// errors and, when tag is empty, to tell the type of a page's objects (see
// TagFromName); tag, when given, names that type outright.
func NewReader(r io.Reader, name string, tag Tag) *Reader {
	if tag == "" {
		tag = TagFromName(name)
	}
	return &Reader{dec: json.NewDecoder(r), name: name, tag: tag}
}

// Next returns the next object, or io.EOF after the last one. Errors are
// *inputerr.Error values and final: JSON cannot be resynchronised.
func (r *Reader) Next() (Object, error) {
	for r.fatal == nil {
		obj, err := r.step()
		if err != nil {
			r.fatal = err
			return nil, err
		}
		if obj != nil {
			r.ok++
			return obj, nil
		}
	}
	return nil, r.fatal
}

// Count returns the number of objects returned so far.
func (r *Reader) Count() int64 { return r.ok }

// step advances by one token or one object.
func (r *Reader) step() (Object, error) {
	switch r.state {
	case stStart:
		return nil, r.expectDelim('{')
	case stKeys:
		return nil, r.key()
	}
	return r.element()
}

// expectDelim reads one delimiter token.
func (r *Reader) expectDelim(want json.Delim) error {
	off := r.dec.InputOffset()
	tok, err := r.dec.Token()
	if err != nil {
		return r.wrap(off, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return r.errorf(off, "found %v, want %c", tok, want)
	}
	r.state = stKeys
	if want == '[' {
		r.state = stArray
	}
	return nil
}

// key handles the next key, or the end, of the top object or a section.
func (r *Reader) key() error {
	off := r.dec.InputOffset()
	tok, err := r.dec.Token()
	if err != nil {
		return r.wrap(off, err)
	}
	if tok == json.Delim('}') {
		if r.section {
			r.section = false
			return nil
		}
		return r.trailing()
	}
	k, _ := tok.(string)
	switch {
	case k == "data":
		if !r.section {
			r.cur = r.tag
		}
		return r.expectDelim('[')
	case !r.section && knownTags[Tag(k)]:
		r.cur, r.section = Tag(k), true
		return r.expectDelim('{')
	}
	return r.skipValue()
}

// element decodes the next object of a "data" array, or leaves the array.
func (r *Reader) element() (Object, error) {
	off := r.dec.InputOffset()
	if !r.dec.More() {
		tok, err := r.dec.Token()
		if err != nil {
			return nil, r.wrap(off, err)
		}
		if tok != json.Delim(']') {
			return nil, r.errorf(off, "found %v, want ]", tok)
		}
		r.state = stKeys
		return nil, nil
	}
	r.n++
	obj, err := r.decodeObject()
	if err != nil {
		return nil, inputerr.New(r.name, r.n, off, fmt.Errorf("%s object: %w", tagOrUnknown(r.cur), noEOF(err)))
	}
	return obj, nil
}

// decodeObject decodes one object of type r.cur, sniffing the type from
// the first object when it is not known.
func (r *Reader) decodeObject() (Object, error) {
	if r.cur != "" {
		obj := newObject(r.cur)
		return obj, r.dec.Decode(obj)
	}
	var raw json.RawMessage
	if err := r.dec.Decode(&raw); err != nil {
		return nil, err
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

// skipValue skips the value of a key the reader does not use ("meta").
func (r *Reader) skipValue() error {
	depth := 0
	for {
		off := r.dec.InputOffset()
		tok, err := r.dec.Token()
		if err != nil {
			return r.wrap(off, err)
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			if depth++; depth > maxDepth {
				return r.errorf(off, "nesting deeper than %d", maxDepth)
			}
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// trailing checks that nothing follows the top-level object.
func (r *Reader) trailing() error {
	off := r.dec.InputOffset()
	_, err := r.dec.Token()
	switch {
	case err == io.EOF:
		return io.EOF
	case err != nil:
		return r.wrap(off, err)
	}
	return r.errorf(off, "data after the top-level object")
}

// wrap locates a decoding error between objects; Record is the number the
// next object would have.
func (r *Reader) wrap(off int64, err error) error {
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
