package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "report.pdf")
	if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(p, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	st, _ := os.Stat(p)
	if err != nil || string(b) != "new" || st.Mode().Perm() != 0o644 {
		t.Errorf("read %q, %v, mode %v", b, err, st.Mode())
	}
	// A directory that does not exist: an error, and nothing left behind.
	if err := Write(filepath.Join(dir, "none", "x"), []byte("x"), 0o644); err == nil {
		t.Error("Write into a missing directory: no error")
	}
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Errorf("%d entries in the directory, want only the file", len(es))
	}
	// A path that is a directory: the rename fails, the temporary file goes.
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sub, "keep"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(sub, []byte("x"), 0o644); err == nil {
		t.Error("Write over a non-empty directory: no error")
	}
	if es, _ := os.ReadDir(dir); len(es) != 2 {
		t.Errorf("%d entries after the failed rename, want 2", len(es))
	}
}
