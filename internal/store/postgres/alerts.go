package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/observatory-net/observatory/internal/store"
)

var _ store.Alerts = (*Store)(nil)

// RecordAlert inserts or updates an alert incident and its ASNs, in one
// transaction.
func (s *Store) RecordAlert(ctx context.Context, a *store.AlertIncident) error {
	if err := store.ValidateAlert(a); err != nil {
		return fmt.Errorf("postgres: record alert: %w", err)
	}
	var closed *time.Time
	if !a.Closed.IsZero() {
		closed = &a.Closed
	}
	asns := make([]int64, len(a.ASNs))
	for i, x := range a.ASNs {
		asns[i] = int64(x)
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO alert_incidents (id, kind, prefix, origin, opened, closed, doc, updated)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (id) DO UPDATE SET closed = excluded.closed, doc = excluded.doc, updated = excluded.updated`,
			a.ID, a.Kind, a.Prefix.String(), int64(a.Origin), a.Opened, closed, string(a.Doc), a.Updated)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM alert_asns WHERE id = $1`, a.ID); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO alert_asns (id, asn) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`, a.ID, asns)
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: record alert %s: %w", a.ID, err)
	}
	return nil
}

const alertCols = `SELECT i.id, i.kind, i.prefix, i.origin, i.opened, i.closed, i.doc, i.updated,
	ARRAY(SELECT x.asn FROM alert_asns x WHERE x.id = i.id ORDER BY x.asn) FROM alert_incidents i`

// AlertIncidents returns the incidents f selects, newest opened first.
func (s *Store) AlertIncidents(ctx context.Context, f store.AlertFilter) ([]store.AlertIncident, error) {
	limit := f.Limit
	if limit <= 0 || limit > store.MaxAlertIncidents {
		limit = store.MaxAlertIncidents
	}
	asns := make([]int64, len(f.ASNs))
	for i, x := range f.ASNs {
		asns[i] = int64(x)
	}
	var out []store.AlertIncident
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, alertCols+`
			WHERE (NOT $1 OR i.closed IS NULL)
			AND (cardinality($2::bigint[]) = 0 OR i.id IN (SELECT id FROM alert_asns WHERE asn = ANY($2)))
			ORDER BY i.opened DESC, i.id LIMIT $3`, f.Open, asns, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			a, err := scanAlert(rows)
			if err != nil {
				return err
			}
			out = append(out, a)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: list alerts: %w", err)
	}
	return out, nil
}

// AlertIncident returns incident id, or store.ErrNotFound.
func (s *Store) AlertIncident(ctx context.Context, id string) (*store.AlertIncident, error) {
	var a store.AlertIncident
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, alertCols+` WHERE i.id = $1`, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		if !rows.Next() {
			if err := rows.Err(); err != nil {
				return err
			}
			return store.ErrNotFound
		}
		a, err = scanAlert(rows)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: read alert %q: %w", id, err)
	}
	return &a, nil
}

func scanAlert(rows pgx.Rows) (store.AlertIncident, error) {
	var a store.AlertIncident
	var prefix, doc string
	var closed *time.Time
	var asns []int64
	if err := rows.Scan(&a.ID, &a.Kind, &prefix, &a.Origin, &a.Opened, &closed, &doc, &a.Updated, &asns); err != nil {
		return a, err
	}
	p, err := netip.ParsePrefix(prefix)
	if err != nil {
		return a, fmt.Errorf("alert %s: %w", a.ID, err)
	}
	a.Prefix, a.Doc = p, json.RawMessage(doc)
	a.Opened, a.Updated = a.Opened.UTC(), a.Updated.UTC()
	if closed != nil {
		a.Closed = closed.UTC()
	}
	for _, x := range asns {
		a.ASNs = append(a.ASNs, uint32(x))
	}
	return a, nil
}

// AlertDelivered reports whether delivery key was made.
func (s *Store) AlertDelivered(ctx context.Context, key string) (bool, error) {
	var one int
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT 1 FROM alert_deliveries WHERE key = $1`, key).Scan(&one)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("postgres: read alert delivery: %w", err)
	}
	return true, nil
}

// MarkAlertDelivered records delivery key as made at t, once.
func (s *Store) MarkAlertDelivered(ctx context.Context, key string, t time.Time) error {
	if key == "" {
		return fmt.Errorf("postgres: record alert delivery: %w", store.ErrInvalid)
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO alert_deliveries (key, delivered_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`, key, t)
	if err != nil {
		return fmt.Errorf("postgres: record alert delivery: %w", err)
	}
	return nil
}
