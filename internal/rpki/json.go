package rpki

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/netip"
	"strconv"
	"strings"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/jsonstream"
)

// maxElement bounds one element of a VRP array; real ones are a few
// hundred bytes, an ASPA with many providers a few kilobytes.
const maxElement = 1 << 20

// jsonDecoder walks a VRP JSON document: the top-level object by its
// lexical structure, and each element of the arrays it knows one at a
// time, so that only one element is ever held in memory besides the
// results, and a damaged element costs only itself.
type jsonDecoder struct {
	ctx   context.Context
	opt   Loader
	sc    *jsonstream.Scanner
	name  string
	out   Dump
	aspas []ASPA
	tas   map[string]string // interned trust anchor names

	roaBuf jsonROA // reused by roa
	slow   bool    // no fast path (fastROA), for tests to compare
}

// errEnd stops the walk of a document whose damage a lenient Loader
// reported: what was read before it is the dump.
var errEnd = errors.New("end of the readable part")

// readJSON decodes a JSON VRP document from r.
func readJSON(ctx context.Context, opt Loader, r io.Reader, name string, base int64) (*Dump, error) {
	return decodeJSON(ctx, opt, r, name, base, false)
}

// readJSONArray decodes a bare JSON array of VRPs from r, the form many
// exports take ([{"prefix":"192.0.2.0/24","maxLength":24,"asn":"AS64496"}]):
// each element is read as an element of "roas" is.
func readJSONArray(ctx context.Context, opt Loader, r io.Reader, name string, base int64) (*Dump, error) {
	return decodeJSONWith(ctx, opt, r, name, base, false, (*jsonDecoder).bareArray)
}

// decodeJSON is readJSON with the fast path optionally turned off.
func decodeJSON(ctx context.Context, opt Loader, r io.Reader, name string, base int64, slow bool) (*Dump, error) {
	return decodeJSONWith(ctx, opt, r, name, base, slow, (*jsonDecoder).document)
}

// decodeJSONWith decodes a JSON VRP file whose top level walk reads.
func decodeJSONWith(ctx context.Context, opt Loader, r io.Reader, name string, base int64, slow bool, walk func(*jsonDecoder) error) (*Dump, error) {
	d := &jsonDecoder{ctx: ctx, opt: opt, sc: jsonstream.NewScanner(r, base, maxElement), name: name, tas: map[string]string{}, slow: slow}
	if err := walk(d); err != nil && err != errEnd {
		return nil, err
	}
	d.out.Format = FormatJSON
	d.out.ASPAs = mergeASPAs(d.aspas)
	return &d.out, nil
}

// document decodes the top-level object and checks that nothing follows.
func (d *jsonDecoder) document() error {
	err := d.object(0, func(key string) error { return d.member(key) })
	if err != nil {
		return err
	}
	off := d.valueOffset()
	if err := d.sc.End(); err != nil {
		return d.broken(d.errorf(0, off, "unexpected data after the top-level object"))
	}
	return nil
}

// bareArray decodes a top-level array of VRPs and checks that nothing
// follows. Its elements are named "array element N" in errors.
func (d *jsonDecoder) bareArray() error {
	if err := d.array("array", d.roa); err != nil {
		return err
	}
	off := d.valueOffset()
	if err := d.sc.End(); err != nil {
		return d.broken(d.errorf(0, off, "unexpected data after the top-level array"))
	}
	return nil
}

// object walks the members of an object, member receiving each key.
func (d *jsonDecoder) object(n int64, member func(key string) error) error {
	if err := d.expectDelim(n, '{'); err != nil {
		return err
	}
	for first := true; ; first = false {
		off := d.valueOffset()
		c, err := d.sc.Peek()
		switch {
		case err != nil:
			return d.broken(d.syntaxError(n, off, err))
		case c == '}':
			d.sc.Consume()
			return nil
		case !first && c != ',':
			return d.broken(d.errorf(n, off, "want ',' or '}', found %q", c))
		case !first:
			d.sc.Consume()
			off = d.valueOffset()
		}
		key, err := d.sc.Key()
		if err != nil {
			return d.broken(d.syntaxError(n, off, err))
		}
		if err := member(key); err != nil {
			return err
		}
	}
}

// member decodes the value of one top-level key. Unknown keys (metadata,
// bgpsec_keys, routerKeys, nonfunc_cas, …) are skipped without being kept.
func (d *jsonDecoder) member(key string) error {
	switch key {
	case "roas":
		return d.array(key, d.roa)
	case "aspas":
		return d.array(key, d.aspa)
	case "provider_authorizations":
		return d.providerAuthorizations()
	}
	return d.skip()
}

// providerAuthorizations decodes rpki-client 8.0–8.4's ASPA object, whose
// members (ipv4, ipv6) are arrays of ASPAs; they are merged later.
func (d *jsonDecoder) providerAuthorizations() error {
	off := d.valueOffset()
	if done, err := d.null(off, "provider_authorizations"); done {
		return err
	}
	if c, err := d.sc.Peek(); err == nil && c != '{' {
		return d.broken(d.errorf(0, off, "provider_authorizations: want an object, found %s", d.describe()))
	}
	return d.object(0, func(key string) error {
		return d.array("provider_authorizations."+key, d.aspa)
	})
}

// array decodes a JSON array (or null) element by element with elem, which
// receives the element's bytes, its 1-based number and its byte offset.
func (d *jsonDecoder) array(name string, elem func(name string, raw []byte, n, off int64) error) error {
	off := d.valueOffset()
	if done, err := d.null(off, name); done {
		return err
	}
	if c, err := d.sc.Peek(); err == nil && c != '[' {
		return d.broken(d.errorf(0, off, "%s: want an array, found %s", name, d.describe()))
	}
	if err := d.expectDelim(0, '['); err != nil {
		return err
	}
	for n := int64(1); ; n++ {
		if n%checkEvery == 0 {
			if err := d.ctx.Err(); err != nil {
				return err
			}
		}
		off := d.valueOffset()
		c, err := d.sc.Peek()
		switch {
		case err != nil:
			return d.broken(d.syntaxError(0, off, err))
		case c == ']' && n == 1:
			d.sc.Consume()
			return nil
		}
		raw, err := d.sc.Value(',', ']')
		switch {
		case errors.Is(err, io.ErrUnexpectedEOF) && jsonstream.Whole(raw):
			// The stream ends after a whole element.
			if err := elem(name, raw, n, off); err != nil {
				return err
			}
			return d.broken(d.syntaxError(0, d.sc.Offset(), err))
		case err != nil:
			if err := d.elementError(name, n, off, err); err != nil {
				return err
			}
		default:
			if err := elem(name, raw, n, off); err != nil {
				return err
			}
		}
		c, _ = d.sc.Peek() // Value stops only at ',' or ']'
		d.sc.Consume()
		if c == ']' {
			return nil
		}
	}
}

// jsonROA is one element of "roas" (or of a bare array) in any of the
// supported flavours. The maximum length is "maxLength" in rpki-client,
// Routinator, Cloudflare and RIPE NCC validator output; "max_length" and
// "maxLen" are accepted too (hand-made and SLURM-like exports), the first
// of them present being used in the order maxLength, max_length, maxLen.
type jsonROA struct {
	ASN        jsonASN      `json:"asn"`
	Prefix     jsonPrefix   `json:"prefix"`
	MaxLength  jsonUint     `json:"maxLength"`
	MaxLength2 jsonUint     `json:"max_length"`
	MaxLen     jsonUint     `json:"maxLen"`
	TA         jsonTA       `json:"ta"`
	Source     []jsonSource `json:"source"` // Routinator jsonext
}

// jsonSource is the part of a Routinator jsonext source entry we use.
type jsonSource struct {
	TAL string `json:"tal"`
}

// roa decodes one VRP.
func (d *jsonDecoder) roa(name string, raw []byte, n, off int64) error {
	// json.Valid checks the element's syntax, then the fast path decodes
	// it when it has the usual shape and encoding/json's reflection
	// otherwise. One element value serves the whole array.
	e := &d.roaBuf
	*e = jsonROA{TA: jsonTA{tas: d.tas}}
	handled, err := false, error(nil)
	if !d.slow && json.Valid(raw) {
		handled, err = fastROA(raw, e)
	}
	if !handled {
		*e = jsonROA{TA: jsonTA{tas: d.tas}}
		err = json.Unmarshal(raw, e)
	}
	if err != nil {
		return d.unmarshalError(name, n, off, err)
	}
	v, err := e.vrp()
	if err != nil {
		return d.invalid(d.errorf(n, off, "%s element %d: %w", name, n, err))
	}
	v.TA = e.TA.v
	if v.TA == "" && len(e.Source) > 0 {
		v.TA = intern(d.tas, e.Source[0].TAL)
	}
	d.out.VRPs = append(d.out.VRPs, v)
	return nil
}

// vrp checks the element and converts it. A missing maxLength means the
// prefix length, as an absent maxLength does in a ROA (RFC 6482 §3.3).
func (e *jsonROA) vrp() (VRP, error) {
	if !e.ASN.set {
		return VRP{}, errors.New("missing asn")
	}
	if !e.Prefix.set {
		return VRP{}, errors.New("missing prefix")
	}
	p := e.Prefix.v
	maxLen := p.Bits()
	for _, m := range [...]*jsonUint{&e.MaxLength, &e.MaxLength2, &e.MaxLen} {
		if !m.set {
			continue
		}
		if m.v > 255 {
			return VRP{}, fmt.Errorf("%w: %d", errBadMaxLength, m.v)
		}
		maxLen = int(m.v)
		break
	}
	if err := checkMaxLen(p, maxLen); err != nil {
		return VRP{}, err
	}
	return VRP{Prefix: p, MaxLen: uint8(maxLen), ASN: e.ASN.v}, nil
}

// jsonASPA is one ASPA element: rpki-client's customer_asid with integer
// providers, or Routinator's customer with "AS123" providers.
type jsonASPA struct {
	CustomerASID jsonASN   `json:"customer_asid"`
	Customer     jsonASN   `json:"customer"`
	Providers    []jsonASN `json:"providers"`
}

// aspa decodes one ASPA; merging with other entries of the same customer
// happens once the document is read.
func (d *jsonDecoder) aspa(name string, raw []byte, n, off int64) error {
	var e jsonASPA
	if err := json.Unmarshal(raw, &e); err != nil {
		return d.unmarshalError(name, n, off, err)
	}
	c := e.CustomerASID
	if !c.set {
		c = e.Customer
	}
	if !c.set {
		return d.invalid(d.errorf(n, off, "%s element %d: missing customer_asid", name, n))
	}
	a := ASPA{Customer: c.v, Providers: make([]bgp.ASN, 0, len(e.Providers))}
	for _, p := range e.Providers {
		if !p.set {
			return d.invalid(d.errorf(n, off, "%s element %d: null provider", name, n))
		}
		a.Providers = append(a.Providers, p.v)
	}
	d.aspas = append(d.aspas, a)
	return nil
}

// jsonASN is an AS number written as a JSON integer (rpki-client) or a
// string "AS123"/"123" (Routinator, Cloudflare). Early Routinator ASPA
// output marked providers with an address-family suffix, "AS123(v4)";
// the suffix is dropped, as ASPA is AFI-agnostic now.
type jsonASN struct {
	v   bgp.ASN
	set bool
}

// UnmarshalJSON implements json.Unmarshaler.
func (a *jsonASN) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	if v, ok := digits(b); ok && v <= math.MaxUint32 {
		a.v, a.set = bgp.ASN(v), true
		return nil
	}
	s, quoted, err := jsonScalar(b)
	if err != nil {
		return err
	}
	if quoted {
		s = strings.TrimSuffix(strings.TrimSuffix(s, "(v4)"), "(v6)")
		v, err := bgp.ParseASN(s)
		if err != nil {
			return err
		}
		a.v, a.set = v, true
		return nil
	}
	v, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return fmt.Errorf("%w: %s", bgp.ErrBadASN, s)
	}
	a.v, a.set = bgp.ASN(v), true
	return nil
}

// jsonUint is a non-negative integer, tolerated in quotes as some
// exporters write numbers as strings.
type jsonUint struct {
	v   uint64
	set bool
}

// UnmarshalJSON implements json.Unmarshaler.
func (u *jsonUint) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	if v, ok := digits(unquote(b)); ok {
		u.v, u.set = v, true
		return nil
	}
	s, _, err := jsonScalar(b)
	if err != nil {
		return err
	}
	v, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return fmt.Errorf("want a non-negative integer, found %s", b)
	}
	u.v, u.set = v, true
	return nil
}

// jsonScalar returns the text of a JSON string or number and whether it
// was quoted; objects, arrays and booleans are errors.
func jsonScalar(b []byte) (string, bool, error) {
	if n := len(b); n >= 2 && b[0] == '"' && bytes.IndexByte(b, '\\') < 0 {
		// No escapes to decode; Decode has checked the syntax. Invalid
		// UTF-8 is kept as it is rather than replaced with U+FFFD.
		return string(b[1 : n-1]), true, nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return "", false, err
		}
		return s, true, nil
	}
	if len(b) == 0 || (b[0] != '-' && (b[0] < '0' || b[0] > '9')) {
		return "", false, fmt.Errorf("want a number or a string, found %.20s", b)
	}
	return string(b), false, nil
}

// parsePrefix parses a VRP prefix, refusing host bits and zones.
func parsePrefix(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%w: %q", errBadPrefix, s)
	}
	if p.Masked() != p {
		return netip.Prefix{}, fmt.Errorf("%w: %s has host bits set", errBadPrefix, s)
	}
	return p, nil
}

// jsonPrefix is a prefix in a JSON string.
type jsonPrefix struct {
	v   netip.Prefix
	set bool
}

// UnmarshalJSON implements json.Unmarshaler.
func (p *jsonPrefix) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	s, quoted, err := jsonScalar(b)
	if err != nil || !quoted {
		return fmt.Errorf("%w: want a string, found %.40s", errBadPrefix, b)
	}
	if p.v, err = parsePrefix(s); err != nil {
		return err
	}
	p.set = true
	return nil
}

// jsonTA is a trust anchor name, interned while it is decoded: a file names
// only a handful, and 400 000 copies would waste memory.
type jsonTA struct {
	v   string
	tas map[string]string
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *jsonTA) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	if n := len(b); n >= 2 && b[0] == '"' && bytes.IndexByte(b, '\\') < 0 {
		// No escapes: look the name up without converting it first.
		if v, ok := t.tas[string(b[1:n-1])]; ok {
			t.v = v
			return nil
		}
	}
	s, quoted, err := jsonScalar(b)
	if err != nil || !quoted {
		return fmt.Errorf("ta: want a string, found %.40s", b)
	}
	t.v = intern(t.tas, s)
	return nil
}

// intern returns the shared copy of s.
func intern(tas map[string]string, s string) string {
	if t, ok := tas[s]; ok {
		return t
	}
	tas[s] = s
	return s
}

// digits parses an unsigned decimal number written without sign, space or
// exponent, the common case, without allocating.
func digits(b []byte) (uint64, bool) {
	if len(b) == 0 || len(b) > 19 {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	return v, true
}

// unquote strips the quotes of a JSON string that needs no unescaping.
func unquote(b []byte) []byte {
	if n := len(b); n >= 2 && b[0] == '"' && b[n-1] == '"' {
		return b[1 : n-1]
	}
	return b
}

// expectDelim reads the next byte and checks that it is the delimiter c.
func (d *jsonDecoder) expectDelim(n int64, c byte) error {
	off := d.valueOffset()
	if err := d.sc.Expect(c); err != nil {
		return d.broken(d.syntaxError(n, off, err))
	}
	return nil
}

// null consumes a member value that starts like null: done reports that
// it was consumed, err that it was not null.
func (d *jsonDecoder) null(off int64, name string) (done bool, err error) {
	if c, err := d.sc.Peek(); err != nil || c != 'n' {
		return false, nil
	}
	raw, err := d.sc.Value(',', '}')
	if err == nil && string(raw) == "null" {
		return true, nil
	}
	return true, d.broken(d.errorf(0, off, "%s: want an array or an object, found %.20q", name, raw))
}

// describe names the value that starts at the next byte, for an error.
func (d *jsonDecoder) describe() string {
	c, _ := d.sc.Peek()
	switch c {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	}
	return fmt.Sprintf("%q", c)
}

// skip consumes one member value of any shape without keeping it.
func (d *jsonDecoder) skip() error {
	off := d.valueOffset()
	if err := d.sc.Skip(',', '}'); err != nil {
		return d.broken(d.syntaxError(0, off, err))
	}
	return nil
}

// valueOffset returns the byte offset of the next value or delimiter.
func (d *jsonDecoder) valueOffset() int64 {
	_, _ = d.sc.Peek() // errors are reported by the read that follows
	return d.sc.Offset()
}

// invalid fails the load with e, or, with SkipInvalid or a Damaged log,
// records e and lets the load go on.
func (d *jsonDecoder) invalid(e *inputerr.Error) error {
	return d.opt.skip(&d.out, e)
}

// broken reports damage to the document's structure, after which nothing
// more can be read: it fails the load, or, with a lenient Damaged log, is
// reported and ends the walk with what was read.
func (d *jsonDecoder) broken(e *inputerr.Error) error {
	if d.opt.Damaged == nil || errors.Is(e, context.Canceled) || errors.Is(e, context.DeadlineExceeded) {
		return e
	}
	if err := d.opt.Damaged.Skip(e); err != nil {
		return err
	}
	d.out.Skipped++
	return errEnd
}

// elementError handles an element that could not be read whole: the end
// of the input or a read error inside it ends the document; an element
// over maxElement is skipped.
func (d *jsonDecoder) elementError(name string, n, off int64, err error) error {
	if errors.Is(err, jsonstream.ErrTooLong) {
		return d.invalid(d.errorf(n, off, "%s element %d: %w", name, n, err))
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = inputerr.ErrTruncated
	}
	return d.broken(d.errorf(n, off, "%s element %d: %w", name, n, err))
}

// unmarshalError locates an error from interpreting the bytes of element n
// of array name, which was read whole: the element may be skipped.
func (d *jsonDecoder) unmarshalError(name string, n, off int64, err error) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se) && se.Offset > 1:
		err = fmt.Errorf("%w (at byte offset %d)", err, off+se.Offset-1)
	case errors.As(err, &te) && te.Field == "":
		err = fmt.Errorf("want an object, found JSON %s", te.Value)
	case errors.As(err, &te):
		err = fmt.Errorf("field %s: found JSON %s", te.Field, te.Value)
	}
	return d.invalid(d.errorf(n, off, "%s element %d: %w", name, n, err))
}

// syntaxError locates an error from reading the structure around the
// elements.
func (d *jsonDecoder) syntaxError(n, off int64, err error) *inputerr.Error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		err = inputerr.ErrTruncated
	}
	return inputerr.New(d.name, n, off, err)
}

// errorf returns an *inputerr.Error for record n (0 outside any array
// element) at byte offset off.
func (d *jsonDecoder) errorf(n, off int64, format string, args ...any) *inputerr.Error {
	return inputerr.Errorf(d.name, n, off, format, args...)
}

// isSpace reports JSON white space (RFC 8259 §2).
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
