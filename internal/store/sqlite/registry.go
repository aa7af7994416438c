package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/observatory-net/observatory/internal/store"
)

// registryCols are the columns of registry in the order scanRegistered
// reads them.
const registryCols = `id, uid, organisation, programme, asns, approved, areas, updated_at`

// PutParticipant creates a participant (ID 0) or replaces the one with
// p.ID (store.ErrNotFound if none), and returns its ID. A new participant
// gets a new ID (AUTOINCREMENT: never one of a deleted participant) and a
// new UID. An organisation or ASN another participant has is
// store.ErrConflict. A zero UpdatedAt is recorded as the time of the call.
func (s *Store) PutParticipant(ctx context.Context, p *store.Registered) (int64, error) {
	if err := store.ValidateRegistered(p); err != nil {
		return 0, fmt.Errorf("sqlite: put participant: %w", err)
	}
	ids, err := s.putParticipants(ctx, []store.Registered{*p})
	if err != nil {
		return 0, fmt.Errorf("sqlite: %w", err)
	}
	return ids[0], nil
}

// PutParticipants writes ps as PutParticipant does, all in one
// transaction, and checks the ASNs on the registry as the batch leaves it.
func (s *Store) PutParticipants(ctx context.Context, ps []store.Registered) ([]int64, error) {
	for i := range ps {
		if err := store.ValidateRegistered(&ps[i]); err != nil {
			return nil, fmt.Errorf("sqlite: put participants: %w", err)
		}
	}
	ids, err := s.putParticipants(ctx, ps)
	if err != nil {
		return nil, fmt.Errorf("sqlite: put %d participants: %w", len(ps), err)
	}
	return ids, nil
}

// putParticipants writes ps in one transaction of the single writer: the
// write lock is held from BEGIN IMMEDIATE on, so the ASN check sees every
// other writer's committed registry and no writer can slip in between.
func (s *Store) putParticipants(ctx context.Context, ps []store.Registered) ([]int64, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	ids := make([]int64, len(ps))
	var asns []uint32
	for i := range ps {
		if ids[i], err = putParticipant(ctx, tx, &ps[i]); err != nil {
			return nil, fmt.Errorf("put participant %q: %w", ps[i].Organisation, conflict(err))
		}
		asns = append(asns, ps[i].ASNs...)
	}
	if err := checkHoldings(ctx, tx, asns, ids); err != nil {
		return nil, err
	}
	return ids, tx.Commit()
}

// putParticipant inserts or updates one registry row in tx.
func putParticipant(ctx context.Context, tx *sql.Tx, p *store.Registered) (int64, error) {
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
		err := tx.QueryRowContext(ctx, `INSERT INTO registry (uid, organisation, programme, asns, approved, areas, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			store.NewUID(), p.Organisation, p.Programme, asns, micros(p.Approved), areas, micros(updated)).Scan(&id)
		return id, err
	}
	var uid string
	err = tx.QueryRowContext(ctx, `SELECT uid FROM registry WHERE id = ?`, p.ID).Scan(&uid)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, store.ErrNotFound
	}
	if err != nil {
		return 0, err
	}
	if err := store.CheckUIDOf(p, uid); err != nil {
		return 0, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE registry
		SET organisation = ?, programme = ?, asns = ?, approved = ?, areas = ?, updated_at = ? WHERE id = ?`,
		p.Organisation, p.Programme, asns, micros(p.Approved), areas, micros(updated), p.ID)
	return p.ID, err
}

// checkHoldings refuses, with a *store.ASNConflictError, a registry in
// which one of asns, just written by the participants written, has two
// holders.
func checkHoldings(ctx context.Context, tx *sql.Tx, asns []uint32, written []int64) error {
	if len(asns) == 0 {
		return nil
	}
	list, err := jsonList(asns)
	if err != nil {
		return err
	}
	var hs []store.Holding
	err = each(ctx, tx, func(rows *sql.Rows) error {
		var h store.Holding
		err := rows.Scan(intOf(&h.ASN), &h.ID, &h.Organisation)
		hs = append(hs, h)
		return err
	}, `SELECT j.value, r.id, r.organisation FROM registry r, json_each(r.asns) j
		WHERE j.value IN (SELECT value FROM json_each(?))`, list)
	if err != nil {
		return fmt.Errorf("read the holders of the ASNs: %w", err)
	}
	return store.CheckHoldings(hs, written)
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
	err := rows.Scan(&p.ID, &p.UID, &p.Organisation, &p.Programme, &asns, &approved, &areas, &updated)
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
// (store.ErrNotFound if none) and, in the same transaction, revokes at t
// the keys made for it that are not revoked yet.
func (s *Store) DeleteParticipant(ctx context.Context, id int64, t time.Time) error {
	if err := s.deleteParticipant(ctx, id, t); err != nil {
		return fmt.Errorf("sqlite: delete participant %d: %w", id, err)
	}
	return nil
}

func (s *Store) deleteParticipant(ctx context.Context, id int64, t time.Time) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `DELETE FROM registry WHERE id = ?`, id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return orNotFound(err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE api_keys SET revoked_at = ? WHERE role = ? AND participant_id = ? AND revoked_at = ?`,
		micros(t), string(store.RoleParticipant), id, micros(time.Time{}))
	if err != nil {
		return fmt.Errorf("revoke its keys: %w", err)
	}
	return tx.Commit()
}
