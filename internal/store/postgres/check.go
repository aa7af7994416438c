package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/observatory-net/observatory/internal/store"
)

var _ store.Checker = (*Store)(nil)

// SQLSTATEs of damaged data (PostgreSQL, Appendix A, class XX).
const (
	stateDataCorrupted  = "XX001"
	stateIndexCorrupted = "XX002"
)

// Check reads the months table and the database's count of data-page
// checksum failures. PostgreSQL verifies a page's checksum whenever it
// reads it from disk (when the cluster has data checksums, initdb -k):
// any failure it counted since its statistics were last reset is an
// error wrapping store.ErrCorrupt. The check is cheap by design: reading
// every page is the job of pg_amcheck or a backup, not of a web server.
func (s *Store) Check(ctx context.Context) error {
	var months int64
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM months`).Scan(&months); err != nil {
		return fmt.Errorf("postgres: check: %w", corrupted(err))
	}
	var failures *int64 // NULL without data checksums
	err := s.pool.QueryRow(ctx,
		`SELECT checksum_failures FROM pg_stat_database WHERE datname = current_database()`).Scan(&failures)
	if err != nil {
		return fmt.Errorf("postgres: check: %w", corrupted(err))
	}
	if failures != nil && *failures > 0 {
		return store.Corrupt(fmt.Errorf("postgres: %d data page checksum failures in this database "+
			"(pg_stat_database.checksum_failures; reset with pg_stat_reset() once repaired)", *failures))
	}
	return nil
}

// Ping makes a round trip on a pooled connection.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("postgres: ping: %w", err)
	}
	return nil
}

// corrupted marks err with store.ErrCorrupt when PostgreSQL reports
// damaged data or a damaged index; other errors are returned as they are.
func corrupted(err error) error {
	var e *pgconn.PgError
	if errors.As(err, &e) && (e.Code == stateDataCorrupted || e.Code == stateIndexCorrupted) {
		return store.Corrupt(err)
	}
	return err
}
