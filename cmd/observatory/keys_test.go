package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/internal/apikey"
	"github.com/observatory-net/observatory/internal/store/sqlite"
	"github.com/observatory-net/observatory/internal/testenv"
)

// createdKey matches what keys create prints.
var createdKey = regexp.MustCompile(`(?m)^id: +(\S+)\ntoken: +(\S+)\n`)

// createKey runs keys create and returns the key's ID and token.
func createKey(t *testing.T, db string, args ...string) (id, token string) {
	t.Helper()
	code, out := runCLI(t, append([]string{"keys", "create", "--db", db}, args...)...)
	m := createdKey.FindStringSubmatch(out)
	if code != 0 || m == nil {
		t.Fatalf("keys create %v: exit %d, output %q", args, code, out)
	}
	return m[1], m[2]
}

// keysJSON runs keys list --format json.
func keysJSON(t *testing.T, db string) (string, []keyView) {
	t.Helper()
	code, out := runCLI(t, "keys", "list", "--db", db, "--format", "json")
	if code != 0 {
		t.Fatalf("keys list: exit %d: %s", code, out)
	}
	var views []keyView
	if err := json.Unmarshal([]byte(out), &views); err != nil {
		t.Fatalf("keys list JSON: %v: %s", err, out)
	}
	return out, views
}

// importFile imports participants and returns the registry's IDs by
// organisation.
func importFile(t *testing.T, db, content string) map[string]int64 {
	t.Helper()
	path := filepath.Join(t.TempDir(), "participants.csv")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out := runCLI(t, "participants", "import", "--db", db, path); code != 0 {
		t.Fatalf("participants import: exit %d: %s", code, out)
	}
	return participantIDs(t, db)
}

func participantIDs(t *testing.T, db string) map[string]int64 {
	t.Helper()
	code, out := runCLI(t, "participants", "list", "--db", db, "--format", "json")
	if code != 0 {
		t.Fatalf("participants list: exit %d: %s", code, out)
	}
	var views []participantView
	if err := json.Unmarshal([]byte(out), &views); err != nil {
		t.Fatalf("participants list JSON: %v: %s", err, out)
	}
	ids := map[string]int64{}
	for _, v := range views {
		ids[v.Organisation] = v.ID
	}
	return ids
}

const twoParticipants = "organisation,programme,asns\nExample Transit,netops,AS3333 AS12654\nExample IX,ixp,AS6777\n"

// TestKeys_CreateListRevoke runs the key commands on an SQLite file: the
// token printed once verifies against the stored hash, the list never
// shows hashes or tokens, revocation shows.
func TestKeys_CreateListRevoke(t *testing.T) {
	db := filepath.Join(t.TempDir(), "obs.db")
	ids := importFile(t, db, twoParticipants)
	pid := strconv.FormatInt(ids["Example Transit"], 10)
	partner, partnerToken := createKey(t, db, "--role", "partner", "--name", "CI runner", "--expires", "90d", "--rate", "60")
	member, memberToken := createKey(t, db, "--role", "participant", "--participant", pid, "--expires", "2999-01-01")
	if partner == member {
		t.Fatalf("two keys with ID %s", partner)
	}
	checkStored(t, db, map[string]string{partner: partnerToken, member: memberToken})

	out, views := keysJSON(t, db)
	if len(views) != 2 || strings.Contains(out, "hash") || strings.Contains(out, partnerToken[len(partnerToken)-20:]) {
		t.Errorf("keys list shows %d keys, or a hash or secret: %s", len(views), out)
	}
	byID := map[string]keyView{}
	for _, v := range views {
		byID[v.ID] = v
	}
	if p := byID[partner]; p.Name != "CI runner" || p.Role != "partner" || p.RatePerMinute != 60 || p.ExpiresAt == nil || p.Status != "active" {
		t.Errorf("partner key listed as %+v", p)
	}
	if m := byID[member]; m.ParticipantID != ids["Example Transit"] || m.ExpiresAt.Year() != 2999 {
		t.Errorf("participant key listed as %+v", m)
	}
	if code, table := runCLI(t, "keys", "list", "--db", db); code != 0 || !strings.Contains(table, "STATUS") || !strings.Contains(table, partner) {
		t.Errorf("keys list (table): exit %d: %s", code, table)
	}

	if code, out := runCLI(t, "keys", "revoke", "--db", db, partner); code != 0 || !strings.Contains(out, "revoked "+partner) {
		t.Errorf("keys revoke: exit %d: %s", code, out)
	}
	_, views = keysJSON(t, db)
	for _, v := range views {
		if want := map[bool]string{true: "revoked", false: "active"}[v.ID == partner]; v.Status != want || (v.RevokedAt != nil) != (v.ID == partner) {
			t.Errorf("after revoke, key %s is %s (revoked at %v), want %s", v.ID, v.Status, v.RevokedAt, want)
		}
	}
	if code, _ := runCLI(t, "keys", "revoke", "--db", db, "nosuchkey"); code != 2 {
		t.Errorf("keys revoke of an unknown key: exit %d, want 2", code)
	}
}

// checkStored opens the store and checks each token against its key.
func checkStored(t *testing.T, db string, tokens map[string]string) {
	t.Helper()
	s, err := sqlite.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for id, token := range tokens {
		k, err := s.Key(t.Context(), id)
		if err != nil {
			t.Fatalf("Key(%s) = %v", id, err)
		}
		if parsed, err := apikey.Parse(token); err != nil || parsed != id || !apikey.Verify(k, token) {
			t.Errorf("token of key %s: Parse = %q, %v; does not verify against the stored key", id, parsed, err)
		}
	}
}

// TestKeys_CreateRefused checks the usage errors of keys create: exit 2
// and no key stored.
func TestKeys_CreateRefused(t *testing.T) {
	db := filepath.Join(t.TempDir(), "obs.db")
	ids := importFile(t, db, twoParticipants)
	pid := strconv.FormatInt(ids["Example IX"], 10)
	for name, args := range map[string][]string{
		"no role":                  {},
		"unknown role":             {"--role", "admin"},
		"participant without ID":   {"--role", "participant"},
		"unregistered participant": {"--role", "participant", "--participant", "999"},
		"partner with participant": {"--role", "partner", "--participant", pid},
		"past expiry":              {"--role", "partner", "--expires", "2001-01-01"},
		"bad expiry":               {"--role", "partner", "--expires", "soon"},
		"zero days":                {"--role", "partner", "--expires", "0d"},
		"negative rate":            {"--role", "partner", "--rate", "-5"},
		"no store":                 {"--role", "partner", "--db", ""},
	} {
		if code, out := runCLI(t, append([]string{"keys", "create", "--db", db}, args...)...); code != 2 {
			t.Errorf("keys create (%s): exit %d, want 2: %s", name, code, out)
		}
	}
	if _, views := keysJSON(t, db); len(views) != 0 {
		t.Errorf("keys stored after refused creates: %+v", views)
	}
	if code, _ := runCLI(t, "keys", "list", "--db", db, "--format", "csv"); code != 2 {
		t.Errorf("keys list --format csv: exit %d, want 2", code)
	}
}

// TestKeys_Postgres runs create and list against a PostgreSQL database.
func TestKeys_Postgres(t *testing.T) {
	db := testenv.Postgres(t)
	ids := importFile(t, db, twoParticipants)
	id, _ := createKey(t, db, "--role", "participant", "--participant", strconv.FormatInt(ids["Example IX"], 10))
	if _, views := keysJSON(t, db); len(views) != 1 || views[0].ID != id || views[0].ParticipantID != ids["Example IX"] {
		t.Errorf("keys list on PostgreSQL = %+v, want key %s", views, id)
	}
}
