package sqlite

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pressly/goose/v3"
)

// TestMigrate_00005OutOfOrder: a store migrated by a program without
// 00005 (applications), to a higher version, gets it when opened.
func TestMigrate_00005OutOfOrder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	abs, _ := filepath.Abs(path)
	db, err := openDB(t.Context(), abs, writerParams, 1)
	if err != nil {
		t.Fatal(err)
	}
	without := fstest.MapFS{}
	entries, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "00005_") {
			continue
		}
		b, err := fs.ReadFile(migrations, "migrations/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		without[e.Name()] = &fstest.MapFile{Data: b}
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, without, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Up(t.Context()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open() of a store without 00005: %v", err)
	}
	defer s.Close()
	if _, err := s.ApplicationList(t.Context()); err != nil {
		t.Errorf("ApplicationList() after the late migration: %v", err)
	}
}
