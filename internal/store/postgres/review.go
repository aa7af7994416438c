package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/observatory-net/observatory/internal/store"
)

// Review records a verdict on a pending feedback, in one transaction with
// what an accepted verdict changes in the feedback's month: the incident
// is marked excluded, r.ASN replaces the stored row of the ASN (metric and
// score arrays included), and each of r.Aggregates replaces the stored
// aggregate of the same scope, key and score (or is added). Routes, ROA
// statistics and other aggregates are left alone. Feedback that is no
// longer pending is store.ErrConflict; on any error nothing changes.
//
// The feedback row is locked (FOR UPDATE), so that of two concurrent
// reviews one waits and then finds the feedback decided; an accepted
// review also takes the month's writer lock, so that it never interleaves
// with a WriteMonth of the same month.
func (s *Store) Review(ctx context.Context, r *store.Review) error {
	if err := store.ValidateReview(r); err != nil {
		return fmt.Errorf("postgres: review: %w", err)
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return review(ctx, tx, r) })
	if err != nil {
		return fmt.Errorf("postgres: review feedback %d: %w", r.FeedbackID, err)
	}
	return nil
}

func review(ctx context.Context, tx pgx.Tx, r *store.Review) error {
	f, err := scanFeedback(tx.QueryRow(ctx, `SELECT `+feedbackCols+` FROM feedback WHERE id = $1 FOR UPDATE`, r.FeedbackID))
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("read feedback: %w", err)
	}
	if err := store.CheckReviewOf(r, &f); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE feedback SET verdict = $1, reviewed_by = $2, reviewed_at = $3, review_note = $4
		WHERE id = $5`, string(r.Verdict), r.ReviewedBy, r.ReviewedAt, r.Note, r.FeedbackID)
	if err != nil {
		return fmt.Errorf("record verdict: %w", err)
	}
	if r.Verdict != store.VerdictAccepted {
		return nil
	}
	return accept(ctx, tx, &f, r)
}

// accept applies an accepted verdict to the feedback's month.
func accept(ctx context.Context, tx pgx.Tx, f *store.Feedback, r *store.Review) error {
	w := &writer{ctx: ctx, tx: tx}
	month := monthOf(f.Month)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, lockClass, monthKey(month)+" "+f.Spec); err != nil {
		return fmt.Errorf("lock month: %w", err)
	}
	err := tx.QueryRow(ctx, `SELECT id FROM months WHERE month = $1 AND spec = $2`, month, f.Spec).Scan(&w.id)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("month %s %q: %w", monthKey(month), f.Spec, store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("find month: %w", err)
	}
	tag, err := tx.Exec(ctx, `UPDATE incidents SET excluded = true WHERE month_id = $1 AND id = $2`, w.id, f.IncidentID)
	if err != nil {
		return fmt.Errorf("exclude incident: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("exclude incident %q: %w", f.IncidentID, store.ErrNotFound)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM asns WHERE month_id = $1 AND asn = $2`, w.id, int64(r.ASN.ASN)); err != nil {
		return fmt.Errorf("replace AS%d: %w", r.ASN.ASN, err)
	}
	if err := w.asns(&store.Month{ASNs: []store.ASN{*r.ASN}}); err != nil {
		return fmt.Errorf("replace AS%d: %w", r.ASN.ASN, err)
	}
	if err := w.replaceAggregates(r.Aggregates); err != nil {
		return fmt.Errorf("replace aggregates: %w", err)
	}
	return nil
}

// replaceAggregates sets the values of the month's aggregates of the same
// scope, key and score as aggs, keeping their position, and appends those
// the month lacks, in the order of aggs. Two statements, whatever the
// number of aggregates: they travel as arrays.
func (w *writer) replaceAggregates(aggs []store.Aggregate) error {
	if len(aggs) == 0 {
		return nil
	}
	n := len(aggs)
	scopes, keys, scores := make([]string, n), make([]string, n), make([]string, n)
	values := make([]float64, n)
	ready, aspire, lag, noData := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	for i, a := range aggs {
		scopes[i], keys[i], scores[i], values[i] = a.Scope, a.Key, a.Score, a.Value
		ready[i], aspire[i], lag[i], noData[i] = int64(a.Ready), int64(a.Aspire), int64(a.Lag), int64(a.NoData)
	}
	const given = `unnest($2::text[], $3::text[], $4::text[], $5::float8[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[])
		WITH ORDINALITY AS u (scope, key, score, value, ready, aspire, lag, no_data, ord)`
	args := []any{w.id, scopes, keys, scores, values, ready, aspire, lag, noData}
	if _, err := w.tx.Exec(w.ctx, `UPDATE aggregates a
		SET value = u.value, ready = u.ready, aspire = u.aspire, lag = u.lag, no_data = u.no_data
		FROM `+given+`
		WHERE a.month_id = $1 AND a.scope = u.scope AND a.key = u.key AND a.score = u.score`, args...); err != nil {
		return fmt.Errorf("update: %w", err)
	}
	_, err := w.tx.Exec(w.ctx, `INSERT INTO aggregates (month_id, pos, scope, key, score, value, ready, aspire, lag, no_data)
		SELECT $1, (SELECT coalesce(max(pos), -1) FROM aggregates WHERE month_id = $1) + row_number() OVER (ORDER BY u.ord),
			u.scope, u.key, u.score, u.value, u.ready, u.aspire, u.lag, u.no_data
		FROM `+given+`
		WHERE NOT EXISTS (SELECT 1 FROM aggregates a
			WHERE a.month_id = $1 AND a.scope = u.scope AND a.key = u.key AND a.score = u.score)`, args...)
	if err != nil {
		return fmt.Errorf("insert: %w", err)
	}
	return nil
}
