package postgres

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/store/storetest"
)

// killEnv, set to a DSN, makes TestStore_KilledWriter the child process
// that writes a month into that database until it is killed.
const killEnv = "OBSERVATORY_POSTGRES_KILL_CHILD"

// Lines the child prints for the parent.
const (
	childReplaced  = "replaced"  // the previous version is deleted, uncommitted
	childCommitted = "committed" // too late: the write is complete
)

// killSpec is the specification of the month the child rewrites.
const killSpec = "netops@2024.1"

// TestStore_KilledWriter kills, with SIGKILL, a process in the middle of a
// WriteMonth that has already deleted the previous version of the month,
// then checks that the previous version is whole and that the month takes
// writes again: the server rolls back the transaction of a client that
// vanished, and releases its locks.
func TestStore_KilledWriter(t *testing.T) {
	if dsn := os.Getenv(killEnv); dsn != "" {
		killedChild(t, dsn)
		return
	}
	s, dsn := openTest(t)
	defer s.Close()
	prev := storetest.Synthetic(march, killSpec, storetest.Size{ASNs: 200, Routes: 2000, Incidents: 100})
	other := storetest.Synthetic(march.AddDate(0, 1, 0), killSpec, storetest.Size{ASNs: 10, Routes: 10, Incidents: 10})
	for _, m := range []*store.Month{prev, other} {
		if err := s.WriteMonth(t.Context(), m); err != nil {
			t.Fatalf("WriteMonth() = %v", err)
		}
	}

	out := runAndKill(t, dsn)
	if strings.Contains(out, childCommitted) {
		t.Fatalf("the child committed before it was killed; output:\n%s", out)
	}
	checkMonth(t, s, prev)
	checkMonth(t, s, other)
	// The month takes writes again, once the server has seen the child go
	// and released its lock on the month.
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	if err := s.WriteMonth(ctx, prev); err != nil {
		t.Errorf("WriteMonth(after kill) = %v", err)
	}
	checkMonth(t, s, prev)
}

// runAndKill runs the child on the database of dsn, kills it 100 ms after
// it has deleted the previous version of the month, and returns its output.
func runAndKill(t *testing.T, dsn string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestStore_KilledWriter$", "-test.count=1")
	cmd.Env = append(os.Environ(), killEnv+"="+dsn)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && sc.Text() != childReplaced {
		fmt.Fprintln(&out, sc.Text())
	}
	if sc.Err() != nil || ctx.Err() != nil {
		t.Fatalf("child never replaced the month: %v %v; output:\n%s", sc.Err(), ctx.Err(), out.String())
	}
	time.Sleep(100 * time.Millisecond)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatalf("kill child: %v", err)
	}
	for sc.Scan() {
		fmt.Fprintln(&out, sc.Text())
	}
	if err := cmd.Wait(); err == nil {
		t.Fatalf("child exited cleanly; output:\n%s", out.String())
	}
	return out.String()
}

// killedChild is the child process: it rewrites the month with a large
// new version, telling the parent when the old one is deleted.
func killedChild(t *testing.T, dsn string) {
	next := storetest.Synthetic(march, killSpec, storetest.Size{ASNs: 20000, Routes: 300000, Incidents: 10000})
	s, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	testHookReplaced = func() { fmt.Println(childReplaced) }
	if err := s.WriteMonth(context.Background(), next); err != nil {
		t.Fatal(err)
	}
	fmt.Println(childCommitted)
	time.Sleep(time.Minute) // wait to be killed
}

// checkMonth reads a month back and compares it with what was written.
func checkMonth(t *testing.T, s store.Store, want *store.Month) {
	t.Helper()
	got, err := storetest.ReadMonth(t.Context(), s, want.Meta.Month, want.Meta.Spec)
	if err != nil {
		t.Fatalf("ReadMonth() = %v", err)
	}
	if diff := storetest.Diff(storetest.Expected(want), got); diff != "" {
		t.Errorf("ReadMonth() mismatch (-want +got):\n%s", diff)
	}
}
