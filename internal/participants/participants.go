package participants

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/inputerr"
)

// Participant is one organisation's participation in one programme.
type Participant struct {
	Organisation string
	Programme    string // netops, ixp, cdn, vendor
	ASNs         []bgp.ASN
	Approved     time.Time // zero when unknown
	Areas        []string  // ISO 3166 alpha-2 codes, upper case
	// Record and Offset say where the participant was read: the 1-based
	// record (CSV line, JSON array element) and its byte offset, as an
	// *inputerr.Error has them; 0 when not read from a file.
	Record, Offset int64
}

// List is a set of participants with an index by ASN.
type List struct {
	Participants []Participant
	byASN        map[bgp.ASN][]int
	name         string // of the file, for errors
}

// Programmes lists the programme names a file may use.
var Programmes = []string{"netops", "ixp", "cdn", "vendor"}

// ReadFile reads a participants file, strictly: the first damaged
// participant is the error (participants import writes the registry from
// it, all or nothing). See LoadFile.
func ReadFile(path string) (*List, error) { return LoadFile(path, nil) }

// Read reads participants from r strictly; name is used in errors.
func Read(r io.Reader, name string) (*List, error) { return Load(r, name, nil) }

// LoadFile reads a participants file; see Load.
func LoadFile(path string, damaged *inputerr.Log) (*List, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("participants: %w", err)
	}
	defer f.Close()
	return Load(f, path, damaged)
}

// Load reads participants from r; name is used in errors. A damaged
// participant (a bad ASN, date or programme, a CSV record of broken
// syntax) goes to damaged (see inputerr.Log): skipped, or with a strict or
// nil Log the first one is the error. A file whose header or JSON syntax
// cannot be read is always an error.
func Load(r io.Reader, name string, damaged *inputerr.Log) (*List, error) {
	br := bufio.NewReader(r)
	first, err := firstByte(br)
	if err != nil {
		return nil, inputerr.New(name, 0, 0, err)
	}
	var ps []Participant
	if first == '{' || first == '[' {
		ps, err = readJSON(br, name, damaged)
	} else {
		ps, err = readCSV(br, name, damaged)
	}
	if err != nil {
		return nil, err
	}
	l := newList(ps)
	l.name = name
	return l, nil
}

// OneOrganisationPerASN checks that no ASN is listed under two
// organisations, as the registry of the server requires (a month's list
// may have it: the ASN then counts for both). The error is an
// *inputerr.Error at the earliest record that lists an ASN an earlier
// record listed under another organisation, naming the ASN and both.
func (l *List) OneOrganisationPerASN() error {
	if l == nil {
		return nil
	}
	var first, second *Participant
	var asn bgp.ASN
	for a, idx := range l.byASN {
		ps := make([]*Participant, len(idx))
		for i, j := range idx {
			ps[i] = &l.Participants[j]
		}
		slices.SortFunc(ps, func(x, y *Participant) int { return cmp.Compare(x.Record, y.Record) })
		i := slices.IndexFunc(ps, func(p *Participant) bool { return p.Organisation != ps[0].Organisation })
		if i < 0 {
			continue
		}
		if second == nil || ps[i].Record < second.Record || ps[i].Record == second.Record && a < asn {
			first, second, asn = ps[0], ps[i], a
		}
	}
	if second == nil {
		return nil
	}
	return inputerr.Errorf(l.name, second.Record, second.Offset, "%s is listed under %q (record %d) and %q: an ASN belongs to one organisation",
		asn, first.Organisation, first.Record, second.Organisation)
}

// Of returns the participations of an ASN.
func (l *List) Of(a bgp.ASN) []Participant {
	if l == nil {
		return nil
	}
	out := make([]Participant, 0, len(l.byASN[a]))
	for _, i := range l.byASN[a] {
		out = append(out, l.Participants[i])
	}
	return out
}

// Has reports whether a takes part in programme ("" for any programme).
func (l *List) Has(a bgp.ASN, programme string) bool {
	if l == nil {
		return false
	}
	for _, i := range l.byASN[a] {
		if programme == "" || l.Participants[i].Programme == programme {
			return true
		}
	}
	return false
}

// ASNs returns the distinct ASNs of a programme ("" for all), sorted.
func (l *List) ASNs(programme string) []bgp.ASN {
	if l == nil {
		return nil
	}
	var out []bgp.ASN
	for a := range l.byASN {
		if l.Has(a, programme) {
			out = append(out, a)
		}
	}
	slices.Sort(out)
	return out
}

// ProgrammesPresent returns the programmes the list uses, sorted.
func (l *List) ProgrammesPresent() []string {
	if l == nil {
		return nil
	}
	var out []string
	for _, p := range l.Participants {
		if !slices.Contains(out, p.Programme) {
			out = append(out, p.Programme)
		}
	}
	slices.Sort(out)
	return out
}

func newList(ps []Participant) *List {
	slices.SortStableFunc(ps, func(a, b Participant) int {
		return cmp.Or(cmp.Compare(a.Programme, b.Programme), cmp.Compare(a.Organisation, b.Organisation))
	})
	l := &List{Participants: ps, byASN: map[bgp.ASN][]int{}}
	for i, p := range ps {
		for _, a := range p.ASNs {
			l.byASN[a] = append(l.byASN[a], i)
		}
	}
	return l
}

func firstByte(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.Peek(1)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return 0, errors.New("empty participants file")
			}
			return 0, err
		}
		switch b[0] {
		case ' ', '\t', '\r', '\n':
			br.ReadByte() //nolint:errcheck // peeked above
		case 0xEF: // UTF-8 byte order mark
			bom, _ := br.Peek(3)
			if !bytes.Equal(bom, []byte{0xEF, 0xBB, 0xBF}) {
				return b[0], nil
			}
			br.Discard(3) //nolint:errcheck // peeked above
		default:
			return b[0], nil
		}
	}
}

// participant validates and normalises the fields of one record.
func participant(org, programme string, asns []string, approved string, areas []string) (Participant, error) {
	p := Participant{Organisation: strings.TrimSpace(org), Programme: strings.ToLower(strings.TrimSpace(programme))}
	if p.Organisation == "" {
		return p, errors.New("no organisation")
	}
	if p.Programme == "" {
		p.Programme = "netops"
	}
	if !slices.Contains(Programmes, p.Programme) {
		return p, fmt.Errorf("unknown programme %q (want one of %s)", programme, strings.Join(Programmes, ", "))
	}
	for _, s := range asns {
		a, err := bgp.ParseASN(s)
		if err != nil {
			return p, fmt.Errorf("ASN %q: %w", s, err)
		}
		if !slices.Contains(p.ASNs, a) {
			p.ASNs = append(p.ASNs, a)
		}
	}
	slices.Sort(p.ASNs)
	if len(p.ASNs) == 0 {
		return p, fmt.Errorf("%s has no ASN", p.Organisation)
	}
	if approved = strings.TrimSpace(approved); approved != "" {
		t, err := parseDate(approved)
		if err != nil {
			return p, err
		}
		p.Approved = t
	}
	for _, a := range areas {
		a = strings.ToUpper(strings.TrimSpace(a))
		if len(a) != 2 || a[0] < 'A' || a[0] > 'Z' || a[1] < 'A' || a[1] > 'Z' {
			return p, fmt.Errorf("area %q is not an ISO 3166 alpha-2 code", a)
		}
		if !slices.Contains(p.Areas, a) {
			p.Areas = append(p.Areas, a)
		}
	}
	return p, nil
}

func parseDate(s string) (time.Time, error) {
	for _, layout := range []string{time.DateOnly, time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("date %q is neither YYYY-MM-DD nor RFC 3339", s)
}

// splitList splits "AS1 AS2;AS3,AS4" into its items.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == ';' || r == '\t' || r == '|' })
}
