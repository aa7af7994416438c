package rpki

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/inputerr"
)

// csvLayout says which column holds what; -1 marks an absent column.
type csvLayout struct {
	asn, prefix, maxLen, ta int
	// length is the prefix-length column of layouts that split the
	// prefix into an address column and a length column; else -1.
	length int
	// fields is the number of columns a record needs.
	fields int
}

// Headerless layouts, told apart by the first record.
var (
	// layoutASNFirst is rpki-client's and Routinator's column order
	// without the header: ASN,IP Prefix,Max Length[,Trust Anchor[,…]].
	layoutASNFirst = csvLayout{asn: 0, prefix: 1, maxLen: 2, ta: 3, length: -1, fields: 3}
	// layoutSplit is "address, length, max-length, asn", found in some
	// published global VRP dumps.
	layoutSplit = csvLayout{asn: 3, prefix: 0, maxLen: 2, ta: -1, length: 1, fields: 4}
)

// csvDecoder reads VRP CSV line by line; lines are views into the bufio
// buffer, converted to one string per line.
type csvDecoder struct {
	ctx    context.Context
	opt    Loader
	br     *bufio.Reader
	name   string
	off    int64 // offset of the next line
	line   int64 // number of the last line read
	layout *csvLayout
	fields []string
	tas    map[string]string
	out    Dump
}

// errLineTooLong reports a line that does not fit the read buffer; no VRP
// line comes close to 64 KiB, so it is not CSV we know.
var errLineTooLong = errors.New("line too long")

// errLayout reports a first line that is neither a known header nor a
// record of a known headerless layout.
var errLayout = errors.New("unrecognised CSV layout")

// readCSV decodes VRP CSV from br; base is the number of bytes already
// consumed (a byte order mark).
func readCSV(ctx context.Context, opt Loader, br *bufio.Reader, name string, base int64) (*Dump, error) {
	d := &csvDecoder{ctx: ctx, opt: opt, br: br, name: name, off: base, tas: map[string]string{}}
	head, _ := br.Peek(headShown + 1)
	head = bytes.Clone(head)
	for {
		raw, start, err := d.next()
		if err == io.EOF {
			break
		}
		if errors.Is(err, errLineTooLong) && d.layout != nil && opt.Damaged != nil {
			if err := d.skipLine(start); err != nil {
				return d.end(err)
			}
			continue
		}
		if d.layout == nil && (errors.Is(err, errLineTooLong) || errors.Is(err, errLayout)) {
			// The first line is no VRP CSV: the file is none of the
			// formats.
			return d.end(inputerr.New(d.name, d.line, start, notVRP(head)))
		}
		if err != nil {
			return d.end(inputerr.New(d.name, d.line, start, err))
		}
		if err := d.record(raw); err != nil {
			if d.layout == nil && errors.Is(err, errLayout) {
				return d.end(inputerr.New(d.name, d.line, start, fmt.Errorf("%w (%w)", notVRP(head), err)))
			}
			e := inputerr.New(d.name, d.line, start, err)
			if d.layout == nil || errors.Is(err, errLayout) {
				return d.end(e)
			}
			if err := d.opt.skip(&d.out, e); err != nil {
				return nil, err
			}
		}
		if d.line%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
	}
	if d.layout == nil {
		return d.end(inputerr.New(d.name, 0, d.off, errNoData))
	}
	d.out.Format = FormatCSV
	return &d.out, nil
}

// end handles damage after which nothing more of the file can be read: it
// fails the load, or, with a lenient Damaged log, is reported and the
// records read before it are the dump.
func (d *csvDecoder) end(e *inputerr.Error) (*Dump, error) {
	if d.opt.Damaged == nil {
		return nil, e
	}
	if err := d.opt.Damaged.Skip(e); err != nil {
		return nil, err
	}
	d.out.Skipped++
	d.out.Format = FormatCSV
	return &d.out, nil
}

// skipLine reports an over-long line as a damaged record and consumes the
// rest of it.
func (d *csvDecoder) skipLine(start int64) *inputerr.Error {
	e := inputerr.New(d.name, d.line, start, errLineTooLong)
	if err := d.opt.skip(&d.out, e); err != nil {
		return e
	}
	for {
		b, err := d.br.ReadSlice('\n')
		d.off += int64(len(b))
		switch {
		case err == nil, err == io.EOF:
			return nil
		case !errors.Is(err, bufio.ErrBufferFull):
			return inputerr.New(d.name, d.line+1, d.off, err)
		}
	}
}

// next returns the next line without its terminator, and its offset.
func (d *csvDecoder) next() ([]byte, int64, error) {
	start := d.off
	b, err := d.br.ReadSlice('\n')
	d.off += int64(len(b))
	if len(b) > 0 || err == nil {
		d.line++
	}
	switch {
	case errors.Is(err, bufio.ErrBufferFull):
		return nil, start, errLineTooLong
	case err == io.EOF && len(b) > 0:
		err = nil
	case err != nil:
		return nil, start, err
	}
	b = bytes.TrimSuffix(bytes.TrimSuffix(b, []byte{'\n'}), []byte{'\r'})
	return b, start, nil
}

// record handles one line: blank lines and '#' comments are skipped, the
// first other line decides the layout (and is a header or a record).
func (d *csvDecoder) record(raw []byte) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] == '#' {
		return nil
	}
	d.split(string(raw))
	if d.layout == nil {
		l, header, err := detectLayout(d.fields)
		if err != nil {
			return err
		}
		d.layout = &l
		if header {
			return nil
		}
	}
	v, err := d.vrp()
	if err != nil {
		return err
	}
	d.out.VRPs = append(d.out.VRPs, v)
	return nil
}

// split cuts a line at commas into trimmed fields, unquoting fields in
// double quotes (the RIPE NCC validator quotes every field). Quoted commas
// do not occur in VRP files and are not supported.
func (d *csvDecoder) split(s string) {
	d.fields = d.fields[:0]
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if len(f) >= 2 && f[0] == '"' && f[len(f)-1] == '"' {
			f = strings.TrimSpace(f[1 : len(f)-1])
		}
		d.fields = append(d.fields, f)
	}
}

// vrp converts the current fields following the layout.
func (d *csvDecoder) vrp() (VRP, error) {
	l, f := d.layout, d.fields
	if len(f) < l.fields {
		return VRP{}, fmt.Errorf("want at least %d fields, found %d", l.fields, len(f))
	}
	asn, err := bgp.ParseASN(f[l.asn])
	if err != nil {
		return VRP{}, err
	}
	p, err := l.parsePrefix(f)
	if err != nil {
		return VRP{}, err
	}
	maxLen := p.Bits()
	if l.maxLen >= 0 && l.maxLen < len(f) {
		if maxLen, err = parseLen(f[l.maxLen], "maxLength"); err != nil {
			return VRP{}, fmt.Errorf("%w: %w", errBadMaxLength, err)
		}
	}
	if err := checkMaxLen(p, maxLen); err != nil {
		return VRP{}, err
	}
	v := VRP{Prefix: p, MaxLen: uint8(maxLen), ASN: asn}
	if l.ta >= 0 && l.ta < len(f) {
		v.TA = d.intern(f[l.ta])
	}
	return v, nil
}

// parsePrefix reads the prefix, from one column or from an address
// column and a length column.
func (l *csvLayout) parsePrefix(f []string) (netip.Prefix, error) {
	if l.length < 0 {
		return parsePrefix(f[l.prefix])
	}
	a, err := netip.ParseAddr(f[l.prefix])
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("%w: address %q", errBadPrefix, f[l.prefix])
	}
	n, err := parseLen(f[l.length], "prefix length")
	if err != nil || n > a.BitLen() {
		return netip.Prefix{}, fmt.Errorf("%w: length %q for %s", errBadPrefix, f[l.length], a)
	}
	p := netip.PrefixFrom(a, n)
	if p.Masked() != p {
		return netip.Prefix{}, fmt.Errorf("%w: %s has host bits set", errBadPrefix, p)
	}
	return p, nil
}

// parseLen parses a prefix or maximum length: a small decimal number.
func parseLen(s, what string) (int, error) {
	n, err := strconv.ParseUint(s, 10, 8)
	if err != nil {
		return 0, fmt.Errorf("%s %q is not a number up to 255", what, s)
	}
	return int(n), nil
}

// detectLayout decides from the first line whether it is a header (and
// maps its columns by name) or a record of a known headerless layout.
func detectLayout(f []string) (l csvLayout, header bool, err error) {
	if len(f) >= 4 && isAddr(f[0]) {
		return layoutSplit, false, nil
	}
	if len(f) >= 3 && isASN(f[0]) && strings.Contains(f[1], "/") {
		return layoutASNFirst, false, nil
	}
	if isASN(f[0]) || isAddr(f[0]) || strings.Contains(f[0], "/") {
		return csvLayout{}, false, fmt.Errorf("%w: %d fields starting %q", errLayout, len(f), f[0])
	}
	l, err = headerLayout(f)
	return l, true, err
}

// headerLayout maps a header's column names; ASN and prefix columns are
// required, maxLength and trust anchor optional, others ignored (Expires,
// URI, Not Before, …).
func headerLayout(f []string) (csvLayout, error) {
	l := csvLayout{asn: -1, prefix: -1, maxLen: -1, ta: -1, length: -1}
	for i, name := range f {
		var col *int
		switch normalizeName(name) {
		case "asn", "as", "origin", "originas", "originasn":
			col = &l.asn
		case "ipprefix", "prefix":
			col = &l.prefix
		case "maxlength", "maxlen", "maxprefixlength", "maxprefixlen":
			col = &l.maxLen
		case "trustanchor", "ta", "tal":
			col = &l.ta
		}
		if col != nil && *col < 0 {
			*col = i
		}
	}
	if l.asn < 0 || l.prefix < 0 {
		return csvLayout{}, fmt.Errorf("%w: header %q names no ASN or no prefix column", errLayout, strings.Join(f, ","))
	}
	// A trust anchor column may be left empty or cut short; only the
	// columns up to maxLength are required.
	l.fields = max(l.asn, l.prefix, l.maxLen) + 1
	return l, nil
}

// normalizeName lowercases a column name and drops spaces, '_' and '-'.
func normalizeName(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '_', '-':
			return -1
		}
		return r
	}, strings.ToLower(s))
}

func isASN(s string) bool  { _, err := bgp.ParseASN(s); return err == nil }
func isAddr(s string) bool { _, err := netip.ParseAddr(s); return err == nil }

// intern returns one shared copy of each trust anchor name; the copy
// keeps the line it came from out of memory.
func (d *csvDecoder) intern(s string) string {
	if t, ok := d.tas[s]; ok {
		return t
	}
	s = strings.Clone(s)
	d.tas[s] = s
	return s
}
