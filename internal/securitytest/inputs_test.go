package securitytest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/observatory-net/observatory/internal/testenv"
)

// This file holds the regression tests of finding 5 (damaged input is
// handled by one rule: reported with file, record and offset, skipped,
// fatal only with --strict) and of finding 9's input and store parts (a
// read-only store is served, new SQLite files are 0600, every input has
// its SHA-256, symbolic links are recorded with their target).

// tinyMRT is the small MRT file of the fixture month every ingest of this
// file reads: the month needs routes.
const tinyMRT = "mrt/updates/ris.rrc06.updates.1401488100.gz"

// inputJSON is one input as months --format json prints it.
type inputJSON struct {
	Path, Target, Kind, SHA256 string
	Size                       int64
}

// monthRecord is one month as months --format json prints it.
type monthRecord struct {
	Month      string      `json:"month"`
	IngestedAt time.Time   `json:"ingested_at"`
	Inputs     []inputJSON `json:"inputs"`
	Warnings   []string    `json:"warnings"`
}

// storedMonths returns what months --format json says of dsn.
func storedMonths(t *testing.T, dsn string) []monthRecord {
	t.Helper()
	out := mustRun(t, "months", "--db", dsn, "--format", "json")
	var ms []monthRecord
	if err := json.Unmarshal([]byte(out), &ms); err != nil {
		t.Fatalf("months --format json: %v\n%s", err, out)
	}
	return ms
}

// onlyMonth returns the one stored month.
func onlyMonth(t *testing.T, dsn string) monthRecord {
	t.Helper()
	ms := storedMonths(t, dsn)
	if len(ms) != 1 {
		t.Fatalf("months: %d months stored, want 1: %+v", len(ms), ms)
	}
	return ms[0]
}

// dataDir makes a data directory holding a link to the tiny MRT file and
// the given files, written from their content.
func dataDir(t *testing.T, files map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	mrt := filepath.Join(testenv.SharedData(t), tinyMRT)
	if err := os.Symlink(mrt, filepath.Join(dir, filepath.Base(mrt))); err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// sharedFile returns the content of a file of the shared data.
func sharedFile(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testenv.SharedData(t), rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ingestTiny ingests dir into dsn as the fixture month, with extra flags.
func ingestTiny(t *testing.T, dsn, dir string, flags ...string) result {
	t.Helper()
	return run(t, append([]string{"ingest", "--db", dsn, "--data", dir, "--month", month}, flags...)...)
}

// warningAbout returns the month's warning that mentions every one of
// parts, or "".
func warningAbout(m monthRecord, parts ...string) string {
	for _, w := range m.Warnings {
		if containsAll(w, parts...) {
			return w
		}
	}
	return ""
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// objectOffset returns the byte offset of the n-th (0-based) object of a
// PeeringDB page's "data" array.
func objectOffset(t *testing.T, page []byte, n int) int {
	t.Helper()
	var p struct{ Data []json.RawMessage }
	if err := json.Unmarshal(page, &p); err != nil || len(p.Data) <= n {
		t.Fatalf("page of %d objects (%v), want more than %d", len(p.Data), err, n)
	}
	return bytes.Index(page, p.Data[n])
}

// TestFinding5_TruncatedPeeringDBPage: a PeeringDB net page cut in the
// middle of its 83rd object is ingested (exit 0) with the 82 objects before
// the cut; the cut object is reported on stderr and in the month's
// warnings with the file, the record and its byte offset. With --strict
// the same ingest exits 2 naming them, and the month stored before stays
// as it was.
func TestFinding5_TruncatedPeeringDBPage(t *testing.T) {
	page := sharedFile(t, "peeringdb/20260416/prod-anon/net-page-1.json")
	cut := objectOffset(t, page, 82)
	eachStore(t, func(t *testing.T, kind string) {
		dsn := emptyStore(t, kind)
		good := dataDir(t, map[string][]byte{"net-page-1.json": page})
		if res := ingestTiny(t, dsn, good); res.code != 0 {
			t.Fatalf("ingest of the whole page: exit %d\n%s", res.code, res.stderr)
		}
		before := onlyMonth(t, dsn)

		damaged := dataDir(t, map[string][]byte{"net-page-1.json": page[:cut+40]})
		where := []string{filepath.Join(damaged, "net-page-1.json"), "record 83", fmt.Sprintf("byte offset %d", cut)}
		res := ingestTiny(t, dsn, damaged, "--strict")
		if res.code != 2 || !containsAll(res.stderr, where...) {
			t.Errorf("ingest --strict of the cut page: exit %d, want 2 with an error naming %q:\n%s", res.code, where, res.stderr)
		}
		if after := onlyMonth(t, dsn); !after.IngestedAt.Equal(before.IngestedAt) || len(after.Inputs) != len(before.Inputs) {
			t.Errorf("ingest --strict failed but the stored month changed: ingested %v, was %v", after.IngestedAt, before.IngestedAt)
		}

		res = ingestTiny(t, dsn, damaged)
		if res.code != 0 {
			t.Fatalf("ingest of the cut page: exit %d, want 0 (the damaged object skipped)\n%s", res.code, res.stderr)
		}
		if !containsAll(res.stderr, where...) || !strings.Contains(res.stderr, "1 damaged record skipped") {
			t.Errorf("ingest's stderr does not report the damaged object %q:\n%s", where, res.stderr)
		}
		m := onlyMonth(t, dsn)
		if m.IngestedAt.Equal(before.IngestedAt) {
			t.Errorf("the month was not rewritten by the second ingest")
		}
		if warningAbout(m, where...) == "" {
			t.Errorf("months shows no warning naming %q: %q", where, m.Warnings)
		}
	})
}

// TestFinding5_GarbageOrgPage: an org page with garbage before its
// document, or inside its third object, is not dropped silently: the
// damage is a warning naming the file and the offset, and the month is
// written.
func TestFinding5_GarbageOrgPage(t *testing.T) {
	page := sharedFile(t, "peeringdb/20260416/prod-anon/org-page-1.json")
	third := objectOffset(t, page, 2)
	inside := third + bytes.IndexByte(page[third:], ',') + 1
	for _, tc := range []struct {
		name  string
		data  []byte
		where []string
	}{
		{"before the document", append([]byte("garbage\x00\xff"), page...), []string{"record 1", "byte offset 0", "garbage"}},
		{"inside an object", slicesConcat(page[:inside], []byte(" garbage"), page[inside:]), []string{"record 3", fmt.Sprintf("byte offset %d", third)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			eachStore(t, func(t *testing.T, kind string) {
				dsn := emptyStore(t, kind)
				dir := dataDir(t, map[string][]byte{"org-page-1.json": tc.data})
				res := ingestTiny(t, dsn, dir)
				if res.code != 0 {
					t.Fatalf("ingest: exit %d, want 0\n%s", res.code, res.stderr)
				}
				where := append([]string{filepath.Join(dir, "org-page-1.json")}, tc.where...)
				if w := warningAbout(onlyMonth(t, dsn), where...); w == "" {
					t.Errorf("months shows no warning naming %q: the damaged page was dropped silently\n%s", where, res.stderr)
				}
			})
		})
	}
}

func slicesConcat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// TestFinding5_DamagedRPSLObject: a route object whose origin is broken is
// skipped with a warning naming the file, the object and its byte offset,
// where it used to vanish without a word.
func TestFinding5_DamagedRPSLObject(t *testing.T) {
	rpsl := sharedFile(t, "irr/ripe-db-route-sample-2016.txt")
	obj := bytes.Index(rpsl, []byte("route:          212.166.64.0/19"))
	broken := bytes.Replace(rpsl, []byte("origin:         AS12321"), []byte("origin:         AS-BROKEN"), 1)
	if obj < 0 || bytes.Equal(broken, rpsl) {
		t.Fatal("the RPSL sample changed: its second object is not the one this test breaks")
	}
	eachStore(t, func(t *testing.T, kind string) {
		dsn := emptyStore(t, kind)
		dir := dataDir(t, map[string][]byte{"ripe.db.route": broken})
		res := ingestTiny(t, dsn, dir)
		if res.code != 0 {
			t.Fatalf("ingest: exit %d, want 0\n%s", res.code, res.stderr)
		}
		where := []string{filepath.Join(dir, "ripe.db.route"), "record 2", fmt.Sprintf("byte offset %d", obj), "AS-BROKEN"}
		if w := warningAbout(onlyMonth(t, dsn), where...); w == "" {
			t.Errorf("months shows no warning naming %q\n%s", where, res.stderr)
		}
		if !containsAll(res.stderr, where...) {
			t.Errorf("ingest's stderr does not report the damaged object %q:\n%s", where, res.stderr)
		}
	})
}

// TestFinding9_InputDigests: months --format json gives every input of a
// --data ingest the size and SHA-256 of the file, links and plain files
// alike.
func TestFinding9_InputDigests(t *testing.T) {
	shared := testenv.SharedData(t)
	eachStore(t, func(t *testing.T, kind string) {
		dsn := emptyStore(t, kind)
		dir := dataDir(t, map[string][]byte{"bogons.txt": sharedFile(t, "bogons/fullbogons-ipv4.txt")})
		if err := os.Symlink(filepath.Join(shared, "irr"), filepath.Join(dir, "irr")); err != nil {
			t.Fatal(err)
		}
		if res := ingestTiny(t, dsn, dir); res.code != 0 {
			t.Fatalf("ingest: exit %d\n%s", res.code, res.stderr)
		}
		m := onlyMonth(t, dsn)
		if len(m.Inputs) != 5 { // the MRT file, the bogons, three IRR files
			t.Errorf("months lists %d inputs, want 5: %+v", len(m.Inputs), m.Inputs)
		}
		for _, in := range m.Inputs {
			data, err := os.ReadFile(in.Path)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(data)
			if want := hex.EncodeToString(sum[:]); in.SHA256 != want || in.Size != int64(len(data)) {
				t.Errorf("%s: sha256 %q, size %d; want %s, %d", in.Path, in.SHA256, in.Size, want, len(data))
			}
		}
	})
}

// TestFinding9_SymlinkedInputs: inputs reached through symbolic links (a
// linked file, a linked directory) are recorded with the real path they
// resolved to, a plain file without one, and months shows both; a link
// loop is refused with an error that names it.
func TestFinding9_SymlinkedInputs(t *testing.T) {
	shared := testenv.SharedData(t)
	realIRR, err := filepath.EvalSymlinks(filepath.Join(shared, "irr"))
	if err != nil {
		t.Fatal(err)
	}
	realMRT, err := filepath.EvalSymlinks(filepath.Join(shared, tinyMRT))
	if err != nil {
		t.Fatal(err)
	}
	eachStore(t, func(t *testing.T, kind string) {
		dsn := emptyStore(t, kind)
		dir := dataDir(t, map[string][]byte{"bogons.txt": sharedFile(t, "bogons/fullbogons-ipv4.txt")})
		if err := os.Symlink(filepath.Join(shared, "irr"), filepath.Join(dir, "irr")); err != nil {
			t.Fatal(err)
		}
		if res := ingestTiny(t, dsn, dir); res.code != 0 {
			t.Fatalf("ingest: exit %d\n%s", res.code, res.stderr)
		}
		want := map[string]string{
			filepath.Join(dir, filepath.Base(tinyMRT)):                  realMRT,
			filepath.Join(dir, "bogons.txt"):                            "",
			filepath.Join(dir, "irr", "autnum-AS3257.txt"):              filepath.Join(realIRR, "autnum-AS3257.txt"),
			filepath.Join(dir, "irr", "ripe-db-route-sample-2016.txt"):  filepath.Join(realIRR, "ripe-db-route-sample-2016.txt"),
			filepath.Join(dir, "irr", "ripe-db-route6-sample-2016.txt"): filepath.Join(realIRR, "ripe-db-route6-sample-2016.txt"),
		}
		got := map[string]string{}
		for _, in := range onlyMonth(t, dsn).Inputs {
			got[in.Path] = in.Target
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("inputs and their targets:\n got %v\nwant %v", got, want)
		}
		text := mustRun(t, "months", "--db", dsn)
		if line := filepath.Join(dir, filepath.Base(tinyMRT)) + " -> " + realMRT; !strings.Contains(text, line) {
			t.Errorf("months does not show %q:\n%s", line, text)
		}

		loop := t.TempDir()
		if err := os.Symlink(loop, filepath.Join(loop, "again")); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(filepath.Join(shared, tinyMRT), filepath.Join(loop, "updates.gz")); err != nil {
			t.Fatal(err)
		}
		res := ingestTiny(t, dsn, loop)
		if res.code != 2 || !containsAll(res.stderr, "symbolic link loop", filepath.Join(loop, "again")) {
			t.Errorf("ingest of a directory with a link loop: exit %d, want 2 naming the loop:\n%s", res.code, res.stderr)
		}
	})
}

// TestFinding9_NewDBFileMode: a new SQLite store and its -wal and -shm
// files are readable and writable by their owner only.
func TestFinding9_NewDBFileMode(t *testing.T) {
	db := emptyStore(t, "sqlite")
	if res := ingestTiny(t, db, dataDir(t, nil)); res.code != 0 {
		t.Fatalf("ingest: exit %d\n%s", res.code, res.stderr)
	}
	srv := start(t, db) // holds the database open: the -wal and -shm files exist
	if r := srv.get(t, "/api/v2/specs", ""); r.status != http.StatusOK {
		t.Fatalf("GET /api/v2/specs: %d", r.status)
	}
	for _, p := range []string{db, db + "-wal", db + "-shm"} {
		st, err := os.Stat(p)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(p), err)
			continue
		}
		if got := st.Mode().Perm(); got != 0o600 {
			t.Errorf("%s: mode %v, want -rw------- (0600)", filepath.Base(p), got)
		}
	}
}

// TestFinding9_ReadOnlySQLite: serve answers from an SQLite file of mode
// 0444 in a directory of mode 0555 (served by a user who may not write
// them), the API's month data and /healthz included; a write (flagging an
// incident) answers 503 read-only rather than failing or crashing.
func TestFinding9_ReadOnlySQLite(t *testing.T) {
	dsn := monthStore(t, "sqlite")
	ids := participantIDs(t, dsn)
	_, tok := createKey(t, dsn, "--role", "participant", "--participant", ids["Qualitynet"])
	dir := sharedTempDir(t)
	db := filepath.Join(dir, "obs.db")
	for _, suffix := range []string{"", "-wal"} {
		if err := copyFile(dsn+suffix, db+suffix); err != nil && !(suffix != "" && errors.Is(err, os.ErrNotExist)) {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(db, 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	srv := startUnprivileged(t, db, "--rate", "0", "--anonymous-rate", "0")
	checkReadOnlyServer(t, srv, tok)
	if _, err := os.Stat(db + "-wal"); err == nil {
		t.Errorf("serve created %s-wal in a read-only directory", db)
	}
}

// TestFinding9_ReadOnlyPostgres: serve answers from a PostgreSQL database
// whose transactions are read-only (default_transaction_read_only = on),
// and a write answers 503 read-only.
func TestFinding9_ReadOnlyPostgres(t *testing.T) {
	dsn := monthStore(t, "postgres")
	ids := participantIDs(t, dsn)
	_, tok := createKey(t, dsn, "--role", "participant", "--participant", ids["Qualitynet"])
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sql := "ALTER DATABASE " + pgx.Identifier{databaseOf(dsn)}.Sanitize() + " SET default_transaction_read_only = on"
	if err := adminExec(ctx, os.Getenv(testenv.PostgresEnv), sql); err != nil {
		t.Fatal(err)
	}
	srv := start(t, dsn, "--rate", "0", "--anonymous-rate", "0")
	checkReadOnlyServer(t, srv, tok)
}

// checkReadOnlyServer checks a server on a read-only store: health, the
// month's summary, a participant's incidents, and a write refused with 503.
func checkReadOnlyServer(t *testing.T, srv *server, tok string) {
	t.Helper()
	if r := srv.get(t, "/healthz", ""); r.status != http.StatusOK {
		t.Errorf("/healthz: %d %.300s", r.status, r.body)
	}
	if r := srv.get(t, "/api/v2/scores/summary", ""); r.status != http.StatusOK {
		t.Errorf("/api/v2/scores/summary: %d %.300s", r.status, r.body)
	}
	r := srv.get(t, fmt.Sprintf("/api/v2/incidents?asn=%d", ownASN), tok)
	var list struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	decode(t, r, &list)
	if r.status != http.StatusOK || len(list.Items) == 0 {
		t.Fatalf("incidents of AS%d: %d, %d items", ownASN, r.status, len(list.Items))
	}
	r = srv.do(t, request{method: http.MethodPost, path: "/api/v2/incidents/" + list.Items[0].ID + "/feedback",
		token: tok, body: `{"reason": "a write on a read-only store"}`})
	if r.status != http.StatusServiceUnavailable || !strings.Contains(r.body, "read-only") {
		t.Errorf("feedback on a read-only store: %d %.300s; want 503 read-only", r.status, r.body)
	}
	if r := srv.get(t, "/healthz", ""); r.status != http.StatusOK {
		t.Errorf("/healthz after the refused write: %d", r.status)
	}
}

// nobody is the user that serves read-only stores when the tests run as
// root, whom file modes do not stop.
const nobody = 65534

// sharedTempDir returns a temporary directory that the nobody user may
// enter (t.TempDir's are its owner's only).
func sharedTempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "observatory-readonly-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		os.Chmod(dir, 0o755)
		os.RemoveAll(dir)
	})
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// publicBinary is the observatory binary copied where nobody may run it.
var publicBinary struct {
	once sync.Once
	path string
	err  error
}

// startUnprivileged is start, as the nobody user when the tests run as
// root, so that the modes of a read-only store apply to the server.
func startUnprivileged(t *testing.T, dsn string, flags ...string) *server {
	t.Helper()
	if os.Geteuid() != 0 {
		return start(t, dsn, flags...)
	}
	publicBinary.once.Do(func() {
		dir, err := os.MkdirTemp("", "observatory-bin-")
		if err == nil {
			err = os.Chmod(dir, 0o755)
		}
		publicBinary.path = filepath.Join(dir, "observatory")
		if err == nil {
			err = copyFile(binary(t), publicBinary.path)
		}
		if err == nil {
			err = os.Chmod(publicBinary.path, 0o755)
		}
		publicBinary.err = err
	})
	if publicBinary.err != nil {
		t.Fatal(publicBinary.err)
	}
	cmd := exec.Command(publicBinary.path, serveArgs(dsn, flags...)...)
	cmd.Dir = os.TempDir()
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	return started(t, cmd)
}
