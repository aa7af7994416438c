package sqlite

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/observatory-net/observatory/internal/store"
)

// migrateTo brings the file at path to schema version v and returns the
// writer connection.
func migrateTo(t *testing.T, path string, v int64) *sql.DB {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	db, err := openDB(t.Context(), abs, writerParams, 1)
	if err != nil {
		t.Fatal(err)
	}
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, fsys, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(t.Context(), v); err != nil {
		t.Fatalf("migrate to %d: %v", v, err)
	}
	return db
}

// TestMigrate_00003 checks the registry migration on a store written by
// the schema before it: the rows are kept, every participant gets a UID
// that its keys record, the keys of participants already gone are
// revoked, and no ID is handed out again, not even the greatest ID of a
// deleted participant that a key still names.
func TestMigrate_00003(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db := migrateTo(t, path, 2)
	zero, revokedAt := micros(time.Time{}), micros(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC))
	for _, q := range []string{
		`INSERT INTO registry (id, organisation, programme, asns, approved, areas, updated_at) VALUES
			(1, 'Kept', 'netops', '[64500]', 0, NULL, 0), (2, 'Also kept', 'ixp', NULL, 0, '["NL"]', 0),
			(3, 'Deleted', 'netops', '[64501]', 0, NULL, 0)`,
		`DELETE FROM registry WHERE id = 3`, // the greatest rowid: SQLite gave 3 again
		`INSERT INTO api_keys (id, hash, name, role, participant_id, rate_per_minute, created_at, expires_at, revoked_at, last_used_at) VALUES
			('kept', x'00', '', 'participant', 1, 0, 0, ?1, ?1, ?1),
			('orphan', x'00', '', 'participant', 3, 0, 0, ?1, ?1, ?1),
			('revoked', x'00', '', 'participant', 5, 0, 0, ?1, ?2, ?1),
			('partner', x'00', '', 'partner', 0, 0, 0, ?1, ?1, ?1)`,
		`INSERT INTO feedback (id, incident_id, month, spec, asn, reason, submitted_by, submitted_at, verdict,
			reviewed_by, reviewed_at, review_note) VALUES
			(1, 'i1', '2024-03', 's', 64500, 'r', 'kept', 0, 'accepted', 'x', 0, ''),
			(2, 'i2', '2024-03', 's', 64500, 'r', 'kept', 0, 'pending', '', 0, '')`,
	} {
		if _, err := db.Exec(q, zero, revokedAt); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()
	before := time.Now().Add(-time.Second)
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open(schema 2) = %v", err)
	}
	defer s.Close()
	ctx := t.Context()

	reg, err := s.RegisteredParticipants(ctx)
	if err != nil || len(reg) != 2 || reg[0].Organisation != "Also kept" || reg[1].Organisation != "Kept" ||
		reg[1].ID != 1 || len(reg[1].ASNs) != 1 || reg[0].Areas[0] != "NL" {
		t.Fatalf("RegisteredParticipants() after the migration = %+v, %v: want both rows as they were", reg, err)
	}
	for _, p := range reg {
		if !uuidV4(p.UID) {
			t.Errorf("participant %d: UID %q is not a UUID v4", p.ID, p.UID)
		}
	}
	if reg[0].UID == reg[1].UID {
		t.Errorf("both participants have UID %s", reg[0].UID)
	}
	keys := map[string]store.APIKey{}
	all, err := s.Keys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range all {
		keys[k.ID] = k
	}
	if k := keys["kept"]; k.ParticipantUID != reg[1].UID || !k.RevokedAt.IsZero() {
		t.Errorf("key of participant 1 = %+v, want UID %s and not revoked", k, reg[1].UID)
	}
	if k := keys["orphan"]; k.ParticipantUID != "" || k.RevokedAt.Before(before) {
		t.Errorf("key of deleted participant 3 = %+v, want it revoked now, without UID", k)
	}
	if k := keys["revoked"]; !k.RevokedAt.Equal(fromMicros(revokedAt)) {
		t.Errorf("key revoked before = %+v, want its revocation time kept", k)
	}
	if k := keys["partner"]; k.ParticipantUID != "" || !k.RevokedAt.IsZero() {
		t.Errorf("partner key = %+v, want it unchanged", k)
	}

	id, err := s.PutParticipant(ctx, &store.Registered{Participant: store.Participant{Organisation: "New", Programme: "netops"}})
	if err != nil || id != 6 {
		t.Errorf("PutParticipant(new) = %d, %v: want ID 6, above the 5 a key names", id, err)
	}
	fb, err := s.Feedbacks(ctx, store.FeedbackFilter{})
	if err != nil || len(fb) != 2 {
		t.Errorf("Feedbacks() = %d, %v: want the 2 kept", len(fb), err)
	}
	for _, name := range []string{"registry", "feedback"} {
		var ddl string
		if err := s.r.QueryRow(`SELECT sql FROM sqlite_schema WHERE name = ?`, name).Scan(&ddl); err != nil ||
			!strings.Contains(ddl, "AUTOINCREMENT") {
			t.Errorf("table %s: %q, %v: want AUTOINCREMENT", name, ddl, err)
		}
	}
	for _, index := range []string{"feedback_pending", "feedback_asn"} {
		var n int
		if err := s.r.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = ?`, index).Scan(&n); err != nil || n != 1 {
			t.Errorf("index %s: %d, %v: want it rebuilt", index, n, err)
		}
	}
}

// TestMigrate_00003Down checks that the migration can be undone and done
// again without losing a row.
func TestMigrate_00003Down(t *testing.T) {
	s, path := openTest(t)
	ctx := t.Context()
	if _, err := s.PutParticipant(ctx, &store.Registered{Participant: store.Participant{Organisation: "A", Programme: "netops"}}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	db := migrateTo(t, path, 3)
	fsys, _ := fs.Sub(migrations, "migrations")
	p, err := goose.NewProvider(goose.DialectSQLite3, db, fsys, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(context.Background(), 2); err != nil {
		t.Fatalf("down to 2: %v", err)
	}
	db.Close()
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("Open() after down = %v", err)
	}
	defer s.Close()
	if reg, err := s.RegisteredParticipants(ctx); err != nil || len(reg) != 1 || !uuidV4(reg[0].UID) {
		t.Errorf("RegisteredParticipants() after down and up = %+v, %v: want A with a UID", reg, err)
	}
}

// uuidV4 reports whether s is a canonical UUID of version 4, variant 10.
func uuidV4(s string) bool {
	return store.ValidUID(s) && s[14] == '4' && strings.ContainsRune("89ab", rune(s[19]))
}
