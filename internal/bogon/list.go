package bogon

import (
	"bytes"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"time"

	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/textline"
)

// ListReader reads a plain prefix list such as Team Cymru's fullbogons
// (https://team-cymru.com/community-services/bogon-reference/): one prefix
// per line in CIDR notation, "#" comment lines (the first one reads
// "# last updated <unix time> (<date>)"), blank lines ignored, surrounding
// spaces and tabs allowed.
type ListReader struct {
	name    string
	lr      *textline.Reader
	updated time.Time
	done    bool // the stream ended or failed
}

// NewListReader returns a ListReader over r (already decompressed); name
// is used in errors.
func NewListReader(r io.Reader, name string) *ListReader {
	return &ListReader{name: name, lr: textline.NewReader(r)}
}

// Updated returns the time of a "# last updated <unix time>" comment read
// so far, or the zero time.
func (l *ListReader) Updated() time.Time { return l.updated }

// Next returns the next prefix, or io.EOF after the last one. A line that
// is not a prefix in canonical form (host bits clear) yields an
// *inputerr.Error; Next may be called again to continue. A read error (a
// damaged compressed file) is located too, and ends the reading: Next
// returns io.EOF afterwards.
func (l *ListReader) Next() (netip.Prefix, error) {
	for !l.done {
		b, err := l.lr.Read()
		if err != nil {
			return netip.Prefix{}, l.fail(err)
		}
		b = bytes.TrimSpace(b)
		if len(b) == 0 {
			continue
		}
		if b[0] == '#' {
			l.comment(b)
			continue
		}
		p, err := parsePrefix(b)
		if err != nil {
			return netip.Prefix{}, inputerr.New(l.name, l.lr.Line(), l.lr.Offset(), err)
		}
		return p, nil
	}
	return netip.Prefix{}, io.EOF
}

// fail ends the reading with err: io.EOF as is, anything else located.
func (l *ListReader) fail(err error) error {
	l.done = true
	return l.lr.Locate(l.name, err)
}

// comment picks the update time out of "# last updated 1647435002 (...)".
func (l *ListReader) comment(b []byte) {
	rest, ok := bytes.CutPrefix(bytes.TrimSpace(b[1:]), []byte("last updated "))
	if !ok {
		return
	}
	if i := bytes.IndexByte(rest, ' '); i >= 0 {
		rest = rest[:i]
	}
	if n, err := strconv.ParseInt(string(rest), 10, 64); err == nil && n >= 0 && n < 1<<40 {
		l.updated = time.Unix(n, 0).UTC()
	}
}

// parsePrefix parses a canonical CIDR prefix.
func parsePrefix(b []byte) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(string(b))
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("prefix %q: %w", b, err)
	}
	if p.Masked() != p {
		return netip.Prefix{}, fmt.Errorf("prefix %q has host bits set", b)
	}
	return p, nil
}
