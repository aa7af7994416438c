package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/observatory-net/observatory/internal/store"
)

// Store is a store.Store kept in one SQLite file. It is safe for concurrent
// use; writes are serialised on its single writer connection.
type Store struct {
	w        *sql.DB // the single writer: one connection, BEGIN IMMEDIATE
	r        *sql.DB // read-only connections
	readOnly bool
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
	// readOnlyParams open a file that may not be written at all.
	readOnlyParams = "mode=ro&" + readerParams
	// immutableParams open a file on read-only media whose WAL index
	// cannot be created: nobody can change it while it is read.
	immutableParams = "immutable=1&" + readerParams
)

// Open opens the database at path, creating it if needed (mode 0600: a
// store holds key hashes and feedback; an existing file keeps its mode),
// and brings its schema up to date.
//
// A file that may not be written (its mode, its directory, a read-only
// file system) is opened read-only when its schema is current, for serving:
// ReadOnly reports it, and every write fails with store.ErrReadOnly. When
// the schema would need migrating, Open says so instead. The caller must
// Close the Store.
func Open(ctx context.Context, path string) (*Store, error) {
	s, err := open(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	return s, nil
}

// ReadOnly reports whether the Store was opened read-only.
func (s *Store) ReadOnly() bool { return s.readOnly }

func open(ctx context.Context, path string) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if err := create(abs); err != nil {
		return nil, err
	}
	if reason := notWritable(abs); reason != "" {
		return openReadOnly(ctx, abs, reason)
	}
	w, err := openDB(ctx, abs, writerParams, 1)
	if err == nil {
		if err = migrate(ctx, w); err != nil {
			err = errors.Join(err, w.Close())
		}
	}
	if isReadOnlyError(err) {
		// The directory refuses the WAL and its index, or a file system
		// mounted read-only answers only now.
		return openReadOnly(ctx, abs, "it cannot be written")
	}
	if err != nil {
		return nil, err
	}
	r, err := openDB(ctx, abs, readerParams, max(4, runtime.GOMAXPROCS(0)))
	if err != nil {
		return nil, errors.Join(err, w.Close())
	}
	return &Store{w: w, r: r}, nil
}

// create makes a missing database file, readable and writable by its owner
// only; SQLite gives its -wal and -shm files the same mode. An existing
// file is left as it is.
func create(abs string) error {
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case errors.Is(err, fs.ErrExist):
		return nil
	case err != nil:
		return fmt.Errorf("create the database file: %w", err)
	}
	return f.Close()
}

// notWritable says why the file at abs may not be written by this process,
// or returns "" when it may.
func notWritable(abs string) string {
	f, err := os.OpenFile(abs, os.O_RDWR, 0)
	if err != nil {
		return fmt.Sprintf("the file may not be written: %v", err)
	}
	f.Close()
	return ""
}

// isReadOnlyError reports SQLite's SQLITE_READONLY and SQLITE_CANTOPEN
// (primary codes 8 and 14, any extended code): what a file, a directory
// or a file system that may not be written gives a writer.
func isReadOnlyError(err error) bool {
	var coded interface{ Code() int }
	if !errors.As(err, &coded) {
		return false
	}
	code := coded.Code() & 0xff
	return code == 8 || code == 14
}

// openReadOnly opens the file at abs for reading only, when its schema is
// current; reason says why it cannot be written.
func openReadOnly(ctx context.Context, abs, reason string) (*Store, error) {
	var err error
	// A WAL database on read-only media whose index (-shm) cannot be
	// created is read only as immutable: nobody can change it there.
	for _, params := range []string{readOnlyParams, immutableParams} {
		if params == immutableParams && pendingWAL(abs) {
			// Immutable reads ignore the WAL: they would serve stale data.
			err = errors.New("its write-ahead log (-wal) holds changes not yet in the database file, and its index (-shm) " +
				"cannot be created there: open it once where it can be written, or copy the files where they can")
			break
		}
		var r *sql.DB
		if r, err = openDB(ctx, abs, params, max(4, runtime.GOMAXPROCS(0))); err == nil {
			if err = checkSchema(ctx, r); err == nil {
				w := sql.OpenDB(readOnlyConnector{reason: reason})
				return &Store{w: w, r: r, readOnly: true}, nil
			}
			err = errors.Join(err, r.Close())
		}
		if !isReadOnlyError(err) {
			break
		}
	}
	return nil, fmt.Errorf("read-only (%s): %w", reason, err)
}

// pendingWAL reports whether the database at abs has a write-ahead log
// that is not empty.
func pendingWAL(abs string) bool {
	st, err := os.Stat(abs + "-wal")
	return err == nil && st.Size() > 0
}

// readOnlyConnector stands for the writer of a read-only Store: every
// write fails with store.ErrReadOnly, and says why.
type readOnlyConnector struct{ reason string }

// Connect implements driver.Connector.
func (c readOnlyConnector) Connect(context.Context) (driver.Conn, error) {
	return nil, fmt.Errorf("sqlite: %w: %s", store.ErrReadOnly, c.reason)
}

// Driver implements driver.Connector.
func (c readOnlyConnector) Driver() driver.Driver { return readOnlyDriver{c} }

type readOnlyDriver struct{ c readOnlyConnector }

// Open implements driver.Driver.
func (d readOnlyDriver) Open(string) (driver.Conn, error) { return d.c.Connect(context.Background()) }

// checkSchema checks, without writing, that a database opened read-only
// has this program's schema: one that would need migrating cannot be
// served read-only.
func checkSchema(ctx context.Context, db *sql.DB) error {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, fsys, goose.WithDisableGlobalRegistry(true), goose.WithAllowOutofOrder(true))
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	var tables int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'goose_db_version'`).Scan(&tables); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	known := p.ListSources()[len(p.ListSources())-1].Version
	if tables == 0 {
		return fmt.Errorf("the database has no schema yet and would need migrating to version %d: open it once where it can be written", known)
	}
	current, _, err := p.GetVersions(ctx)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if current > known {
		return fmt.Errorf("schema version %d is newer than this program's (%d)", current, known)
	}
	pending, err := p.HasPending(ctx)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if pending {
		return fmt.Errorf("schema version %d would need migrating to version %d: open it once where it can be written", current, known)
	}
	return nil
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
// Migrations may land out of order (00005, applications, after 00009):
// a database that lacks a lower one gets it too.
func migrate(ctx context.Context, db *sql.DB) error {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, fsys, goose.WithDisableGlobalRegistry(true), goose.WithAllowOutofOrder(true))
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
