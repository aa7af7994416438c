package irr

import "bytes"

// objState is the object being framed: its position, its size so far and
// the attribute being gathered from continuation lines.
type objState struct {
	active  bool
	record  int64 // 1-based object number
	offset  int64 // byte offset of the first line
	lines   int
	bytes   int64
	err     error // first problem found; the rest of the object is discarded
	class   Class
	attrs   int // complete attributes so far
	hasAttr bool
	name    []byte // current attribute name, lower-cased
	val     []byte // current attribute value, continuations joined
	seen    uint8  // single-valued attributes already present (seen* bits)

	defSource string
	source    string
	route     *Route
	autNum    *AutNum
	asSet     *ASSet
	mntner    *Mntner
	contact   *Contact
}

// Bits of objState.seen for attributes that may appear only once.
const (
	seenOrigin uint8 = 1 << iota
	seenSource
	seenASName
	seenNicHdl
)

// start resets the state for an object beginning at byte offset off. The
// buffers are kept to avoid allocating for every object.
func (st *objState) start(record, off int64) {
	*st = objState{
		active:    true,
		record:    record,
		offset:    off,
		name:      st.name[:0],
		val:       st.val[:0],
		defSource: st.defSource,
	}
}

// fail records the first problem of the object.
func (st *objState) fail(err error) {
	if st.err == nil {
		st.err = err
	}
}

// once reports whether the single-valued attribute bit is seen for the
// first time, and marks it.
func (st *objState) once(bit uint8) bool {
	if st.seen&bit != 0 {
		return false
	}
	st.seen |= bit
	return true
}

// appendValue adds one physical line of an attribute value: the "#"
// comment is removed (RFC 2622 §2), surrounding blanks are trimmed and the
// pieces are joined by a single space.
func (st *objState) appendValue(seg []byte) {
	if i := bytes.IndexByte(seg, '#'); i >= 0 {
		seg = seg[:i]
	}
	seg = bytes.Trim(seg, " \t")
	if len(seg) == 0 {
		return
	}
	if len(st.val) > 0 {
		st.val = append(st.val, ' ')
	}
	st.val = append(st.val, seg...)
}
