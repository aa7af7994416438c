package postgres

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/store/storetest"
	"github.com/observatory-net/observatory/internal/testenv"
	"github.com/observatory-net/observatory/internal/vocab"
)

// march is the month the package's own tests write.
var march = time.Date(2024, time.March, 1, 0, 0, 0, 0, time.UTC)

// openTest opens a store on a new database of the test server
// ($OBSERVATORY_TEST_POSTGRES), dropped when the test ends, and returns it
// with the database's DSN.
func openTest(t testing.TB) (*Store, string) {
	t.Helper()
	dsn := testenv.Postgres(t)
	s, err := Open(t.Context(), dsn)
	if err != nil {
		t.Fatalf("Open() = %v", err)
	}
	return s, dsn
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

// TestOpen_Reopen checks that a reopened database keeps its months and
// that migrating an up-to-date schema changes nothing.
func TestOpen_Reopen(t *testing.T) {
	s, dsn := openTest(t)
	m := storetest.Synthetic(march, "netops@2024.1", storetest.Size{ASNs: 20, Routes: 100, Incidents: 10})
	if err := s.WriteMonth(t.Context(), m); err != nil {
		t.Fatalf("WriteMonth() = %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	s, err := Open(t.Context(), dsn)
	if err != nil {
		t.Fatalf("Open(again) = %v", err)
	}
	defer s.Close()
	checkMonth(t, s, m)
}

// TestOpen_NewerSchema checks that a database migrated by a newer program
// is refused rather than misread.
func TestOpen_NewerSchema(t *testing.T) {
	s, dsn := openTest(t)
	_, err := s.pool.Exec(t.Context(), `INSERT INTO goose_db_version (version_id, is_applied) VALUES (999, true)`)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err := Open(t.Context(), dsn); err == nil {
		s.Close()
		t.Errorf("Open(schema 999) = nil error, want a refusal")
	}
}

// TestOpen_Unreachable checks that a server that is not there fails Open,
// and that the message does not give the password away.
func TestOpen_Unreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	s, err := Open(ctx, "postgres://obs:s3cret@127.0.0.1:1/none?sslmode=disable&connect_timeout=5")
	if err == nil {
		s.Close()
		t.Fatal("Open(port 1) = nil error")
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Errorf("Open() error shows the password: %v", err)
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ dsn, want string }{
		{"postgres://u:pw@h:5432/db?sslmode=disable", "postgres://u:xxxxx@h:5432/db?sslmode=disable"},
		{"postgresql://u@h/db?password=pw", "postgresql://u@h/db?password=xxxxx"},
		{"host=h user=u password=pw dbname=db", "host=h user=u password=xxxxx dbname=db"},
		{"host=h password = 'p w\\'x' dbname=db", "host=h password = xxxxx dbname=db"},
		{"host=h dbname=db", "host=h dbname=db"},
	}
	for _, tt := range tests {
		if got := Redact(tt.dsn); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.dsn, got, tt.want)
		}
	}
}

// TestStore_WriteMonth_CancelAfterDelete cancels a write at the worst
// moment, the previous version deleted inside the transaction, and checks
// that it is all still there.
func TestStore_WriteMonth_CancelAfterDelete(t *testing.T) {
	s, _ := openTest(t)
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
	// The month takes writes again.
	if err := s.WriteMonth(t.Context(), next); err != nil {
		t.Fatalf("WriteMonth(after cancel) = %v", err)
	}
	checkMonth(t, s, next)
}

// TestStore_ConcurrentWriters writes the same months at once from several
// goroutines and through two Stores on one database, as two processes
// would: the lock on each month serialises its writers, and none fails on
// the unique key of a month that another created meanwhile.
func TestStore_ConcurrentWriters(t *testing.T) {
	s1, dsn := openTest(t)
	defer s1.Close()
	s2, err := Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	var months []*store.Month
	for i := range 2 {
		months = append(months, storetest.Synthetic(march.AddDate(0, i, 0), "netops@2024.1",
			storetest.Size{ASNs: 50, Routes: 500, Incidents: 50}))
	}
	var wg sync.WaitGroup
	for i := range 4 {
		m, s := months[i%2], []*Store{s1, s2}[i/2]
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

// setReadOnly makes the transactions of new connections to the store's
// database read-only, as on a database served read-only or a standby.
func setReadOnly(t *testing.T, s *Store) {
	t.Helper()
	var name string
	if err := s.pool.QueryRow(t.Context(), `SELECT current_database()`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	if _, err := s.pool.Exec(t.Context(), `ALTER DATABASE `+pgx.Identifier{name}.Sanitize()+` SET default_transaction_read_only = on`); err != nil {
		t.Fatal(err)
	}
}

// TestStore_ReadOnly runs the read-only conformance suite on a database
// whose transactions are read-only (default_transaction_read_only = on).
func TestStore_ReadOnly(t *testing.T) {
	storetest.RunReadOnly(t, func(t *testing.T) (store.Service, func(t *testing.T) store.Service) {
		s, dsn := openTest(t)
		return s, func(t *testing.T) store.Service {
			setReadOnly(t, s)
			s.Close()
			ro, err := Open(t.Context(), dsn)
			if err != nil {
				t.Fatalf("Open(read-only database) = %v", err)
			}
			return ro
		}
	})
}

// TestOpen_ReadOnlyNeedsMigration checks that a read-only database whose
// schema is behind this program's is refused with a clear error.
func TestOpen_ReadOnlyNeedsMigration(t *testing.T) {
	s, dsn := openTest(t)
	if _, err := s.pool.Exec(t.Context(), `DELETE FROM goose_db_version WHERE version_id = (SELECT max(version_id) FROM goose_db_version)`); err != nil {
		t.Fatal(err)
	}
	setReadOnly(t, s)
	s.Close()
	_, err := Open(t.Context(), dsn)
	if err == nil || !strings.Contains(err.Error(), "would need migrating") {
		t.Errorf("Open(read-only, old schema) = %v, want it to say the schema would need migrating", err)
	}
}
