package rir

import (
	"fmt"
	"io"
	"strconv"

	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/textline"
)

// Reader reads a delegated statistics file one line at a time.
type Reader struct {
	name      string
	lr        *textline.Reader
	header    Header
	hasHeader bool
	summaries []Summary
	strs      map[string]string // interned registries, country codes, statuses, ids
	fatal     error
}

// NewReader returns a Reader over r, which must already be decompressed.
// name is the file name used in errors; it may be empty for a stream.
func NewReader(r io.Reader, name string) *Reader {
	return &Reader{name: name, lr: textline.NewReader(r), strs: make(map[string]string)}
}

// Header returns the version line, once Next has read past it.
func (r *Reader) Header() (Header, bool) { return r.header, r.hasHeader }

// Summaries returns the summary lines read so far.
func (r *Reader) Summaries() []Summary { return r.summaries }

// Next returns the next resource record, or io.EOF after the last one. The
// header and summary lines are consumed on the way (see Header and
// Summaries). A malformed line yields an *inputerr.Error, after which Next
// may be called again to continue with the following line; a file whose
// first line is not a valid header, and a read error (a damaged
// compressed file), end the reading: Next returns io.EOF afterwards.
func (r *Reader) Next() (Record, error) {
	for r.fatal == nil {
		b, err := r.lr.Read()
		if err != nil {
			return Record{}, r.fail(err)
		}
		if len(b) == 0 || b[0] == '#' {
			continue
		}
		rec, ok, err := r.parseLine(b)
		if err != nil {
			e := inputerr.New(r.name, r.lr.Line(), r.lr.Offset(), err)
			if !r.hasHeader {
				r.fatal = e
			}
			return Record{}, e
		}
		if ok {
			return rec, nil
		}
	}
	return Record{}, io.EOF
}

// fail records a final error: io.EOF as is, anything else located.
func (r *Reader) fail(err error) error {
	r.fatal = r.lr.Locate(r.name, err)
	return r.fatal
}

// maxFields bounds the fields of a line: 7 standard, 8 extended, plus a
// few extensions.
const maxFields = 16

// parseLine decodes the header, a summary or a record; ok is true for a
// record.
func (r *Reader) parseLine(b []byte) (rec Record, ok bool, err error) {
	var f [maxFields][]byte
	n := textline.Split(b, '|', f[:])
	if n > maxFields {
		return Record{}, false, fmt.Errorf("%d fields, want at most %d", n, maxFields)
	}
	fields := f[:n]
	if !r.hasHeader {
		return Record{}, false, r.parseHeader(fields)
	}
	if n == 6 && string(fields[5]) == "summary" {
		return Record{}, false, r.parseSummary(fields)
	}
	rec, err = r.parseRecord(fields)
	return rec, err == nil, err
}

func (r *Reader) parseHeader(f [][]byte) error {
	if len(f) != 7 {
		return fmt.Errorf("version line has %d fields, want 7", len(f))
	}
	if !isVersion(f[0]) {
		return fmt.Errorf("version %q: want a version line first (e.g. \"2|apnic|...\")", f[0])
	}
	n, err := parseUint(f[3], 31)
	if err != nil {
		return fmt.Errorf("record count %q: %w", f[3], err)
	}
	r.header = Header{
		Version: string(f[0]), Registry: string(f[1]), Serial: string(f[2]), Records: int(n),
		StartDate: string(f[4]), EndDate: string(f[5]), UTCOffset: string(f[6]),
	}
	r.hasHeader = true
	return nil
}

// isVersion accepts "2", "2.3" and similar.
func isVersion(b []byte) bool {
	if len(b) == 0 || len(b) > 8 || b[0] < '0' || b[0] > '9' {
		return false
	}
	for _, c := range b {
		if (c < '0' || c > '9') && c != '.' {
			return false
		}
	}
	return true
}

func (r *Reader) parseSummary(f [][]byte) error {
	t, err := parseType(f[2])
	if err != nil {
		return err
	}
	if string(f[1]) != "*" || string(f[3]) != "*" {
		return fmt.Errorf("summary line: want \"*\" in fields 2 and 4")
	}
	n, err := parseUint(f[4], 31)
	if err != nil {
		return fmt.Errorf("summary count %q: %w", f[4], err)
	}
	r.summaries = append(r.summaries, Summary{Registry: r.intern(f[0]), Type: t, Count: int(n)})
	return nil
}

func (r *Reader) parseRecord(f [][]byte) (Record, error) {
	if len(f) < 7 {
		return Record{}, fmt.Errorf("%d fields, want at least 7", len(f))
	}
	var rec Record
	var err error
	if rec.Type, err = parseType(f[2]); err != nil {
		return Record{}, err
	}
	if !isToken(f[0]) {
		return Record{}, fmt.Errorf("registry %q: %w", f[0], errField)
	}
	rec.Registry = r.intern(f[0])
	if len(f[1]) != 0 && (len(f[1]) != 2 || !isToken(f[1])) {
		return Record{}, fmt.Errorf("country code %q: %w", f[1], errField)
	}
	rec.CC = r.intern(f[1])
	if err := rec.parseStart(f[3], f[4]); err != nil {
		return Record{}, err
	}
	if rec.Date, err = parseDate(f[5]); err != nil {
		return Record{}, err
	}
	if !isToken(f[6]) {
		return Record{}, fmt.Errorf("status %q: %w", f[6], errField)
	}
	rec.Status = Status(r.intern(lowerASCII(f[6])))
	if len(f) > 7 {
		rec.OpaqueID = r.intern(f[7])
	}
	for _, x := range f[min(len(f), 8):] {
		rec.Ext = append(rec.Ext, r.intern(x))
	}
	return rec, nil
}

// lowerASCII lower-cases b in place and returns it.
func lowerASCII(b []byte) []byte {
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return b
}

// parseType decodes the type field.
func parseType(b []byte) (Type, error) {
	switch string(b) {
	case "asn":
		return ASN, nil
	case "ipv4":
		return IPv4, nil
	case "ipv6":
		return IPv6, nil
	}
	return "", fmt.Errorf("type %q, want asn, ipv4 or ipv6", b)
}

// isToken reports whether b is a non-empty run of ASCII letters and digits.
func isToken(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// maxInterned bounds the intern table; beyond it strings are copied.
const maxInterned = 1 << 20

// intern returns a shared copy of b: the files repeat registries, country
// codes, statuses and holder ids on every line.
func (r *Reader) intern(b []byte) string {
	if s, ok := r.strs[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(r.strs) < maxInterned {
		r.strs[s] = s
	}
	return s
}

// String renders a record in the file's own syntax (standard or extended),
// which Reader reads back to an equal record.
func (r Record) String() string {
	b := make([]byte, 0, 96)
	b = append(b, r.Registry...)
	b = append(b, '|')
	b = append(b, r.CC...)
	b = append(b, '|')
	b = append(b, r.Type...)
	b = append(b, '|')
	if r.Type == ASN {
		b = strconv.AppendUint(b, uint64(r.FirstASN), 10)
	} else {
		b = r.Start.AppendTo(b)
	}
	b = append(b, '|')
	b = strconv.AppendUint(b, r.Value, 10)
	b = append(b, '|')
	if !r.Date.IsZero() {
		b = r.Date.AppendFormat(b, "20060102")
	}
	b = append(b, '|')
	b = append(b, r.Status...)
	if r.OpaqueID != "" || len(r.Ext) > 0 {
		b = append(b, '|')
		b = append(b, r.OpaqueID...)
	}
	for _, x := range r.Ext {
		b = append(b, '|')
		b = append(b, x...)
	}
	return string(b)
}
