package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/observatory-net/observatory/internal/store"
)

// ASNs returns the month's ASN records matching f, in ASN order, each with
// its metrics (unless f.ScoresOnly) and scores in the order written.
func (s *Store) ASNs(ctx context.Context, month time.Time, spec string, f store.Filter) ([]store.ASN, error) {
	var out []store.ASN
	err := s.inMonth(ctx, month, spec, func(q querier, id int64) error {
		where, args, err := filterSQL(id, f)
		if err != nil {
			return err
		}
		err = each(ctx, q, func(rows *sql.Rows) error {
			var a store.ASN
			err := rows.Scan(intOf(&a.ASN), &a.Holder, &a.Country, &a.RIR, &a.Region, &a.SubRegion, &a.Participant,
				intOf(&a.Peers), intOf(&a.Announced), intOf(&a.Cone), intOf(&a.Space4), intOf(&a.Space6),
				&a.ROV, intOf(&a.ROVPropagated), intOf(&a.ROVDropped), &a.ROVConfidence,
				&a.Leak.Verdict, intOf(&a.Leak.Originated), intOf(&a.Leak.CustomerLeaks), intOf(&a.Leak.CustomerRoutes),
				&a.Leak.ASPA, intOf(&a.Leak.ASPAProviders), intOf(&a.Leak.ASPAMissing), intOf(&a.Org.ID), &a.Org.Name)
			out = append(out, a)
			return err
		}, `SELECT a.asn, a.holder, a.country, a.rir, a.region, a.sub_region, a.participant, a.peers, a.announced,
			a.cone, a.space4, a.space6, a.rov, a.rov_propagated, a.rov_dropped, a.rov_confidence,
			a.leak, a.leaks, a.customer_leaks, a.customer_routes, a.aspa, a.aspa_providers, a.aspa_missing,
			COALESCE(o.org_id, 0), COALESCE(o.org_name, '')
			FROM asns a LEFT JOIN asn_orgs o ON o.month_id = a.month_id AND o.asn = a.asn WHERE `+where+` ORDER BY a.asn`, args...)
		if err != nil || len(out) == 0 {
			return err
		}
		if !f.ScoresOnly {
			if err := readMetrics(ctx, q, out, where, args); err != nil {
				return err
			}
		}
		return readScores(ctx, q, out, where, args)
	})
	return done(out, err, "ASNs", month, spec)
}

// allASNs is the condition that selects every ASN of a month.
const allASNs = "a.month_id = ?"

// filterSQL returns the condition on asns rows (table alias a) of a month
// that f selects, and its arguments. The SQL is made of constant pieces
// only; every value is bound.
func filterSQL(id int64, f store.Filter) (string, []any, error) {
	where, args := allASNs, []any{id}
	if len(f.ASNs) > 0 {
		// One parameter however long the list: SQLite bounds their number.
		list, err := jsonList(f.ASNs)
		if err != nil {
			return "", nil, err
		}
		where += " AND a.asn IN (SELECT value FROM json_each(?))"
		args = append(args, list)
	}
	if f.Country != "" {
		where += " AND a.country = ?"
		args = append(args, f.Country)
	}
	if f.Region != "" {
		where += " AND (a.region = ? OR a.sub_region = ? OR a.rir = ?)"
		args = append(args, f.Region, f.Region, f.Region)
	}
	return where, args, nil
}

// perASN completes a query of a table of per-ASN records (alias m) for
// the ASNs of the month that where selects (alias a), in ASN order and
// then in the order written. For every ASN, it reads the month's rows of
// table directly. Otherwise CROSS JOIN makes SQLite select the ASNs first
// and look up their rows, rather than scan all the month's rows for
// matching ASNs, as it may choose to without statistics.
func perASN(selectCols, table, where string) string {
	if where == allASNs {
		return selectCols + " FROM " + table + " m WHERE m.month_id = ? ORDER BY m.asn, m.pos"
	}
	return selectCols + " FROM asns a CROSS JOIN " + table + " m ON m.month_id = a.month_id AND m.asn = a.asn" +
		" WHERE " + where + " ORDER BY a.asn, m.pos"
}

// readMetrics reads the metrics of the ASN records out, which are sorted by
// ASN and were selected by where and args.
func readMetrics(ctx context.Context, q querier, out []store.ASN, where string, args []any) error {
	c := cursor{asns: out}
	return each(ctx, q, func(rows *sql.Rows) error {
		var (
			asn      uint32
			m        store.Metric
			evidence sql.NullString
		)
		if err := rows.Scan(intOf(&asn), &m.ID, realOf{&m.Raw}, realOf{&m.Score}, &m.HasData, &m.Counted, &evidence); err != nil {
			return err
		}
		if evidence.Valid && evidence.String != "" {
			m.Evidence = json.RawMessage(evidence.String)
		}
		if a := c.find(asn); a != nil {
			a.Metrics = append(a.Metrics, m)
		}
		return nil
	}, perASN("SELECT m.asn, m.id, m.raw, m.score, m.has_data, m.counted, m.evidence", "asn_metrics", where), args...)
}

// readScores reads the scores of the ASN records out, as readMetrics does.
func readScores(ctx context.Context, q querier, out []store.ASN, where string, args []any) error {
	c := cursor{asns: out}
	return each(ctx, q, func(rows *sql.Rows) error {
		var (
			asn uint32
			x   store.Score
		)
		if err := rows.Scan(intOf(&asn), &x.ID, realOf{&x.Value}, &x.HasData, &x.Level); err != nil {
			return err
		}
		if a := c.find(asn); a != nil {
			a.Scores = append(a.Scores, x)
		}
		return nil
	}, perASN("SELECT m.asn, m.id, m.value, m.has_data, m.level", "asn_scores", where), args...)
}

// cursor finds ASN records, sorted by ASN, for rows that come in ASN order.
type cursor struct {
	asns []store.ASN
	i    int
}

// find returns the record of asn, or nil; asn must not decrease from one
// call to the next.
func (c *cursor) find(asn uint32) *store.ASN {
	for c.i < len(c.asns) && c.asns[c.i].ASN < asn {
		c.i++
	}
	if c.i < len(c.asns) && c.asns[c.i].ASN == asn {
		return &c.asns[c.i]
	}
	return nil
}
