package inputerr

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Shown is how many damaged records of one file Log.Lines names by
// location; the others are counted.
const Shown = 3

// Log applies the observatory's one rule for damaged input. A damaged
// record (a line, object, element or MRT record that cannot be decoded, or
// the end of a truncated file) is reported with its file, record and byte
// offset, and skipped: the reader goes on with the next record, and the
// month is computed from the rest. A strict Log instead makes the first
// damaged record an error that ends the load.
//
// Readers hand every damaged record to Skip. A Log counts them per file
// and keeps the first Shown of each, so that a file of garbage costs a few
// lines of report, not one per record. A nil *Log is strict. A Log is safe
// for concurrent use.
type Log struct {
	// Strict makes Skip return the first damaged record as an error.
	Strict bool

	mu    sync.Mutex
	files map[string]*fileLog
	order []string // files with damaged records
}

// fileLog is what a Log keeps of one file.
type fileLog struct {
	n     int64
	first []*Error
}

// Skip reports a damaged record. It returns nil when the reader is to skip
// the record and go on, and e itself when the Log is strict or nil: the
// reader then stops and returns it.
func (l *Log) Skip(e *Error) error {
	if l == nil || l.Strict {
		return e
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.files == nil {
		l.files = map[string]*fileLog{}
	}
	f := l.files[e.File]
	if f == nil {
		f = &fileLog{}
		l.files[e.File] = f
		l.order = append(l.order, e.File)
	}
	f.n++
	if len(f.first) < Shown {
		f.first = append(f.first, e)
	}
	return nil
}

// SkipErr is Skip for an error that may or may not be an *Error: an
// *Error in err's chain is skipped as a damaged record of its file, and
// any other error (a file that cannot be opened, a cancelled context) is
// returned as it is, for it says nothing about the input's content.
func (l *Log) SkipErr(err error) error {
	var e *Error
	if err == nil || !errors.As(err, &e) {
		return err
	}
	if skipErr := l.Skip(e); skipErr != nil {
		return err
	}
	return nil
}

// IsStrict reports whether the first damaged record is an error: the Log
// is nil or Strict. Readers that can step over damage only at a cost (MRT
// resynchronisation) do not try when it is.
func (l *Log) IsStrict() bool { return l == nil || l.Strict }

// Count returns the number of damaged records skipped, in all files.
func (l *Log) Count() int64 {
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	var n int64
	for _, f := range l.files {
		n += f.n
	}
	return n
}

// Lines returns one line per file with damaged records, in the order of
// the files' names, so that files read in parallel give the same report
// every time: "FILE: N damaged records skipped: record R at byte offset
// O: cause; …; and K more".
func (l *Log) Lines() []string {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]string, 0, len(l.order))
	for _, name := range slices.Sorted(slices.Values(l.order)) {
		out = append(out, l.files[name].line(name))
	}
	return out
}

// line renders the report of one file.
func (f *fileLog) line(name string) string {
	if name == "" {
		name = "<stream>"
	}
	var b strings.Builder
	noun := "records"
	if f.n == 1 {
		noun = "record"
	}
	fmt.Fprintf(&b, "%s: %d damaged %s skipped: ", name, f.n, noun)
	for i, e := range f.first {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "record %d at byte offset %d: %v", e.Record, e.Offset, e.Err)
	}
	if more := f.n - int64(len(f.first)); more > 0 {
		fmt.Fprintf(&b, "; and %d more", more)
	}
	return b.String()
}
