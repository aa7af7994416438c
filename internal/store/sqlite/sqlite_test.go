package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/store/storetest"
	"github.com/observatory-net/observatory/internal/vocab"
)

// march is the month the package's own tests write.
var march = time.Date(2024, time.March, 1, 0, 0, 0, 0, time.UTC)

// openTest opens a new database in a temporary directory.
func openTest(t testing.TB) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "observatory.db")
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open() = %v", err)
	}
	return s, path
}

func TestStore_Conformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, _ := openTest(t)
		return s
	})
}

func TestService_Conformance(t *testing.T) {
	storetest.RunService(t, func(t *testing.T) store.Service {
		s, _ := openTest(t)
		return s
	})
}

// TestOpen_Pragmas checks the settings every connection must have.
func TestOpen_Pragmas(t *testing.T) {
	s, _ := openTest(t)
	defer s.Close()
	tests := []struct {
		db     *sql.DB
		pragma string
		want   string
	}{
		{s.w, "journal_mode", "wal"},
		{s.w, "foreign_keys", "1"},
		{s.w, "busy_timeout", "10000"},
		{s.w, "synchronous", "1"},
		{s.w, "journal_size_limit", "67108864"},
		{s.r, "journal_mode", "wal"},
		{s.r, "foreign_keys", "1"},
		{s.r, "busy_timeout", "10000"},
		{s.r, "query_only", "1"},
	}
	for _, tt := range tests {
		var got string
		if err := tt.db.QueryRow("PRAGMA " + tt.pragma).Scan(&got); err != nil {
			t.Fatalf("PRAGMA %s: %v", tt.pragma, err)
		}
		if got != tt.want {
			t.Errorf("PRAGMA %s = %q, want %q", tt.pragma, got, tt.want)
		}
	}
	if _, err := s.r.Exec("DELETE FROM months"); err == nil {
		t.Errorf("a reader connection could write")
	}
}

// TestOpen_Reopen checks that a reopened database keeps its months and
// that migrating an up-to-date schema changes nothing.
func TestOpen_Reopen(t *testing.T) {
	s, path := openTest(t)
	m := storetest.Synthetic(march, "netops@2024.1", storetest.Size{ASNs: 20, Routes: 100, Incidents: 10})
	if err := s.WriteMonth(t.Context(), m); err != nil {
		t.Fatalf("WriteMonth() = %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if _, err := os.Stat(path + "-wal"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("WAL file left after Close (%v): a connection is still open", err)
	}
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open(again) = %v", err)
	}
	defer s.Close()
	checkMonth(t, s, m)
}

// TestOpen_NewerSchema checks that a database migrated by a newer program
// is refused rather than misread.
func TestOpen_NewerSchema(t *testing.T) {
	s, path := openTest(t)
	_, err := s.w.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (999, 1)`)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err := Open(t.Context(), path); err == nil {
		s.Close()
		t.Errorf("Open(schema 999) = nil error, want a refusal")
	}
}

// TestOpen_Path checks paths with URI metacharacters and a directory that
// does not exist.
func TestOpen_Path(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a b.db", "q?x=1.db", "hash#1.db", "per%41cent.db", "Zürich.db"} {
		path := filepath.Join(dir, name)
		s, err := Open(t.Context(), path)
		if err != nil {
			t.Errorf("Open(%q) = %v", name, err)
			continue
		}
		s.Close()
		if _, err := os.Stat(path); err != nil {
			t.Errorf("Open(%q) created no such file: %v", name, err)
		}
	}
	if s, err := Open(t.Context(), filepath.Join(dir, "missing", "x.db")); err == nil {
		s.Close()
		t.Errorf("Open(missing directory) = nil error")
	}
}

// TestStore_WriteMonth_CancelAfterDelete cancels a write at the worst
// moment, the previous version deleted inside the transaction, and checks
// that it is all still there.
func TestStore_WriteMonth_CancelAfterDelete(t *testing.T) {
	s, path := openTest(t)
	defer s.Close()
	prev := storetest.Synthetic(march, "netops@2024.1", storetest.Size{ASNs: 50, Routes: 500, Incidents: 50})
	if err := s.WriteMonth(t.Context(), prev); err != nil {
		t.Fatalf("WriteMonth(previous) = %v", err)
	}
	next := storetest.Synthetic(march, "netops@2024.1", storetest.Size{ASNs: 300, Routes: 3000, Incidents: 300})
	ctx, cancel := context.WithCancel(t.Context())
	testHookReplaced = cancel
	defer func() { testHookReplaced = nil }()
	if err := s.WriteMonth(ctx, next); !errors.Is(err, context.Canceled) {
		t.Fatalf("WriteMonth(cancelled) = %v, want context.Canceled", err)
	}
	testHookReplaced = nil
	checkMonth(t, s, prev)
	checkIntegrity(t, path)
}

// TestStore_ConcurrentWriters writes months at once from several
// goroutines and through two Stores on one file, as two processes would:
// the single writer and BEGIN IMMEDIATE under the busy timeout serialise
// them, and none fails.
func TestStore_ConcurrentWriters(t *testing.T) {
	s1, path := openTest(t)
	defer s1.Close()
	s2, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	var months []*store.Month
	for i := range 4 {
		months = append(months, storetest.Synthetic(march.AddDate(0, i, 0), "netops@2024.1",
			storetest.Size{ASNs: 50, Routes: 500, Incidents: 50}))
	}
	var wg sync.WaitGroup
	for i, m := range months {
		s := []*Store{s1, s2}[i%2]
		wg.Go(func() {
			for range 2 {
				if err := s.WriteMonth(t.Context(), m); err != nil {
					t.Errorf("WriteMonth(%s) = %v", m.Meta.Month.Format(vocab.MonthLayout), err)
				}
			}
		})
	}
	wg.Wait()
	for _, m := range months {
		checkMonth(t, s1, m)
	}
}

// checkMonth reads a month back and compares it with what was written.
func checkMonth(t *testing.T, s store.Store, want *store.Month) {
	t.Helper()
	got, err := storetest.ReadMonth(t.Context(), s, want.Meta.Month, want.Meta.Spec)
	if err != nil {
		t.Fatalf("ReadMonth() = %v", err)
	}
	if diff := storetest.Diff(storetest.Expected(want), got); diff != "" {
		t.Errorf("ReadMonth() mismatch (-want +got):\n%s", diff)
	}
}

// checkIntegrity runs SQLite's integrity check on the file at path.
func checkIntegrity(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var got string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&got); err != nil || got != "ok" {
		t.Errorf("PRAGMA integrity_check = %q, %v; want ok", got, err)
	}
	var fk int
	if err := db.QueryRow("SELECT count(*) FROM pragma_foreign_key_check").Scan(&fk); err != nil || fk != 0 {
		t.Errorf("foreign key violations = %d, %v; want 0", fk, err)
	}
}

// TestStore_ReadOnly runs the read-only conformance suite on a file
// reopened read-only. The tests may run as root, whom file modes do not
// stop: the file is reopened the way Open does when it finds it may not
// write it.
func TestStore_ReadOnly(t *testing.T) {
	storetest.RunReadOnly(t, func(t *testing.T) (store.Service, func(t *testing.T) store.Service) {
		s, path := openTest(t)
		return s, func(t *testing.T) store.Service {
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			ro, err := openReadOnly(t.Context(), path, "test")
			if err != nil {
				t.Fatalf("openReadOnly() = %v", err)
			}
			return ro
		}
	})
}

// TestOpen_ReadOnlyFile checks, when the tests do not run as root, that a
// file of mode 0444 in a directory of mode 0555 is opened read-only.
func TestOpen_ReadOnlyFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes any file: TestStore_ReadOnly covers the read-only store")
	}
	s, path := openTest(t)
	m := storetest.Synthetic(march, "netops@2024.1", storetest.Size{ASNs: 5, Routes: 10, Incidents: 2})
	if err := s.WriteMonth(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	s.Close()
	dir := filepath.Dir(path)
	if err := errors.Join(os.Chmod(path, 0o444), os.Chmod(dir, 0o555)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	ro, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open(read-only file) = %v", err)
	}
	defer ro.Close()
	if !ro.ReadOnly() {
		t.Error("ReadOnly() = false")
	}
	checkMonth(t, ro, m)
}

// TestOpen_ReadOnlyNeedsMigration checks that a read-only file whose
// schema is behind this program's is refused with a clear error, not
// migrated or misread.
func TestOpen_ReadOnlyNeedsMigration(t *testing.T) {
	s, path := openTest(t)
	if _, err := s.w.Exec(`DELETE FROM goose_db_version WHERE version_id = (SELECT max(version_id) FROM goose_db_version)`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err := openReadOnly(t.Context(), path, "test")
	if err == nil || !strings.Contains(err.Error(), "would need migrating") {
		t.Errorf("openReadOnly(old schema) = %v, want it to say the schema would need migrating", err)
	}
	empty := filepath.Join(t.TempDir(), "empty.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := openReadOnly(t.Context(), empty, "test"); err == nil || !strings.Contains(err.Error(), "no schema yet") {
		t.Errorf("openReadOnly(empty file) = %v, want it to say there is no schema", err)
	}
}

// TestOpen_FileMode checks that a new database file, and its -wal and
// -shm files, are readable and writable by their owner only, and that an
// existing file keeps its mode.
func TestOpen_FileMode(t *testing.T) {
	old := syscallUmask(0o022)
	defer syscallUmask(old)
	s, path := openTest(t)
	if err := s.WriteMonth(t.Context(), storetest.Synthetic(march, "netops@2024.1", storetest.Size{ASNs: 5, Routes: 10})); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.Mode().Perm(); got != 0o600 {
			t.Errorf("%s: mode %v, want 0600", filepath.Base(p), got)
		}
	}
	s.Close()
	kept := filepath.Join(t.TempDir(), "kept.db")
	if err := os.WriteFile(kept, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Open(t.Context(), kept)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if st, err := os.Stat(kept); err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("an existing file's mode became %v (%v), want 0644 kept", st.Mode().Perm(), err)
	}
}
