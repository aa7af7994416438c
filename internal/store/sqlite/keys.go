package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	sqlitedrv "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/observatory-net/observatory/internal/store"
)

var _ store.Service = (*Store)(nil)

// keyCols are the columns of api_keys in the order scanKey reads them.
const keyCols = `id, hash, name, role, participant_id, participant_uid, rate_per_minute,
	created_at, expires_at, revoked_at, last_used_at`

// CreateKey stores a new key. Its ID must be unique (store.ErrConflict
// otherwise), its role valid and its hash not empty. A participant key is
// bound to its participant's UID, read in the same transaction
// (store.ErrNotFound when the participant is not registered or, with
// k.ParticipantUID set, has another UID); k.ParticipantUID is then set.
func (s *Store) CreateKey(ctx context.Context, k *store.APIKey) error {
	if err := store.ValidateKey(k); err != nil {
		return fmt.Errorf("sqlite: create key: %w", err)
	}
	if err := s.createKey(ctx, k); err != nil {
		return fmt.Errorf("sqlite: create key %q: %w", k.ID, conflict(err))
	}
	return nil
}

func (s *Store) createKey(ctx context.Context, k *store.APIKey) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	uid := k.ParticipantUID
	if k.Role == store.RoleParticipant {
		err := tx.QueryRowContext(ctx, `SELECT uid FROM registry WHERE id = ?`, k.ParticipantID).Scan(&uid)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read participant %d: %w", k.ParticipantID, err)
		}
		if err := store.CheckKeyParticipant(k, uid, err == nil); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO api_keys (`+keyCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		k.ID, k.Hash, k.Name, string(k.Role), k.ParticipantID, uid, int64(k.RatePerMinute),
		micros(k.CreatedAt), micros(k.ExpiresAt), micros(k.RevokedAt), micros(k.LastUsedAt))
	if err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	k.ParticipantUID = uid
	return nil
}

// Key returns the key with the given ID, or store.ErrNotFound.
func (s *Store) Key(ctx context.Context, id string) (*store.APIKey, error) {
	var keys []store.APIKey
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		return each(ctx, tx, func(rows *sql.Rows) error {
			k, err := scanKey(rows)
			keys = append(keys, k)
			return err
		}, `SELECT `+keyCols+` FROM api_keys WHERE id = ?`, id)
	})
	if err == nil && len(keys) == 0 {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: read key %q: %w", id, err)
	}
	return &keys[0], nil
}

// Keys lists every key, newest first (by creation time, then ID).
func (s *Store) Keys(ctx context.Context) ([]store.APIKey, error) {
	var keys []store.APIKey
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		return each(ctx, tx, func(rows *sql.Rows) error {
			k, err := scanKey(rows)
			keys = append(keys, k)
			return err
		}, `SELECT `+keyCols+` FROM api_keys ORDER BY created_at DESC, id`)
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: list keys: %w", err)
	}
	return keys, nil
}

// scanKey scans an api_keys row.
func scanKey(rows *sql.Rows) (store.APIKey, error) {
	var (
		k                                    store.APIKey
		role                                 string
		created, expires, revoked, last, pid int64
	)
	err := rows.Scan(&k.ID, &k.Hash, &k.Name, &role, &pid, &k.ParticipantUID, intOf(&k.RatePerMinute),
		&created, &expires, &revoked, &last)
	k.Role, k.ParticipantID = store.Role(role), pid
	k.CreatedAt, k.ExpiresAt = fromMicros(created), fromMicros(expires)
	k.RevokedAt, k.LastUsedAt = fromMicros(revoked), fromMicros(last)
	return k, err
}

// RevokeKey marks a key revoked at t. Revoking a revoked key keeps the
// first revocation time; an unknown ID is store.ErrNotFound.
func (s *Store) RevokeKey(ctx context.Context, id string, t time.Time) error {
	err := s.updateKey(ctx, id, `UPDATE api_keys SET revoked_at = ?1 WHERE id = ?2 AND revoked_at = ?3`,
		micros(t), id, micros(time.Time{}))
	if err != nil {
		return fmt.Errorf("sqlite: revoke key %q: %w", id, err)
	}
	return nil
}

// TouchKey records that a key was used at t. The recorded time never goes
// back, so that batched touches may arrive out of order.
func (s *Store) TouchKey(ctx context.Context, id string, t time.Time) error {
	err := s.updateKey(ctx, id, `UPDATE api_keys SET last_used_at = max(last_used_at, ?1) WHERE id = ?2`, micros(t), id)
	if err != nil {
		return fmt.Errorf("sqlite: touch key %q: %w", id, err)
	}
	return nil
}

// updateKey runs an UPDATE of one key in a transaction and fails with
// store.ErrNotFound when no key has the ID. An UPDATE whose condition
// leaves the key unchanged is no error.
func (s *Store) updateKey(ctx context.Context, id, query string, args ...any) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, query, args...); err != nil {
		return err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM api_keys WHERE id = ?`, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return store.ErrNotFound
	}
	return tx.Commit()
}

// conflict maps a violated uniqueness constraint to store.ErrConflict,
// keeping the driver's message.
func conflict(err error) error {
	var e *sqlitedrv.Error
	if errors.As(err, &e) && (e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY) {
		return fmt.Errorf("%w: %w", store.ErrConflict, err)
	}
	return err
}
