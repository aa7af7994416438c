package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/internal/testenv"
)

// TestEngine_SameOnPostgres ingests the same small real inputs into a
// PostgreSQL database as the shared SQLite month (smallDB) and requires the two scores
// exports to be byte for byte the same.
func TestEngine_SameOnPostgres(t *testing.T) {
	stores := map[string]string{
		"sqlite":   smallDB(t),
		"postgres": testenv.Postgres(t),
	}
	if code, msg := runCLI(t, smallIngest(stores["postgres"], smallData(t), "--quiet")...); code != 0 {
		t.Fatalf("postgres: ingest exit %d: %s", code, msg)
	}
	out := map[string]string{}
	for name, db := range stores {
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
