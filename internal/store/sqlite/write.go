package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/observatory-net/observatory/internal/store"
)

// WriteMonth replaces the month m.Meta.Month of specification m.Meta.Spec
// with m, in one transaction. Meta.Month must be the first instant of a
// UTC month and Meta.Spec must not be empty; NaN values, invalid evidence
// JSON, a second record of an ASN or a second incident with the same ID
// fail the write and leave the previous version in place.
func (s *Store) WriteMonth(ctx context.Context, m *store.Month) error {
	if err := store.ValidateMonth(m); err != nil {
		return fmt.Errorf("sqlite: write month: %w", err)
	}
	if err := s.writeMonth(ctx, m); err != nil {
		if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
			// The driver reports an interrupted statement, not why.
			err = fmt.Errorf("%w: %w", ctx.Err(), err)
		}
		return fmt.Errorf("sqlite: write month %s %q: %w", monthKey(m.Meta.Month), m.Meta.Spec, err)
	}
	return nil
}

// writeMonth runs the write transaction.
func (s *Store) writeMonth(ctx context.Context, m *store.Month) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() // a no-op after Commit
	w := &writer{ctx: ctx, tx: tx}
	steps := []struct {
		what string
		fn   func(*store.Month) error
	}{
		{"replace month", w.meta},
		{"insert inputs", w.inputs},
		{"insert ASNs", w.asns},
		{"insert incidents", w.incidents},
		{"insert routes", w.routes},
		{"insert upstreams", w.upstreams},
		{"insert organisations", w.orgs},
		{"insert ROV evidence", w.rovEvidence},
		{"insert ROA statistics", w.roaStats},
		{"insert aggregates", w.aggregates},
		{"insert participants", w.participants},
	}
	for _, st := range steps {
		if err := st.fn(m); err != nil {
			return fmt.Errorf("%s: %w", st.what, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// testHookReplaced, when set by a test, runs inside the write transaction
// once the previous version of the month has been deleted.
var testHookReplaced func()

// writer inserts the records of one month in one transaction.
type writer struct {
	ctx context.Context
	tx  *sql.Tx
	id  int64 // months.id of the month being written
}

// meta deletes the previous version of the month, with all its records
// (ON DELETE CASCADE), and inserts the new months row.
func (w *writer) meta(m *store.Month) error {
	key, mm := monthKey(m.Meta.Month), &m.Meta
	if _, err := w.tx.ExecContext(w.ctx, `DELETE FROM months WHERE month = ? AND spec = ?`, key, mm.Spec); err != nil {
		return err
	}
	if testHookReplaced != nil {
		testHookReplaced()
	}
	warnings, err := stringList(mm.Warnings)
	if err != nil {
		return err
	}
	notUsed, err := jsonList(mm.NotUsed)
	if err != nil {
		return err
	}
	st := &mm.Stats
	return w.tx.QueryRowContext(w.ctx, `INSERT INTO months
		(month, spec, ingested_at, final, warnings, rib_entries, updates, routes, peers, measured_asn, incidents, not_used)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		key, mm.Spec, micros(mm.IngestedAt), b2i(mm.Final), warnings,
		st.RIBEntries, st.Updates, st.Routes, int64(st.Peers), int64(st.MeasuredASN), int64(st.Incidents), notUsed,
	).Scan(&w.id)
}

func (w *writer) inputs(m *store.Month) error {
	b := w.batch("month_inputs", "pos", "path", "kind", "size", "sha256", "records", "from_us", "to_us", "target")
	for i, in := range m.Meta.Inputs {
		if err := b.add(int64(i), in.Path, in.Kind, in.Size, in.SHA256, in.Records,
			micros(in.From), micros(in.To), in.Target); err != nil {
			return err
		}
	}
	return b.close()
}

// asns inserts the ASN records in ASN order, and their metrics and scores,
// so that the three B-trees keyed by ASN fill in order.
func (w *writer) asns(m *store.Month) error {
	order := make([]int, len(m.ASNs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int { return cmp.Compare(m.ASNs[i].ASN, m.ASNs[j].ASN) })
	asns := w.batch("asns", "asn", "holder", "country", "rir", "region", "sub_region", "participant", "peers", "announced",
		"cone", "space4", "space6", "rov", "rov_propagated", "rov_dropped", "rov_confidence",
		"leak", "leaks", "customer_leaks", "customer_routes", "aspa", "aspa_providers", "aspa_missing")
	for _, i := range order {
		a := &m.ASNs[i]
		if err := asns.add(int64(a.ASN), a.Holder, a.Country, a.RIR, a.Region, a.SubRegion,
			b2i(a.Participant), int64(a.Peers), int64(a.Announced), int64(a.Cone), a.Space4, a.Space6,
			a.ROV, int64(a.ROVPropagated), int64(a.ROVDropped), a.ROVConfidence,
			a.Leak.Verdict, int64(a.Leak.Originated), int64(a.Leak.CustomerLeaks), int64(a.Leak.CustomerRoutes),
			b2i(a.Leak.ASPA), int64(a.Leak.ASPAProviders), int64(a.Leak.ASPAMissing)); err != nil {
			return err
		}
	}
	if err := asns.close(); err != nil {
		return err
	}
	return w.metricsAndScores(m, order)
}

// metricsAndScores inserts the metrics and scores of the ASN records, in
// the given order of the records.
func (w *writer) metricsAndScores(m *store.Month, order []int) error {
	metrics := w.batch("asn_metrics", "asn", "pos", "id", "raw", "score", "has_data", "counted", "evidence")
	scores := w.batch("asn_scores", "asn", "pos", "id", "value", "has_data", "level")
	for _, i := range order {
		a := &m.ASNs[i]
		for j, x := range a.Metrics {
			var evidence any // NULL
			if len(x.Evidence) > 0 {
				evidence = string(x.Evidence)
			}
			if err := metrics.add(int64(a.ASN), int64(j), x.ID, x.Raw, x.Score, b2i(x.HasData), b2i(x.Counted), evidence); err != nil {
				return err
			}
		}
		for j, x := range a.Scores {
			if err := scores.add(int64(a.ASN), int64(j), x.ID, x.Value, b2i(x.HasData), x.Level); err != nil {
				return err
			}
		}
	}
	return errors.Join(metrics.close(), scores.close())
}

func (w *writer) incidents(m *store.Month) error {
	b := w.batch("incidents", "pos", "id", "asn", "metric", "start_us", "end_us", "weight", "score",
		"excluded", "events", "evidence")
	for i := range m.Incidents {
		in := &m.Incidents[i]
		events, err := stringList(in.Events)
		if err != nil {
			return err
		}
		var evidence any // NULL
		if len(in.Evidence) > 0 {
			evidence = string(in.Evidence) // TEXT: a []byte would be a BLOB
		}
		if err := b.add(int64(i), in.ID, int64(in.ASN), in.Metric, micros(in.Start), micros(in.End),
			in.Weight, in.Score, b2i(in.Excluded), events, evidence); err != nil {
			return err
		}
	}
	return b.close()
}

// routes inserts the routes sorted by (ASN, position), the order of the
// table's primary key, so that its B-tree fills in order.
func (w *writer) routes(m *store.Month) error {
	order := make([]uint64, len(m.Routes))
	for i := range m.Routes {
		order[i] = uint64(m.Routes[i].ASN)<<32 | uint64(i)
	}
	slices.Sort(order)
	b := w.batch("routes", "asn", "pos", "prefix", "rpki", "irr", "irr_source", "bogon", "peers",
		"first_seen", "last_seen")
	var memo listMemo
	for _, o := range order {
		i := int(uint32(o))
		r := &m.Routes[i]
		sources, err := memo.encode(r.IRRSource)
		if err != nil {
			return err
		}
		if err := b.add(int64(r.ASN), int64(i), r.Prefix, r.RPKI, r.IRR, sources, r.Bogon, int64(r.Peers),
			micros(r.FirstSeen), micros(r.LastSeen)); err != nil {
			return err
		}
	}
	return b.close()
}

// upstreams inserts the upstream records sorted by (ASN, position), the
// order of the table's primary key.
func (w *writer) upstreams(m *store.Month) error {
	b := w.batch("upstreams", "asn", "pos", "hop", "via", "upstream", "rel", "prefixes", "paths", "example")
	for _, i := range store.UpstreamOrder(m.Upstreams) {
		u := &m.Upstreams[i]
		if err := b.add(int64(u.ASN), int64(i), int64(u.Hop), int64(u.Via), int64(u.Upstream), u.Rel,
			int64(u.Prefixes), int64(u.Paths), u.Example); err != nil {
			return err
		}
	}
	return b.close()
}

func (w *writer) roaStats(m *store.Month) error {
	b := w.batch("roa_stats", "pos", "scope", "key", "family", "valid", "invalid", "not_found",
		"valid_space", "invalid_space", "not_found_space")
	for i, r := range m.ROAStats {
		if err := b.add(int64(i), r.Scope, r.Key, int64(r.Family), r.Valid, r.Invalid, r.NotFound,
			r.ValidSpace, r.InvalidSpace, r.NotFoundSpace); err != nil {
			return err
		}
	}
	return b.close()
}

func (w *writer) aggregates(m *store.Month) error {
	b := w.batch("aggregates", "pos", "scope", "key", "score", "value", "ready", "aspire", "lag", "no_data")
	for i, a := range m.Aggregates {
		if err := b.add(int64(i), a.Scope, a.Key, a.Score, a.Value, int64(a.Ready), int64(a.Aspire), int64(a.Lag), int64(a.NoData)); err != nil {
			return err
		}
	}
	return b.close()
}

func (w *writer) participants(m *store.Month) error {
	b := w.batch("participants", "pos", "organisation", "programme", "asns", "approved", "areas")
	for i, p := range m.Participants {
		asns, err := jsonList(p.ASNs)
		if err != nil {
			return err
		}
		areas, err := stringList(p.Areas)
		if err != nil {
			return err
		}
		if err := b.add(int64(i), p.Organisation, p.Programme, asns, micros(p.Approved), areas); err != nil {
			return err
		}
	}
	return b.close()
}

// listMemo encodes string lists as stringList does, reusing the last
// encoding for an equal list: neighbouring routes of an ASN mostly have the
// same IRR sources.
type listMemo struct {
	last []string
	enc  any
}

func (c *listMemo) encode(ss []string) (any, error) {
	if c.enc != nil && slices.Equal(ss, c.last) {
		return c.enc, nil
	}
	enc, err := stringList(ss)
	c.last, c.enc = ss, enc
	return enc, err
}

// maxBatchParams bounds the parameters of one multi-row INSERT. Larger
// statements save calls through database/sql and the driver; measured, the
// gain stops well below SQLite's limit of 32766.
const maxBatchParams = 8000

// batch inserts rows of the month being written into one table, through a
// prepared statement that inserts many rows at once, prepared when the
// first batch is full: a small table costs no large statement. The rows
// left at the end have their own statement. The month's id is bound once
// per statement (?1), not once per row. On error, the statements are left
// to the end of the transaction, which releases them.
type batch struct {
	w     *writer
	table string
	cols  []string  // without month_id
	full  *sql.Stmt // inserts cap(args)/len(cols) rows, once prepared
	args  []any     // the month's id, then the queued rows
}

// batch starts a batch of inserts into table, whose first column is
// month_id, followed by cols. Table and column names are constants of this
// package; values are always bound.
func (w *writer) batch(table string, cols ...string) *batch {
	size := max(1, maxBatchParams/len(cols))
	args := make([]any, 1, 1+size*len(cols))
	args[0] = w.id
	return &batch{w: w, table: table, cols: cols, args: args}
}

// add queues one row, and inserts a full batch.
func (b *batch) add(row ...any) error {
	b.args = append(b.args, row...)
	if len(b.args) < cap(b.args) {
		return nil
	}
	if b.full == nil {
		var err error
		b.full, err = b.w.tx.PrepareContext(b.w.ctx, insertSQL(b.table, b.cols, (len(b.args)-1)/len(b.cols)))
		if err != nil {
			return fmt.Errorf("prepare insert into %s: %w", b.table, err)
		}
	}
	_, err := b.full.ExecContext(b.w.ctx, b.args...)
	b.args = b.args[:1]
	if err != nil {
		return fmt.Errorf("insert into %s: %w", b.table, err)
	}
	return nil
}

// close inserts the queued rows and releases the statement.
func (b *batch) close() error {
	var err error
	if n := (len(b.args) - 1) / len(b.cols); n > 0 {
		_, err = b.w.tx.ExecContext(b.w.ctx, insertSQL(b.table, b.cols, n), b.args...)
		if err != nil {
			err = fmt.Errorf("insert into %s: %w", b.table, err)
		}
		b.args = b.args[:1]
	}
	if b.full != nil {
		err = errors.Join(err, b.full.Close())
	}
	return err
}

// insertSQL returns an INSERT into table of rows rows of month_id and cols:
// month_id is parameter ?1 in every row, the other values are the
// following parameters in order.
func insertSQL(table string, cols []string, rows int) string {
	row := "(?1" + strings.Repeat(", ?", len(cols)) + ")"
	var sb strings.Builder
	sb.WriteString("INSERT INTO " + table + " (month_id, " + strings.Join(cols, ", ") + ") VALUES ")
	for i := range rows {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(row)
	}
	return sb.String()
}

// orgs inserts the PeeringDB organisations of the month's networks.
func (w *writer) orgs(m *store.Month) error {
	b := w.batch("asn_orgs", "asn", "org_id", "org_name")
	for _, o := range m.Orgs {
		if err := b.add(int64(o.ASN), int64(o.Org.ID), o.Org.Name); err != nil {
			return err
		}
	}
	return b.close()
}

// rovEvidence inserts the ROV evidence, by ASN (ValidateMonth) and
// position.
func (w *writer) rovEvidence(m *store.Month) error {
	b := w.batch("rov_evidence", "asn", "pos", "kind", "prefix", "origin", "rpki", "path", "alternative",
		"via_prefix", "via", "relationship")
	for i, e := range m.ROVEvidence {
		if err := b.add(int64(e.ASN), int64(i), e.Kind, e.Prefix.String(), int64(e.Origin), e.RPKI, e.Path,
			e.Alternative, e.ViaPrefix, e.Via, e.Relationship); err != nil {
			return err
		}
	}
	return b.close()
}
