package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/observatory-net/observatory/internal/store"
)

// applicationCols are the columns of applications in the order
// applications reads them.
const applicationCols = `id, key_id, key_hash, state, participant_id, doc, created_at, updated_at`

// CreateApplication stores a new application and its trail in one
// transaction and returns its ID (an identity: never reused).
func (s *Store) CreateApplication(ctx context.Context, a *store.Application) (int64, error) {
	if err := store.ValidateApplication(a); err != nil {
		return 0, fmt.Errorf("postgres: create application: %w", err)
	}
	doc, err := store.EncodeAppDoc(a)
	if err != nil {
		return 0, fmt.Errorf("postgres: create application: %w", err)
	}
	var id int64
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO applications (key_id, key_hash, state, participant_id, doc, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, a.KeyID, a.KeyHash, string(a.State), a.ParticipantID, string(doc),
			a.CreatedAt).Scan(&id)
		if err != nil {
			return conflict(err)
		}
		for i, t := range a.Trail {
			if err := addTransition(ctx, tx, id, i, t); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: create application of %q: %w", a.Organisation, err)
	}
	return id, nil
}

func addTransition(ctx context.Context, tx pgx.Tx, id int64, seq int, t store.Transition) error {
	_, err := tx.Exec(ctx, `INSERT INTO application_trail (application_id, seq, from_state, to_state, by_whom, at, comment)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, seq, string(t.From), string(t.To), t.By, t.At, t.Comment)
	return err
}

// Application returns one application with its trail.
func (s *Store) Application(ctx context.Context, id int64) (*store.Application, error) {
	return s.oneApplication(ctx, fmt.Sprintf("application %d", id), `WHERE id = $1`, id)
}

// ApplicationByKey returns the application of an applicant key ID.
func (s *Store) ApplicationByKey(ctx context.Context, keyID string) (*store.Application, error) {
	return s.oneApplication(ctx, fmt.Sprintf("the application of key %q", keyID), `WHERE key_id = $1`, keyID)
}

// oneApplication reads the application matching where, or
// store.ErrNotFound.
func (s *Store) oneApplication(ctx context.Context, what, where string, arg any) (*store.Application, error) {
	as, err := s.applications(ctx, where, arg)
	if err == nil && len(as) == 0 {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: read %s: %w", what, err)
	}
	return &as[0], nil
}

// ApplicationList lists every application, newest first.
func (s *Store) ApplicationList(ctx context.Context) ([]store.Application, error) {
	as, err := s.applications(ctx, ``)
	if err != nil {
		return nil, fmt.Errorf("postgres: list applications: %w", err)
	}
	return as, nil
}

// applications reads the applications matching where, newest first, and
// their trails, in one read transaction.
func (s *Store) applications(ctx context.Context, where string, args ...any) ([]store.Application, error) {
	var out []store.Application
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		err := each(ctx, tx, func(rows pgx.Rows) error {
			var (
				a     store.Application
				state string
				doc   []byte
			)
			if err := rows.Scan(&a.ID, &a.KeyID, &a.KeyHash, &state, &a.ParticipantID, &doc, &a.CreatedAt, &a.UpdatedAt); err != nil {
				return err
			}
			a.State, a.CreatedAt, a.UpdatedAt = store.AppState(state), a.CreatedAt.UTC(), a.UpdatedAt.UTC()
			out = append(out, a)
			return store.DecodeAppDoc(doc, &out[len(out)-1])
		}, `SELECT `+applicationCols+` FROM applications `+where+` ORDER BY id DESC`, args...)
		if err != nil {
			return err
		}
		for i := range out {
			err := each(ctx, tx, func(rows pgx.Rows) error {
				var (
					t        store.Transition
					from, to string
				)
				err := rows.Scan(&from, &to, &t.By, &t.At, &t.Comment)
				t.From, t.To, t.At = store.AppState(from), store.AppState(to), t.At.UTC()
				out[i].Trail = append(out[i].Trail, t)
				return err
			}, `SELECT from_state, to_state, by_whom, at, comment FROM application_trail WHERE application_id = $1 ORDER BY seq`, out[i].ID)
			if err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// ChangeApplication applies c in one transaction: the application's row
// locked (FOR UPDATE) for the state check, the new fields, the trail entry
// and, for an approval, the registry locked and written as
// PutParticipant does, with its ASN check.
func (s *Store) ChangeApplication(ctx context.Context, c *store.AppChange) error {
	if err := store.ValidateAppChange(c); err != nil {
		return fmt.Errorf("postgres: change application: %w", err)
	}
	if err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return changeApplication(ctx, tx, c) }); err != nil {
		return fmt.Errorf("postgres: change application %d: %w", c.ID, err)
	}
	return nil
}

func changeApplication(ctx context.Context, tx pgx.Tx, c *store.AppChange) error {
	if c.Approve != nil {
		if _, err := tx.Exec(ctx, `LOCK TABLE registry IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return fmt.Errorf("lock the registry: %w", err)
		}
	}
	var (
		a     = store.Application{ID: c.ID}
		state string
		doc   []byte
		seq   int
	)
	err := tx.QueryRow(ctx, `SELECT state, participant_id, doc FROM applications WHERE id = $1 FOR UPDATE`, c.ID).
		Scan(&state, &a.ParticipantID, &doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ErrNotFound
	}
	if err != nil {
		return err
	}
	if store.AppState(state) != c.From {
		return fmt.Errorf("%w: the application is %s, not %s", store.ErrConflict, state, c.From)
	}
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM application_trail WHERE application_id = $1`, c.ID).Scan(&seq); err != nil {
		return err
	}
	if err := store.DecodeAppDoc(doc, &a); err != nil {
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
	_, err = tx.Exec(ctx, `UPDATE applications SET state = $1, participant_id = $2, doc = $3, updated_at = $4 WHERE id = $5`,
		string(a.State), a.ParticipantID, string(b), c.At, c.ID)
	if err != nil {
		return err
	}
	return addTransition(ctx, tx, c.ID, seq, store.Transition{From: c.From, To: c.To, By: c.By, At: c.At, Comment: c.Comment})
}
