package testenv

import (
	"bytes"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// MailpitVersion is the Mailpit the SMTP tests deliver to
// (scripts/mailpit runs the same by hand).
const MailpitVersion = "v1.33.1"

// Mailpit returns the path of a Mailpit binary (github.com/axllent/mailpit,
// a real SMTP server with an HTTP API of what it received), built once
// with `go install` into the user's cache directory and reused. When it
// cannot be built the test is skipped, or failed in CI.
func Mailpit(tb testing.TB) string {
	tb.Helper()
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "observatory-test", "mailpit-"+MailpitVersion)
	bin := filepath.Join(dir, "mailpit")
	if st, err := os.Stat(bin); err == nil && st.Mode().IsRegular() {
		return bin
	}
	gobin := Tool(tb, "go")
	cmd := exec.Command(gobin, "install", "github.com/axllent/mailpit@"+MailpitVersion)
	cmd.Env = append(os.Environ(), "GOBIN="+dir, "GOFLAGS=-mod=mod")
	cmd.Dir = os.TempDir() // outside the module: no go.mod of ours is touched
	if out, err := cmd.CombinedOutput(); err != nil {
		missing(tb, "build Mailpit %s: %v\n%s", MailpitVersion, err, out)
	}
	return bin
}

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return port
}

// StartMailpit runs Mailpit (Mailpit) with its SMTP server on the loopback
// smtpPort and its HTTP API on httpPort, stopped when the test ends, and
// returns the API's URL once both answer. Its store is a file in a
// temporary directory.
func StartMailpit(tb testing.TB, smtpPort, httpPort string) string {
	tb.Helper()
	cmd := exec.Command(Mailpit(tb), "--smtp", "127.0.0.1:"+smtpPort, "--listen", "127.0.0.1:"+httpPort,
		"--database", filepath.Join(tb.TempDir(), "mailpit.db"))
	var logs bytes.Buffer
	var mu sync.Mutex
	w := writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return logs.Write(p) })
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start Mailpit: %v", err)
	}
	tb.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	api := "http://127.0.0.1:" + httpPort
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get(api + "/api/v1/messages"); err == nil {
			resp.Body.Close()
			if c, err := net.Dial("tcp", "127.0.0.1:"+smtpPort); err == nil {
				c.Close()
				return api
			}
		}
	}
	mu.Lock()
	defer mu.Unlock()
	tb.Fatalf("Mailpit did not answer within 30 s:\n%s", logs.String())
	return ""
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
