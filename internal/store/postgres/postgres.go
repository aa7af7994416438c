package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"net/url"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/observatory-net/observatory/internal/store"
)

// Store is a store.Store kept in a PostgreSQL database. It is safe for
// concurrent use, by goroutines and by processes sharing the database.
type Store struct {
	pool     *pgxpool.Pool
	readOnly bool
}

var _ store.Store = (*Store)(nil)

// Open connects to the database named by dsn (a postgres:// URL or a
// keyword/value string, as libpq takes them) and brings its schema up to
// date. The caller must Close the Store.
//
// A database whose transactions are read-only (default_transaction_read_only
// = on, a hot standby) is opened read-only when its schema is current, for
// serving: ReadOnly reports it, and writes fail (store.IsReadOnly). When
// the schema would need migrating, Open says so instead.
func Open(ctx context.Context, dsn string) (*Store, error) {
	s, err := open(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: open %s: %w", Redact(dsn), err)
	}
	return s, nil
}

func open(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	var readOnly string
	if err := pool.QueryRow(ctx, `SHOW transaction_read_only`).Scan(&readOnly); err != nil {
		pool.Close()
		return nil, fmt.Errorf("read transaction_read_only: %w", err)
	}
	if readOnly == "on" {
		if err := checkSchema(ctx, pool); err != nil {
			pool.Close()
			return nil, fmt.Errorf("read-only (its transactions are read-only): %w", err)
		}
		return &Store{pool: pool, readOnly: true}, nil
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	return &Store{pool: pool}, nil
}

// ReadOnly reports whether the Store was opened on a database whose
// transactions are read-only.
func (s *Store) ReadOnly() bool { return s.readOnly }

// checkSchema checks, without writing, that a read-only database has this
// program's schema: one that would need migrating cannot be served.
func checkSchema(ctx context.Context, pool *pgxpool.Pool) error {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	var table *string
	if err := pool.QueryRow(ctx, `SELECT to_regclass('goose_db_version')::text`).Scan(&table); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys, goose.WithDisableGlobalRegistry(true), goose.WithAllowOutofOrder(true))
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	sources := p.ListSources()
	known := sources[len(sources)-1].Version
	if table == nil {
		return fmt.Errorf("the database has no schema yet and would need migrating to version %d: open it once with a connection that may write", known)
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
		return fmt.Errorf("schema version %d would need migrating to version %d: open it once with a connection that may write", current, known)
	}
	return nil
}

// migrations holds the schema, one goose migration per file.
//
//go:embed migrations/*.sql
var migrations embed.FS

// migrate applies the migrations the database lacks, and refuses a
// database whose schema is newer than this program's.
// Migrations may land out of order (00005, applications, after 00009):
// a database that lacks a lower one gets it too. A session advisory
// lock keeps two programs opening one database from migrating it at once.
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return err
	}
	db := stdlib.OpenDBFromPool(pool) // goose speaks database/sql; closing it leaves the pool open
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys,
		goose.WithDisableGlobalRegistry(true), goose.WithAllowOutofOrder(true), goose.WithSessionLocker(locker))
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

// Close closes every connection of the Store, waiting for those in use to
// be released.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// IsDSN reports whether dsn names a PostgreSQL database: a postgres:// or
// postgresql:// URL.
func IsDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// passwordValue matches the value of a password keyword of a keyword/value
// DSN, quoted or not.
var passwordValue = regexp.MustCompile(`(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)`)

// Redact returns dsn with its password, if any, replaced by "xxxxx", for
// messages and logs.
func Redact(dsn string) string {
	if IsDSN(dsn) {
		if u, err := url.Parse(dsn); err == nil {
			if q := u.Query(); q.Has("password") {
				q.Set("password", "xxxxx")
				u.RawQuery = q.Encode()
			}
			return u.Redacted()
		}
		return "postgres://(unparsable URL)"
	}
	return passwordValue.ReplaceAllString(dsn, "${1}xxxxx")
}
