// Package inputerr describes a problem found in an input file: which file,
// which record and at which byte offset, so that an operator can open the
// file at the right place. Every reader of the observatory reports bad input
// with an *Error.
//
// Log is the observatory's one rule for damaged input: every reader hands
// a damaged record to it and skips the record, and the Log counts them per
// file for the month's warnings, or, when strict, makes the first one the
// error that fails the load.
package inputerr

import (
	"errors"
	"fmt"
)

// ErrTruncated reports input that ends inside a record.
var ErrTruncated = errors.New("truncated")

// Error is a decoding error located in an input file.
type Error struct {
	File   string // file name as given by the caller; empty for a stream
	Record int64  // 1-based record number (MRT record, line, object or array element)
	Offset int64  // byte offset of the record in the (decompressed) stream
	Err    error
}

// Error renders "FILE: record N at byte offset O: cause".
func (e *Error) Error() string {
	f := e.File
	if f == "" {
		f = "<stream>"
	}
	return fmt.Sprintf("%s: record %d at byte offset %d: %v", f, e.Record, e.Offset, e.Err)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// New returns an *Error for the given position and cause.
func New(file string, record, offset int64, err error) *Error {
	return &Error{File: file, Record: record, Offset: offset, Err: err}
}

// Errorf is New with a formatted cause.
func Errorf(file string, record, offset int64, format string, args ...any) *Error {
	return New(file, record, offset, fmt.Errorf(format, args...))
}
