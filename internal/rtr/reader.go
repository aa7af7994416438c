package rtr

import (
	"errors"
	"io"
)

// Reader frames and decodes a stream of PDUs. It keeps partly received
// PDUs across read errors, so a read that times out (a net.Conn deadline)
// can be retried without losing bytes.
type Reader struct {
	r          io.Reader
	buf        []byte
	start, end int   // buf[start:end] holds received, undecoded bytes
	off        int64 // stream offset of buf[start]
	raw        []byte
	rawOff     int64
}

// NewReader returns a Reader of r.
func NewReader(r io.Reader) *Reader {
	return &Reader{r: r, buf: make([]byte, 64<<10)}
}

// Next decodes the next PDU into p. p's Data and Text alias the Reader's
// buffer and are valid only until the following call. At the end of the
// stream it returns io.EOF, or io.ErrUnexpectedEOF inside a PDU; other read
// errors are returned as they are, and the call may be repeated. A
// malformed PDU is a *DecodeError with the PDU's stream offset; when the
// PDU's length was readable, the stream stays framed and Next may go on.
func (r *Reader) Next(p *PDU) error {
	if err := r.fill(HeaderLen); err != nil {
		return err
	}
	length, err := checkHeader(r.buf[r.start:r.end])
	if err != nil {
		r.raw, r.rawOff = r.buf[r.start:r.start+HeaderLen], r.off
		return r.at(err)
	}
	if err := r.fill(int(length)); err != nil {
		return err
	}
	b := r.buf[r.start : r.start+int(length)]
	r.raw, r.rawOff = b, r.off
	r.start += int(length)
	r.off += int64(length)
	if _, err := p.Decode(b); err != nil {
		return r.atOffset(err, r.rawOff)
	}
	return nil
}

// Raw returns the bytes of the PDU the last call to Next decoded or failed
// on (its header only, when its length was unreadable), for the Error
// Report that answers it. It is valid until the following call.
func (r *Reader) Raw() []byte { return r.raw }

// Offset returns the stream offset of the next PDU.
func (r *Reader) Offset() int64 { return r.off }

// at gives err the offset of the PDU at the head of the buffer.
func (r *Reader) at(err error) error { return r.atOffset(err, r.off) }

// atOffset sets a DecodeError's stream offset.
func (r *Reader) atOffset(err error, off int64) error {
	var de *DecodeError
	if errors.As(err, &de) {
		de.Offset += off
	}
	return err
}

// fill reads until at least n bytes are buffered from start, growing and
// compacting the buffer as needed.
func (r *Reader) fill(n int) error {
	if r.end-r.start >= n {
		return nil
	}
	if len(r.buf)-r.start < n {
		if n > len(r.buf) {
			r.buf = append(r.buf, make([]byte, n-len(r.buf))...)
		}
		r.end = copy(r.buf, r.buf[r.start:r.end])
		r.start = 0
	}
	for r.end-r.start < n {
		m, err := r.r.Read(r.buf[r.end:])
		r.end += m
		if err == nil || r.end-r.start >= n {
			continue
		}
		if err == io.EOF && r.end > r.start {
			return io.ErrUnexpectedEOF
		}
		return err
	}
	return nil
}
