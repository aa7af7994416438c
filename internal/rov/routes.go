package rov

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/netip"
	"strconv"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/mrt"
)

// Route is one announcement to validate: a prefix and its origin AS.
type Route struct {
	Prefix netip.Prefix
	Origin bgp.ASN
}

// ReadRoutes yields the routes of "PREFIX ASN" lines read from r, the
// ASN as bgp.ParseASN reads it (123, AS123, asdot); blank lines and lines
// starting with # are skipped. Errors are *inputerr.Error values naming
// the file (name), the line and its byte offset, and end the sequence,
// except a failure to read r, which is returned as it is.
func ReadRoutes(r io.Reader, name string) iter.Seq2[Route, error] {
	return func(yield func(Route, error) bool) {
		br := bufio.NewReaderSize(r, 1<<16)
		var off, n int64
		for {
			line, err := br.ReadSlice('\n')
			start := off
			off += int64(len(line))
			if len(line) > 0 {
				n++
			}
			switch {
			case errors.Is(err, bufio.ErrBufferFull):
				yield(Route{}, inputerr.Errorf(name, n, start, "line too long"))
				return
			case err != nil && err != io.EOF:
				yield(Route{}, fmt.Errorf("read %s: %w", name, err))
				return
			}
			if rt, ok, perr := ParseRoute(line); perr != nil {
				yield(Route{}, inputerr.New(name, n, start, perr))
				return
			} else if ok && !yield(rt, nil) {
				return
			}
			if err == io.EOF {
				return
			}
		}
	}
}

// ParseRoute parses a "PREFIX ASN" line; ok is false for blank and
// comment lines. Prefixes with host bits set are refused rather than
// masked: they are not what a router announces, so the input is probably
// not routes.
func ParseRoute(line []byte) (r Route, ok bool, err error) {
	var fields [3][]byte
	n := 0
	for rest := line; n < len(fields); n++ {
		rest = bytes.TrimLeft(rest, " \t\r\n")
		if len(rest) == 0 {
			break
		}
		end := bytes.IndexAny(rest, " \t\r\n")
		if end < 0 {
			end = len(rest)
		}
		fields[n], rest = rest[:end], rest[end:]
	}
	if n == 0 || fields[0][0] == '#' {
		return Route{}, false, nil
	}
	if n != 2 {
		return Route{}, false, fmt.Errorf("want \"PREFIX ASN\", found %s fields", fieldCount(n))
	}
	p, err := netip.ParsePrefix(string(fields[0]))
	if err != nil {
		return Route{}, false, fmt.Errorf("bad prefix: %w", err)
	}
	if p.Masked() != p {
		return Route{}, false, fmt.Errorf("bad prefix: %s has host bits set", p)
	}
	asn, err := bgp.ParseASN(string(fields[1]))
	if err != nil {
		return Route{}, false, err
	}
	return Route{Prefix: p, Origin: asn}, true, nil
}

// fieldCount renders a field count, which the splitter stops counting at 3.
func fieldCount(n int) string {
	if n >= 3 {
		return "3 or more"
	}
	return strconv.Itoa(n)
}

// MRTRoutes yields the routes of an MRT dump (RFC 6396) read from sc:
// each distinct prefix and origin of its RIB entries and announcements
// once, in order of first appearance (the same pair from many peers, or
// announced again later in an update file, is yielded once). A path
// without a single origin (empty, or ending in an AS_SET) yields NoOrigin
// (RFC 6811 §2, RFC 7607). The scanner's error, if any, ends the
// sequence.
func MRTRoutes(sc *mrt.Scanner) iter.Seq2[Route, error] {
	return func(yield func(Route, error) bool) {
		var last Route
		seen := map[Route]struct{}{}
		for e := range sc.Elems() {
			if (e.Kind != mrt.KindRIB && e.Kind != mrt.KindAnnounce) || e.Attrs == nil || !e.Prefix.IsValid() {
				continue
			}
			origin, ok := e.Attrs.Path.Origin()
			if !ok {
				origin = NoOrigin
			}
			r := Route{Prefix: e.Prefix, Origin: origin}
			if r == last { // the common case: one prefix from many peers
				continue
			}
			last = r
			if _, dup := seen[r]; dup {
				continue
			}
			seen[r] = struct{}{}
			if !yield(r, nil) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			yield(Route{}, err)
		}
	}
}
