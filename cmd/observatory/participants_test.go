package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestParticipants_ImportList imports a file, again unchanged, then an
// edited file, and lists the registry.
func TestParticipants_ImportList(t *testing.T) {
	db := filepath.Join(t.TempDir(), "obs.db")
	dir := t.TempDir()
	first := filepath.Join(dir, "first.csv")
	write := func(path, content string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(first, "organisation,programme,asns,approved,areas\n"+
		"Example Transit B.V.,netops,\"AS3333 AS12654\",2015-01-12,\"NL DE\"\n"+
		"Example Exchange,ixp,AS6777,2018-06-01,NL\n"+
		"\"Universidad, Ejemplo\",netops,278;676,2019-03-04T00:00:00Z,MX\n")
	for _, want := range []string{"3 created, 0 updated, 0 unchanged", "0 created, 0 updated, 3 unchanged"} {
		if code, out := runCLI(t, "participants", "import", "--db", db, first); code != 0 || !strings.Contains(out, want) {
			t.Errorf("participants import: exit %d, output %q, want %q", code, out, want)
		}
	}
	ids := participantIDs(t, db)
	// JSON, one entry edited, one new.
	second := filepath.Join(dir, "second.json")
	write(second, `[{"name": "Example Exchange", "programme": "ixp", "ASNs": [6777, 6778], "areas": ["NL"]},
		{"name": "Example CDN", "programme": "cdn", "ASNs": ["AS13335"]}]`)
	want := "1 created, 1 updated, 0 unchanged"
	if code, out := runCLI(t, "participants", "import", "--db", db, second); code != 0 || !strings.Contains(out, want) {
		t.Errorf("participants import (JSON): exit %d, output %q, want %q", code, out, want)
	}
	after := participantIDs(t, db)
	if len(after) != 4 || after["Example Exchange"] != ids["Example Exchange"] {
		t.Errorf("registry after the second import = %v, want 4 entries, Example Exchange still %d", after, ids["Example Exchange"])
	}
	code, table := runCLI(t, "participants", "list", "--db", db)
	if code != 0 {
		t.Fatalf("participants list: exit %d", code)
	}
	for _, want := range []string{"ORGANISATION", "Universidad, Ejemplo", "AS278 AS676", "AS6777 AS6778", "2015-01-12", "NL DE"} {
		if !strings.Contains(table, want) {
			t.Errorf("participants list lacks %q:\n%s", want, table)
		}
	}
}

// TestParticipants_ImportRefused checks that bad files exit 2 and store
// nothing.
func TestParticipants_ImportRefused(t *testing.T) {
	db := filepath.Join(t.TempDir(), "obs.db")
	dir := t.TempDir()
	files := map[string]string{
		"duplicate organisation": "organisation,programme,asns\nSame Org,netops,AS1\nSame Org,ixp,AS2\n",
		"no asns column":         "organisation,programme\nOrg,netops\n",
		"empty":                  "",
	}
	for name, content := range files {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".csv")
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if code, out := runCLI(t, "participants", "import", "--db", db, path); code != 2 {
			t.Errorf("participants import (%s): exit %d, want 2: %s", name, code, out)
		}
	}
	if code, _ := runCLI(t, "participants", "import", "--db", db, filepath.Join(dir, "missing.csv")); code != 2 {
		t.Errorf("participants import of a missing file: exit %d, want 2", code)
	}
	if ids := participantIDs(t, db); len(ids) != 0 {
		t.Errorf("registry after refused imports = %v, want empty", ids)
	}
	if code, _ := runCLI(t, "participants", "list", "--db", db, "--format", "xml"); code != 2 {
		t.Errorf("participants list --format xml: exit %d, want 2", code)
	}
}
