package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

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
		in       store.Incident
		month    time.Time
		spec     string
		evidence []byte
	)
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT i.id, i.asn, i.metric, i.start_ts, i.end_ts, i.weight, i.score, i.excluded,
				i.events, i.evidence, m.month, m.spec
			FROM incidents i JOIN months m ON m.id = i.month_id
			WHERE i.id = $1 ORDER BY m.month DESC, m.spec DESC LIMIT 1`, id).Scan(
			&in.ID, &in.ASN, &in.Metric, &in.Start, &in.End, &in.Weight, &in.Score, &in.Excluded,
			&in.Events, &evidence, &month, &spec)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, time.Time{}, "", fmt.Errorf("postgres: find incident %q: %w", id, err)
	}
	in.Start, in.End = in.Start.UTC(), in.End.UTC()
	if len(evidence) > 0 {
		in.Evidence = evidence
	}
	return &in, month.UTC(), spec, nil
}

// AddFeedback stores f as pending feedback and returns its ID. The
// incident must be in the month and specification f names
// (store.ErrNotFound otherwise) and not already excluded; a second pending
// feedback on it is store.ErrConflict. The stored ASN is the incident's:
// f.ASN must be 0 or the same.
func (s *Store) AddFeedback(ctx context.Context, f *store.Feedback) (int64, error) {
	if err := store.ValidateFeedback(f); err != nil {
		return 0, fmt.Errorf("postgres: add feedback: %w", err)
	}
	id, err := s.addFeedback(ctx, f)
	if err != nil {
		return 0, fmt.Errorf("postgres: add feedback on incident %q of %s %q: %w",
			f.IncidentID, monthKey(f.Month), f.Spec, conflict(err))
	}
	return id, nil
}

func (s *Store) addFeedback(ctx context.Context, f *store.Feedback) (int64, error) {
	var id int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var (
			asn      uint32
			excluded bool
		)
		err := tx.QueryRow(ctx, `SELECT i.asn, i.excluded FROM incidents i JOIN months m ON m.id = i.month_id
			WHERE m.month = $1 AND m.spec = $2 AND i.id = $3`, monthOf(f.Month), f.Spec, f.IncidentID).Scan(&asn, &excluded)
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("find incident: %w", err)
		}
		if err := store.CheckFeedbackOn(f, asn, excluded); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `INSERT INTO feedback
			(incident_id, month, spec, asn, reason, submitted_by, submitted_at, verdict, reviewed_by, reviewed_at, review_note)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '', $9, '') RETURNING id`,
			f.IncidentID, monthOf(f.Month), f.Spec, int64(asn), f.Reason, f.SubmittedBy, f.SubmittedAt,
			string(store.VerdictPending), time.Time{}).Scan(&id)
	})
	return id, err
}

// Feedback returns the feedback with the given ID, or store.ErrNotFound.
func (s *Store) Feedback(ctx context.Context, id int64) (*store.Feedback, error) {
	fs, err := s.feedbacks(ctx, `SELECT `+feedbackCols+` FROM feedback WHERE id = $1`, id)
	if err == nil && len(fs) == 0 {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: read feedback %d: %w", id, err)
	}
	return &fs[0], nil
}

// Feedbacks lists the feedback f selects, newest first: by submission
// time, then by ID.
func (s *Store) Feedbacks(ctx context.Context, f store.FeedbackFilter) ([]store.Feedback, error) {
	where, args := "true", []any{}
	param := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if len(f.ASNs) > 0 {
		where += " AND asn = ANY(" + param(asnList(f.ASNs)) + ")"
	}
	if f.Verdict != "" {
		where += " AND verdict = " + param(string(f.Verdict))
	}
	if !f.Month.IsZero() {
		where += " AND month = " + param(monthOf(f.Month))
	}
	fs, err := s.feedbacks(ctx, `SELECT `+feedbackCols+` FROM feedback WHERE `+where+
		` ORDER BY submitted_at DESC, id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: list feedback: %w", err)
	}
	return fs, nil
}

// feedbacks runs a query of feedback rows.
func (s *Store) feedbacks(ctx context.Context, query string, args ...any) ([]store.Feedback, error) {
	var out []store.Feedback
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		return each(ctx, tx, func(rows pgx.Rows) error {
			f, err := scanFeedback(rows)
			out = append(out, f)
			return err
		}, query, args...)
	})
	return out, err
}

// scanFeedback scans a feedback row.
func scanFeedback(rows pgx.Row) (store.Feedback, error) {
	var (
		f       store.Feedback
		verdict string
	)
	err := rows.Scan(&f.ID, &f.IncidentID, &f.Month, &f.Spec, &f.ASN, &f.Reason, &f.SubmittedBy, &f.SubmittedAt,
		&verdict, &f.ReviewedBy, &f.ReviewedAt, &f.ReviewNote)
	f.Verdict = store.Verdict(verdict)
	f.Month, f.SubmittedAt, f.ReviewedAt = f.Month.UTC(), f.SubmittedAt.UTC(), f.ReviewedAt.UTC()
	return f, err
}
