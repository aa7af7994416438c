package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/observatory-net/observatory/internal/store"
)

var _ store.RSChecks = (*Store)(nil)

// RecordRSCheck stores c (one INSERT: whole or not at all) and returns
// its id.
func (s *Store) RecordRSCheck(ctx context.Context, c *store.RSCheck) (int64, error) {
	if err := store.ValidateRSCheck(c); err != nil {
		return 0, fmt.Errorf("postgres: record route-server check: %w", err)
	}
	var id int64
	err := s.pool.QueryRow(ctx, `INSERT INTO rs_checks (ixp, checked_at, routes, rejectable, report)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, c.IXP, c.CheckedAt, c.Routes, c.Rejectable, string(c.Report)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("postgres: record route-server check of %q: %w", c.IXP, err)
	}
	return id, nil
}

// ListRSChecks returns every check without its report, newest first.
func (s *Store) ListRSChecks(ctx context.Context) ([]store.RSCheck, error) {
	var out []store.RSCheck
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, ixp, checked_at, routes, rejectable FROM rs_checks ORDER BY checked_at DESC, id DESC`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c store.RSCheck
			if err := rows.Scan(&c.ID, &c.IXP, &c.CheckedAt, &c.Routes, &c.Rejectable); err != nil {
				return err
			}
			c.CheckedAt = c.CheckedAt.UTC()
			out = append(out, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: list route-server checks: %w", err)
	}
	return out, nil
}

// RSCheck returns check id whole, or store.ErrNotFound.
func (s *Store) RSCheck(ctx context.Context, id int64) (*store.RSCheck, error) {
	c := store.RSCheck{ID: id}
	var report string
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT ixp, checked_at, routes, rejectable, report FROM rs_checks WHERE id = $1`, id).
			Scan(&c.IXP, &c.CheckedAt, &c.Routes, &c.Rejectable, &report)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: read route-server check %d: %w", id, err)
	}
	c.CheckedAt, c.Report = c.CheckedAt.UTC(), []byte(report)
	return &c, nil
}
