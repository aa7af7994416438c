package rpki

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/inputerr"
)

// Format names the family of a VRP file, as recognised from its content.
type Format string

// The formats Read recognises. Flavours within a family (rpki-client,
// Routinator, Cloudflare JSON; rpki-client, Routinator, RIPE NCC CSV) are
// told apart field by field, not up front.
const (
	FormatJSON Format = "json"
	FormatCSV  Format = "csv"
)

// Dump is the content of one VRP file in file order. VRPs are kept as
// often as they appear (Snapshot deduplicates); ASPAs are already merged,
// one per customer, sorted by customer.
type Dump struct {
	Format Format
	VRPs   []VRP
	ASPAs  []ASPA
	// Skipped counts the records a Loader with SkipInvalid left out, and
	// Problems describes the first maxProblems of them.
	Skipped  int
	Problems []*inputerr.Error
}

// maxProblems bounds Dump.Problems, so that a file of garbage does not
// turn into a list of errors as large as itself.
const maxProblems = 100

// skip records a skipped record.
func (d *Dump) skip(e *inputerr.Error) {
	d.Skipped++
	if len(d.Problems) < maxProblems {
		d.Problems = append(d.Problems, e)
	}
}

// Loader reads VRP files. The zero Loader is strict: the first bad record
// fails the load.
type Loader struct {
	// SkipInvalid leaves out records that cannot be decoded or fail the
	// VRP checks (bad ASN, prefix or maxLength), counting them in
	// Dump.Skipped, instead of failing. Errors that leave the rest of the
	// file unreadable still fail: broken JSON syntax, a CSV layout or
	// header that is not recognised, over-long lines, read errors.
	// Published dumps do contain such records: one global VRP set of 2020
	// has origins written as negative numbers.
	SkipInvalid bool
	// Damaged, when set, receives every damaged record (see
	// inputerr.Log): those SkipInvalid skips, and also elements of broken
	// JSON syntax, which the JSON decoder steps over, and damage that
	// ends the readable part of the file (a truncated or unreadable
	// stream, a broken structure, an unknown CSV layout), after which Read
	// returns what was read before it. Read then fails only when the Log
	// makes a damaged record an error (a strict Log). It implies
	// SkipInvalid.
	Damaged *inputerr.Log
}

// skip handles a damaged record that the rest of the file can do
// without: an error for a strict Loader, else counted in d.
func (l Loader) skip(d *Dump, e *inputerr.Error) error {
	if l.Damaged != nil {
		if err := l.Damaged.Skip(e); err != nil {
			return err
		}
	} else if !l.SkipInvalid {
		return e
	}
	d.skip(e)
	return nil
}

// Snapshot indexes the dump; see NewSnapshot.
func (d *Dump) Snapshot() (*Snapshot, error) { return NewSnapshot(d.VRPs, d.ASPAs) }

// checkEvery is how many records pass between two context checks.
const checkEvery = 4096

// errNoData reports input without a single non-blank byte: an empty VRP
// file is far more likely a failed export than an empty RPKI.
var errNoData = errors.New("no data")

// Load reads a VRP file with the zero, strict Loader; see Loader.Read.
func Load(ctx context.Context, path string) (*Dump, error) { return Loader{}.Load(ctx, path) }

// Read decodes a VRP stream with the zero, strict Loader; see Loader.Read.
func Read(ctx context.Context, r io.Reader, name string) (*Dump, error) {
	return Loader{}.Read(ctx, r, name)
}

// Load reads a VRP file, compressed or not; see Read.
func (l Loader) Load(ctx context.Context, path string) (*Dump, error) {
	r, err := decompress.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open VRP file: %w", err)
	}
	defer r.Close()
	return l.Read(ctx, r, path)
}

// Read decodes VRPs and ASPAs from r, which may be gzip, bzip2 or zstd
// compressed. The format is recognised from the first non-blank byte: '{'
// starts a JSON document ({"roas":[…]}), '[' a bare JSON array of VRPs,
// anything else is CSV. A file that is none of them is an *inputerr.Error
// wrapping ErrNotVRP that quotes what the file starts with (a damaged
// record that ends the file, for a Loader with a Damaged log). name labels errors (the file name, or
// "" for an unnamed stream); decoding errors are *inputerr.Error values
// whose offsets count bytes of the decompressed stream.
func (l Loader) Read(ctx context.Context, r io.Reader, name string) (*Dump, error) {
	dr, err := decompress.NewReader(r)
	if err != nil {
		return nil, inputerr.New(name, 0, 0, err)
	}
	defer dr.Close()
	br := bufio.NewReaderSize(dr, 1<<16)
	base, first, err := skipPreamble(br)
	if err != nil {
		return nil, inputerr.New(name, 0, base, err)
	}
	switch first {
	case '{':
		return readJSON(ctx, l, br, name, base)
	case '[':
		return readJSONArray(ctx, l, br, name, base)
	}
	return readCSV(ctx, l, br, name, base)
}

// ErrNotVRP reports a file that is none of the VRP formats Read knows.
// The *inputerr.Error that wraps it says what the file starts with.
var ErrNotVRP = errors.New(`not a VRP file (expected rpki-client/Routinator JSON {"roas":[…]}, a bare JSON array of VRPs, or CSV ASN,IP Prefix,Max Length[,Trust Anchor])`)

// headShown is how many bytes of a file notVRP quotes.
const headShown = 40

// notVRP returns ErrNotVRP with the first bytes of what was seen, quoted
// so that control bytes and invalid UTF-8 are shown safely.
func notVRP(head []byte) error {
	more := ""
	if len(head) > headShown {
		head, more = head[:headShown], "…"
	}
	return fmt.Errorf("%w: saw %q%s", ErrNotVRP, head, more)
}

// skipPreamble consumes a UTF-8 byte order mark, if any, and peeks at the
// first byte that is not white space. It returns the number of bytes
// consumed, so that later offsets stay relative to the stream start.
func skipPreamble(br *bufio.Reader) (int64, byte, error) {
	var base int64
	if bom, _ := br.Peek(3); string(bom) == "\xef\xbb\xbf" {
		br.Discard(3)
		base = 3
	}
	for i := 1; ; i++ {
		b, err := br.Peek(i)
		if len(b) < i {
			if err == nil || errors.Is(err, io.EOF) {
				err = errNoData
			}
			return base + int64(len(b)), 0, err
		}
		switch c := b[i-1]; c {
		case ' ', '\t', '\r', '\n':
			if i == br.Size() {
				// A buffer full of white space: let the CSV reader
				// skip it line by line.
				return base, ' ', nil
			}
		default:
			return base, c, nil
		}
	}
}
