package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/observatory-net/observatory/internal/store"
)

var _ store.RSChecks = (*Store)(nil)

// RecordRSCheck stores c (one INSERT: whole or not at all) and returns
// its id.
func (s *Store) RecordRSCheck(ctx context.Context, c *store.RSCheck) (int64, error) {
	if err := store.ValidateRSCheck(c); err != nil {
		return 0, fmt.Errorf("sqlite: record route-server check: %w", err)
	}
	var id int64
	err := s.w.QueryRowContext(ctx, `INSERT INTO rs_checks (ixp, checked_at, routes, rejectable, report)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, c.IXP, micros(c.CheckedAt), c.Routes, c.Rejectable, string(c.Report)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("sqlite: record route-server check of %q: %w", c.IXP, err)
	}
	return id, nil
}

// ListRSChecks returns every check without its report, newest first.
func (s *Store) ListRSChecks(ctx context.Context) ([]store.RSCheck, error) {
	var out []store.RSCheck
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		return each(ctx, tx, func(rows *sql.Rows) error {
			var c store.RSCheck
			var at int64
			if err := rows.Scan(&c.ID, &c.IXP, &at, &c.Routes, &c.Rejectable); err != nil {
				return err
			}
			c.CheckedAt = fromMicros(at)
			out = append(out, c)
			return nil
		}, `SELECT id, ixp, checked_at, routes, rejectable FROM rs_checks ORDER BY checked_at DESC, id DESC`)
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: list route-server checks: %w", err)
	}
	return out, nil
}

// RSCheck returns check id whole, or store.ErrNotFound.
func (s *Store) RSCheck(ctx context.Context, id int64) (*store.RSCheck, error) {
	c := store.RSCheck{ID: id}
	found := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		return each(ctx, tx, func(rows *sql.Rows) error {
			found = true
			var at int64
			var report string
			if err := rows.Scan(&c.IXP, &at, &c.Routes, &c.Rejectable, &report); err != nil {
				return err
			}
			c.CheckedAt, c.Report = fromMicros(at), []byte(report)
			return nil
		}, `SELECT ixp, checked_at, routes, rejectable, report FROM rs_checks WHERE id = ?`, id)
	})
	if err == nil && !found {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: read route-server check %d: %w", id, err)
	}
	return &c, nil
}
