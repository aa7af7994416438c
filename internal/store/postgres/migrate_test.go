package postgres

import (
	"io/fs"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/testenv"
)

// migrateTo brings a new database to schema version v and returns its DSN
// and a pool on it, closed when the test ends.
func migrateTo(t *testing.T, v int64) (string, *pgxpool.Pool) {
	t.Helper()
	dsn := testenv.Postgres(t)
	pool, err := pgxpool.New(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(t.Context(), v); err != nil {
		t.Fatalf("migrate to %d: %v", v, err)
	}
	return dsn, pool
}

// TestMigrate_00003 checks the registry migration on a database written
// by the schema before it: the rows are kept, every participant gets a
// UID that its keys record, the keys of participants already gone are
// revoked, and IDs go on from where they were.
func TestMigrate_00003(t *testing.T) {
	dsn, pool := migrateTo(t, 2)
	ctx := t.Context()
	zero, revokedAt := time.Time{}, time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, st := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO registry (organisation, programme, asns, approved, areas, updated_at) VALUES
			('Kept', 'netops', '{64500}', $1, NULL, $1), ('Also kept', 'ixp', NULL, $1, '{NL}', $1),
			('Deleted', 'netops', '{64501}', $1, NULL, $1)`, []any{zero}},
		{`DELETE FROM registry WHERE organisation = 'Deleted'`, nil},
		{`INSERT INTO api_keys (id, hash, name, role, participant_id, rate_per_minute, created_at, expires_at, revoked_at, last_used_at) VALUES
			('kept', '\x00', '', 'participant', 1, 0, $1, $1, $1, $1),
			('orphan', '\x00', '', 'participant', 3, 0, $1, $1, $1, $1),
			('revoked', '\x00', '', 'participant', 5, 0, $1, $1, $2, $1),
			('partner', '\x00', '', 'partner', 0, 0, $1, $1, $1, $1)`, []any{zero, revokedAt}},
	} {
		if _, err := pool.Exec(ctx, st.sql, st.args...); err != nil {
			t.Fatalf("%s: %v", st.sql, err)
		}
	}
	before := time.Now().Add(-time.Second)
	s, err := Open(ctx, dsn)
	if err != nil {
		t.Fatalf("Open(schema 2) = %v", err)
	}
	defer s.Close()

	reg, err := s.RegisteredParticipants(ctx)
	if err != nil || len(reg) != 2 || reg[0].Organisation != "Also kept" || reg[1].Organisation != "Kept" ||
		reg[1].ID != 1 || len(reg[1].ASNs) != 1 || reg[0].Areas[0] != "NL" {
		t.Fatalf("RegisteredParticipants() after the migration = %+v, %v: want both rows as they were", reg, err)
	}
	for _, p := range reg {
		if !store.ValidUID(p.UID) || p.UID[14] != '4' {
			t.Errorf("participant %d: UID %q is not a UUID v4", p.ID, p.UID)
		}
	}
	if reg[0].UID == reg[1].UID {
		t.Errorf("both participants have UID %s", reg[0].UID)
	}
	all, err := s.Keys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]store.APIKey{}
	for _, k := range all {
		keys[k.ID] = k
	}
	if k := keys["kept"]; k.ParticipantUID != reg[1].UID || !k.RevokedAt.IsZero() {
		t.Errorf("key of participant 1 = %+v, want UID %s and not revoked", k, reg[1].UID)
	}
	if k := keys["orphan"]; k.ParticipantUID != "" || k.RevokedAt.Before(before) {
		t.Errorf("key of deleted participant 3 = %+v, want it revoked now, without UID", k)
	}
	if k := keys["revoked"]; !k.RevokedAt.Equal(revokedAt) {
		t.Errorf("key revoked before = %+v, want its revocation time kept", k)
	}
	if k := keys["partner"]; k.ParticipantUID != "" || !k.RevokedAt.IsZero() {
		t.Errorf("partner key = %+v, want it unchanged", k)
	}
	id, err := s.PutParticipant(ctx, &store.Registered{Participant: store.Participant{Organisation: "New", Programme: "netops"}})
	if err != nil || id != 4 {
		t.Errorf("PutParticipant(new) = %d, %v: want ID 4, after the deleted 3", id, err)
	}
}
