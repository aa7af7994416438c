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
const registryCols = `id, organisation, programme, asns, approved, areas, updated_at`

// PutParticipant creates a participant (ID 0) or replaces the one with
// p.ID (store.ErrNotFound if none), and returns its ID. An organisation
// another participant has is store.ErrConflict. A zero UpdatedAt is
// recorded as the time of the call.
func (s *Store) PutParticipant(ctx context.Context, p *store.Registered) (int64, error) {
	if err := store.ValidateRegistered(p); err != nil {
		return 0, fmt.Errorf("postgres: put participant: %w", err)
	}
	id, err := s.putParticipant(ctx, p)
	if err != nil {
		return 0, fmt.Errorf("postgres: put participant %q: %w", p.Organisation, conflict(err))
	}
	return id, nil
}

func (s *Store) putParticipant(ctx context.Context, p *store.Registered) (int64, error) {
	updated := p.UpdatedAt
	if updated.IsZero() {
		updated = time.Now()
	}
	args := []any{p.Organisation, p.Programme, asnList(p.ASNs), p.Approved, textList(p.Areas), updated}
	query := `INSERT INTO registry (organisation, programme, asns, approved, areas, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`
	if p.ID != 0 {
		query = `UPDATE registry SET organisation = $1, programme = $2, asns = $3, approved = $4, areas = $5, updated_at = $6
			WHERE id = $7 RETURNING id`
		args = append(args, p.ID)
	}
	var id int64
	err := s.pool.QueryRow(ctx, query, args...).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, store.ErrNotFound
	}
	return id, err
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
			err := rows.Scan(&p.ID, &p.Organisation, &p.Programme, &asns, &p.Approved, &p.Areas, &p.UpdatedAt)
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
// (store.ErrNotFound if none). Its keys stay, and see no ASN.
func (s *Store) DeleteParticipant(ctx context.Context, id int64) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM registry WHERE id = $1`, id)
	if err == nil && tag.RowsAffected() == 0 {
		err = store.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("postgres: delete participant %d: %w", id, err)
	}
	return nil
}
