package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/observatory-net/observatory/internal/store"
)

// registryCols are the columns of registry in the order scanRegistered
// reads them.
const registryCols = `id, organisation, programme, asns, approved, areas, updated_at`

// PutParticipant creates a participant (ID 0) or replaces the one with
// p.ID (store.ErrNotFound if none), and returns its ID. An organisation
// another participant has is store.ErrConflict. A zero UpdatedAt is
// recorded as the time of the call.
func (s *Store) PutParticipant(ctx context.Context, p *store.Registered) (int64, error) {
	if err := store.ValidateRegistered(p); err != nil {
		return 0, fmt.Errorf("sqlite: put participant: %w", err)
	}
	id, err := s.putParticipant(ctx, p)
	if err != nil {
		return 0, fmt.Errorf("sqlite: put participant %q: %w", p.Organisation, conflict(err))
	}
	return id, nil
}

func (s *Store) putParticipant(ctx context.Context, p *store.Registered) (int64, error) {
	asns, err := jsonList(p.ASNs)
	if err != nil {
		return 0, err
	}
	areas, err := stringList(p.Areas)
	if err != nil {
		return 0, err
	}
	updated := p.UpdatedAt
	if updated.IsZero() {
		updated = time.Now()
	}
	if p.ID == 0 {
		var id int64
		err := s.w.QueryRowContext(ctx, `INSERT INTO registry (organisation, programme, asns, approved, areas, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			p.Organisation, p.Programme, asns, micros(p.Approved), areas, micros(updated)).Scan(&id)
		return id, err
	}
	res, err := s.w.ExecContext(ctx, `UPDATE registry
		SET organisation = ?, programme = ?, asns = ?, approved = ?, areas = ?, updated_at = ? WHERE id = ?`,
		p.Organisation, p.Programme, asns, micros(p.Approved), areas, micros(updated), p.ID)
	if err != nil {
		return 0, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return 0, orNotFound(err)
	}
	return p.ID, nil
}

// orNotFound returns err, or store.ErrNotFound when err is nil.
func orNotFound(err error) error {
	if err != nil {
		return err
	}
	return store.ErrNotFound
}

// RegisteredParticipant returns the participant with the given ID, or
// store.ErrNotFound.
func (s *Store) RegisteredParticipant(ctx context.Context, id int64) (*store.Registered, error) {
	ps, err := s.registered(ctx, `SELECT `+registryCols+` FROM registry WHERE id = ?`, id)
	if err == nil && len(ps) == 0 {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: read participant %d: %w", id, err)
	}
	return &ps[0], nil
}

// RegisteredParticipants lists the registry in byte order of organisation.
func (s *Store) RegisteredParticipants(ctx context.Context) ([]store.Registered, error) {
	ps, err := s.registered(ctx, `SELECT `+registryCols+` FROM registry ORDER BY organisation`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list participants: %w", err)
	}
	return ps, nil
}

// registered runs a query of registry rows.
func (s *Store) registered(ctx context.Context, query string, args ...any) ([]store.Registered, error) {
	var out []store.Registered
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		return each(ctx, tx, func(rows *sql.Rows) error {
			p, err := scanRegistered(rows)
			out = append(out, p)
			return err
		}, query, args...)
	})
	return out, err
}

// scanRegistered scans a registry row.
func scanRegistered(rows *sql.Rows) (store.Registered, error) {
	var (
		p                 store.Registered
		approved, updated int64
		asns, areas       []byte
	)
	err := rows.Scan(&p.ID, &p.Organisation, &p.Programme, &asns, &approved, &areas, &updated)
	if err != nil {
		return p, err
	}
	p.Approved, p.UpdatedAt = fromMicros(approved), fromMicros(updated)
	if p.ASNs, err = decodeList[uint32](asns); err != nil {
		return p, err
	}
	p.Areas, err = decodeStrings(areas)
	return p, err
}

// DeleteParticipant removes a participant from the registry
// (store.ErrNotFound if none). Its keys stay, and see no ASN.
func (s *Store) DeleteParticipant(ctx context.Context, id int64) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM registry WHERE id = ?`, id)
	if err == nil {
		var n int64
		if n, err = res.RowsAffected(); err == nil && n == 0 {
			err = store.ErrNotFound
		}
	}
	if err != nil {
		return fmt.Errorf("sqlite: delete participant %d: %w", id, err)
	}
	return nil
}
