package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
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
