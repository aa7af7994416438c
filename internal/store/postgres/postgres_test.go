package postgres

import (
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/store/storetest"
	"github.com/observatory-net/observatory/internal/testenv"
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
