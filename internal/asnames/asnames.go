// Package asnames reads AS name lists: which organisation holds an AS
// number and its registration country, as bgp.potaroo.net's and
// cidr-report.org's autnums pages publish them. Two forms are read:
//
//   - text, one "ASN:NAME, CC" per line (the potaroo ASN_lookup export);
//   - a JSON object {"ASN": "NAME, CC", …} (pyasn's asnames.json).
//
// The country is the two upper-case letters after the last ", " when
// present. Names are the observatory's "Holder" column when PeeringDB does
// not name the network. Bad input is reported as an *inputerr.Error naming
// the file, the record (line or object member) and its byte offset.
package asnames

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/jsonstream"
	"github.com/observatory-net/observatory/internal/textline"
)

// Entry is the name and country of one AS.
type Entry struct {
	Name    string // "RIPE-NCC-AS Reseaux IP Europeens Network Coordination Centre RIPE NCC"
	Country string // ISO 3166 alpha-2, or "" when the list gives none
}

// Table maps AS numbers to entries. The zero Table is empty and usable.
type Table struct {
	m map[bgp.ASN]Entry
}

// Len is the number of ASNs named.
func (t *Table) Len() int {
	if t == nil {
		return 0
	}
	return len(t.m)
}

// Lookup returns the entry of an ASN.
func (t *Table) Lookup(a bgp.ASN) (Entry, bool) {
	if t == nil {
		return Entry{}, false
	}
	e, ok := t.m[a]
	return e, ok
}

// add keeps the first entry of an ASN: files read first win.
func (t *Table) add(a bgp.ASN, e Entry) {
	if t.m == nil {
		t.m = map[bgp.ASN]Entry{}
	}
	if _, ok := t.m[a]; !ok {
		t.m[a] = e
	}
}

// LoadFile reads a name list (text or JSON, compressed or not) into t.
// ASNs already in t keep their entry. Damaged records go to damaged, as
// with Load.
func (t *Table) LoadFile(path string, damaged *inputerr.Log) error {
	r, err := decompress.Open(path)
	if err != nil {
		return fmt.Errorf("asnames: %w", err)
	}
	defer r.Close()
	return t.Load(r, path, damaged)
}

// Load reads a name list from r into t; name is used in errors. A damaged
// record (a line or member without an AS number or name, the end of a
// truncated file, a failing stream) goes to damaged (see inputerr.Log):
// skipped, or with a strict or nil Log the first one is the error.
func (t *Table) Load(r io.Reader, name string, damaged *inputerr.Log) error {
	br := bufio.NewReader(r)
	head, _ := br.Peek(64)
	if b := bytes.TrimLeft(head, " \t\r\n\ufeff"); len(b) > 0 && b[0] == '{' {
		return t.loadJSON(br, name, damaged)
	}
	return t.loadText(br, name, damaged)
}

// ErrNoASN reports a record without an AS number.
var ErrNoASN = errors.New("no AS number")

func (t *Table) loadText(r io.Reader, name string, damaged *inputerr.Log) error {
	lr := textline.NewReader(r)
	for {
		line, err := lr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			e := lr.Locate(name, err)
			if errors.Is(err, textline.ErrLongLine) {
				if err := damaged.SkipErr(e); err != nil {
					return err
				}
				continue
			}
			return damaged.SkipErr(e) // a failing stream ends the file
		}
		a, entry, ok, err := parseLine(line)
		if err != nil {
			if err := damaged.Skip(inputerr.New(name, lr.Line(), lr.Offset(), err)); err != nil {
				return err
			}
			continue
		}
		if ok {
			t.add(a, entry)
		}
	}
}

// parseLine decodes "ASN:NAME, CC"; ok is false for blank and comment
// lines.
func parseLine(line []byte) (a bgp.ASN, e Entry, ok bool, err error) {
	s := strings.TrimSpace(string(line))
	if s == "" || s[0] == '#' {
		return 0, Entry{}, false, nil
	}
	num, rest, found := strings.Cut(s, ":")
	if !found {
		return 0, Entry{}, false, fmt.Errorf("%w: want ASN:NAME, got %q", ErrNoASN, clip(s))
	}
	if a, err = bgp.ParseASN(num); err != nil {
		return 0, Entry{}, false, err
	}
	return a, split(rest), true, nil
}

func (t *Table) loadJSON(r io.Reader, name string, damaged *inputerr.Log) error {
	sc := jsonstream.NewScanner(r, 0, 64<<10)
	at := func() int64 { _, _ = sc.Peek(); return sc.Offset() } // the offset of the next token
	if err := sc.Expect('{'); err != nil {
		return damaged.Skip(inputerr.New(name, 0, at(), fmt.Errorf("want a JSON object of ASN: name (%w)", err)))
	}
	for rec := int64(1); ; rec++ {
		off := at()
		c, err := sc.Peek()
		switch {
		case err != nil:
			return damaged.Skip(inputerr.New(name, rec, off, fmt.Errorf("decode JSON: %w", eof(err))))
		case c == '}':
			sc.Consume()
			if err := sc.End(); err != nil {
				return damaged.Skip(inputerr.New(name, rec, at(), err))
			}
			return nil
		case rec > 1 && c != ',':
			return damaged.Skip(inputerr.New(name, rec, off, fmt.Errorf("want , or }, found %q", c)))
		case rec > 1:
			sc.Consume()
			off = at()
		}
		a, entry, err := member(sc)
		if err != nil {
			if err := damaged.Skip(inputerr.New(name, rec, off, err)); err != nil {
				return err
			}
			if _, err := sc.Peek(); err != nil {
				return nil // the end of a truncated file, reported
			}
			continue
		}
		t.add(a, entry)
	}
}

// member decodes one `"ASN": "NAME, CC"` member; on error the member is
// consumed as far as the scanner could.
func member(sc *jsonstream.Scanner) (bgp.ASN, Entry, error) {
	key, err := sc.Key()
	if err != nil {
		return 0, Entry{}, fmt.Errorf("decode JSON: %w", eof(err))
	}
	raw, err := sc.Value(',', '}')
	if err != nil {
		return 0, Entry{}, fmt.Errorf("decode JSON: %w", eof(err))
	}
	a, err := bgp.ParseASN(key)
	if err != nil {
		return 0, Entry{}, err
	}
	var v string
	if err := json.Unmarshal(raw, &v); err != nil {
		return 0, Entry{}, fmt.Errorf("AS%d: %w", a, err)
	}
	return a, split(v), nil
}

// eof turns an end of input inside the document into ErrUnexpectedEOF.
func eof(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// split separates "NAME, CC" into its parts.
func split(s string) Entry {
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, ", "); i >= 0 && isCountry(s[i+2:]) {
		return Entry{Name: strings.TrimSpace(s[:i]), Country: s[i+2:]}
	}
	return Entry{Name: s}
}

func isCountry(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

// Sniff reports whether the head of a file looks like a name list: every
// complete line of it "ASN:NAME", or a JSON object whose first member is
// "ASN": "NAME".
func Sniff(head []byte) bool {
	b := bytes.TrimLeft(head, " \t\r\n\ufeff")
	if len(b) > 0 && b[0] == '{' {
		dec := json.NewDecoder(bytes.NewReader(b))
		if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
			return false
		}
		tok, err := dec.Token()
		key, _ := tok.(string)
		if err != nil || !allDigits(key) {
			return false
		}
		var v string
		return dec.Decode(&v) == nil
	}
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	n := 0
	for line := range bytes.SplitSeq(b, []byte{'\n'}) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		num, _, ok := bytes.Cut(line, []byte{':'})
		if !ok || !allDigits(string(num)) {
			return false
		}
		n++
	}
	return n > 0
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
