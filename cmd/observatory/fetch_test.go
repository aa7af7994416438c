package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/internal/fetch"
	"github.com/observatory-net/observatory/internal/sources"
)

func TestSources_PrintsMergedCatalogue(t *testing.T) {
	user := filepath.Join(t.TempDir(), "sources.yaml")
	if err := os.WriteFile(user, []byte("settings:\n  concurrency: 2\nsources:\n  - name: bogons\n    enabled: false\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out := runCLI(t, "sources", "--sources", user, "--format", "json")
	if code != 0 {
		t.Fatalf("sources exit %d", code)
	}
	var c sources.Catalogue
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatal(err)
	}
	if c.Settings.Concurrency != 2 || c.Settings.Attempts != 4 || c.Source("bogons").IsEnabled() || c.Source("routeviews") == nil {
		t.Errorf("merged catalogue: settings %+v, bogons enabled %t", c.Settings, c.Source("bogons").IsEnabled())
	}
	if code, out := runCLI(t, "sources", "--format", "defaults"); code != 0 || !strings.Contains(out, "# Observatory sources catalogue") {
		t.Errorf("sources --format defaults: exit %d, no commented file", code)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("settings:\n  attempts: 0\n"), 0o644)
	if code, _ := runCLI(t, "sources", "--sources", bad); code != 2 {
		t.Errorf("sources with attempts 0: exit %d, want 2", code)
	}
}

// TestFetch_MirrorDirectory fetches the arranged month from a mirror
// directory (offline use) and checks the manifest.
func TestFetch_MirrorDirectory(t *testing.T) {
	setUpRun(t)
	dest := t.TempDir()
	code, out := runCLI(t, "fetch", "--month", "2014-05", "--mirror", runFixture.mirror, "--sources", runFixture.sources,
		"--dest", dest, "--format", "json", "--quiet")
	if code != 0 {
		t.Fatalf("fetch exit %d", code)
	}
	var rep fetch.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if n := len(rep.Usable()); n != len(runArranged) {
		t.Errorf("%d files fetched from the mirror directory, want %d", n, len(runArranged))
	}
	for _, p := range rep.Problems() {
		if p.Status != fetch.Missing || p.Reason != "not in the mirror directory" && !strings.HasPrefix(p.Reason, "not found at any") {
			t.Errorf("%s: %s %s, want missing", p.URL, p.Status, p.Reason)
		}
	}
	m, err := fetch.ReadManifest(filepath.Join(dest, fetch.ManifestName("2014-05")))
	if err != nil || len(m.Files) != len(rep.Files) {
		t.Fatalf("manifest: %v", err)
	}
}
