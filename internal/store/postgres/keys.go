package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/observatory-net/observatory/internal/store"
)

var _ store.Service = (*Store)(nil)

// keyCols are the columns of api_keys in the order scanKey reads them.
const keyCols = `id, hash, name, role, participant_id, coalesce(participant_uid::text, ''), rate_per_minute,
	created_at, expires_at, revoked_at, last_used_at`

// CreateKey stores a new key. Its ID must be unique (store.ErrConflict
// otherwise), its role valid and its hash not empty. A participant key is
// bound to its participant's UID, read in the same transaction under a
// share lock of the participant's row, so that it cannot be deleted
// meanwhile (store.ErrNotFound when the participant is not registered or,
// with k.ParticipantUID set, has another UID); k.ParticipantUID is then
// set.
func (s *Store) CreateKey(ctx context.Context, k *store.APIKey) error {
	if err := store.ValidateKey(k); err != nil {
		return fmt.Errorf("postgres: create key: %w", err)
	}
	uid := k.ParticipantUID
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if k.Role == store.RoleParticipant {
			err := tx.QueryRow(ctx, `SELECT uid::text FROM registry WHERE id = $1 FOR SHARE`, k.ParticipantID).Scan(&uid)
			if err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return fmt.Errorf("read participant %d: %w", k.ParticipantID, err)
			}
			if err := store.CheckKeyParticipant(k, uid, err == nil); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, `INSERT INTO api_keys (id, hash, name, role, participant_id, participant_uid, rate_per_minute,
			created_at, expires_at, revoked_at, last_used_at) VALUES ($1, $2, $3, $4, $5, NULLIF($6, '')::uuid, $7, $8, $9, $10, $11)`,
			k.ID, k.Hash, k.Name, string(k.Role), k.ParticipantID, uid, k.RatePerMinute,
			k.CreatedAt, k.ExpiresAt, k.RevokedAt, k.LastUsedAt)
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: create key %q: %w", k.ID, conflict(err))
	}
	k.ParticipantUID = uid
	return nil
}

// Key returns the key with the given ID, or store.ErrNotFound.
func (s *Store) Key(ctx context.Context, id string) (*store.APIKey, error) {
	keys, err := s.keys(ctx, `SELECT `+keyCols+` FROM api_keys WHERE id = $1`, id)
	if err == nil && len(keys) == 0 {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: read key %q: %w", id, err)
	}
	return &keys[0], nil
}

// Keys lists every key, newest first (by creation time, then ID).
func (s *Store) Keys(ctx context.Context) ([]store.APIKey, error) {
	keys, err := s.keys(ctx, `SELECT `+keyCols+` FROM api_keys ORDER BY created_at DESC, id`)
	if err != nil {
		return nil, fmt.Errorf("postgres: list keys: %w", err)
	}
	return keys, nil
}

// keys runs a query of api_keys rows.
func (s *Store) keys(ctx context.Context, query string, args ...any) ([]store.APIKey, error) {
	var out []store.APIKey
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		return each(ctx, tx, func(rows pgx.Rows) error {
			var (
				k    store.APIKey
				role string
			)
			err := rows.Scan(&k.ID, &k.Hash, &k.Name, &role, &k.ParticipantID, &k.ParticipantUID, &k.RatePerMinute,
				&k.CreatedAt, &k.ExpiresAt, &k.RevokedAt, &k.LastUsedAt)
			k.Role = store.Role(role)
			k.CreatedAt, k.ExpiresAt, k.RevokedAt, k.LastUsedAt = k.CreatedAt.UTC(), k.ExpiresAt.UTC(), k.RevokedAt.UTC(), k.LastUsedAt.UTC()
			out = append(out, k)
			return err
		}, query, args...)
	})
	return out, err
}

// RevokeKey marks a key revoked at t. Revoking a revoked key keeps the
// first revocation time; an unknown ID is store.ErrNotFound.
func (s *Store) RevokeKey(ctx context.Context, id string, t time.Time) error {
	err := updateKey(ctx, s.pool, `UPDATE api_keys SET revoked_at = CASE WHEN revoked_at = $3 THEN $1 ELSE revoked_at END
		WHERE id = $2`, t, id, time.Time{})
	if err != nil {
		return fmt.Errorf("postgres: revoke key %q: %w", id, err)
	}
	return nil
}

// TouchKey records that a key was used at t. The recorded time never goes
// back, so that batched touches may arrive out of order.
func (s *Store) TouchKey(ctx context.Context, id string, t time.Time) error {
	err := updateKey(ctx, s.pool, `UPDATE api_keys SET last_used_at = greatest(last_used_at, $1) WHERE id = $2`, t, id)
	if err != nil {
		return fmt.Errorf("postgres: touch key %q: %w", id, err)
	}
	return nil
}

// updateKey runs an UPDATE of one key, written so that it matches the key
// whenever it exists, and fails with store.ErrNotFound when it does not.
func updateKey(ctx context.Context, pool *pgxpool.Pool, query string, args ...any) error {
	tag, err := pool.Exec(ctx, query, args...)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return store.ErrNotFound
	}
	return nil
}

// conflict maps a unique violation to store.ErrConflict, keeping the
// server's message.
func conflict(err error) error {
	var e *pgconn.PgError
	if errors.As(err, &e) && e.Code == "23505" { // unique_violation
		return fmt.Errorf("%w: %w", store.ErrConflict, err)
	}
	return err
}
