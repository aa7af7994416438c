// Package postgres is the server store.Store: a PostgreSQL database (tested
// with PostgreSQL 15), through github.com/jackc/pgx/v5 and its pool,
// passing the storetest conformance suite with the same semantics as
// store/sqlite: a month is replaced whole in one transaction, readers see
// the old version or the new one, and every read returns records in the
// same order.
//
// # Connections
//
// Open takes a postgres:// URL or a libpq keyword/value string, and keeps a
// pgxpool of connections (pool_max_conns in the DSN sets its size). Each
// read method runs in one REPEATABLE READ, READ ONLY transaction: its
// queries share one snapshot, so that it sees a month whole, before or
// after a concurrent WriteMonth (READ COMMITTED would give each query a
// snapshot of its own). Writers of the same (month, spec) take turns on a
// transaction advisory lock (pg_advisory_xact_lock, class 0x4f4253 "OBS",
// key hashtext of month and spec), from one process or several; writers of
// different months run at once.
//
// # Schema
//
// The schema lives in migrations/*.sql, embedded, and is brought up to
// date by Open with goose (github.com/pressly/goose/v3, postgres dialect,
// table goose_db_version) under a session advisory lock, so that servers
// starting together do not migrate twice. Open refuses a database whose
// schema is newer than this program knows.
//
// A month is the date of the first day of its UTC month (months.month) and
// its specification, which collates as "C" so that Months lists
// specifications in byte order whatever the database's locale. Times are
// timestamptz: microseconds, the zero time.Time included, read back in
// UTC. Floats are double precision (exact, ±Inf included; NaN is refused
// before the write, as store/sqlite must). ASNs are bigint. String lists
// are text[], NULL when empty; incident evidence is json, which PostgreSQL
// validates and keeps as written, byte for byte. Every record has a pos
// column, its index in the slice it was written from, which gives the
// read order.
//
// An ASN record keeps its metrics and scores in parallel arrays
// (metric_ids, metric_raws, … score_levels), one row per ASN instead of
// eighteen; the views asn_metrics and asn_scores unnest them as rows, with
// their pos, for whoever queries the database in SQL. Tables hold no
// foreign keys: their per-row checks cost more than the COPY of the rows.
// Every table of month records is keyed by the month's id, and WriteMonth
// deletes a month's records from each table itself.
//
// # Writing
//
// WriteMonth validates the month, then in one transaction takes the
// month's lock, deletes the previous version of (month, spec) and copies
// the new one in with COPY FROM STDIN in binary format (pgx CopyFrom), ASN
// records in ASN order and routes in (ASN, position) order, the order of
// their primary keys. A failure or a done context rolls the whole
// transaction back; when the context is done pgx closes the connection,
// and the server rolls back for it, as it does for a client killed mid-way
// (TestStore_KilledWriter).
//
// # Reading
//
// Reads bind every value as a parameter; the SQL text is made of constant
// pieces and parameter numbers only. A list of ASNs is one bigint[]
// parameter, however long. ASNs reads records, metrics and scores in one
// query.
//
// # Service
//
// The Store is also a store.Service (migrations 00002 and 00003), with the
// semantics store/sqlite has and storetest.RunService checks: API keys,
// the participants registry and feedback live in tables of their own, not
// tied to months, so that the feedback trail outlives a re-ingest.
// Identity columns never hand out an ID twice. Every participant has a
// random UID (uuid, unique, never changed), which a participant key
// records (api_keys.participant_uid) when CreateKey reads it under a share
// lock of the participant's row. A key's participant_id is not a foreign
// key: DeleteParticipant revokes the participant's keys in its own
// transaction instead, so that they stay listed. A registry write locks
// the table in SHARE ROW EXCLUSIVE mode (one writer at a time, readers
// unhindered) and then checks that no ASN it wrote has a second holder
// (a query over unnest(asns)), so that two writers cannot both take one
// ASN. Review locks the feedback row (FOR UPDATE)
// and, when it accepts, the month's writer lock; it replaces the ASN's row
// (metric and score arrays) and updates the given aggregates in place with
// one array-parameter UPDATE and one INSERT of those the month lacks.
package postgres
