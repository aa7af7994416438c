package main

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/store"
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

// TestParticipants_ImportASNs checks that an ASN belongs to one
// organisation: a file listing one under two, or an ASN another entry of
// the registry holds, is refused with exit 2, its record named and
// nothing imported; moving an ASN between two entries in one file works.
func TestParticipants_ImportASNs(t *testing.T) {
	db := filepath.Join(t.TempDir(), "obs.db")
	ids := importFile(t, db, twoParticipants)
	dir := t.TempDir()
	for _, tc := range []struct {
		name, content, wantErr string
	}{
		{"one ASN under two organisations",
			"organisation,asns\nNew Org,AS9999\nOther Org,AS1 AS9999\n",
			`record 3 at byte offset 33: AS9999 is listed under "New Org" (record 2) and "Other Org"`},
		{"an ASN the registry holds for another",
			"organisation,asns\nNew Org,AS9999\nExample IX,AS6777\nOther Org,AS12654\n",
			`record 4 at byte offset 51: "Other Org" lists AS12654, which the registry holds for "Example Transit"`},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".csv")
		if err := os.WriteFile(path, []byte(tc.content), 0o644); err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		err := runParticipantsImport(t.Context(), &out, db, path, time.Now())
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("participants import (%s) = %v, want exit 2 with %q", tc.name, err, tc.wantErr)
		}
		if code, _ := runCLI(t, "participants", "import", "--db", db, path); code != 2 {
			t.Errorf("participants import (%s): exit %d, want 2", tc.name, code)
		}
		if got := participantIDs(t, db); !maps.Equal(got, ids) {
			t.Errorf("registry after a refused import (%s) = %v, want it unchanged %v", tc.name, got, ids)
		}
	}
	// Example IX hands AS6777 to Example Transit: one file, either order.
	move := filepath.Join(dir, "move.csv")
	content := "organisation,programme,asns\nExample Transit,netops,AS3333 AS12654 AS6777\nExample IX,ixp,AS6778\n"
	if err := os.WriteFile(move, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out := runCLI(t, "participants", "import", "--db", db, move); code != 0 || !strings.Contains(out, "2 updated") {
		t.Errorf("participants import (move AS6777): exit %d, output %q, want 2 updated", code, out)
	}
}

// TestParticipants_Delete checks that delete removes the entry, revokes
// its keys at once and only its keys, and that its ID is not given again.
func TestParticipants_Delete(t *testing.T) {
	db := filepath.Join(t.TempDir(), "obs.db")
	ids := importFile(t, db, twoParticipants)
	gone := strconv.FormatInt(ids["Example IX"], 10)
	goneKey, _ := createKey(t, db, "--role", "participant", "--participant", gone)
	staysKey, _ := createKey(t, db, "--role", "participant", "--participant", strconv.FormatInt(ids["Example Transit"], 10))
	code, out := runCLI(t, "participants", "delete", "--db", db, gone)
	if code != 0 || !strings.Contains(out, "deleted participant "+gone+" (Example IX, UID ") ||
		!strings.Contains(out, "revoked its 1 active keys") {
		t.Errorf("participants delete: exit %d, output %q", code, out)
	}
	_, views := keysJSON(t, db)
	for _, v := range views {
		want := map[string]string{goneKey: "revoked", staysKey: "active"}[v.ID]
		if v.Status != want {
			t.Errorf("key %s of participant %d is %s after the delete, want %s", v.ID, v.ParticipantID, v.Status, want)
		}
		if !store.ValidUID(v.ParticipantUID) {
			t.Errorf("key %s lists participant UID %q, want a UUID", v.ID, v.ParticipantUID)
		}
	}
	for _, args := range [][]string{{gone}, {"0"}, {"x"}} {
		if code, _ := runCLI(t, append([]string{"participants", "delete", "--db", db}, args...)...); code != 2 {
			t.Errorf("participants delete %s: exit %d, want 2", args[0], code)
		}
	}
	after := importFile(t, db, "organisation,asns\nExample IX,AS6777\n")
	if after["Example IX"] <= ids["Example IX"] {
		t.Errorf("Example IX registered again got ID %d, want one above the deleted %d", after["Example IX"], ids["Example IX"])
	}
}
