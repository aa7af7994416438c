package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/observatory-net/observatory/internal/store"
)

// registryCols are the columns of registry in the order registered reads
// them.
const registryCols = `id, uid::text, organisation, programme, asns, approved, areas, updated_at`

// PutParticipant creates a participant (ID 0) or replaces the one with
// p.ID (store.ErrNotFound if none), and returns its ID. A new participant
// gets a new ID (an identity: never one of a deleted participant) and a
// new UID. An organisation or ASN another participant has is
// store.ErrConflict. A zero UpdatedAt is recorded as the time of the call.
func (s *Store) PutParticipant(ctx context.Context, p *store.Registered) (int64, error) {
	if err := store.ValidateRegistered(p); err != nil {
		return 0, fmt.Errorf("postgres: put participant: %w", err)
	}
	ids, err := s.putParticipants(ctx, []store.Registered{*p})
	if err != nil {
		return 0, fmt.Errorf("postgres: %w", err)
	}
	return ids[0], nil
}

// PutParticipants writes ps as PutParticipant does, all in one
// transaction, and checks the ASNs on the registry as the batch leaves it.
func (s *Store) PutParticipants(ctx context.Context, ps []store.Registered) ([]int64, error) {
	for i := range ps {
		if err := store.ValidateRegistered(&ps[i]); err != nil {
			return nil, fmt.Errorf("postgres: put participants: %w", err)
		}
	}
	ids, err := s.putParticipants(ctx, ps)
	if err != nil {
		return nil, fmt.Errorf("postgres: put %d participants: %w", len(ps), err)
	}
	return ids, nil
}

// putParticipants writes ps in one transaction that first locks the
// registry against other writers (SHARE ROW EXCLUSIVE conflicts with
// itself and with the ROW EXCLUSIVE of INSERT, UPDATE and DELETE, not with
// readers): the ASN check, run after the writes, then sees every other
// writer's committed registry, and no writer can slip in between.
func (s *Store) putParticipants(ctx context.Context, ps []store.Registered) ([]int64, error) {
	ids := make([]int64, len(ps))
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `LOCK TABLE registry IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return fmt.Errorf("lock the registry: %w", err)
		}
		var asns []uint32
		for i := range ps {
			var err error
			if ids[i], err = putParticipant(ctx, tx, &ps[i]); err != nil {
				return fmt.Errorf("put participant %q: %w", ps[i].Organisation, conflict(err))
			}
			asns = append(asns, ps[i].ASNs...)
		}
		return checkHoldings(ctx, tx, asns, ids)
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

// putParticipant inserts or updates one registry row in tx.
func putParticipant(ctx context.Context, tx pgx.Tx, p *store.Registered) (int64, error) {
	updated := p.UpdatedAt
	if updated.IsZero() {
		updated = time.Now()
	}
	args := []any{p.Organisation, p.Programme, asnList(p.ASNs), p.Approved, textList(p.Areas), updated}
	var id int64
	if p.ID == 0 {
		err := tx.QueryRow(ctx, `INSERT INTO registry (organisation, programme, asns, approved, areas, updated_at, uid)
			VALUES ($1, $2, $3, $4, $5, $6, $7::uuid) RETURNING id`, append(args, store.NewUID())...).Scan(&id)
		return id, err
	}
	var uid string
	err := tx.QueryRow(ctx, `SELECT uid::text FROM registry WHERE id = $1`, p.ID).Scan(&uid)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, store.ErrNotFound
	}
	if err != nil {
		return 0, err
	}
	if err := store.CheckUIDOf(p, uid); err != nil {
		return 0, err
	}
	_, err = tx.Exec(ctx, `UPDATE registry SET organisation = $1, programme = $2, asns = $3, approved = $4, areas = $5,
		updated_at = $6 WHERE id = $7`, append(args, p.ID)...)
	return p.ID, err
}

// checkHoldings refuses, with a *store.ASNConflictError, a registry in
// which one of asns, just written by the participants written, has two
// holders.
func checkHoldings(ctx context.Context, tx pgx.Tx, asns []uint32, written []int64) error {
	if len(asns) == 0 {
		return nil
	}
	var hs []store.Holding
	err := each(ctx, tx, func(rows pgx.Rows) error {
		var (
			h   store.Holding
			asn int64
		)
		err := rows.Scan(&asn, &h.ID, &h.Organisation)
		h.ASN = uint32(asn)
		hs = append(hs, h)
		return err
	}, `SELECT a, r.id, r.organisation FROM registry r CROSS JOIN LATERAL unnest(r.asns) a WHERE a = ANY($1)`,
		asnList(asns))
	if err != nil {
		return fmt.Errorf("read the holders of the ASNs: %w", err)
	}
	return store.CheckHoldings(hs, written)
}

// asnList returns ASNs for a bigint[] column: NULL when empty.
func asnList(asns []uint32) any {
	if len(asns) == 0 {
		return nil
	}
	list := make([]int64, len(asns))
	for i, a := range asns {
		list[i] = int64(a)
	}
	return list
}

// RegisteredParticipant returns the participant with the given ID, or
// store.ErrNotFound.
func (s *Store) RegisteredParticipant(ctx context.Context, id int64) (*store.Registered, error) {
	ps, err := s.registered(ctx, `SELECT `+registryCols+` FROM registry WHERE id = $1`, id)
	if err == nil && len(ps) == 0 {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: read participant %d: %w", id, err)
	}
	return &ps[0], nil
}

// RegisteredParticipants lists the registry in byte order of organisation.
func (s *Store) RegisteredParticipants(ctx context.Context) ([]store.Registered, error) {
	ps, err := s.registered(ctx, `SELECT `+registryCols+` FROM registry ORDER BY organisation`)
	if err != nil {
		return nil, fmt.Errorf("postgres: list participants: %w", err)
	}
	return ps, nil
}

// registered runs a query of registry rows.
func (s *Store) registered(ctx context.Context, query string, args ...any) ([]store.Registered, error) {
	var out []store.Registered
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		return each(ctx, tx, func(rows pgx.Rows) error {
			var (
				p    store.Registered
				asns []int64
			)
			err := rows.Scan(&p.ID, &p.UID, &p.Organisation, &p.Programme, &asns, &p.Approved, &p.Areas, &p.UpdatedAt)
			p.Approved, p.UpdatedAt = p.Approved.UTC(), p.UpdatedAt.UTC()
			for _, a := range asns {
				p.ASNs = append(p.ASNs, uint32(a))
			}
			out = append(out, p)
			return err
		}, query, args...)
	})
	return out, err
}

// DeleteParticipant removes a participant from the registry
// (store.ErrNotFound if none) and, in the same transaction, revokes at t
// the keys made for it that are not revoked yet.
func (s *Store) DeleteParticipant(ctx context.Context, id int64, t time.Time) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM registry WHERE id = $1`, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return store.ErrNotFound
		}
		_, err = tx.Exec(ctx, `UPDATE api_keys SET revoked_at = $1
			WHERE role = $2 AND participant_id = $3 AND revoked_at = $4`, t, string(store.RoleParticipant), id, time.Time{})
		if err != nil {
			return fmt.Errorf("revoke its keys: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("postgres: delete participant %d: %w", id, err)
	}
	return nil
}
