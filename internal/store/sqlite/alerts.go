package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/netip"
	"time"

	"github.com/observatory-net/observatory/internal/store"
)

var _ store.Alerts = (*Store)(nil)

// RecordAlert inserts or updates an alert incident and its ASNs, in one
// transaction.
func (s *Store) RecordAlert(ctx context.Context, a *store.AlertIncident) error {
	if err := store.ValidateAlert(a); err != nil {
		return fmt.Errorf("sqlite: record alert: %w", err)
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: record alert %s: begin: %w", a.ID, err)
	}
	defer tx.Rollback()
	closed := int64(0)
	if !a.Closed.IsZero() {
		closed = micros(a.Closed)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO alert_incidents (id, kind, prefix, origin, opened, closed, doc, updated)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET closed = excluded.closed, doc = excluded.doc, updated = excluded.updated`,
		a.ID, a.Kind, a.Prefix.String(), int64(a.Origin), micros(a.Opened), closed, string(a.Doc), micros(a.Updated))
	if err == nil {
		_, err = tx.ExecContext(ctx, `DELETE FROM alert_asns WHERE id = ?`, a.ID)
	}
	for _, asn := range a.ASNs {
		if err != nil {
			break
		}
		_, err = tx.ExecContext(ctx, `INSERT OR IGNORE INTO alert_asns (id, asn) VALUES (?, ?)`, a.ID, int64(asn))
	}
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
		return fmt.Errorf("sqlite: record alert %s: %w", a.ID, err)
	}
	return nil
}

// AlertIncidents returns the incidents f selects, newest opened first.
func (s *Store) AlertIncidents(ctx context.Context, f store.AlertFilter) ([]store.AlertIncident, error) {
	limit := f.Limit
	if limit <= 0 || limit > store.MaxAlertIncidents {
		limit = store.MaxAlertIncidents
	}
	asns, err := jsonList(f.ASNs)
	if err != nil {
		return nil, err
	}
	var out []store.AlertIncident
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		err := each(ctx, tx, func(rows *sql.Rows) error {
			a, err := scanAlert(rows)
			out = append(out, a)
			return err
		}, `SELECT id, kind, prefix, origin, opened, closed, doc, updated FROM alert_incidents
			WHERE (?1 = 0 OR closed = 0)
			AND (?2 = 0 OR id IN (SELECT id FROM alert_asns WHERE asn IN (SELECT value FROM json_each(?3))))
			ORDER BY opened DESC, id LIMIT ?4`, b2i(f.Open), len(f.ASNs), asns, limit)
		if err != nil {
			return err
		}
		return alertASNs(ctx, tx, out)
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: list alerts: %w", err)
	}
	return out, nil
}

// AlertIncident returns incident id, or store.ErrNotFound.
func (s *Store) AlertIncident(ctx context.Context, id string) (*store.AlertIncident, error) {
	var out []store.AlertIncident
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		err := each(ctx, tx, func(rows *sql.Rows) error {
			a, err := scanAlert(rows)
			out = append(out, a)
			return err
		}, `SELECT id, kind, prefix, origin, opened, closed, doc, updated FROM alert_incidents WHERE id = ?`, id)
		if err != nil {
			return err
		}
		return alertASNs(ctx, tx, out)
	})
	if err == nil && len(out) == 0 {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: read alert %q: %w", id, err)
	}
	return &out[0], nil
}

func scanAlert(rows *sql.Rows) (store.AlertIncident, error) {
	var a store.AlertIncident
	var prefix, doc string
	var opened, closed, updated int64
	if err := rows.Scan(&a.ID, &a.Kind, &prefix, &a.Origin, &opened, &closed, &doc, &updated); err != nil {
		return a, err
	}
	p, err := netip.ParsePrefix(prefix)
	if err != nil {
		return a, fmt.Errorf("alert %s: %w", a.ID, err)
	}
	a.Prefix, a.Opened, a.Updated, a.Doc = p, fromMicros(opened), fromMicros(updated), json.RawMessage(doc)
	if closed != 0 {
		a.Closed = fromMicros(closed)
	}
	return a, nil
}

// alertASNs fills the ASNs of the incidents as.
func alertASNs(ctx context.Context, tx *sql.Tx, as []store.AlertIncident) error {
	for i := range as {
		a := &as[i]
		err := each(ctx, tx, func(rows *sql.Rows) error {
			var asn uint32
			err := rows.Scan(&asn)
			a.ASNs = append(a.ASNs, asn)
			return err
		}, `SELECT asn FROM alert_asns WHERE id = ? ORDER BY asn`, a.ID)
		if err != nil {
			return err
		}
	}
	return nil
}

// AlertDelivered reports whether delivery key was made.
func (s *Store) AlertDelivered(ctx context.Context, key string) (bool, error) {
	found := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		return each(ctx, tx, func(*sql.Rows) error { found = true; return nil },
			`SELECT 1 FROM alert_deliveries WHERE key = ?`, key)
	})
	if err != nil {
		return false, fmt.Errorf("sqlite: read alert delivery: %w", err)
	}
	return found, nil
}

// MarkAlertDelivered records delivery key as made at t, once.
func (s *Store) MarkAlertDelivered(ctx context.Context, key string, t time.Time) error {
	if key == "" {
		return fmt.Errorf("sqlite: record alert delivery: %w", store.ErrInvalid)
	}
	_, err := s.w.ExecContext(ctx, `INSERT OR IGNORE INTO alert_deliveries (key, delivered_at) VALUES (?, ?)`, key, micros(t))
	if err != nil {
		return fmt.Errorf("sqlite: record alert delivery: %w", err)
	}
	return nil
}
