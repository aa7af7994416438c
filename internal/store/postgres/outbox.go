package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/observatory-net/observatory/internal/store"
)

var _ store.Outbox = (*Store)(nil)

// QueueMail stores m as pending unless its month, participant and
// recipient have an entry (then false).
func (s *Store) QueueMail(ctx context.Context, m *store.Mail) (bool, error) {
	if err := store.ValidateMail(m); err != nil {
		return false, fmt.Errorf("postgres: queue mail: %w", err)
	}
	att := m.Attachment
	if att == nil {
		att = []byte{}
	}
	var id int64
	err := s.pool.QueryRow(ctx, `INSERT INTO outbox (month, participant, recipient, subject, body, attachment, attachment_name, queued_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (month, participant, recipient) DO NOTHING RETURNING id`,
		m.Month, m.Participant, m.Recipient, m.Subject, m.Body, att, m.AttachmentName, m.QueuedAt).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("postgres: queue mail: %w", err)
	}
	m.ID, m.State, m.Attempts = id, store.MailPending, 0
	return true, nil
}

// Mails lists the entries of a month (all for the zero time) in a state
// ("" for all), by ID.
func (s *Store) Mails(ctx context.Context, month time.Time, state store.MailState) ([]store.Mail, error) {
	var out []store.Mail
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, month, participant, recipient, subject, body, attachment, attachment_name, state, attempts, last_error, queued_at, sent_at
			FROM outbox WHERE ($1 = false OR month = $2) AND ($3 = '' OR state = $3) ORDER BY id`,
			!month.IsZero(), month, string(state))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m store.Mail
			var st string
			var sent *time.Time
			if err := rows.Scan(&m.ID, &m.Month, &m.Participant, &m.Recipient, &m.Subject, &m.Body, &m.Attachment, &m.AttachmentName,
				&st, &m.Attempts, &m.LastError, &m.QueuedAt, &sent); err != nil {
				return err
			}
			m.Month, m.QueuedAt, m.State = m.Month.UTC(), m.QueuedAt.UTC(), store.MailState(st)
			if sent != nil {
				m.SentAt = sent.UTC()
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: read the outbox: %w", err)
	}
	return out, nil
}

// ClaimMail takes a pending entry that no sender holds until now+lease.
func (s *Store) ClaimMail(ctx context.Context, id int64, now time.Time, lease time.Duration) (bool, error) {
	err := s.markMail(ctx, id, `UPDATE outbox SET attempts = attempts + 1, claimed_until = $1
		WHERE id = $2 AND state = 'pending' AND claimed_until <= $3`, now.Add(lease), id, now)
	if errors.Is(err, store.ErrConflict) {
		return false, nil
	}
	return err == nil, err
}

// MarkMailSent marks a pending entry sent at t.
func (s *Store) MarkMailSent(ctx context.Context, id int64, t time.Time) error {
	return s.markMail(ctx, id, `UPDATE outbox SET state = 'sent', sent_at = $1, claimed_until = '-infinity' WHERE id = $2 AND state = 'pending'`, t, id)
}

// MarkMailFailed records the error of a pending entry's attempt.
func (s *Store) MarkMailFailed(ctx context.Context, id int64, msg string, giveUp bool) error {
	state := store.MailPending
	if giveUp {
		state = store.MailFailed
	}
	return s.markMail(ctx, id, `UPDATE outbox SET last_error = $1, state = $2, claimed_until = '-infinity' WHERE id = $3 AND state = 'pending'`,
		msg, string(state), id)
}

// markMail runs an update of one pending entry in its own transaction:
// ErrNotFound when there is no entry id, ErrConflict when its row does
// not match (not pending, or claimed).
func (s *Store) markMail(ctx context.Context, id int64, query string, args ...any) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgres: update mail %d: %w", id, err)
	}
	defer tx.Rollback(ctx)
	tag, err := tx.Exec(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("postgres: update mail %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		var state string
		switch err := tx.QueryRow(ctx, `SELECT state FROM outbox WHERE id = $1`, id).Scan(&state); {
		case errors.Is(err, pgx.ErrNoRows):
			return fmt.Errorf("postgres: update mail %d: %w", id, store.ErrNotFound)
		case err != nil:
			return fmt.Errorf("postgres: update mail %d: %w", id, err)
		}
		return fmt.Errorf("postgres: update mail %d: %w: it is %s", id, store.ErrConflict, state)
	}
	return tx.Commit(ctx)
}
