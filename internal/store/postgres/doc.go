// Package postgres is the server store.Store: a PostgreSQL database,
// through github.com/jackc/pgx/v5 (pgxpool), passing the storetest
// conformance suite with the same semantics as store/sqlite.
package postgres
