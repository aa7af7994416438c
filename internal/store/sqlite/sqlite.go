package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
	"runtime"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/observatory-net/observatory/internal/store"
)

// Store is a store.Store kept in one SQLite file. It is safe for concurrent
// use; writes are serialised on its single writer connection.
type Store struct {
	w *sql.DB // the single writer: one connection, BEGIN IMMEDIATE
	r *sql.DB // read-only connections
}

var _ store.Store = (*Store)(nil)

// Connection settings. The busy timeout covers another process holding the
// write lock (a second observatory on the same file) or a checkpoint.
const (
	writerParams = "_txlock=immediate" +
		"&_pragma=busy_timeout(10000)" +
		"&_pragma=journal_mode(WAL)" +
		"&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(NORMAL)" +
		"&_pragma=cache_size(-131072)" + // KiB: a month's B-trees stay in memory while written
		"&_pragma=journal_size_limit(67108864)" + // bytes: truncate the WAL a large month grew
		"&_pragma=temp_store(MEMORY)"
	readerParams = "_pragma=busy_timeout(10000)" +
		"&_pragma=foreign_keys(1)" +
		"&_pragma=query_only(1)" +
		"&_pragma=cache_size(-16384)"
)

// Open opens the database at path, creating it if needed, and brings its
// schema up to date. The caller must Close the Store.
func Open(ctx context.Context, path string) (*Store, error) {
	s, err := open(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	return s, nil
}

func open(ctx context.Context, path string) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	w, err := openDB(ctx, abs, writerParams, 1)
	if err != nil {
		return nil, err
	}
	if err := migrate(ctx, w); err != nil {
		return nil, errors.Join(err, w.Close())
	}
	r, err := openDB(ctx, abs, readerParams, max(4, runtime.GOMAXPROCS(0)))
	if err != nil {
		return nil, errors.Join(err, w.Close())
	}
	return &Store{w: w, r: r}, nil
}

// openDB opens a pool of at most n connections to the file at abs and
// checks that one can be made.
func openDB(ctx context.Context, abs, params string, n int) (*sql.DB, error) {
	// A URI filename, so that any character of the path is escaped.
	dsn := "file:" + (&url.URL{Path: abs}).EscapedPath() + "?" + params
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	if err := db.PingContext(ctx); err != nil {
		return nil, errors.Join(err, db.Close())
	}
	return db, nil
}

// migrations holds the schema, one goose migration per file.
//
//go:embed migrations/*.sql
var migrations embed.FS

// migrate applies the migrations the database lacks, and refuses a
// database whose schema is newer than this program's.
func migrate(ctx context.Context, db *sql.DB) error {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, fsys, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate schema: %w", err)
	}
	current, known, err := p.GetVersions(ctx)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if current > known {
		return fmt.Errorf("schema version %d is newer than this program's (%d)", current, known)
	}
	return nil
}

// Close closes every connection of the Store, after letting SQLite update
// the statistics its query planner uses.
func (s *Store) Close() error {
	// Best effort: a failed optimize costs query plans, not data.
	_, _ = s.w.Exec("PRAGMA optimize")
	if err := errors.Join(s.r.Close(), s.w.Close()); err != nil {
		return fmt.Errorf("sqlite: close: %w", err)
	}
	return nil
}
