package sqlite

import (
	"errors"
	"os"
	"testing"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/store/storetest"
)

// TestCheck_Damaged checks that Check and the reads report a file whose
// middle pages were overwritten as damaged (store.ErrCorrupt).
func TestCheck_Damaged(t *testing.T) {
	s, path := openTest(t)
	m := storetest.Synthetic(march, "netops@2024.1", storetest.Size{ASNs: 5000, Routes: 5000, Incidents: 100})
	if err := s.WriteMonth(t.Context(), m); err != nil {
		t.Fatalf("WriteMonth() = %v", err)
	}
	if err := s.Check(t.Context()); err != nil {
		t.Fatalf("Check(intact) = %v, want nil", err)
	}
	if err := s.Close(); err != nil { // checkpoints the WAL into the file
		t.Fatal(err)
	}
	// Damage under an open store whose connections have read every page.
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Check(t.Context()); err != nil {
		t.Fatalf("Check(intact, reopened) = %v, want nil", err)
	}
	damage(t, path)
	if err := s.Check(t.Context()); !errors.Is(err, store.ErrCorrupt) {
		t.Errorf("Check(damaged while open) = %v, want an error wrapping store.ErrCorrupt", err)
	}
	s.Close()
	s, err = Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open(damaged) = %v", err)
	}
	defer s.Close()
	if err := s.Check(t.Context()); !errors.Is(err, store.ErrCorrupt) {
		t.Errorf("Check(damaged) = %v, want an error wrapping store.ErrCorrupt", err)
	}
	if _, err := s.ASNs(t.Context(), march, "netops@2024.1", store.Filter{}); !errors.Is(err, store.ErrCorrupt) {
		t.Errorf("ASNs(damaged) = %v, want an error wrapping store.ErrCorrupt", err)
	}
	if err := s.Ping(t.Context()); err != nil {
		t.Errorf("Ping(damaged in the middle) = %v, want nil: the months table is intact", err)
	}
}

// damage overwrites 16 pages in the middle of the file with a pattern no
// B-tree page has.
func damage(t *testing.T, path string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	junk := make([]byte, 16*4096)
	for i := range junk {
		junk[i] = byte(0xa5 ^ i)
	}
	if _, err := f.WriteAt(junk, fi.Size()/2/4096*4096); err != nil {
		t.Fatal(err)
	}
}
