package securitytest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/observatory-net/observatory/internal/testenv"
)

// BinaryEnv names the environment variable of an observatory binary to
// test instead of building this tree's.
const BinaryEnv = "OBSERVATORY_SECURITYTEST_BIN"

// Stores are the store kinds every finding is tested on.
var Stores = []string{"sqlite", "postgres"}

// month is the month the fixture holds.
const month = "2014-05"

// mayInputs are the fixture's files, relative to the shared data directory.
var mayInputs = []string{
	"mrt/updates/ris.rrc06.updates.1401488100.gz",
	"mrt/updates/routeviews.route-views.jinx.updates.1401493500.bz2",
	"rpki/rpki-client-prepdev-20230504.json.gz",
	"irr",
	"as-relationships/20140101.as-rel.txt",
	"rir-delegated/2014",
	"bogons",
	"asnames/potaroo-autnums-ASN_lookup.txt",
}

// participantsCSV is ingested with the month and imported into the
// registry. AS9155 has routes and three incidents in May 2014, AS2516
// six incidents.
const participantsCSV = "organisation,programme,asns,approved,areas\n" +
	"Qualitynet,netops,AS9155,2016-03-01,KW\n" +
	"KDDI,netops,AS2516,2017-06-15,JP\n" +
	"RIPE NCC,netops,AS3333,2015-01-12,NL DE\n"

// Fixture ASNs.
const (
	ownASN   = 9155 // Qualitynet's
	otherASN = 2516 // KDDI's
)

// env is shared by every test: the binary and the templates.
var env struct {
	dir     string
	binOnce sync.Once
	bin     string
	binErr  error

	tplMu sync.Mutex
	tpl   map[string]string // store kind → template DSN (file or database)
	admin string            // PostgreSQL admin DSN, for the template's cleanup
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "observatory-securitytest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	env.dir = dir
	code := m.Run()
	if env.admin != "" && env.tpl["postgres"] != "" {
		if err := dropDatabase(env.admin, databaseOf(env.tpl["postgres"])); err != nil {
			fmt.Fprintln(os.Stderr, "securitytest: drop the template:", err)
		}
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// binary returns the observatory binary, built without the race detector
// on first use (the ingest is five times faster without it).
func binary(t testing.TB) string {
	t.Helper()
	env.binOnce.Do(func() {
		if b := os.Getenv(BinaryEnv); b != "" {
			env.bin = b
			return
		}
		env.bin = filepath.Join(env.dir, "observatory")
		cmd := exec.Command("go", "build", "-o", env.bin, "github.com/observatory-net/observatory/cmd/observatory")
		if out, err := cmd.CombinedOutput(); err != nil {
			env.binErr = fmt.Errorf("build observatory: %v\n%s", err, out)
		}
	})
	if env.binErr != nil {
		t.Fatal(env.binErr)
	}
	return env.bin
}

// result is what a CLI run printed and how it exited.
type result struct {
	stdout, stderr string
	code           int
}

// run runs the binary with args and returns what it printed and its exit
// code; a failure to start it fails the test.
func run(t testing.TB, args ...string) result {
	t.Helper()
	return runIn(t, "", nil, args...)
}

// runIn is run in the working directory dir (when not empty) with extra
// environment variables.
func runIn(t testing.TB, dir string, extraEnv []string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(binary(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), extraEnv...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := result{stdout.String(), stderr.String(), 0}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		res.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("observatory %s: %v", strings.Join(args, " "), err)
	}
	return res
}

// mustRun is run that fails the test on a non-zero exit.
func mustRun(t testing.TB, args ...string) string {
	t.Helper()
	res := run(t, args...)
	if res.code != 0 {
		t.Fatalf("observatory %s: exit %d\n%s", strings.Join(args, " "), res.code, res.stderr)
	}
	return res.stdout
}

// eachStore runs f as a subtest per store kind.
func eachStore(t *testing.T, f func(t *testing.T, kind string)) {
	t.Helper()
	for _, kind := range Stores {
		t.Run(kind, func(t *testing.T) { f(t, kind) })
	}
}

// emptyStore returns the DSN of a new, empty store of the kind: an SQLite
// file in the test's temporary directory, or a PostgreSQL database of its
// own (dropped after the test).
func emptyStore(t testing.TB, kind string) string {
	t.Helper()
	switch kind {
	case "sqlite":
		return filepath.Join(t.TempDir(), "obs.db")
	case "postgres":
		return testenv.Postgres(t)
	}
	t.Fatalf("unknown store kind %q", kind)
	return ""
}

// monthStore returns the DSN of a new store of the kind holding the
// fixture: May 2014 ingested from the shared data with the participants,
// and the participants imported into the registry. The month is ingested
// once per kind into a template and copied for each caller.
func monthStore(t testing.TB, kind string) string {
	t.Helper()
	tpl := template(t, kind)
	switch kind {
	case "sqlite":
		db := filepath.Join(t.TempDir(), "obs.db")
		for _, suffix := range []string{"", "-wal"} {
			if err := copyFile(tpl+suffix, db+suffix); err != nil && !(suffix != "" && errors.Is(err, os.ErrNotExist)) {
				t.Fatal(err)
			}
		}
		return db
	case "postgres":
		admin := os.Getenv(testenv.PostgresEnv)
		name := "observatory_sectest_" + randomHex(6)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		sql := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize() + " TEMPLATE " + pgx.Identifier{databaseOf(tpl)}.Sanitize()
		if err := adminExec(ctx, admin, sql); err != nil {
			t.Fatalf("clone the template: %v", err)
		}
		t.Cleanup(func() {
			if err := dropDatabase(admin, name); err != nil {
				t.Errorf("drop %s: %v", name, err)
			}
		})
		return withDatabase(t, admin, name)
	}
	t.Fatalf("unknown store kind %q", kind)
	return ""
}

// template returns the template store of a kind, ingesting it on first use.
func template(t testing.TB, kind string) string {
	t.Helper()
	env.tplMu.Lock()
	defer env.tplMu.Unlock()
	if dsn := env.tpl[kind]; dsn != "" {
		return dsn
	}
	data := testenv.SharedData(t)
	var dsn string
	switch kind {
	case "sqlite":
		dsn = filepath.Join(env.dir, "template.db")
		os.Remove(dsn)
	case "postgres":
		admin := os.Getenv(testenv.PostgresEnv)
		if admin == "" {
			testenv.Postgres(t) // skips, or fails in CI
		}
		name := "observatory_sectpl_" + randomHex(6)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := adminExec(ctx, admin, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
			t.Fatalf("create the template database: %v", err)
		}
		env.admin = admin
		dsn = withDatabase(t, admin, name)
	}
	if err := ingestFixture(t, data, dsn); err != nil {
		t.Fatal(err)
	}
	if env.tpl == nil {
		env.tpl = map[string]string{}
	}
	env.tpl[kind] = dsn
	return dsn
}

// ingestFixture ingests the fixture month into dsn and imports the
// participants into its registry.
func ingestFixture(t testing.TB, shared, dsn string) error {
	dir, err := os.MkdirTemp(env.dir, "data-")
	if err != nil {
		return err
	}
	for _, rel := range mayInputs {
		src := filepath.Join(shared, rel)
		if _, err := os.Stat(src); err != nil {
			return fmt.Errorf("shared data: %w", err)
		}
		if err := os.Symlink(src, filepath.Join(dir, filepath.Base(rel))); err != nil {
			return err
		}
	}
	participants := filepath.Join(env.dir, "participants.csv")
	if err := os.WriteFile(participants, []byte(participantsCSV), 0o600); err != nil {
		return err
	}
	for _, args := range [][]string{
		{"ingest", "--db", dsn, "--data", dir, "--month", month, "--participants", participants, "--quiet"},
		{"participants", "import", "--db", dsn, participants},
	} {
		if res := run(t, args...); res.code != 0 {
			return fmt.Errorf("observatory %s: exit %d\n%s", strings.Join(args, " "), res.code, res.stderr)
		}
	}
	return nil
}

// participantIDs returns the registry's IDs by organisation, as the CLI
// lists them.
func participantIDs(t testing.TB, dsn string) map[string]string {
	t.Helper()
	var list []struct {
		ID           json.RawMessage `json:"id"`
		Organisation string          `json:"organisation"`
	}
	out := mustRun(t, "participants", "list", "--db", dsn, "--format", "json")
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("participants list: %v\n%s", err, out)
	}
	ids := map[string]string{}
	for _, p := range list {
		ids[p.Organisation] = strings.Trim(string(p.ID), `"`)
	}
	return ids
}

// createKey makes a key with the CLI and returns its ID and token.
func createKey(t testing.TB, dsn string, args ...string) (id, token string) {
	t.Helper()
	out := mustRun(t, append([]string{"keys", "create", "--db", dsn}, args...)...)
	tok := regexp.MustCompile(`(?m)^token: +(obs_([a-z2-7]{12})_\S+)$`).FindStringSubmatch(out)
	if tok == nil {
		t.Fatalf("keys create printed no token:\n%s", out)
	}
	return tok[2], tok[1]
}

// server is a running `observatory serve`.
type server struct {
	url  string
	cmd  *exec.Cmd
	log  *syncBuffer
	done chan error
}

// start runs serve on dsn on a free loopback port with the extra flags,
// waits until /healthz answers 200, and stops it when the test ends. With
// no flags the server runs with its defaults (rate limits included).
func start(t testing.TB, dsn string, flags ...string) *server {
	t.Helper()
	return started(t, exec.Command(binary(t), serveArgs(dsn, flags...)...))
}

// serveArgs are the arguments of serve on dsn, on a free loopback port.
func serveArgs(dsn string, flags ...string) []string {
	return append([]string{"serve", "--db", dsn, "--listen", "127.0.0.1:0", "--grace", "2s"}, flags...)
}

// started starts a prepared serve command (startCmd) and stops it when
// the test ends, printing its log if the test failed.
func started(t testing.TB, cmd *exec.Cmd) *server {
	t.Helper()
	s, err := startCmd(cmd)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.stop()
		if t.Failed() {
			t.Logf("serve's log:\n%s", s.log)
		}
	})
	return s
}

// startCmd starts a prepared serve command and waits until it listens and
// /healthz answers 200.
func startCmd(cmd *exec.Cmd) (*server, error) {
	s := &server{cmd: cmd, log: &syncBuffer{}, done: make(chan error, 1)}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start serve: %w", err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(s.log, line)
			if m := regexp.MustCompile(`msg=serving addr=(\S+)`).FindStringSubmatch(line); m != nil && !sent {
				addr <- m[1]
				sent = true
			}
		}
		io.Copy(io.Discard, stderr)
		close(addr)
		s.done <- cmd.Wait()
	}()
	select {
	case a, ok := <-addr:
		if !ok {
			<-s.done
			s.cmd = nil
			return nil, fmt.Errorf("serve exited before listening:\n%s", s.log)
		}
		s.url = "http://" + a
	case <-time.After(60 * time.Second):
		s.stop()
		return nil, fmt.Errorf("serve did not listen within 60 s:\n%s", s.log)
	}
	for range 400 {
		resp, err := http.Get(s.url + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.stop()
	return nil, fmt.Errorf("%s/healthz did not answer 200 within 20 s:\n%s", s.url, s.log)
}

// stop ends serve as SIGINT would and waits, killing it after 10 s.
func (s *server) stop() {
	if s == nil || s.cmd == nil || s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
	s.cmd = nil
}

// request is one HTTP request of a test.
type request struct {
	method, path string
	token        string            // Bearer token, when not empty
	body         string            // sent as is
	contentType  string            // default application/json with a body
	header       map[string]string // more headers
	cookies      []*http.Cookie
}

// response is what came back, the body read whole.
type response struct {
	status  int
	header  http.Header
	body    string
	cookies []*http.Cookie
}

// noRedirect is a client that returns redirects instead of following them.
var noRedirect = &http.Client{
	Timeout:       60 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// do sends rq to the server and returns the response.
func (s *server) do(t testing.TB, rq request) response {
	t.Helper()
	var body io.Reader
	if rq.body != "" {
		body = strings.NewReader(rq.body)
	}
	method := rq.method
	if method == "" {
		method = http.MethodGet
	}
	req, err := http.NewRequest(method, s.url+rq.path, body)
	if err != nil {
		t.Fatal(err)
	}
	if rq.body != "" {
		ct := rq.contentType
		if ct == "" {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
	}
	if rq.token != "" {
		req.Header.Set("Authorization", "Bearer "+rq.token)
	}
	for k, v := range rq.header {
		req.Header.Set(k, v)
	}
	for _, c := range rq.cookies {
		req.AddCookie(c)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, rq.path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read the body: %v", method, rq.path, err)
	}
	return response{resp.StatusCode, resp.Header, string(b), resp.Cookies()}
}

// get is do of a GET with an optional token.
func (s *server) get(t testing.TB, path, token string) response {
	t.Helper()
	return s.do(t, request{path: path, token: token})
}

// form posts url-encoded values as the dashboard's own forms do: same
// origin, with the given cookies.
func (s *server) form(t testing.TB, path string, v url.Values, cookies ...*http.Cookie) response {
	t.Helper()
	return s.do(t, request{method: http.MethodPost, path: path, body: v.Encode(),
		contentType: "application/x-www-form-urlencoded", cookies: cookies,
		header: map[string]string{"Origin": s.url, "Sec-Fetch-Site": "same-origin"}})
}

// decode unmarshals a JSON body into v, failing the test otherwise.
func decode(t testing.TB, r response, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("decode %d %.300s: %v", r.status, r.body, err)
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and concurrent readers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// adminExec runs one statement on a connection of its own.
func adminExec(ctx context.Context, dsn, sql string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, sql)
	return err
}

func dropDatabase(admin, name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return adminExec(ctx, admin, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
}

// withDatabase returns the admin DSN naming database name instead.
func withDatabase(t testing.TB, admin, name string) string {
	t.Helper()
	if !strings.HasPrefix(admin, "postgres://") && !strings.HasPrefix(admin, "postgresql://") {
		return admin + " dbname=" + name
	}
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path, u.RawPath = "/"+name, ""
	return u.String()
}

// databaseOf returns the database a DSN names.
func databaseOf(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.Scheme != "" {
		return strings.TrimPrefix(u.Path, "/")
	}
	if i := strings.LastIndex(dsn, "dbname="); i >= 0 {
		return strings.Fields(dsn[i+len("dbname="):])[0]
	}
	return ""
}
