package dataset

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/internal/inputerr"
)

// TestLoad_registryContacts: a role-only RPSL split dump is IRR, a cached
// RDAP answer is recognised by content whatever its name, and a damaged
// one is a damaged record naming the file and the offset.
func TestLoad_registryContacts(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	arin, err := os.ReadFile("../rdap/testdata/arin-AS64496.json")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"ripe.db.role":     "role: NOC\ne-mail: unread@ripe.net\nnic-hdl: N1-RIPE\nsource: RIPE # Filtered\n",
		"answer.txt":       string(arin),
		"AS64497.json":     `{"objectClassName":"autnum","startAutnum":64497,"entities":[}`,
		"AS64511-404.json": `{"errorCode":404,"title":"Not Found"}`,
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	found, err := Discover(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]Kind{}
	for _, f := range found {
		kinds[filepath.Base(f.Path)] = f.Kind
	}
	want := map[string]Kind{"ripe.db.role": KindIRR, "answer.txt": KindRDAP, "AS64497.json": KindRDAP, "AS64511-404.json": KindUnknown}
	for name, k := range want {
		if kinds[name] != k {
			t.Errorf("%s: kind %q, want %q", name, kinds[name], k)
		}
	}
	var log inputerr.Log
	s, err := Load(ctx, found, Options{Damaged: &log})
	if err != nil {
		t.Fatalf("Load() error: %v", err)
	}
	if s.RDAP.Len() != 1 || s.IRR.Contacts() != 1 {
		t.Errorf("%d RDAP answers and %d contact objects, want 1 and 1", s.RDAP.Len(), s.IRR.Contacts())
	}
	if r, ok := s.RDAP.Lookup(64496); !ok || r.Contact == nil || !strings.HasSuffix(r.File, "answer.txt") {
		t.Errorf("Lookup(AS64496) = %+v, %v", r, ok)
	}
	lines := strings.Join(log.Lines(), "\n")
	if !strings.Contains(lines, "AS64497.json") || !strings.Contains(lines, "byte offset 61") {
		t.Errorf("damage report %q, want AS64497.json at byte offset 61", lines)
	}
	if _, err := Load(ctx, found, Options{}); err == nil || !strings.Contains(err.Error(), "AS64497.json") {
		t.Errorf("strict Load() error %v, want the damaged answer named", err)
	}
}
