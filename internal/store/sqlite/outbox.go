package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/observatory-net/observatory/internal/store"
)

var _ store.Outbox = (*Store)(nil)

// QueueMail stores m as pending unless its month, participant and
// recipient have an entry (then false).
func (s *Store) QueueMail(ctx context.Context, m *store.Mail) (bool, error) {
	if err := store.ValidateMail(m); err != nil {
		return false, fmt.Errorf("sqlite: queue mail: %w", err)
	}
	att := m.Attachment
	if att == nil {
		att = []byte{}
	}
	var id int64
	err := s.w.QueryRowContext(ctx, `INSERT INTO outbox (month, participant, recipient, subject, body, attachment, attachment_name, queued_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (month, participant, recipient) DO NOTHING RETURNING id`,
		micros(m.Month), m.Participant, m.Recipient, m.Subject, m.Body, att, m.AttachmentName, micros(m.QueuedAt)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("sqlite: queue mail: %w", err)
	}
	m.ID, m.State, m.Attempts = id, store.MailPending, 0
	return true, nil
}

// Mails lists the entries of a month (all for the zero time) in a state
// ("" for all), by ID.
func (s *Store) Mails(ctx context.Context, month time.Time, state store.MailState) ([]store.Mail, error) {
	var out []store.Mail
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		return each(ctx, tx, func(rows *sql.Rows) error {
			var m store.Mail
			var mo, queued, sent int64
			var st string
			if err := rows.Scan(&m.ID, &mo, &m.Participant, &m.Recipient, &m.Subject, &m.Body, &m.Attachment, &m.AttachmentName,
				&st, &m.Attempts, &m.LastError, &queued, &sent); err != nil {
				return err
			}
			m.Month, m.State, m.QueuedAt = fromMicros(mo), store.MailState(st), fromMicros(queued)
			if sent != 0 {
				m.SentAt = fromMicros(sent)
			}
			out = append(out, m)
			return nil
		}, `SELECT id, month, participant, recipient, subject, body, attachment, attachment_name, state, attempts, last_error, queued_at, sent_at
			FROM outbox WHERE (? = 0 OR month = ?) AND (? = '' OR state = ?) ORDER BY id`,
			boolInt(!month.IsZero()), micros(month), string(state), string(state))
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: read the outbox: %w", err)
	}
	return out, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ClaimMail takes a pending entry that no sender holds until now+lease.
func (s *Store) ClaimMail(ctx context.Context, id int64, now time.Time, lease time.Duration) (bool, error) {
	err := s.markMail(ctx, id, `UPDATE outbox SET attempts = attempts + 1, claimed_until = ?
		WHERE id = ? AND state = 'pending' AND claimed_until <= ?`, micros(now.Add(lease)), id, micros(now))
	if errors.Is(err, store.ErrConflict) {
		return false, nil
	}
	return err == nil, err
}

// MarkMailSent marks a pending entry sent at t.
func (s *Store) MarkMailSent(ctx context.Context, id int64, t time.Time) error {
	return s.markMail(ctx, id, `UPDATE outbox SET state = 'sent', sent_at = ?, claimed_until = 0 WHERE id = ? AND state = 'pending'`, micros(t), id)
}

// MarkMailFailed records the error of a pending entry's attempt.
func (s *Store) MarkMailFailed(ctx context.Context, id int64, msg string, giveUp bool) error {
	state := store.MailPending
	if giveUp {
		state = store.MailFailed
	}
	return s.markMail(ctx, id, `UPDATE outbox SET last_error = ?, state = ?, claimed_until = 0 WHERE id = ? AND state = 'pending'`,
		msg, string(state), id)
}

// markMail runs an update of one pending entry in its own transaction:
// ErrNotFound when there is no entry id, ErrConflict when its row does
// not match (not pending, or claimed).
func (s *Store) markMail(ctx context.Context, id int64, query string, args ...any) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: update mail %d: %w", id, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("sqlite: update mail %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		var state string
		switch err := tx.QueryRowContext(ctx, `SELECT state FROM outbox WHERE id = ?`, id).Scan(&state); {
		case errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("sqlite: update mail %d: %w", id, store.ErrNotFound)
		case err != nil:
			return fmt.Errorf("sqlite: update mail %d: %w", id, err)
		}
		return fmt.Errorf("sqlite: update mail %d: %w: it is %s", id, store.ErrConflict, state)
	}
	return tx.Commit()
}
