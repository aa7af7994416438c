package webtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/observatory-net/observatory/internal/testenv"
)

// ArtifactsEnv names the environment variable of the directory the
// screenshots are written to, and kept in. Without it they go to a
// temporary directory, kept (and printed) only when a test failed.
const ArtifactsEnv = "OBSERVATORY_ARTIFACTS"

// env is what every test shares: one ingested store, one server and one
// browser, set up by the first test that asks (setUp) and torn down by
// TestMain. Setting up takes some 10 s; each test then opens its own tab.
type env struct {
	dir       string // temporary directory of the binary, data, store and profile
	bin       string
	db        string
	srv       *server
	browser   context.Context // the browser's first tab; new tabs derive from it
	close     context.CancelFunc
	artifacts string
	tokens    map[string]string // by role: participant (of ownASN), partner
}

var shared struct {
	once sync.Once
	env  *env
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if e := shared.env; e != nil {
		if e.close != nil {
			e.close()
		}
		e.srv.stop()
		if code != 0 && e.srv != nil {
			fmt.Fprintf(os.Stderr, "webtest: serve's log:\n%s", e.srv.log)
		}
		keep := code != 0 && os.Getenv(ArtifactsEnv) == ""
		if keep {
			fmt.Fprintf(os.Stderr, "webtest: screenshots kept in %s\n", e.artifacts)
			os.RemoveAll(filepath.Join(e.dir, "profile"))
		} else {
			os.RemoveAll(e.dir)
		}
	}
	os.Exit(code)
}

// setUp returns the shared environment, setting it up on the first call.
// Without Chromium or the shared data the test is skipped (failed in CI).
func setUp(t testing.TB) *env {
	t.Helper()
	chromium := testenv.Tool(t, "chromium")
	data := testenv.SharedData(t)
	shared.once.Do(func() { shared.env, shared.err = newEnv(chromium, data) })
	if shared.err != nil {
		t.Fatalf("set up the browser tests: %v", shared.err)
	}
	return shared.env
}

// newEnv builds the binary, ingests both months, registers the
// participants, creates the keys, starts the server and the browser.
func newEnv(chromium, data string) (*env, error) {
	dir, err := os.MkdirTemp("", "observatory-webtest-")
	if err != nil {
		return nil, err
	}
	e := &env{dir: dir, db: filepath.Join(dir, "obs.db"), tokens: map[string]string{}}
	shared.env = e // for TestMain to clean up, whatever fails below
	e.artifacts = os.Getenv(ArtifactsEnv)
	if e.artifacts == "" {
		e.artifacts = filepath.Join(dir, "artifacts")
	}
	if err := os.MkdirAll(e.artifacts, 0o755); err != nil {
		return nil, err
	}
	if e.bin, err = buildBinary(dir); err != nil {
		return nil, err
	}
	if err := ingest(e.bin, data, dir, e.db); err != nil {
		return nil, err
	}
	ids, err := participantIDs(e.bin, e.db)
	if err != nil {
		return nil, err
	}
	if e.tokens["participant"], err = createKey(e.bin, e.db, "--role", "participant", "--participant", ids["Qualitynet"], "--name", "webtest"); err != nil {
		return nil, err
	}
	if e.tokens["partner"], err = createKey(e.bin, e.db, "--role", "partner", "--name", "webtest"); err != nil {
		return nil, err
	}
	if e.tokens["secretariat"], err = createKey(e.bin, e.db, "--role", "secretariat", "--name", "webtest"); err != nil {
		return nil, err
	}
	if e.srv, err = startServer(e.bin, e.db); err != nil {
		return nil, err
	}
	if e.browser, e.close, err = newBrowser(chromium, filepath.Join(dir, "profile")); err != nil {
		return nil, err
	}
	return e, nil
}

// getJSON fetches path from the server with Go's HTTP client, with the
// key of role unless it is empty, and decodes the JSON answer into v.
func getJSON(t testing.TB, role, path string, v any) {
	t.Helper()
	if status := getJSONStatus(t, role, path, v); status != http.StatusOK {
		t.Fatalf("GET %s: HTTP %d", path, status)
	}
}

// getJSONStatus is getJSON that returns the status of an answer other
// than 200 OK rather than failing; v is then left alone.
func getJSONStatus(t testing.TB, role, path string, v any) int {
	t.Helper()
	e := setUp(t)
	req, err := http.NewRequest(http.MethodGet, e.srv.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[role])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Logf("GET %s: HTTP %d: %s", path, resp.StatusCode, body)
		return resp.StatusCode
	}
	if err := jsonUnmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp.StatusCode
}

// getText fetches path from the server anonymously and returns the body.
func getText(t testing.TB, path string) string {
	t.Helper()
	resp, err := http.Get(setUp(t).srv.url + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: HTTP %d, %v: %s", path, resp.StatusCode, err, body)
	}
	return string(body)
}

// jsonUnmarshal is json.Unmarshal.
func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
