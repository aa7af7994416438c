package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/observatory-net/observatory/internal/store"
)

// sessionCols are the columns of sessions in the order Session reads them.
const sessionCols = `hash, key_id, created_at, expires_at, last_seen_at, revoked_at`

// CreateSession stores a new session. Its hash must be unique
// (store.ErrConflict otherwise) and it must pass store.ValidateSession.
func (s *Store) CreateSession(ctx context.Context, ss *store.Session) error {
	if err := store.ValidateSession(ss); err != nil {
		return fmt.Errorf("postgres: create session: %w", err)
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO sessions (`+sessionCols+`) VALUES ($1, $2, $3, $4, $5, $6)`,
		ss.Hash, ss.KeyID, ss.CreatedAt, ss.ExpiresAt, ss.LastSeenAt, ss.RevokedAt)
	if err != nil {
		return fmt.Errorf("postgres: create session of key %q: %w", ss.KeyID, conflict(err))
	}
	return nil
}

// Session returns the session with the given hash, or store.ErrNotFound.
func (s *Store) Session(ctx context.Context, hash []byte) (*store.Session, error) {
	var ss store.Session
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT `+sessionCols+` FROM sessions WHERE hash = $1`, hash).
			Scan(&ss.Hash, &ss.KeyID, &ss.CreatedAt, &ss.ExpiresAt, &ss.LastSeenAt, &ss.RevokedAt)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: read session: %w", err)
	}
	ss.CreatedAt, ss.ExpiresAt = ss.CreatedAt.UTC(), ss.ExpiresAt.UTC()
	ss.LastSeenAt, ss.RevokedAt = ss.LastSeenAt.UTC(), ss.RevokedAt.UTC()
	return &ss, nil
}

// TouchSession records a use of a session at t; the recorded time never
// goes back, so that batched touches may arrive out of order.
func (s *Store) TouchSession(ctx context.Context, hash []byte, t time.Time) error {
	err := s.sessionExecOne(ctx, `UPDATE sessions SET last_seen_at = greatest(last_seen_at, $1) WHERE hash = $2`, t, hash)
	if err != nil {
		return fmt.Errorf("postgres: touch session: %w", err)
	}
	return nil
}

// DeleteSession removes a session (store.ErrNotFound if none).
func (s *Store) DeleteSession(ctx context.Context, hash []byte) error {
	if err := s.sessionExecOne(ctx, `DELETE FROM sessions WHERE hash = $1`, hash); err != nil {
		return fmt.Errorf("postgres: delete session: %w", err)
	}
	return nil
}

// RevokeSessions marks the unrevoked sessions of a key revoked at t.
func (s *Store) RevokeSessions(ctx context.Context, keyID string, t time.Time) (int, error) {
	n, err := s.sessionExec(ctx, `UPDATE sessions SET revoked_at = $1 WHERE key_id = $2 AND revoked_at = $3`,
		t, keyID, time.Time{})
	if err != nil {
		return 0, fmt.Errorf("postgres: revoke sessions of key %q: %w", keyID, err)
	}
	return n, nil
}

// PruneSessions deletes the sessions revoked, expired at expiredAt or
// last seen before idleSince.
func (s *Store) PruneSessions(ctx context.Context, expiredAt, idleSince time.Time) (int, error) {
	n, err := s.sessionExec(ctx, `DELETE FROM sessions WHERE revoked_at <> $1 OR expires_at <= $2 OR last_seen_at < $3`,
		time.Time{}, expiredAt, idleSince)
	if err != nil {
		return 0, fmt.Errorf("postgres: prune sessions: %w", err)
	}
	return n, nil
}

// sessionExec runs a statement and returns the rows it changed.
func (s *Store) sessionExec(ctx context.Context, query string, args ...any) (int, error) {
	tag, err := s.pool.Exec(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
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
