package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// cliChildEnv, set to \x1f-separated arguments, makes the test binary run
// the CLI with them instead of the tests: a real process to kill.
const cliChildEnv = "OBSERVATORY_CLI_CHILD"

func TestMain(m *testing.M) {
	if args := os.Getenv(cliChildEnv); args != "" {
		os.Exit(run(strings.Split(args, "\x1f")))
	}
	if err := setUpShared(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(shared.dir)
	os.Exit(code)
}

// TestIngest_KilledKeepsPreviousMonth kills `observatory ingest` with
// SIGKILL while it recomputes a stored month, at two points (while
// computing, and once the month is computed and being written), and checks
// each time that the database opens and still holds the previous version
// of the month, whole.
func TestIngest_KilledKeepsPreviousMonth(t *testing.T) {
	full := smallData(t)
	// The previous version lacks one of the update files.
	partial := t.TempDir()
	entries, err := os.ReadDir(full)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "ris.rrc06") {
			continue
		}
		target, _ := os.Readlink(filepath.Join(full, e.Name()))
		if err := os.Symlink(target, filepath.Join(partial, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	db, newDB := filepath.Join(t.TempDir(), "obs.db"), smallDB(t)
	ingest := smallIngest
	if code, out := runCLI(t, ingest(db, partial, "--quiet")...); code != 0 {
		t.Fatalf("first ingest exit %d: %s", code, out)
	}
	snapshot := func(db string) string {
		t.Helper()
		var b strings.Builder
		for _, args := range [][]string{{"scores", "--format", "csv"}, {"aggregates", "--format", "csv"}, {"roa-stats", "--scope", "world", "--format", "csv"}} {
			code, out := runCLI(t, append(args, "--db", db)...)
			if code != 0 {
				t.Fatalf("%s on %s exit %d", args[0], db, code)
			}
			b.WriteString(out)
		}
		return b.String()
	}
	before, after := snapshot(db), snapshot(newDB)
	if before == after {
		t.Fatal("the two versions of the month are equal: the test could not tell them apart")
	}

	for _, at := range []string{"collected routes", "scored and aggregated"} {
		out := killIngestAt(t, ingest(db, full, "--verbose"), at)
		got := snapshot(db)
		switch {
		case got == before:
			t.Logf("killed at %q: the previous version is intact", at)
		case got == after && strings.Contains(out, "stored the month"):
			t.Logf("killed at %q, but the child had already committed: the new version is whole", at)
		default:
			t.Errorf("killed at %q: the database holds neither the previous nor the new version of the month\nchild output:\n%s", at, out)
		}
		if at == "collected routes" && got != before {
			t.Errorf("killed before the month was computed, yet the stored month changed")
		}
	}
	// The database is still writable: a full ingest now completes.
	if code, out := runCLI(t, ingest(db, full, "--quiet")...); code != 0 {
		t.Fatalf("ingest after the kills exit %d: %s", code, out)
	}
	if snapshot(db) != after {
		t.Error("ingest after the kills does not give the same month as a clean ingest")
	}
}

// killIngestAt runs the CLI as a child process and kills it with SIGKILL
// as soon as it logs a line containing marker. It returns what the child
// printed.
func killIngestAt(t *testing.T, args []string, marker string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), cliChildEnv+"="+strings.Join(args, "\x1f"))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	sc := bufio.NewScanner(stderr)
	killed := false
	for sc.Scan() {
		out.WriteString(sc.Text() + "\n")
		if !killed && strings.Contains(sc.Text(), marker) {
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			killed = true
		}
	}
	err = cmd.Wait()
	if !killed {
		t.Fatalf("the child never logged %q (exit %v):\n%s", marker, err, out.String())
	}
	if ps := cmd.ProcessState; ps == nil || ps.Success() {
		t.Logf("the child exited normally before the kill landed: %v", err)
	}
	return out.String()
}
