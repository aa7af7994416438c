package store

import (
	"context"
	"errors"
	"fmt"
)

// ErrCorrupt marks damage to the stored data itself: a page of an SQLite
// file that is not what SQLite wrote, a PostgreSQL block whose checksum
// fails. Retrying does not help; the store must be restored or re-ingested.
// Read methods return errors wrapping it when the database reports
// damage, and Checker.Check when it finds some.
var ErrCorrupt = errors.New("the store is damaged")

// Checker is implemented by stores that can verify their own integrity,
// for serve's start-up and periodic checks and its /healthz.
type Checker interface {
	// Check verifies the stored data as far as it can be done without
	// stopping readers: SQLite runs PRAGMA quick_check over the whole
	// file, PostgreSQL reads a catalog and its checksum-failure count.
	// Damage found is an error wrapping ErrCorrupt; any other error means
	// the check could not run (a timeout, a lost connection).
	Check(ctx context.Context) error
	// Ping makes the cheapest round trip to the database: a connection
	// answers. It is what /healthz asks on every call.
	Ping(ctx context.Context) error
}

// Corrupt returns err wrapped so that errors.Is(err, ErrCorrupt) holds,
// keeping its message; nil stays nil.
func Corrupt(err error) error {
	if err == nil || errors.Is(err, ErrCorrupt) {
		return err
	}
	return &corruptError{err}
}

// corruptError is an error of the database that reports damage.
type corruptError struct{ err error }

func (e *corruptError) Error() string { return fmt.Sprintf("%v (%v)", e.err, ErrCorrupt) }

// Is makes errors.Is(e, ErrCorrupt) hold.
func (e *corruptError) Is(target error) bool { return target == ErrCorrupt }

func (e *corruptError) Unwrap() error { return e.err }
