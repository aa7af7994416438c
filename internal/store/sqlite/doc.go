// Package sqlite is the default, embedded store.Store: one SQLite file,
// through modernc.org/sqlite (pure Go, no cgo), passing the storetest
// conformance suite.
//
// # Connections
//
// Open opens the file twice: one writer connection, so that there is a
// single writer per Store, whose transactions start with BEGIN IMMEDIATE
// (the write lock is taken at once, so two processes sharing a file wait
// for each other under the busy timeout instead of failing on upgrade), and
// a pool of read-only connections. The file is in WAL mode, so readers
// never wait for the writer and see the last committed state: each read
// method runs in one read transaction, so it sees a month whole, before or
// after a concurrent WriteMonth. Foreign keys are on; synchronous=NORMAL,
// which in WAL mode keeps the file consistent across a crash and may lose
// only the last commits on power loss.
//
// # Schema
//
// The schema lives in migrations/*.sql, embedded, and is brought up to
// date by Open with goose (github.com/pressly/goose/v3, library mode;
// table goose_db_version). Open refuses a file whose schema is newer than
// this program knows.
//
// Every month record refers to a row of the months table, keyed by the
// UTC month ('YYYY-MM') and the specification, and is deleted with it.
// Times are INTEGER unix microseconds in UTC: exact for every time.Time
// from year 1 (the zero time) to 9999, ordered, compact, and the
// precision PostgreSQL keeps; they are read back in UTC. Floats are REAL
// (IEEE 754 binary64, exact). Lists of strings, participants' ASNs and
// incidents' events are TEXT JSON arrays, NULL when empty; incident
// evidence is TEXT, checked with json_valid and returned byte for byte.
// Every record has a pos column, its index in the slice it was written
// from, which gives the read order.
//
// # Writing
//
// WriteMonth validates the month, then in one transaction deletes the
// previous version of (month, spec) and inserts the new one through
// prepared multi-row INSERT statements (up to 8,000 parameters each, the
// month's id bound once per statement), with ASN-keyed rows sorted by ASN
// so that the B-trees fill in order. A failure or a done context rolls the
// whole transaction back. BenchmarkStore_WriteMonth measures a month of
// the whole Internet: 100,000 ASNs (each with 12 metrics and 5 scores),
// 1,000,000 routes and 50,000 incidents.
//
// # Reading
//
// Reads bind every value as a parameter; the SQL text is made of constant
// pieces only. ASNs reads the selected ASN records first and then their
// metrics and scores (CROSS JOIN fixes that order whatever the planner's
// statistics say); a list of ASNs is one JSON parameter, however long.
//
// # Service
//
// The Store is also a store.Service (migrations 00002 and 00003): API
// keys, the participants registry and feedback live in tables of their
// own, not tied to months, so that the feedback trail outlives a
// re-ingest of its month. registry and feedback IDs are AUTOINCREMENT: a
// plain INTEGER PRIMARY KEY hands the greatest ID out again once its row
// is deleted, and a deleted participant's keys then named the next one
// (issue 17). Every participant has a random UID (TEXT, unique, never
// changed), which a participant key records (api_keys.participant_uid)
// when CreateKey reads it in its write transaction. A key's participant_id
// is not a foreign key: DeleteParticipant revokes the participant's keys
// in its own transaction instead, so that they stay listed. A registry
// write checks, in the single writer's transaction (BEGIN IMMEDIATE: no
// other writer in between), that no ASN it wrote has a second holder (a
// query over json_each(asns)). At most one pending
// feedback per (month, spec, incident) is a partial unique index. Review
// runs on the writer connection in one transaction: the verdict, the
// incident's excluded flag, the ASN's rows (deleted and re-inserted
// through the month writer) and UPDATEs of the given aggregates in place.
package sqlite
