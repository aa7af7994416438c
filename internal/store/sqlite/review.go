package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/observatory-net/observatory/internal/store"
)

// Review records a verdict on a pending feedback, in one transaction with
// what an accepted verdict changes in the feedback's month: the incident
// is marked excluded, r.ASN replaces the stored record of the ASN (metrics
// and scores included), and each of r.Aggregates replaces the stored
// aggregate of the same scope, key and score (or is added). Routes, ROA
// statistics and other aggregates are left alone. Feedback that is no
// longer pending is store.ErrConflict; on any error nothing changes.
func (s *Store) Review(ctx context.Context, r *store.Review) error {
	if err := store.ValidateReview(r); err != nil {
		return fmt.Errorf("sqlite: review: %w", err)
	}
	if err := s.review(ctx, r); err != nil {
		return fmt.Errorf("sqlite: review feedback %d: %w", r.FeedbackID, err)
	}
	return nil
}

func (s *Store) review(ctx context.Context, r *store.Review) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	f, err := pendingFeedback(ctx, tx, r)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE feedback SET verdict = ?, reviewed_by = ?, reviewed_at = ?, review_note = ?
		WHERE id = ?`, string(r.Verdict), r.ReviewedBy, micros(r.ReviewedAt), r.Note, r.FeedbackID)
	if err != nil {
		return fmt.Errorf("record verdict: %w", err)
	}
	if r.Verdict == store.VerdictAccepted {
		if err := accept(ctx, tx, f, r); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// pendingFeedback reads the feedback r decides, and checks that it is
// pending and that r fits it.
func pendingFeedback(ctx context.Context, tx *sql.Tx, r *store.Review) (*store.Feedback, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+feedbackCols+` FROM feedback WHERE id = ?`, r.FeedbackID)
	if err != nil {
		return nil, fmt.Errorf("read feedback: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, orNotFound(rows.Err())
	}
	f, err := scanFeedback(rows)
	if err != nil {
		return nil, fmt.Errorf("read feedback: %w", err)
	}
	return &f, store.CheckReviewOf(r, &f)
}

// accept applies an accepted verdict to the feedback's month.
func accept(ctx context.Context, tx *sql.Tx, f *store.Feedback, r *store.Review) error {
	w := &writer{ctx: ctx, tx: tx}
	err := tx.QueryRowContext(ctx, `SELECT id FROM months WHERE month = ? AND spec = ?`, monthKey(f.Month), f.Spec).Scan(&w.id)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("month %s %q: %w", monthKey(f.Month), f.Spec, store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("find month: %w", err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE incidents SET excluded = 1 WHERE month_id = ? AND id = ?`, w.id, f.IncidentID)
	if err != nil {
		return fmt.Errorf("exclude incident: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("exclude incident %q: %w", f.IncidentID, orNotFound(err))
	}
	if err := w.replaceASN(r.ASN); err != nil {
		return fmt.Errorf("replace AS%d: %w", r.ASN.ASN, err)
	}
	if err := w.replaceAggregates(r.Aggregates); err != nil {
		return fmt.Errorf("replace aggregates: %w", err)
	}
	return nil
}

// replaceASN replaces the month's record of a.ASN, with its metrics and
// scores, by a.
func (w *writer) replaceASN(a *store.ASN) error {
	for _, table := range []string{"asns", "asn_metrics", "asn_scores"} {
		if _, err := w.tx.ExecContext(w.ctx, `DELETE FROM `+table+` WHERE month_id = ? AND asn = ?`, w.id, int64(a.ASN)); err != nil {
			return fmt.Errorf("delete from %s: %w", table, err)
		}
	}
	return w.asns(&store.Month{ASNs: []store.ASN{*a}})
}

// replaceAggregates sets the values of the month's aggregates of the same
// scope, key and score as aggs, keeping their position, and appends those
// the month lacks.
func (w *writer) replaceAggregates(aggs []store.Aggregate) error {
	update, err := w.tx.PrepareContext(w.ctx, `UPDATE aggregates SET value = ?, ready = ?, aspire = ?, lag = ?, no_data = ?
		WHERE month_id = ? AND scope = ? AND key = ? AND score = ?`)
	if err != nil {
		return err
	}
	defer update.Close()
	for _, a := range aggs {
		res, err := update.ExecContext(w.ctx, a.Value, int64(a.Ready), int64(a.Aspire), int64(a.Lag), int64(a.NoData),
			w.id, a.Scope, a.Key, a.Score)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		if _, err := w.tx.ExecContext(w.ctx, `INSERT INTO aggregates
			(month_id, pos, scope, key, score, value, ready, aspire, lag, no_data)
			SELECT ?1, coalesce(max(pos), -1) + 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9 FROM aggregates WHERE month_id = ?1`,
			w.id, a.Scope, a.Key, a.Score, a.Value, int64(a.Ready), int64(a.Aspire), int64(a.Lag), int64(a.NoData)); err != nil {
			return err
		}
	}
	return nil
}
