package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/observatory-net/observatory/internal/store"
)

// applicationCols are the columns of applications in the order
// scanApplication reads them.
const applicationCols = `id, key_id, key_hash, state, participant_id, doc, created_at, updated_at`

// CreateApplication stores a new application and its trail in one
// transaction and returns its ID (AUTOINCREMENT: never reused).
func (s *Store) CreateApplication(ctx context.Context, a *store.Application) (int64, error) {
	if err := store.ValidateApplication(a); err != nil {
		return 0, fmt.Errorf("sqlite: create application: %w", err)
	}
	doc, err := store.EncodeAppDoc(a)
	if err != nil {
		return 0, fmt.Errorf("sqlite: create application: %w", err)
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("sqlite: create application: begin: %w", err)
	}
	defer tx.Rollback()
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO applications (key_id, key_hash, state, participant_id, doc, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, a.KeyID, a.KeyHash, string(a.State), a.ParticipantID, string(doc),
		micros(a.CreatedAt), micros(a.CreatedAt)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("sqlite: create application of %q: %w", a.Organisation, conflict(err))
	}
	for i, t := range a.Trail {
		if err := addTransition(ctx, tx, id, i, t); err != nil {
			return 0, fmt.Errorf("sqlite: create application of %q: %w", a.Organisation, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("sqlite: create application of %q: %w", a.Organisation, err)
	}
	return id, nil
}

func addTransition(ctx context.Context, tx *sql.Tx, id int64, seq int, t store.Transition) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO application_trail (application_id, seq, from_state, to_state, by_whom, at, comment)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, id, seq, string(t.From), string(t.To), t.By, micros(t.At), t.Comment)
	return err
}

// Application returns one application with its trail.
func (s *Store) Application(ctx context.Context, id int64) (*store.Application, error) {
	return s.oneApplication(ctx, fmt.Sprintf("application %d", id), `WHERE id = ?`, id)
}

// ApplicationByKey returns the application of an applicant key ID.
func (s *Store) ApplicationByKey(ctx context.Context, keyID string) (*store.Application, error) {
	return s.oneApplication(ctx, fmt.Sprintf("the application of key %q", keyID), `WHERE key_id = ?`, keyID)
}

// oneApplication reads the application matching where, or
// store.ErrNotFound.
func (s *Store) oneApplication(ctx context.Context, what, where string, arg any) (*store.Application, error) {
	as, err := s.applications(ctx, where, arg)
	if err == nil && len(as) == 0 {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: read %s: %w", what, err)
	}
	return &as[0], nil
}

// ApplicationList lists every application, newest first.
func (s *Store) ApplicationList(ctx context.Context) ([]store.Application, error) {
	as, err := s.applications(ctx, ``)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list applications: %w", err)
	}
	return as, nil
}

// applications reads the applications matching where, newest first, and
// their trails, in one read transaction.
func (s *Store) applications(ctx context.Context, where string, args ...any) ([]store.Application, error) {
	var out []store.Application
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		err := each(ctx, tx, func(rows *sql.Rows) error {
			var (
				a                store.Application
				state, doc       string
				created, updated int64
			)
			if err := rows.Scan(&a.ID, &a.KeyID, &a.KeyHash, &state, &a.ParticipantID, &doc, &created, &updated); err != nil {
				return err
			}
			a.State, a.CreatedAt, a.UpdatedAt = store.AppState(state), fromMicros(created), fromMicros(updated)
			out = append(out, a)
			return store.DecodeAppDoc([]byte(doc), &out[len(out)-1])
		}, `SELECT `+applicationCols+` FROM applications `+where+` ORDER BY id DESC`, args...)
		if err != nil {
			return err
		}
		for i := range out {
			err := each(ctx, tx, func(rows *sql.Rows) error {
				var (
					t        store.Transition
					from, to string
					at       int64
				)
				err := rows.Scan(&from, &to, &t.By, &at, &t.Comment)
				t.From, t.To, t.At = store.AppState(from), store.AppState(to), fromMicros(at)
				out[i].Trail = append(out[i].Trail, t)
				return err
			}, `SELECT from_state, to_state, by_whom, at, comment FROM application_trail WHERE application_id = ? ORDER BY seq`, out[i].ID)
			if err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// ChangeApplication applies c in one transaction of the single writer:
// the state check, the new fields, the trail entry and, for an approval,
// the registry write with its ASN check.
func (s *Store) ChangeApplication(ctx context.Context, c *store.AppChange) error {
	if err := store.ValidateAppChange(c); err != nil {
		return fmt.Errorf("sqlite: change application: %w", err)
	}
	if err := s.changeApplication(ctx, c); err != nil {
		return fmt.Errorf("sqlite: change application %d: %w", c.ID, err)
	}
	return nil
}

func (s *Store) changeApplication(ctx context.Context, c *store.AppChange) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	var (
		a          = store.Application{ID: c.ID}
		state, doc string
		seq        int
	)
	err = tx.QueryRowContext(ctx, `SELECT state, participant_id, doc, (SELECT count(*) FROM application_trail WHERE application_id = applications.id)
		FROM applications WHERE id = ?`, c.ID).Scan(&state, &a.ParticipantID, &doc, &seq)
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	if err != nil {
		return err
	}
	if store.AppState(state) != c.From {
		return fmt.Errorf("%w: the application is %s, not %s", store.ErrConflict, state, c.From)
	}
	if err := store.DecodeAppDoc([]byte(doc), &a); err != nil {
		return err
	}
	c.Apply(&a)
	if c.Approve != nil {
		ids := []int64{0}
		if ids[0], err = putParticipant(ctx, tx, c.Approve); err != nil {
			return fmt.Errorf("register participant %q: %w", c.Approve.Organisation, conflict(err))
		}
		if err := checkHoldings(ctx, tx, c.Approve.ASNs, ids); err != nil {
			return err
		}
		a.ParticipantID = ids[0]
	}
	b, err := store.EncodeAppDoc(&a)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE applications SET state = ?, participant_id = ?, doc = ?, updated_at = ? WHERE id = ?`,
		string(a.State), a.ParticipantID, string(b), micros(c.At), c.ID)
	if err != nil {
		return err
	}
	if err := addTransition(ctx, tx, c.ID, seq, store.Transition{From: c.From, To: c.To, By: c.By, At: c.At, Comment: c.Comment}); err != nil {
		return err
	}
	return tx.Commit()
}
