package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// PostgresEnv names the environment variable holding the DSN of a
// PostgreSQL server the tests may create databases on, as printed by
// scripts/pg-test-cluster (which scripts/test starts):
//
//	export OBSERVATORY_TEST_POSTGRES=$(scripts/pg-test-cluster)
const PostgresEnv = "OBSERVATORY_TEST_POSTGRES"

// Postgres creates a new, empty database on the server named by
// $OBSERVATORY_TEST_POSTGRES, drops it when the test and its cleanups are
// done, and returns its DSN. Each test gets a database of its own, so that
// tests and test packages can run in parallel. Without the variable the test
// is skipped, or failed in CI.
func Postgres(tb testing.TB) string {
	tb.Helper()
	admin := os.Getenv(PostgresEnv)
	if admin == "" {
		missing(tb, "%s not set (start a server with scripts/pg-test-cluster)", PostgresEnv)
	}
	name := "observatory_test_" + randomHex(8)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := adminExec(ctx, admin, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		tb.Fatalf("create test database on $%s: %v", PostgresEnv, err)
	}
	// Registered first, so run last: after the test's own cleanups have
	// closed its connections. FORCE ends any it leaked.
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := adminExec(ctx, admin, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			tb.Errorf("drop test database %s: %v", name, err)
		}
	})
	dsn, err := withDatabase(admin, name)
	if err != nil {
		tb.Fatalf("$%s: %v", PostgresEnv, err)
	}
	return dsn
}

// adminExec runs one statement on a connection of its own to the admin DSN.
func adminExec(ctx context.Context, dsn, sql string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, sql)
	return err
}

// withDatabase returns dsn, a URL or keyword/value DSN, naming database
// name instead of its own.
func withDatabase(dsn, name string) (string, error) {
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return dsn + " dbname=" + name, nil // the last value of a keyword wins
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "", err
	}
	u.Path, u.RawPath = "/"+name, ""
	return u.String(), nil
}

// randomHex returns n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
