package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/observatory-net/observatory/internal/store"
)

// querier is what the read methods need of a read transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// inTx runs fn in one read transaction, so that every query of fn sees the
// same committed state of the database.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() // read-only: nothing to undo
	return fn(tx)
}

// inMonth runs fn in one read transaction with the id of the month, or
// fails with store.ErrNotFound when the month was never written.
func (s *Store) inMonth(ctx context.Context, month time.Time, spec string, fn func(q querier, id int64) error) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM months WHERE month = ? AND spec = ?`, monthKey(month), spec).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("find month: %w", err)
		}
		return fn(tx, id)
	})
}

// done ends a read method: it returns what was read, or no records and
// the error, with the context of the read, marked store.ErrCorrupt when
// the database reports damage.
func done[T any](out []T, err error, what string, month time.Time, spec string) ([]T, error) {
	if err != nil {
		return nil, fmt.Errorf("sqlite: read %s of month %s %q: %w", what, monthKey(month), spec, corrupted(err))
	}
	return out, nil
}

// each runs a query and calls scan for every row.
func each(ctx context.Context, q querier, scan func(*sql.Rows) error, query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Months lists the stored months, newest first, specifications in byte
// order within a month.
func (s *Store) Months(ctx context.Context) ([]store.MonthMeta, error) {
	var metas []store.MonthMeta
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var ids []int64
		err := each(ctx, tx, func(rows *sql.Rows) error {
			mm, id, err := scanMeta(rows)
			metas, ids = append(metas, mm), append(ids, id)
			return err
		}, `SELECT id, month, spec, ingested_at, final, warnings, rib_entries, updates, routes, peers, measured_asn, incidents, not_used
			FROM months ORDER BY month DESC, spec`)
		if err != nil {
			return err
		}
		return readInputs(ctx, tx, metas, ids)
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: list months: %w", corrupted(err))
	}
	return metas, nil
}

// scanMeta scans a months row.
func scanMeta(rows *sql.Rows) (store.MonthMeta, int64, error) {
	var (
		mm       store.MonthMeta
		id, at   int64
		key      string
		warnings []byte
		notUsed  []byte
	)
	st := &mm.Stats
	err := rows.Scan(&id, &key, &mm.Spec, &at, &mm.Final, &warnings,
		&st.RIBEntries, &st.Updates, &st.Routes, intOf(&st.Peers), intOf(&st.MeasuredASN), intOf(&st.Incidents), &notUsed)
	if err != nil {
		return mm, 0, err
	}
	mm.IngestedAt = fromMicros(at)
	if mm.Month, err = parseMonth(key); err != nil {
		return mm, 0, err
	}
	if mm.Warnings, err = decodeStrings(warnings); err != nil {
		return mm, id, err
	}
	mm.NotUsed, err = decodeList[store.NotUsedInput](notUsed)
	return mm, id, err
}

// readInputs reads the inputs of the months with the given ids into metas.
func readInputs(ctx context.Context, q querier, metas []store.MonthMeta, ids []int64) error {
	index := make(map[int64]int, len(ids))
	for i, id := range ids {
		index[id] = i
	}
	return each(ctx, q, func(rows *sql.Rows) error {
		var (
			id, from, to int64
			in           store.Input
		)
		if err := rows.Scan(&id, &in.Path, &in.Kind, &in.Size, &in.SHA256, &in.Records, &from, &to, &in.Target); err != nil {
			return err
		}
		in.From, in.To = fromMicros(from), fromMicros(to)
		if i, ok := index[id]; ok {
			metas[i].Inputs = append(metas[i].Inputs, in)
		}
		return nil
	}, `SELECT month_id, path, kind, size, sha256, records, from_us, to_us, target FROM month_inputs ORDER BY month_id, pos`)
}

// Incidents returns the month's incidents of an ASN, or of every ASN for 0,
// in the order written.
func (s *Store) Incidents(ctx context.Context, month time.Time, spec string, asn uint32) ([]store.Incident, error) {
	var out []store.Incident
	err := s.inMonth(ctx, month, spec, func(q querier, id int64) error {
		query, args := `SELECT id, asn, metric, start_us, end_us, weight, score, excluded, events, evidence
			FROM incidents WHERE month_id = ? ORDER BY pos`, []any{id}
		if asn != 0 {
			query, args = `SELECT id, asn, metric, start_us, end_us, weight, score, excluded, events, evidence
				FROM incidents WHERE month_id = ? AND asn = ? ORDER BY pos`, []any{id, int64(asn)}
		}
		return each(ctx, q, func(rows *sql.Rows) error {
			in, err := scanIncident(rows)
			out = append(out, in)
			return err
		}, query, args...)
	})
	return done(out, err, "incidents", month, spec)
}

// scanIncident scans an incidents row, and into extra any columns that
// follow those of the incident.
func scanIncident(rows *sql.Rows, extra ...any) (store.Incident, error) {
	var (
		in               store.Incident
		start, end       int64
		events, evidence []byte
	)
	err := rows.Scan(append([]any{&in.ID, intOf(&in.ASN), &in.Metric, &start, &end, realOf{&in.Weight}, realOf{&in.Score},
		&in.Excluded, &events, &evidence}, extra...)...)
	if err != nil {
		return in, err
	}
	in.Start, in.End = fromMicros(start), fromMicros(end)
	if len(evidence) > 0 {
		in.Evidence = evidence
	}
	in.Events, err = decodeStrings(events)
	return in, err
}

// Routes returns the month's route evidence of an ASN (0 is AS0), in the
// order written.
func (s *Store) Routes(ctx context.Context, month time.Time, spec string, asn uint32) ([]store.Route, error) {
	var out []store.Route
	err := s.inMonth(ctx, month, spec, func(q querier, id int64) error {
		return each(ctx, q, func(rows *sql.Rows) error {
			r := store.Route{ASN: asn}
			var (
				first, last int64
				sources     sql.RawBytes // decoded, so copied, at once
			)
			err := rows.Scan(&r.Prefix, &r.RPKI, &r.IRR, &sources, &r.Bogon, intOf(&r.Peers), &first, &last)
			if err != nil {
				return err
			}
			r.FirstSeen, r.LastSeen = fromMicros(first), fromMicros(last)
			r.IRRSource, err = decodeStrings(sources)
			out = append(out, r)
			return err
		}, `SELECT prefix, rpki, irr, irr_source, bogon, peers, first_seen, last_seen
			FROM routes WHERE month_id = ? AND asn = ? ORDER BY pos`, id, int64(asn))
	})
	return done(out, err, "routes", month, spec)
}

// AllRoutes returns the month's route evidence of every ASN, by ASN and
// position.
func (s *Store) AllRoutes(ctx context.Context, month time.Time, spec string) ([]store.Route, error) {
	var out []store.Route
	err := s.inMonth(ctx, month, spec, func(q querier, id int64) error {
		return each(ctx, q, func(rows *sql.Rows) error {
			var (
				r           store.Route
				first, last int64
				sources     sql.RawBytes // decoded, so copied, at once
			)
			err := rows.Scan(&r.ASN, &r.Prefix, &r.RPKI, &r.IRR, &sources, &r.Bogon, intOf(&r.Peers), &first, &last)
			if err != nil {
				return err
			}
			r.FirstSeen, r.LastSeen = fromMicros(first), fromMicros(last)
			r.IRRSource, err = decodeStrings(sources)
			out = append(out, r)
			return err
		}, `SELECT asn, prefix, rpki, irr, irr_source, bogon, peers, first_seen, last_seen
			FROM routes WHERE month_id = ? ORDER BY asn, pos`, id)
	})
	return done(out, err, "routes", month, spec)
}

// ROVEvidence returns the month's ROV evidence of an ASN, or of every ASN
// for 0, by ASN and position.
func (s *Store) ROVEvidence(ctx context.Context, month time.Time, spec string, asn uint32) ([]store.ROVObservation, error) {
	var out []store.ROVObservation
	err := s.inMonth(ctx, month, spec, func(q querier, id int64) error {
		return each(ctx, q, func(rows *sql.Rows) error {
			var e store.ROVObservation
			var prefix string
			if err := rows.Scan(&e.ASN, &e.Kind, &prefix, &e.Origin, &e.RPKI, &e.Path, &e.Alternative,
				&e.ViaPrefix, &e.Via, &e.Relationship); err != nil {
				return err
			}
			p, err := netip.ParsePrefix(prefix)
			if err != nil {
				return fmt.Errorf("AS%d ROV evidence: %w", e.ASN, err)
			}
			e.Prefix = p
			out = append(out, e)
			return nil
		}, `SELECT asn, kind, prefix, origin, rpki, path, alternative, via_prefix, via, relationship FROM rov_evidence
			WHERE month_id = ?1 AND (?2 = 0 OR asn = ?2) ORDER BY asn, pos`, id, int64(asn))
	})
	return done(out, err, "ROV evidence", month, spec)
}

// Orgs returns the month's PeeringDB organisations, by ASN.
func (s *Store) Orgs(ctx context.Context, month time.Time, spec string) ([]store.ASNOrg, error) {
	var out []store.ASNOrg
	err := s.inMonth(ctx, month, spec, func(q querier, id int64) error {
		return each(ctx, q, func(rows *sql.Rows) error {
			var o store.ASNOrg
			err := rows.Scan(&o.ASN, intOf(&o.Org.ID), &o.Org.Name)
			out = append(out, o)
			return err
		}, `SELECT asn, org_id, org_name FROM asn_orgs WHERE month_id = ? ORDER BY asn`, id)
	})
	return done(out, err, "organisations", month, spec)
}

// Upstreams returns the month's upstream records of an ASN, or of every
// ASN for 0, by ASN and position.
func (s *Store) Upstreams(ctx context.Context, month time.Time, spec string, asn uint32) ([]store.Upstream, error) {
	var out []store.Upstream
	err := s.inMonth(ctx, month, spec, func(q querier, id int64) error {
		return each(ctx, q, func(rows *sql.Rows) error {
			var u store.Upstream
			err := rows.Scan(&u.ASN, intOf(&u.Hop), &u.Via, &u.Upstream, &u.Rel, intOf(&u.Prefixes), intOf(&u.Paths), &u.Example)
			out = append(out, u)
			return err
		}, `SELECT asn, hop, via, upstream, rel, prefixes, paths, example FROM upstreams
			WHERE month_id = ?1 AND (?2 = 0 OR asn = ?2) ORDER BY asn, pos`, id, int64(asn))
	})
	return done(out, err, "upstreams", month, spec)
}

// ROAStats returns the month's ROA statistics of a scope, or of every
// scope for "", in the order written.
func (s *Store) ROAStats(ctx context.Context, month time.Time, spec, scope string) ([]store.ROAStat, error) {
	const cols = `SELECT scope, key, family, valid, invalid, not_found, valid_space, invalid_space, not_found_space FROM roa_stats`
	var out []store.ROAStat
	err := s.inMonth(ctx, month, spec, func(q querier, id int64) error {
		query, args := scoped(cols, id, scope)
		return each(ctx, q, func(rows *sql.Rows) error {
			var r store.ROAStat
			err := rows.Scan(&r.Scope, &r.Key, intOf(&r.Family), &r.Valid, &r.Invalid, &r.NotFound,
				&r.ValidSpace, &r.InvalidSpace, &r.NotFoundSpace)
			out = append(out, r)
			return err
		}, query, args...)
	})
	return done(out, err, "ROA statistics", month, spec)
}

// Aggregates returns the month's aggregates of a scope, or of every scope
// for "", in the order written.
func (s *Store) Aggregates(ctx context.Context, month time.Time, spec, scope string) ([]store.Aggregate, error) {
	const cols = `SELECT scope, key, score, value, ready, aspire, lag, no_data FROM aggregates`
	var out []store.Aggregate
	err := s.inMonth(ctx, month, spec, func(q querier, id int64) error {
		query, args := scoped(cols, id, scope)
		return each(ctx, q, func(rows *sql.Rows) error {
			var a store.Aggregate
			err := rows.Scan(&a.Scope, &a.Key, &a.Score, realOf{&a.Value}, intOf(&a.Ready), intOf(&a.Aspire),
				intOf(&a.Lag), intOf(&a.NoData))
			out = append(out, a)
			return err
		}, query, args...)
	})
	return done(out, err, "aggregates", month, spec)
}

// scoped completes a query of a table of scoped records: those of one
// month, of one scope unless scope is "", in the order written.
func scoped(selectFrom string, id int64, scope string) (string, []any) {
	if scope == "" {
		return selectFrom + ` WHERE month_id = ? ORDER BY pos`, []any{id}
	}
	return selectFrom + ` WHERE month_id = ? AND scope = ? ORDER BY pos`, []any{id, scope}
}

// Participants returns the participants recorded with the month, in the
// order written.
func (s *Store) Participants(ctx context.Context, month time.Time, spec string) ([]store.Participant, error) {
	var out []store.Participant
	err := s.inMonth(ctx, month, spec, func(q querier, id int64) error {
		return each(ctx, q, func(rows *sql.Rows) error {
			var (
				p           store.Participant
				approved    int64
				asns, areas []byte
			)
			err := rows.Scan(&p.Organisation, &p.Programme, &asns, &approved, &areas)
			if err != nil {
				return err
			}
			p.Approved = fromMicros(approved)
			if p.ASNs, err = decodeList[uint32](asns); err != nil {
				return err
			}
			p.Areas, err = decodeStrings(areas)
			out = append(out, p)
			return err
		}, `SELECT organisation, programme, asns, approved, areas FROM participants WHERE month_id = ? ORDER BY pos`, id)
	})
	return done(out, err, "participants", month, spec)
}
