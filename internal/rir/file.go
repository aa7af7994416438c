package rir

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/inputerr"
)

// Options tunes Load.
type Options struct {
	// SkipMalformed makes Load skip malformed record lines and list them in
	// File.Skipped instead of failing. A bad header is always an error.
	SkipMalformed bool
	// Damaged, when set, receives malformed record lines, and a read
	// error after the header, as damaged records (see inputerr.Log), and
	// they are listed in File.Skipped too: skipped, or with a strict Log
	// the error Load returns. A bad header is still Load's error: nothing
	// of the file can be read without it.
	Damaged *inputerr.Log
}

// File is a whole delegated statistics file.
type File struct {
	Name      string    // the name given to Load
	Header    Header    // the version line
	Summaries []Summary // the summary lines, in file order
	Records   []Record  // the resource records, in file order
	// Skipped lists the malformed lines skipped under SkipMalformed.
	Skipped []*inputerr.Error
}

// ErrNoHeader reports a file without a version line.
var ErrNoHeader = errors.New("no version line")

// ctxEvery is how many records pass between checks of the context.
const ctxEvery = 4096

// Load reads a whole file from r (already decompressed). name is used in
// errors. It stops early when ctx is done.
func Load(ctx context.Context, r io.Reader, name string, opt Options) (*File, error) {
	rd := NewReader(r, name)
	f := &File{Name: name}
	for n := 1; ; n++ {
		if n%ctxEvery == 0 && ctx.Err() != nil {
			return nil, fmt.Errorf("load %s: %w", name, context.Cause(ctx))
		}
		rec, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if ie, ok := damaged(err, rd, opt); ok {
				if err := opt.Damaged.Skip(ie); err != nil {
					return nil, err
				}
				f.Skipped = append(f.Skipped, ie)
				continue
			}
			if skipped := skippable(err, rd, opt); skipped != nil {
				f.Skipped = append(f.Skipped, skipped)
				continue
			}
			return nil, err
		}
		f.Records = append(f.Records, rec)
	}
	h, ok := rd.Header()
	if !ok {
		return nil, inputerr.New(name, rd.lr.Line(), rd.lr.Next(), ErrNoHeader)
	}
	f.Header, f.Summaries = h, rd.Summaries()
	return f, nil
}

// skippable returns err as an *inputerr.Error when opt allows skipping it:
// a malformed record line after a valid header, the reader still usable.
func skippable(err error, rd *Reader, opt Options) *inputerr.Error {
	var ie *inputerr.Error
	if opt.SkipMalformed && rd.hasHeader && rd.fatal == nil && errors.As(err, &ie) {
		return ie
	}
	return nil
}

// damaged returns err as an *inputerr.Error when opt has a Damaged log and
// err is a damaged record after a valid header.
func damaged(err error, rd *Reader, opt Options) (*inputerr.Error, bool) {
	var ie *inputerr.Error
	if opt.Damaged == nil || !rd.hasHeader || !errors.As(err, &ie) {
		return nil, false
	}
	return ie, true
}

// LoadFile opens path, decompressing it if needed, and loads it with Load.
func LoadFile(ctx context.Context, path string, opt Options) (f *File, err error) {
	rc, err := decompress.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open delegated stats: %w", err)
	}
	defer func() { err = errors.Join(err, rc.Close()) }()
	return Load(ctx, rc, path, opt)
}

// Counts returns the number of records per type.
func (f *File) Counts() map[Type]int {
	c := make(map[Type]int, 3)
	for _, r := range f.Records {
		c[r.Type]++
	}
	return c
}

// Mismatch is a count stated in a file that its records contradict.
type Mismatch struct {
	What   string // "asn", "ipv4", "ipv6" (a summary line) or "records" (the header)
	Stated int    // the count the file states; -1 when a type has no summary line
	Found  int    // the records actually read (skipped lines not included)
}

// String renders "ipv4: stated 781, found 1220".
func (m Mismatch) String() string {
	return fmt.Sprintf("%s: stated %d, found %d", m.What, m.Stated, m.Found)
}

// CheckSummaries compares the header's record count and every summary line
// with the records read, and returns the differences (nil when they agree).
func (f *File) CheckSummaries() []Mismatch {
	var out []Mismatch
	if f.Header.Records != len(f.Records) {
		out = append(out, Mismatch{What: "records", Stated: f.Header.Records, Found: len(f.Records)})
	}
	counts := f.Counts()
	stated := make(map[Type]int)
	for _, s := range f.Summaries {
		stated[s.Type] += s.Count
	}
	for _, t := range []Type{ASN, IPv4, IPv6} {
		s, ok := stated[t]
		switch {
		case !ok && counts[t] > 0:
			out = append(out, Mismatch{What: string(t), Stated: -1, Found: counts[t]})
		case ok && s != counts[t]:
			out = append(out, Mismatch{What: string(t), Stated: s, Found: counts[t]})
		}
	}
	return out
}
