package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/observatory-net/observatory/internal/store"
)

// sessionCols are the columns of sessions in the order Session reads them.
const sessionCols = `hash, key_id, created_at, expires_at, last_seen_at, revoked_at`

// CreateSession stores a new session. Its hash must be unique
// (store.ErrConflict otherwise) and it must pass store.ValidateSession.
func (s *Store) CreateSession(ctx context.Context, ss *store.Session) error {
	if err := store.ValidateSession(ss); err != nil {
		return fmt.Errorf("sqlite: create session: %w", err)
	}
	_, err := s.w.ExecContext(ctx, `INSERT INTO sessions (`+sessionCols+`) VALUES (?, ?, ?, ?, ?, ?)`,
		ss.Hash, ss.KeyID, micros(ss.CreatedAt), micros(ss.ExpiresAt), micros(ss.LastSeenAt), micros(ss.RevokedAt))
	if err != nil {
		return fmt.Errorf("sqlite: create session of key %q: %w", ss.KeyID, conflict(err))
	}
	return nil
}

// Session returns the session with the given hash, or store.ErrNotFound.
func (s *Store) Session(ctx context.Context, hash []byte) (*store.Session, error) {
	var (
		ss                              store.Session
		created, expires, seen, revoked int64
		found                           bool
	)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		return each(ctx, tx, func(rows *sql.Rows) error {
			found = true
			return rows.Scan(&ss.Hash, &ss.KeyID, &created, &expires, &seen, &revoked)
		}, `SELECT `+sessionCols+` FROM sessions WHERE hash = ?`, hash)
	})
	if err == nil && !found {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: read session: %w", err)
	}
	ss.CreatedAt, ss.ExpiresAt = fromMicros(created), fromMicros(expires)
	ss.LastSeenAt, ss.RevokedAt = fromMicros(seen), fromMicros(revoked)
	return &ss, nil
}

// TouchSession records a use of a session at t; the recorded time never
// goes back, so that batched touches may arrive out of order.
func (s *Store) TouchSession(ctx context.Context, hash []byte, t time.Time) error {
	err := s.sessionExecOne(ctx, `UPDATE sessions SET last_seen_at = max(last_seen_at, ?) WHERE hash = ?`, micros(t), hash)
	if err != nil {
		return fmt.Errorf("sqlite: touch session: %w", err)
	}
	return nil
}

// DeleteSession removes a session (store.ErrNotFound if none).
func (s *Store) DeleteSession(ctx context.Context, hash []byte) error {
	if err := s.sessionExecOne(ctx, `DELETE FROM sessions WHERE hash = ?`, hash); err != nil {
		return fmt.Errorf("sqlite: delete session: %w", err)
	}
	return nil
}

// RevokeSessions marks the unrevoked sessions of a key revoked at t.
func (s *Store) RevokeSessions(ctx context.Context, keyID string, t time.Time) (int, error) {
	n, err := s.sessionExec(ctx, `UPDATE sessions SET revoked_at = ? WHERE key_id = ? AND revoked_at = ?`,
		micros(t), keyID, micros(time.Time{}))
	if err != nil {
		return 0, fmt.Errorf("sqlite: revoke sessions of key %q: %w", keyID, err)
	}
	return n, nil
}

// PruneSessions deletes the sessions revoked, expired at expiredAt or
// last seen before idleSince.
func (s *Store) PruneSessions(ctx context.Context, expiredAt, idleSince time.Time) (int, error) {
	n, err := s.sessionExec(ctx, `DELETE FROM sessions WHERE revoked_at <> ? OR expires_at <= ? OR last_seen_at < ?`,
		micros(time.Time{}), micros(expiredAt), micros(idleSince))
	if err != nil {
		return 0, fmt.Errorf("sqlite: prune sessions: %w", err)
	}
	return n, nil
}

// sessionExec runs a statement on the writer and returns the rows it changed.
func (s *Store) sessionExec(ctx context.Context, query string, args ...any) (int, error) {
	res, err := s.w.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// sessionExecOne runs a statement meant to match one row, and fails with
// store.ErrNotFound when it matched none.
func (s *Store) sessionExecOne(ctx context.Context, query string, args ...any) error {
	n, err := s.sessionExec(ctx, query, args...)
	if err == nil && n == 0 {
		err = store.ErrNotFound
	}
	return err
}
