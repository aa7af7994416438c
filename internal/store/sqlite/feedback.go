package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/observatory-net/observatory/internal/store"
)

// feedbackCols are the columns of feedback in the order scanFeedback
// reads them.
const feedbackCols = `id, incident_id, month, spec, asn, reason, submitted_by, submitted_at,
	verdict, reviewed_by, reviewed_at, review_note`

// FindIncident returns the incident with the given ID from the newest
// month that has it (the greatest specification in byte order, within a
// month), with that month and specification; store.ErrNotFound if none.
func (s *Store) FindIncident(ctx context.Context, id string) (*store.Incident, time.Time, string, error) {
	var (
		found     []store.Incident
		key, spec string
		month     time.Time
	)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		return each(ctx, tx, func(rows *sql.Rows) error {
			in, err := scanIncident(rows, &key, &spec)
			found = append(found, in)
			return err
		}, `SELECT i.id, i.asn, i.metric, i.start_us, i.end_us, i.weight, i.score, i.excluded, i.events, i.evidence,
				m.month, m.spec
			FROM incidents i JOIN months m ON m.id = i.month_id
			WHERE i.id = ? ORDER BY m.month DESC, m.spec DESC LIMIT 1`, id)
	})
	if err == nil && len(found) == 0 {
		err = store.ErrNotFound
	}
	if err == nil {
		month, err = parseMonth(key)
	}
	if err != nil {
		return nil, time.Time{}, "", fmt.Errorf("sqlite: find incident %q: %w", id, err)
	}
	return &found[0], month, spec, nil
}

// AddFeedback stores f as pending feedback and returns its ID. The
// incident must be in the month and specification f names
// (store.ErrNotFound otherwise) and not already excluded; a second pending
// feedback on it is store.ErrConflict. The stored ASN is the incident's:
// f.ASN must be 0 or the same.
func (s *Store) AddFeedback(ctx context.Context, f *store.Feedback) (int64, error) {
	if err := store.ValidateFeedback(f); err != nil {
		return 0, fmt.Errorf("sqlite: add feedback: %w", err)
	}
	id, err := s.addFeedback(ctx, f)
	if err != nil {
		return 0, fmt.Errorf("sqlite: add feedback on incident %q of %s %q: %w",
			f.IncidentID, monthKey(f.Month), f.Spec, conflict(err))
	}
	return id, nil
}

func (s *Store) addFeedback(ctx context.Context, f *store.Feedback) (int64, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	var (
		asn      uint32
		excluded bool
	)
	err = tx.QueryRowContext(ctx, `SELECT i.asn, i.excluded FROM incidents i JOIN months m ON m.id = i.month_id
		WHERE m.month = ? AND m.spec = ? AND i.id = ?`, monthKey(f.Month), f.Spec, f.IncidentID).Scan(intOf(&asn), &excluded)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, store.ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("find incident: %w", err)
	}
	if err := store.CheckFeedbackOn(f, asn, excluded); err != nil {
		return 0, err
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO feedback
		(incident_id, month, spec, asn, reason, submitted_by, submitted_at, verdict, reviewed_by, reviewed_at, review_note)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', ?, '') RETURNING id`,
		f.IncidentID, monthKey(f.Month), f.Spec, int64(asn), f.Reason, f.SubmittedBy, micros(f.SubmittedAt),
		string(store.VerdictPending), micros(time.Time{})).Scan(&id)
	if err != nil {
		return 0, err
	}
	return id, tx.Commit()
}

// Feedback returns the feedback with the given ID, or store.ErrNotFound.
func (s *Store) Feedback(ctx context.Context, id int64) (*store.Feedback, error) {
	fs, err := s.feedbacks(ctx, `SELECT `+feedbackCols+` FROM feedback WHERE id = ?`, id)
	if err == nil && len(fs) == 0 {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: read feedback %d: %w", id, err)
	}
	return &fs[0], nil
}

// Feedbacks lists the feedback f selects, newest first: by submission
// time, then by ID.
func (s *Store) Feedbacks(ctx context.Context, f store.FeedbackFilter) ([]store.Feedback, error) {
	where, args := "true", []any{}
	if len(f.ASNs) > 0 {
		list, err := jsonList(f.ASNs)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list feedback: %w", err)
		}
		where += " AND asn IN (SELECT value FROM json_each(?))"
		args = append(args, list)
	}
	if f.Verdict != "" {
		where += " AND verdict = ?"
		args = append(args, string(f.Verdict))
	}
	if !f.Month.IsZero() {
		where += " AND month = ?"
		args = append(args, monthKey(f.Month))
	}
	fs, err := s.feedbacks(ctx, `SELECT `+feedbackCols+` FROM feedback WHERE `+where+
		` ORDER BY submitted_at DESC, id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list feedback: %w", err)
	}
	return fs, nil
}

// feedbacks runs a query of feedback rows.
func (s *Store) feedbacks(ctx context.Context, query string, args ...any) ([]store.Feedback, error) {
	var out []store.Feedback
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		return each(ctx, tx, func(rows *sql.Rows) error {
			f, err := scanFeedback(rows)
			out = append(out, f)
			return err
		}, query, args...)
	})
	return out, err
}

// scanFeedback scans a feedback row.
func scanFeedback(rows *sql.Rows) (store.Feedback, error) {
	var (
		f                   store.Feedback
		key, verdict        string
		submitted, reviewed int64
	)
	err := rows.Scan(&f.ID, &f.IncidentID, &key, &f.Spec, intOf(&f.ASN), &f.Reason, &f.SubmittedBy, &submitted,
		&verdict, &f.ReviewedBy, &reviewed, &f.ReviewNote)
	if err != nil {
		return f, err
	}
	f.Verdict = store.Verdict(verdict)
	f.SubmittedAt, f.ReviewedAt = fromMicros(submitted), fromMicros(reviewed)
	f.Month, err = parseMonth(key)
	return f, err
}
