package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/internal/testenv"
)

// TestEngine_SameOnPostgres ingests the same small real inputs into an
// SQLite file and a PostgreSQL database and requires the two scores
// exports to be byte for byte the same.
func TestEngine_SameOnPostgres(t *testing.T) {
	data := smallData(t)
	stores := map[string]string{
		"sqlite":   filepath.Join(t.TempDir(), "obs.db"),
		"postgres": testenv.Postgres(t),
	}
	out := map[string]string{}
	for name, db := range stores {
		if code, msg := runCLI(t, "ingest", "--db", db, "--data", data, "--month", "2014-05", "--quiet"); code != 0 {
			t.Fatalf("%s: ingest exit %d: %s", name, code, msg)
		}
		code, csv := runCLI(t, "scores", "--db", db, "--format", "csv")
		if code != 0 {
			t.Fatalf("%s: scores exit %d: %s", name, code, csv)
		}
		out[name] = csv
	}
	if len(out["sqlite"]) < 100 {
		t.Fatalf("scores CSV from sqlite is %d bytes: nothing to compare", len(out["sqlite"]))
	}
	if out["sqlite"] != out["postgres"] {
		t.Errorf("scores CSV differs between the stores, first at %s", firstDiff(out["sqlite"], out["postgres"]))
	}
}

// firstDiff describes the first line at which a and b differ.
func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range max(len(la), len(lb)) {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\nsqlite:   %q\npostgres: %q", i+1, x, y)
		}
	}
	return "no line"
}
