package spoofer

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/inputerr"
)

// Outcome is the result of one spoofing test.
type Outcome uint8

// The outcomes Spoofer reports.
const (
	NotTested Outcome = iota // empty cell: the test did not run
	Received                 // the spoofed packet arrived: no source filtering
	Blocked                  // the spoofed packet was filtered
	Rewritten                // a NAT rewrote the spoofed source
	Unknown                  // the test ran but its result is unknown
)

var outcomeNames = [...]string{"", "received", "blocked", "rewritten", "unknown"}

// String returns the name used in the files ("" for NotTested).
func (o Outcome) String() string {
	if int(o) < len(outcomeNames) {
		return outcomeNames[o]
	}
	return fmt.Sprintf("Outcome(%d)", uint8(o))
}

// NAT says whether the client was behind a NAT.
type NAT uint8

// The NAT states.
const (
	NATUnknown NAT = iota
	NATNo
	NATYes
)

// Record is one row: one session's results for one IP version.
type Record struct {
	Session  uint64       // 0 when the file has no session column
	Time     time.Time    // UTC
	ASN      bgp.ASN      // the client's AS
	Prefix   netip.Prefix // the client's block (normally /24 or /64)
	Country  string       // ISO 3166 alpha-2, upper case; empty when absent
	NAT      NAT          // whether the client was behind a NAT
	Outcome  Outcome      // overall result, when the file gives one
	Private  Outcome      // spoofing a private source address
	Routable Outcome      // spoofing a routable source address
}

// Spoofable reports whether any test of the row got a spoofed packet
// through: the network does not filter (MANRS Action 2 not met).
func (r Record) Spoofable() bool {
	return r.Outcome == Received || r.Private == Received || r.Routable == Received
}

// Filtered reports whether at least one test was blocked and none got
// through.
func (r Record) Filtered() bool {
	return !r.Spoofable() && (r.Outcome == Blocked || r.Private == Blocked || r.Routable == Blocked)
}

// column identifies a recognised column.
type column int

const (
	colNone column = iota
	colSession
	colTime
	colASN
	colPrefix
	colCountry
	colNAT
	colOutcome
	colPrivate
	colRoutable
)

// columnNames maps normalised header names to columns.
var columnNames = map[string]column{
	"session": colSession, "session_id": colSession,
	"timestamp": colTime, "date": colTime, "time": colTime,
	"asn": colASN, "client_asn": colASN,
	"prefix": colPrefix, "client_prefix": colPrefix, "client_block": colPrefix,
	"country": colCountry, "cc": colCountry,
	"nat":     colNAT,
	"outcome": colOutcome,
	"private": colPrivate, "spoof_private": colPrivate, "privaddr": colPrivate,
	"routable": colRoutable, "spoof_routable": colRoutable, "routable_addr": colRoutable,
}

// Reader reads Spoofer CSV rows one at a time.
type Reader struct {
	name   string
	lines  *lineIndex
	cr     *csv.Reader
	cols   []column // per field of a row
	header bool
	done   bool // the stream ended or failed
}

// NewReader returns a Reader over r (already decompressed); name is used in
// errors.
func NewReader(r io.Reader, name string) *Reader {
	li := newLineIndex(r)
	cr := csv.NewReader(li)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return &Reader{name: name, lines: li, cr: cr}
}

// Next returns the next row, or io.EOF after the last one. A malformed row,
// or a row of broken CSV syntax (a stray quote), yields an
// *inputerr.Error after which Next may be called again; a bad header and a
// read error (a damaged compressed file) end the reading, and Next returns
// io.EOF afterwards.
func (r *Reader) Next() (Record, error) {
	if r.done {
		return Record{}, io.EOF
	}
	if !r.header {
		if err := r.readHeader(); err != nil {
			r.done = true
			return Record{}, err
		}
	}
	fields, err := r.cr.Read()
	var pe *csv.ParseError
	if err != nil && !errors.As(err, &pe) {
		r.done = true
		return Record{}, r.readError(err)
	}
	if err != nil {
		return Record{}, r.readError(err)
	}
	line, _ := r.cr.FieldPos(0)
	rec, err := r.parseRow(fields)
	if err != nil {
		return Record{}, r.at(int64(line), err)
	}
	return rec, nil
}

// at locates an error at the start of a line.
func (r *Reader) at(line int64, err error) error {
	return inputerr.New(r.name, line, r.lines.offset(line), err)
}

// readError locates a CSV error, or passes io.EOF.
func (r *Reader) readError(err error) error {
	if err == io.EOF {
		return io.EOF
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return r.at(int64(pe.StartLine), err)
	}
	return inputerr.New(r.name, 0, r.cr.InputOffset(), fmt.Errorf("read: %w", err))
}

// readHeader reads and checks the header line.
func (r *Reader) readHeader() error {
	fields, err := r.cr.Read()
	if err == io.EOF {
		return inputerr.New(r.name, 1, r.cr.InputOffset(), errors.New("no header line"))
	}
	if err != nil {
		return r.readError(err)
	}
	line, _ := r.cr.FieldPos(0)
	cols, err := parseHeader(fields)
	if err != nil {
		return r.at(int64(line), err)
	}
	r.cols, r.header = cols, true
	return nil
}

// parseHeader maps header fields to columns and checks the required ones.
func parseHeader(fields []string) ([]column, error) {
	cols := make([]column, len(fields))
	seen := map[column]string{}
	for i, f := range fields {
		name := normalise(f)
		c := columnNames[name]
		if c == colNone {
			continue
		}
		if prev, dup := seen[c]; dup {
			return nil, fmt.Errorf("header: columns %q and %q name the same field", prev, f)
		}
		seen[c], cols[i] = f, c
	}
	for _, need := range []struct {
		c    column
		name string
	}{{colTime, "timestamp"}, {colASN, "asn"}, {colPrefix, "prefix"}} {
		if _, ok := seen[need.c]; !ok {
			return nil, fmt.Errorf("header: no %s column", need.name)
		}
	}
	_, o := seen[colOutcome]
	_, p := seen[colPrivate]
	_, q := seen[colRoutable]
	if !o && !p && !q {
		return nil, errors.New("header: no outcome, private or routable column")
	}
	return cols, nil
}

// normalise lower-cases a header name and turns spaces and dashes into
// underscores.
func normalise(s string) string {
	s = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(s, "\ufeff")))
	return underscores.Replace(s)
}

var underscores = strings.NewReplacer(" ", "_", "-", "_")

// parseRow decodes one data row.
func (r *Reader) parseRow(fields []string) (Record, error) {
	if len(fields) != len(r.cols) {
		return Record{}, fmt.Errorf("%d fields, header has %d", len(fields), len(r.cols))
	}
	var rec Record
	for i, f := range fields {
		if err := rec.set(r.cols[i], strings.TrimSpace(f)); err != nil {
			return Record{}, err
		}
	}
	return rec, nil
}

// set decodes the value v of column c into rec.
func (rec *Record) set(c column, v string) error {
	var err error
	switch c {
	case colSession:
		if v != "" {
			if rec.Session, err = strconv.ParseUint(v, 10, 64); err != nil {
				return fmt.Errorf("session %q: want a decimal id", v)
			}
		}
	case colTime:
		rec.Time, err = parseTime(v)
	case colASN:
		rec.ASN, err = bgp.ParseASN(v)
	case colPrefix:
		rec.Prefix, err = parsePrefix(v)
	case colCountry:
		rec.Country, err = parseCountry(v)
	case colNAT:
		rec.NAT, err = parseNAT(v)
	case colOutcome:
		rec.Outcome, err = parseOutcome(v)
	case colPrivate:
		rec.Private, err = parseOutcome(v)
	case colRoutable:
		rec.Routable, err = parseOutcome(v)
	}
	return err
}

// parseTime accepts RFC 3339 (offset required), "YYYY-MM-DD HH:MM:SS"
// and "YYYY-MM-DD", the last two in UTC.
func parseTime(v string) (time.Time, error) {
	layout := time.RFC3339Nano
	switch {
	case len(v) == len("2006-01-02"):
		layout = "2006-01-02"
	case len(v) > 10 && v[10] == ' ':
		layout = "2006-01-02 15:04:05"
	}
	if t, err := time.Parse(layout, v); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("time %q: want RFC 3339, YYYY-MM-DD HH:MM:SS or YYYY-MM-DD", v)
}

func parsePrefix(v string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(v)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("prefix %q: %w", v, err)
	}
	if p.Masked() != p {
		return netip.Prefix{}, fmt.Errorf("prefix %q has host bits set", v)
	}
	return p, nil
}

func parseCountry(v string) (string, error) {
	if v == "" {
		return "", nil
	}
	if len(v) != 2 || !isLetter(v[0]) || !isLetter(v[1]) {
		return "", fmt.Errorf("country %q: want a two-letter code", v)
	}
	return strings.ToUpper(v), nil
}

func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

func parseNAT(v string) (NAT, error) {
	switch strings.ToLower(v) {
	case "":
		return NATUnknown, nil
	case "yes", "y", "true", "1":
		return NATYes, nil
	case "no", "n", "false", "0":
		return NATNo, nil
	}
	return NATUnknown, fmt.Errorf("nat %q: want yes or no", v)
}

func parseOutcome(v string) (Outcome, error) {
	for i, n := range outcomeNames {
		if strings.EqualFold(v, n) {
			return Outcome(i), nil
		}
	}
	return NotTested, fmt.Errorf("outcome %q: want received, blocked, rewritten, unknown or empty", v)
}

// Load reads every record of r, or stops when ctx is done: Spoofer data
// API JSON (collection pages, session objects or arrays of them, one
// after another) when the first byte that is not white space (after a
// byte order mark) is '{' or '[', else the CSV. Damaged records go to
// damaged (see inputerr.Log): skipped, or with a strict or nil Log the
// first one is the error. A bad CSV header, or damage to the JSON
// structure, is a damaged record that ends the file.
func Load(ctx context.Context, r io.Reader, name string, damaged *inputerr.Log) ([]Record, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	var base int64
	if bom, _ := br.Peek(3); string(bom) == "\xef\xbb\xbf" {
		base = 3
	}
	for i := int(base); ; i++ {
		b, _ := br.Peek(i + 1)
		if len(b) <= i {
			break
		}
		if c := b[i]; c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			if isJSONStart(c) {
				br.Discard(int(base))
				return loadJSON(ctx, br, name, base, damaged)
			}
			break
		}
		if i+1 == br.Size() {
			break
		}
	}
	return loadCSV(ctx, br, name, damaged)
}

// loadCSV reads every row of the CSV in r; see Load.
func loadCSV(ctx context.Context, r io.Reader, name string, damaged *inputerr.Log) ([]Record, error) {
	rd := NewReader(r, name)
	var out []Record
	for n := 1; ; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return nil, fmt.Errorf("load %s: %w", name, context.Cause(ctx))
		}
		rec, err := rd.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			if err := damaged.SkipErr(err); err != nil {
				return nil, err
			}
			continue
		}
		out = append(out, rec)
	}
}

// LoadFile opens path, decompressing it if needed, and loads it.
func LoadFile(ctx context.Context, path string, damaged *inputerr.Log) (recs []Record, err error) {
	f, err := decompress.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open Spoofer file: %w", err)
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	return Load(ctx, f, path, damaged)
}

// ASNSummary aggregates the rows of one AS.
type ASNSummary struct {
	Rows          int       // rows (sessions per IP version)
	Spoofable     int       // rows where a spoofed packet got through
	Filtered      int       // rows where spoofing was blocked
	Last          time.Time // time of the latest row
	LastSpoofable bool      // whether the latest row was spoofable
}

// Summarise aggregates rows per AS.
func Summarise(recs []Record) map[bgp.ASN]ASNSummary {
	out := make(map[bgp.ASN]ASNSummary)
	for _, r := range recs {
		s := out[r.ASN]
		s.Rows++
		if r.Spoofable() {
			s.Spoofable++
		}
		if r.Filtered() {
			s.Filtered++
		}
		if s.Rows == 1 || !r.Time.Before(s.Last) {
			s.Last, s.LastSpoofable = r.Time, r.Spoofable()
		}
		out[r.ASN] = s
	}
	return out
}
