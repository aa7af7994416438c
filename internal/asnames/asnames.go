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
// ASNs already in t keep their entry.
func (t *Table) LoadFile(path string) error {
	r, err := decompress.Open(path)
	if err != nil {
		return fmt.Errorf("asnames: %w", err)
	}
	defer r.Close()
	return t.Load(r, path)
}

// Load reads a name list from r into t; name is used in errors.
func (t *Table) Load(r io.Reader, name string) error {
	br := bufio.NewReader(r)
	head, _ := br.Peek(64)
	if b := bytes.TrimLeft(head, " \t\r\n\ufeff"); len(b) > 0 && b[0] == '{' {
		return t.loadJSON(br, name)
	}
	return t.loadText(br, name)
}

// ErrNoASN reports a record without an AS number.
var ErrNoASN = errors.New("no AS number")

func (t *Table) loadText(r io.Reader, name string) error {
	lr := textline.NewReader(r)
	for {
		line, err := lr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return lr.Locate(name, err)
		}
		s := strings.TrimSpace(string(line))
		if s == "" || s[0] == '#' {
			continue
		}
		num, rest, ok := strings.Cut(s, ":")
		if !ok {
			return inputerr.New(name, lr.Line(), lr.Offset(), fmt.Errorf("%w: want ASN:NAME, got %q", ErrNoASN, clip(s)))
		}
		a, err := bgp.ParseASN(num)
		if err != nil {
			return inputerr.New(name, lr.Line(), lr.Offset(), err)
		}
		t.add(a, split(rest))
	}
}

func (t *Table) loadJSON(r io.Reader, name string) error {
	dec := json.NewDecoder(r)
	fail := func(rec int64, err error) error { return inputerr.New(name, rec, dec.InputOffset(), err) }
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return fail(0, fmt.Errorf("want a JSON object of ASN: name (%v)", err))
	}
	for rec := int64(1); dec.More(); rec++ {
		tok, err := dec.Token()
		if err != nil {
			return fail(rec, err)
		}
		key, _ := tok.(string)
		a, err := bgp.ParseASN(key)
		if err != nil {
			return fail(rec, err)
		}
		var v string
		if err := dec.Decode(&v); err != nil {
			return fail(rec, fmt.Errorf("AS%d: %w", a, err))
		}
		t.add(a, split(v))
	}
	if _, err := dec.Token(); err != nil {
		return fail(0, err)
	}
	return nil
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
