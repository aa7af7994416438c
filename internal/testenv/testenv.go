// Package testenv locates what tests need outside the repository: the
// shared real-data directory and third-party reference tools. Locally a
// missing resource skips the test; in CI (CI=true) it fails it, so that a
// green CI run always means the real-data and real-peer tests ran.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// InCI reports whether the tests run in CI, where missing resources fail.
func InCI() bool { return os.Getenv("CI") == "true" }

// missing skips the test, or fails it in CI.
func missing(tb testing.TB, format string, args ...any) {
	tb.Helper()
	if InCI() {
		tb.Fatalf(format, args...)
	}
	tb.Skipf(format, args...)
}

// SharedData returns the shared data directory: $OBSERVATORY_SHARED_DATA,
// or ../shared/data relative to the repository root.
func SharedData(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv("OBSERVATORY_SHARED_DATA")
	if dir == "" {
		_, file, _, _ := runtime.Caller(0)
		dir = filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "data")
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		missing(tb, "shared data directory %s not found (set OBSERVATORY_SHARED_DATA)", dir)
	}
	return dir
}

// File returns the path of a file under the shared data directory.
func File(tb testing.TB, rel string) string {
	tb.Helper()
	p := filepath.Join(SharedData(tb), rel)
	if _, err := os.Stat(p); err != nil {
		missing(tb, "shared data file %s: %v", rel, err)
	}
	return p
}

// Tool returns the path of an installed program (scripts/setup-test-deps
// installs them), skipping or failing when it is absent.
func Tool(tb testing.TB, name string) string {
	tb.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		missing(tb, "%s not installed (run scripts/setup-test-deps): %v", name, err)
	}
	return p
}
