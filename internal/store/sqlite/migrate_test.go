package sqlite

import (
	"io/fs"
	"path/filepath"
	"strconv"
	"testing"
	"testing/fstest"

	"github.com/pressly/goose/v3"
)

// lastRelease is the schema version of the last release (stop 24):
// migrations above it are new and must apply to a store made then.
const lastRelease = 20

// TestMigrate_FromLastRelease: a store at the last release's schema
// version opens, gets every newer migration, and serves what they add.
func TestMigrate_FromLastRelease(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	abs, _ := filepath.Abs(path)
	db, err := openDB(t.Context(), abs, writerParams, 1)
	if err != nil {
		t.Fatal(err)
	}
	old := fstest.MapFS{}
	entries, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	newer := 0
	for _, e := range entries {
		v, err := strconv.Atoi(e.Name()[:5])
		if err != nil {
			t.Fatalf("migration %s: no version number", e.Name())
		}
		if v > lastRelease {
			newer++
			continue
		}
		b, err := fs.ReadFile(migrations, "migrations/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		old[e.Name()] = &fstest.MapFile{Data: b}
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, old, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Up(t.Context()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open() of a store at version %d (%d newer migrations): %v", lastRelease, newer, err)
	}
	defer s.Close()
	if _, err := s.ApplicationList(t.Context()); err != nil {
		t.Errorf("ApplicationList() after the upgrade: %v", err)
	}
}
