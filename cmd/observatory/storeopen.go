package main

import (
	"context"
	"fmt"
	"time"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/store/postgres"
	"github.com/observatory-net/observatory/internal/store/sqlite"
	"github.com/observatory-net/observatory/internal/vocab"
)

// openStore opens the store named by a DSN: a PostgreSQL database for a
// postgres:// or postgresql:// URL, an SQLite file path otherwise.
func openStore(ctx context.Context, dsn string) (store.Store, error) {
	if dsn == "" {
		return nil, usageError(fmt.Errorf("--db is required"))
	}
	if postgres.IsDSN(dsn) {
		s, err := postgres.Open(ctx, dsn) // its error names the DSN, password redacted
		if err != nil {
			return nil, fmt.Errorf("open store: %w", err)
		}
		return s, nil
	}
	s, err := sqlite.Open(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", dsn, err)
	}
	return s, nil
}

// isReadOnly reports whether a store was opened read-only (a file or a
// database that may not be written): it serves, and refuses writes.
func isReadOnly(st store.Store) bool {
	ro, ok := st.(interface{ ReadOnly() bool })
	return ok && ro.ReadOnly()
}

// parseMonth reads YYYY-MM (or an RFC 3339 time, or a date) as the first
// of its month; the month of a time is that of its date as written,
// whatever its offset.
func parseMonth(s string) (time.Time, error) {
	if m, err := vocab.ParseMonth(s); err == nil {
		return m.Start(), nil
	}
	for _, layout := range []string{time.RFC3339, time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC), nil
		}
	}
	return time.Time{}, usageError(fmt.Errorf("month %q: want YYYY-MM", s))
}

// latestMonth picks the newest stored month of a specification.
func latestMonth(ctx context.Context, st store.Store, specRef string) (time.Time, error) {
	months, err := st.Months(ctx)
	if err != nil {
		return time.Time{}, err
	}
	for _, m := range months {
		if m.Spec == specRef {
			return m.Month, nil
		}
	}
	return time.Time{}, fmt.Errorf("no month stored for %s: run observatory ingest first", specRef)
}

// openService opens the store named by a DSN as the multi-user server
// sees it: with API keys, the participants registry and feedback.
func openService(ctx context.Context, dsn string) (store.Service, error) {
	st, err := openStore(ctx, dsn)
	if err != nil {
		return nil, err
	}
	svc, ok := st.(store.Service)
	if !ok { // both stores are services; a new one might not be yet
		st.Close()
		return nil, fmt.Errorf("store %T keeps no keys, participants or feedback", st)
	}
	return svc, nil
}

// readList is the reading half of a list command: --format checked
// (table or json), then the list read from the service store with read
// (a method expression such as store.Service.Keys).
func readList[T any](ctx context.Context, db, format string, read func(store.Service, context.Context) ([]T, error)) ([]T, error) {
	if format != "table" && format != "json" {
		return nil, usageError(fmt.Errorf("--format %q: want table or json", format))
	}
	svc, err := openService(ctx, db)
	if err != nil {
		return nil, err
	}
	defer svc.Close()
	return read(svc, ctx)
}
