package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/internal/testenv"
)

// cliChild runs the CLI in a child process (the test binary, TestMain)
// and returns its exit status and standard error.
func cliChild(t *testing.T, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), cliChildEnv+"="+strings.Join(args, "\x1f"))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	if err != nil && !errors.As(err, new(*exec.ExitError)) {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), stderr.String()
}

// TestIngest_PartialCache ingests two MRT files twice with --cache: the
// second run reads both from the cache and stores the same scores.
func TestIngest_PartialCache(t *testing.T) {
	mrt := []string{
		testenv.File(t, "mrt/updates/ris.rrc06.updates.1401488100.gz"),
		testenv.File(t, "mrt/updates/routeviews.route-views.jinx.updates.1401493500.bz2"),
	}
	delegated := testenv.File(t, "rir-delegated/2014/delegated-lacnic-latest")
	dir := t.TempDir()
	cache := filepath.Join(dir, "partials")
	var scores []string
	for i, want := range []string{"0 of 2 MRT files from the partial cache", "2 of 2 MRT files from the partial cache"} {
		db := filepath.Join(dir, "obs"+string(rune('a'+i))+".db")
		code, stderr := cliChild(t, "ingest", "--db", db, "--mrt", mrt[0], "--mrt", mrt[1], "--month", "2014-05",
			"--delegated", delegated, "--cache", cache, "--workers", "2")
		if code != 0 || !strings.Contains(stderr, want) {
			t.Fatalf("ingest %d: exit %d, want %q in:\n%s", i+1, code, want, stderr)
		}
		code, out := runCLI(t, "scores", "--db", db, "--format", "json")
		if code != 0 || !regexp.MustCompile(`"peers": [1-9]`).MatchString(out) {
			t.Fatalf("scores: exit %d, %d bytes, no ASN seen by a peer", code, len(out))
		}
		scores = append(scores, out)
	}
	if scores[0] != scores[1] {
		t.Error("the scores of the cached ingest differ from the first")
	}
	if code, stderr := cliChild(t, "ingest", "--db", filepath.Join(dir, "x.db"), "--mrt", mrt[0], "--cache-prune", "-1"); code != 2 || !strings.Contains(stderr, "--cache-prune") {
		t.Errorf("--cache-prune -1: exit %d, %q; want a usage error", code, stderr)
	}
}
