package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/observatory-net/observatory/internal/store"
)

// ASNs returns the month's ASN records matching f, in ASN order, each with
// its metrics (unless f.ScoresOnly) and scores in the order written.
func (s *Store) ASNs(ctx context.Context, month time.Time, spec string, f store.Filter) ([]store.ASN, error) {
	var out []store.ASN
	err := s.inMonth(ctx, month, spec, func(tx pgx.Tx, id int64) error {
		where, args := filterSQL(id, f)
		var r asnRow
		metrics := `a.metric_ids, a.metric_raws, a.metric_scores, a.metric_has_data, a.metric_counted`
		if f.ScoresOnly {
			metrics = `NULL::text[], NULL::float8[], NULL::float8[], NULL::boolean[], NULL::boolean[]`
		}
		evidence := `a.metric_evidence`
		if f.ScoresOnly {
			evidence = `NULL::text[]`
		}
		return each(ctx, tx, func(rows pgx.Rows) error {
			a, err := r.scan(rows)
			out = append(out, a)
			return err
		}, `SELECT a.asn, a.holder, a.country, a.rir, a.region, a.sub_region, a.participant, a.peers, a.announced,
			`+metrics+`, a.score_ids, a.score_values, a.score_has_data, a.score_levels, `+evidence+`,
			a.cone, a.space4, a.space6, a.rov, a.rov_propagated, a.rov_dropped, a.rov_confidence,
			a.leak, a.leaks, a.customer_leaks, a.customer_routes, a.aspa, a.aspa_providers, a.aspa_missing,
			COALESCE(o.org_id, 0), COALESCE(o.org_name, '')
			FROM asns a LEFT JOIN asn_orgs o ON o.month_id = a.month_id AND o.asn = a.asn WHERE `+where+` ORDER BY a.asn`, args...)
	})
	return done(out, err, "ASNs", month, spec)
}

// asnRow holds the array columns of an asns row while it is scanned.
type asnRow struct {
	metricIDs, scoreIDs, levels []string
	evidence                    []string
	raws, scores, values        []float64
	metricHas, counted, hasData []bool
}

// scan scans an asns row into an ASN record.
func (r *asnRow) scan(rows pgx.Rows) (store.ASN, error) {
	var a store.ASN
	err := rows.Scan(&a.ASN, &a.Holder, &a.Country, &a.RIR, &a.Region, &a.SubRegion, &a.Participant,
		&a.Peers, &a.Announced, &r.metricIDs, &r.raws, &r.scores, &r.metricHas, &r.counted,
		&r.scoreIDs, &r.values, &r.hasData, &r.levels, &r.evidence, &a.Cone, &a.Space4, &a.Space6,
		&a.ROV, &a.ROVPropagated, &a.ROVDropped, &a.ROVConfidence,
		&a.Leak.Verdict, &a.Leak.Originated, &a.Leak.CustomerLeaks, &a.Leak.CustomerRoutes, &a.Leak.ASPA,
		&a.Leak.ASPAProviders, &a.Leak.ASPAMissing, &a.Org.ID, &a.Org.Name)
	if err != nil {
		return a, err
	}
	// The schema checks that the arrays of a kind have the same length.
	if n := len(r.metricIDs); n > 0 {
		if len(r.raws) != n || len(r.scores) != n || len(r.metricHas) != n || len(r.counted) != n {
			return a, fmt.Errorf("AS%d: metric arrays of different lengths", a.ASN)
		}
		a.Metrics = make([]store.Metric, n)
		for i := range a.Metrics {
			a.Metrics[i] = store.Metric{ID: r.metricIDs[i], Raw: r.raws[i], Score: r.scores[i],
				HasData: r.metricHas[i], Counted: r.counted[i]}
			if len(r.evidence) == n && r.evidence[i] != "" {
				a.Metrics[i].Evidence = json.RawMessage(r.evidence[i])
			}
		}
	}
	if n := len(r.scoreIDs); n > 0 {
		if len(r.values) != n || len(r.hasData) != n || len(r.levels) != n {
			return a, fmt.Errorf("AS%d: score arrays of different lengths", a.ASN)
		}
		a.Scores = make([]store.Score, n)
		for i := range a.Scores {
			a.Scores[i] = store.Score{ID: r.scoreIDs[i], Value: r.values[i], HasData: r.hasData[i], Level: r.levels[i]}
		}
	}
	return a, nil
}

// filterSQL returns the condition on asns rows (table alias a) of a month
// that f selects, and its arguments. The SQL is made of constant pieces and
// parameter numbers only; every value is bound.
func filterSQL(id int64, f store.Filter) (string, []any) {
	where, args := "a.month_id = $1", []any{id}
	param := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if len(f.ASNs) > 0 {
		list := make([]int64, len(f.ASNs)) // one array parameter, however long
		for i, a := range f.ASNs {
			list[i] = int64(a)
		}
		where += " AND a.asn = ANY(" + param(list) + ")"
	}
	if f.Country != "" {
		where += " AND a.country = " + param(f.Country)
	}
	if f.Region != "" {
		p := param(f.Region)
		where += " AND (a.region = " + p + " OR a.sub_region = " + p + " OR a.rir = " + p + ")"
	}
	return where, args
}
