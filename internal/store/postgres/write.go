package postgres

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/observatory-net/observatory/internal/store"
)

// WriteMonth replaces the month m.Meta.Month of specification m.Meta.Spec
// with m, in one transaction. Meta.Month must be the first instant of a
// UTC month and Meta.Spec must not be empty; NaN values, invalid evidence
// JSON, a second record of an ASN or a second incident with the same ID
// fail the write and leave the previous version in place.
func (s *Store) WriteMonth(ctx context.Context, m *store.Month) error {
	if err := store.ValidateMonth(m); err != nil {
		return fmt.Errorf("postgres: write month: %w", err)
	}
	if err := s.writeMonth(ctx, m); err != nil {
		if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
			// pgx may report a broken connection, not why it broke.
			err = fmt.Errorf("%w: %w", ctx.Err(), err)
		}
		return fmt.Errorf("postgres: write month %s %q: %w", monthKey(m.Meta.Month), m.Meta.Spec, err)
	}
	return nil
}

// rollbackTimeout bounds the rollback of a failed write. After a done
// context pgx has usually closed the connection already, which rolls the
// transaction back on the server.
const rollbackTimeout = 10 * time.Second

// writeMonth runs the write transaction.
func (s *Store) writeMonth(ctx context.Context, m *store.Month) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
		defer cancel()
		_ = tx.Rollback(rctx) // a no-op after Commit
	}()
	w := &writer{ctx: ctx, tx: tx}
	steps := []struct {
		what string
		fn   func(*store.Month) error
	}{
		{"replace month", w.meta},
		{"copy inputs", w.inputs},
		{"copy ASNs", w.asns},
		{"copy incidents", w.incidents},
		{"copy routes", w.routes},
		{"copy upstreams", w.upstreams},
		{"copy organisations", w.orgs},
		{"copy ROV evidence", w.rovEvidence},
		{"copy ROA statistics", w.roaStats},
		{"copy aggregates", w.aggregates},
		{"copy participants", w.participants},
	}
	for _, st := range steps {
		if err := st.fn(m); err != nil {
			return fmt.Errorf("%s: %w", st.what, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// testHookReplaced, when set by a test, runs inside the write transaction
// once the previous version of the month has been deleted.
var testHookReplaced func()

// lockClass is the first key of the transaction advisory lock that
// serialises the writers of one (month, spec), "OBS" in ASCII; the second
// key is a hash of the month and specification. A hash collision only
// makes two writes wait for each other.
const lockClass int32 = 0x4f4253

// writer writes the records of one month in one transaction.
type writer struct {
	ctx context.Context
	tx  pgx.Tx
	id  int64 // months.id of the month being written
}

// monthTables are the tables of month records, keyed by month_id.
var monthTables = []string{"month_inputs", "asns", "incidents", "routes",
	"roa_stats", "aggregates", "participants", "upstreams", "asn_orgs", "rov_evidence"}

// meta waits for any other writer of the month, deletes the previous
// version with all its records, and inserts the new months row. Without the
// lock, a second writer of a month that did not exist yet would fail on the
// unique key when the first commits; with it, writers take turns, as they
// do on an SQLite file.
func (w *writer) meta(m *store.Month) error {
	mm, month := &m.Meta, monthOf(m.Meta.Month)
	if _, err := w.tx.Exec(w.ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`,
		lockClass, monthKey(month)+" "+mm.Spec); err != nil {
		return fmt.Errorf("lock month: %w", err)
	}
	if err := w.deleteMonth(month, mm.Spec); err != nil {
		return err
	}
	if testHookReplaced != nil {
		testHookReplaced()
	}
	var notUsed []byte
	if len(mm.NotUsed) > 0 {
		var err error
		if notUsed, err = json.Marshal(mm.NotUsed); err != nil {
			return err
		}
	}
	st := &mm.Stats
	return w.tx.QueryRow(w.ctx, `INSERT INTO months
		(month, spec, ingested_at, final, warnings, rib_entries, updates, routes, peers, measured_asn, incidents, not_used)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		month, mm.Spec, mm.IngestedAt, mm.Final, textList(mm.Warnings),
		st.RIBEntries, st.Updates, st.Routes, int64(st.Peers), int64(st.MeasuredASN), int64(st.Incidents), notUsed,
	).Scan(&w.id)
}

// deleteMonth deletes the month's row and its records, if any.
func (w *writer) deleteMonth(month time.Time, spec string) error {
	var old int64
	err := w.tx.QueryRow(w.ctx, `DELETE FROM months WHERE month = $1 AND spec = $2 RETURNING id`, month, spec).Scan(&old)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, table := range monthTables {
		if _, err := w.tx.Exec(w.ctx, `DELETE FROM `+table+` WHERE month_id = $1`, old); err != nil {
			return fmt.Errorf("delete from %s: %w", table, err)
		}
	}
	return nil
}

// copyRows copies n rows into table with COPY: month_id, then cols, whose
// values fill(i, row) sets for the i-th row. Table and column names are
// constants of this package; values travel in COPY's binary format.
func (w *writer) copyRows(table string, cols []string, n int, fill func(i int, row []any)) error {
	if n == 0 {
		return nil
	}
	row := make([]any, 1+len(cols)) // reused: pgx encodes a row before asking for the next
	row[0] = w.id
	_, err := w.tx.CopyFrom(w.ctx, pgx.Identifier{table}, append([]string{"month_id"}, cols...),
		pgx.CopyFromSlice(n, func(i int) ([]any, error) {
			fill(i, row[1:])
			return row, nil
		}))
	if err != nil {
		return fmt.Errorf("copy into %s: %w", table, err)
	}
	return nil
}

func (w *writer) inputs(m *store.Month) error {
	return w.copyRows("month_inputs", []string{"pos", "path", "kind", "size", "sha256", "records", "from_ts", "to_ts", "target"},
		len(m.Meta.Inputs), func(i int, r []any) {
			in := &m.Meta.Inputs[i]
			r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8] = i, in.Path, in.Kind, in.Size, in.SHA256, in.Records, in.From, in.To, in.Target
		})
}

// asns copies the ASN records, with their metrics and scores, in ASN
// order, so that the table and its primary key fill in order.
func (w *writer) asns(m *store.Month) error {
	order := make([]int, len(m.ASNs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int { return cmp.Compare(m.ASNs[i].ASN, m.ASNs[j].ASN) })
	var ms metricArrays
	var ss scoreArrays
	return w.copyRows("asns", []string{"asn", "holder", "country", "rir", "region", "sub_region", "participant",
		"peers", "announced", "metric_ids", "metric_raws", "metric_scores", "metric_has_data", "metric_counted",
		"score_ids", "score_values", "score_has_data", "score_levels", "metric_evidence",
		"cone", "space4", "space6", "rov", "rov_propagated", "rov_dropped", "rov_confidence",
		"leak", "leaks", "customer_leaks", "customer_routes", "aspa", "aspa_providers", "aspa_missing"}, len(m.ASNs), func(i int, r []any) {
		a := &m.ASNs[order[i]]
		ms.set(a.Metrics)
		ss.set(a.Scores)
		r[0], r[1], r[2], r[3], r[4], r[5] = int64(a.ASN), a.Holder, a.Country, a.RIR, a.Region, a.SubRegion
		r[6], r[7], r[8] = a.Participant, int64(a.Peers), int64(a.Announced)
		r[9], r[10], r[11], r[12], r[13] = ms.ids, ms.raws, ms.scores, ms.hasData, ms.counted
		r[14], r[15], r[16], r[17], r[18] = ss.ids, ss.values, ss.hasData, ss.levels, ms.evidence
		r[19], r[20], r[21] = int64(a.Cone), a.Space4, a.Space6
		r[22], r[23], r[24], r[25] = a.ROV, int64(a.ROVPropagated), int64(a.ROVDropped), a.ROVConfidence
		l := &a.Leak
		r[26], r[27], r[28], r[29], r[30], r[31], r[32] = l.Verdict, int64(l.Originated), int64(l.CustomerLeaks),
			int64(l.CustomerRoutes), l.ASPA, int64(l.ASPAProviders), int64(l.ASPAMissing)
	})
}

// metricArrays are the metrics of one ASN record as the columns of its
// row, reused from row to row: never nil, so that no metrics is '{}'.
type metricArrays struct {
	ids              []string
	raws, scores     []float64
	hasData, counted []bool
	evidence         []string // one per metric, '' for none; empty when none has any
}

func (c *metricArrays) set(ms []store.Metric) {
	if c.ids == nil {
		c.ids, c.raws, c.scores = []string{}, []float64{}, []float64{}
		c.hasData, c.counted = []bool{}, []bool{}
	}
	c.ids, c.raws, c.scores = c.ids[:0], c.raws[:0], c.scores[:0]
	c.hasData, c.counted = c.hasData[:0], c.counted[:0]
	c.evidence = c.evidence[:0]
	if c.evidence == nil {
		c.evidence = []string{}
	}
	some := false
	for _, x := range ms {
		c.ids, c.raws, c.scores = append(c.ids, x.ID), append(c.raws, x.Raw), append(c.scores, x.Score)
		c.hasData, c.counted = append(c.hasData, x.HasData), append(c.counted, x.Counted)
		c.evidence = append(c.evidence, string(x.Evidence))
		some = some || len(x.Evidence) > 0
	}
	if !some {
		c.evidence = c.evidence[:0]
	}
}

// scoreArrays are the scores of one ASN record as the columns of its row.
type scoreArrays struct {
	ids, levels []string
	values      []float64
	hasData     []bool
}

func (c *scoreArrays) set(ss []store.Score) {
	if c.ids == nil {
		c.ids, c.levels, c.values, c.hasData = []string{}, []string{}, []float64{}, []bool{}
	}
	c.ids, c.levels, c.values, c.hasData = c.ids[:0], c.levels[:0], c.values[:0], c.hasData[:0]
	for _, x := range ss {
		c.ids, c.levels = append(c.ids, x.ID), append(c.levels, x.Level)
		c.values, c.hasData = append(c.values, x.Value), append(c.hasData, x.HasData)
	}
}

func (w *writer) incidents(m *store.Month) error {
	return w.copyRows("incidents", []string{"pos", "id", "asn", "metric", "start_ts", "end_ts", "weight", "score",
		"excluded", "events", "evidence"}, len(m.Incidents), func(i int, r []any) {
		in := &m.Incidents[i]
		var evidence any // NULL
		if len(in.Evidence) > 0 {
			evidence = string(in.Evidence) // json keeps the text as written
		}
		r[0], r[1], r[2], r[3], r[4], r[5] = i, in.ID, int64(in.ASN), in.Metric, in.Start, in.End
		r[6], r[7], r[8], r[9], r[10] = in.Weight, in.Score, in.Excluded, textList(in.Events), evidence
	})
}

// routes copies the routes sorted by (ASN, position), the order of the
// table's primary key, so that the routes of an ASN sit together on disk.
func (w *writer) routes(m *store.Month) error {
	order := make([]uint64, len(m.Routes))
	for i := range m.Routes {
		order[i] = uint64(m.Routes[i].ASN)<<32 | uint64(i)
	}
	slices.Sort(order)
	return w.copyRows("routes", []string{"asn", "pos", "prefix", "rpki", "irr", "irr_source", "bogon", "peers",
		"first_seen", "last_seen"}, len(order), func(k int, r []any) {
		i := int(uint32(order[k]))
		rt := &m.Routes[i]
		r[0], r[1], r[2], r[3], r[4], r[5] = int64(rt.ASN), i, rt.Prefix, rt.RPKI, rt.IRR, textList(rt.IRRSource)
		r[6], r[7], r[8], r[9] = rt.Bogon, int64(rt.Peers), rt.FirstSeen, rt.LastSeen
	})
}

// upstreams copies the upstream records sorted by (ASN, position), the
// order of the table's primary key.
func (w *writer) upstreams(m *store.Month) error {
	order := store.UpstreamOrder(m.Upstreams)
	return w.copyRows("upstreams", []string{"asn", "pos", "hop", "via", "upstream", "rel", "prefixes", "paths",
		"example"}, len(order), func(k int, r []any) {
		i := order[k]
		u := &m.Upstreams[i]
		r[0], r[1], r[2], r[3], r[4] = int64(u.ASN), i, u.Hop, int64(u.Via), int64(u.Upstream)
		r[5], r[6], r[7], r[8] = u.Rel, int64(u.Prefixes), int64(u.Paths), u.Example
	})
}

func (w *writer) roaStats(m *store.Month) error {
	return w.copyRows("roa_stats", []string{"pos", "scope", "key", "family", "valid", "invalid", "not_found",
		"valid_space", "invalid_space", "not_found_space"}, len(m.ROAStats), func(i int, r []any) {
		s := &m.ROAStats[i]
		r[0], r[1], r[2], r[3], r[4], r[5], r[6] = i, s.Scope, s.Key, s.Family, s.Valid, s.Invalid, s.NotFound
		r[7], r[8], r[9] = s.ValidSpace, s.InvalidSpace, s.NotFoundSpace
	})
}

func (w *writer) aggregates(m *store.Month) error {
	return w.copyRows("aggregates", []string{"pos", "scope", "key", "score", "value", "ready", "aspire", "lag",
		"no_data"}, len(m.Aggregates), func(i int, r []any) {
		a := &m.Aggregates[i]
		r[0], r[1], r[2], r[3], r[4] = i, a.Scope, a.Key, a.Score, a.Value
		r[5], r[6], r[7], r[8] = int64(a.Ready), int64(a.Aspire), int64(a.Lag), int64(a.NoData)
	})
}

func (w *writer) participants(m *store.Month) error {
	return w.copyRows("participants", []string{"pos", "organisation", "programme", "asns", "approved", "areas"},
		len(m.Participants), func(i int, r []any) {
			p := &m.Participants[i]
			r[0], r[1], r[2], r[3], r[4], r[5] = i, p.Organisation, p.Programme, asnList(p.ASNs), p.Approved, textList(p.Areas)
		})
}

// textList returns a list for a text[] column: NULL when empty.
func textList(ss []string) any {
	if len(ss) == 0 {
		return nil
	}
	return ss
}

// orgs copies the PeeringDB organisations of the month's networks.
func (w *writer) orgs(m *store.Month) error {
	return w.copyRows("asn_orgs", []string{"asn", "org_id", "org_name"}, len(m.Orgs), func(i int, r []any) {
		o := &m.Orgs[i]
		r[0], r[1], r[2] = int64(o.ASN), int64(o.Org.ID), o.Org.Name
	})
}

// rovEvidence copies the ROV evidence, by ASN (ValidateMonth) and
// position.
func (w *writer) rovEvidence(m *store.Month) error {
	return w.copyRows("rov_evidence", []string{"asn", "pos", "kind", "prefix", "origin", "rpki", "path", "alternative",
		"via_prefix", "via", "relationship"}, len(m.ROVEvidence), func(i int, r []any) {
		e := &m.ROVEvidence[i]
		r[0], r[1], r[2], r[3], r[4], r[5] = int64(e.ASN), i, e.Kind, e.Prefix.String(), int64(e.Origin), e.RPKI
		r[6], r[7], r[8], r[9], r[10] = e.Path, e.Alternative, e.ViaPrefix, e.Via, e.Relationship
	})
}
