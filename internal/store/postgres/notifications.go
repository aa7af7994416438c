package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/observatory-net/observatory/internal/store"
)

var _ store.Notifications = (*Store)(nil)

// Notification returns the record of month and spec, or store.ErrNotFound.
func (s *Store) Notification(ctx context.Context, month time.Time, spec string) (*store.Notification, error) {
	n := store.Notification{Month: month.UTC(), Spec: spec}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT sent_at, digest FROM notifications WHERE month = $1 AND spec = $2`, month, spec).
			Scan(&n.SentAt, &n.Digest)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: read notification of %s: %w", month.Format("2006-01"), err)
	}
	n.SentAt = n.SentAt.UTC()
	return &n, nil
}

// RecordNotification stores n (store.ErrConflict if its month and spec
// have one).
func (s *Store) RecordNotification(ctx context.Context, n *store.Notification) error {
	if err := store.ValidateNotification(n); err != nil {
		return fmt.Errorf("postgres: record notification: %w", err)
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO notifications (month, spec, sent_at, digest) VALUES ($1, $2, $3, $4)`,
		n.Month, n.Spec, n.SentAt, n.Digest)
	if err != nil {
		return fmt.Errorf("postgres: record notification: %w", conflict(err))
	}
	return nil
}
