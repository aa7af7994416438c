package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/observatory-net/observatory/internal/store"
)

var _ store.Notifications = (*Store)(nil)

// Notification returns the record of month and spec, or store.ErrNotFound.
func (s *Store) Notification(ctx context.Context, month time.Time, spec string) (*store.Notification, error) {
	n := store.Notification{Month: month.UTC(), Spec: spec}
	var sent int64
	found := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		return each(ctx, tx, func(rows *sql.Rows) error {
			found = true
			return rows.Scan(&sent, &n.Digest)
		}, `SELECT sent_at, digest FROM notifications WHERE month = ? AND spec = ?`, micros(month), spec)
	})
	if err == nil && !found {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: read notification of %s: %w", month.Format("2006-01"), err)
	}
	n.SentAt = fromMicros(sent)
	return &n, nil
}

// RecordNotification stores n (store.ErrConflict if its month and spec
// have one).
func (s *Store) RecordNotification(ctx context.Context, n *store.Notification) error {
	if err := store.ValidateNotification(n); err != nil {
		return fmt.Errorf("sqlite: record notification: %w", err)
	}
	_, err := s.w.ExecContext(ctx, `INSERT INTO notifications (month, spec, sent_at, digest) VALUES (?, ?, ?, ?)`,
		micros(n.Month), n.Spec, micros(n.SentAt), n.Digest)
	if err != nil {
		return fmt.Errorf("sqlite: record notification: %w", conflict(err))
	}
	return nil
}
