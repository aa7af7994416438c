package main

import (
	"bufio"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/jobs"
	"github.com/observatory-net/observatory/internal/testenv"
)

// TestWorkers_ShareAMonthAndRescueAKilledJob puts the small real month on
// the job queue of a fresh PostgreSQL database and has it done by worker
// processes: the first holds a collect job (jobs.HoldEnv) and is killed
// with SIGKILL while it does; three more are started, which do the other
// collect job, the killed worker's once the queue has rescued it, and the
// month job. The month must be the one a single observatory ingest of the
// same inputs stores (scores and counts), and each file's partial written
// once.
func TestWorkers_ShareAMonthAndRescueAKilledJob(t *testing.T) {
	db, data, cache := testenv.Postgres(t), smallData(t), t.TempDir()
	ref := smallDB(t)
	workerArgs := []string{"worker", "--db", db, "--job-timeout", "3s", "--rescue-after", "4s", "--month-timeout", "2m"}

	held := startCLI(t, workerArgs, jobs.HoldEnv+"=1m")
	held.waitFor(t, "worker started")
	enq := startCLI(t, []string{"enqueue", "--db", db, "--data", data, "--cache", cache, "--month", "2014-05",
		"--participants", shared.participants, "--wait", "--poll", "200ms"})
	held.waitFor(t, "collect job held")
	held.kill(t)
	killedFile := regexp.MustCompile(`collect job held" job=(\d+) .*file=(\S+)`).FindStringSubmatch(held.output())
	if killedFile == nil {
		t.Fatalf("cannot tell which job the killed worker held:\n%s", held.output())
	}
	if n := countFiles(t, cache); n != 0 {
		t.Fatalf("%d cache entries while the only worker was held: want none", n)
	}
	// The three see the cache at another path (worker --cache), as
	// another machine's mount would.
	mount := filepath.Join(t.TempDir(), "partials")
	if err := os.Symlink(cache, mount); err != nil {
		t.Fatal(err)
	}
	var workers []*cliProc
	for range 3 {
		workers = append(workers, startCLI(t, append(workerArgs, "--cache", mount)))
	}
	if code := enq.wait(t, time.Minute); code != 0 {
		t.Fatalf("enqueue --wait exit %d:\n%s", code, enq.output())
	}
	var logs strings.Builder
	for _, w := range workers {
		w.stop(t)
		logs.WriteString(w.output())
	}
	all := logs.String()
	t.Logf("enqueue:\n%s", enq.output())

	// The killed worker's job was done again, by another worker.
	if !regexp.MustCompile(`collect job done" job=` + killedFile[1] + ` kind=collect attempt=2 `).MatchString(all) {
		t.Errorf("job %s (%s) of the killed worker was not done again on a second attempt:\n%s", killedFile[1], killedFile[2], all)
	}
	// Each file's part written once, and the month job read both.
	stored := 0
	for _, m := range regexp.MustCompile(`collect job done".* stored=(\d)`).FindAllStringSubmatch(all, -1) {
		stored += int(m[1][0] - '0')
	}
	// The partials beside the month state the month job stored (the
	// collect jobs store none: ingest.CollectOptions.PartsOnly).
	parts, states := countFiles(t, cache)-countFiles(t, filepath.Join(cache, "state")), countFiles(t, filepath.Join(cache, "state"))
	if parts != 2 || stored != 2 || states != 1 {
		t.Errorf("cache holds %d partials and %d month states, the collect jobs stored %d parts: want 2, 1 and 2 (one part per MRT file)",
			parts, states, stored)
	}
	if !strings.Contains(all, "cache_hits=2 cache_misses=0") {
		t.Errorf("the month job did not find both files in the cache:\n%s", all)
	}
	// The month is the single process's.
	for _, args := range [][]string{{"scores", "--format", "json"}, {"months", "--format", "json"}} {
		want, got := cliOut(t, append(args, "--db", ref)...), cliOut(t, append(args, "--db", db)...)
		if args[0] == "months" {
			want, got = monthStats(t, want), monthStats(t, got)
		}
		if len(want) < 40 {
			t.Fatalf("%s of the reference: %q: nothing to compare", args[0], want)
		}
		if want != got {
			t.Errorf("%s differs from the single-process ingest, first at %s", args[0], firstDiff(want, got))
		}
	}
}

// monthStats is the stats object of a months --format json listing.
func monthStats(t *testing.T, js string) string {
	t.Helper()
	m := regexp.MustCompile(`"stats":\s*\{[^}]*\}`).FindString(js)
	if m == "" {
		t.Fatalf("no stats in %s", js)
	}
	return m
}

// cliOut runs the CLI in process and returns its standard output.
func cliOut(t *testing.T, args ...string) string {
	t.Helper()
	code, out := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("%s exit %d: %s", strings.Join(args, " "), code, out)
	}
	return out
}

// countFiles counts the regular files under dir.
func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// cliProc is the CLI run as a child process (the test binary, see
// cliChildEnv), its standard error collected.
type cliProc struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  strings.Builder
	line *sync.Cond
	done chan struct{}
	code int
}

// startCLI starts the CLI with args and extra environment variables; it
// is killed at the end of the test if still running.
func startCLI(t *testing.T, args []string, env ...string) *cliProc {
	t.Helper()
	p := &cliProc{cmd: exec.Command(os.Args[0], "-test.run=^$"), done: make(chan struct{})}
	p.line = sync.NewCond(&p.mu)
	p.cmd.Env = append(append(os.Environ(), cliChildEnv+"="+strings.Join(args, "\x1f")), env...)
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	p.cmd.Stdout = nil
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.mu.Lock()
			p.out.WriteString(sc.Text() + "\n")
			p.line.Broadcast()
			p.mu.Unlock()
		}
		err := p.cmd.Wait()
		p.mu.Lock()
		p.code = p.cmd.ProcessState.ExitCode()
		if err != nil && p.code == 0 {
			p.code = -1
		}
		close(p.done)
		p.line.Broadcast()
		p.mu.Unlock()
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill() //nolint:errcheck // gone already, mostly
		<-p.done
	})
	return p
}

func (p *cliProc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// waitFor waits until the child logs a line containing marker.
func (p *cliProc) waitFor(t *testing.T, marker string) {
	t.Helper()
	timer := time.AfterFunc(30*time.Second, func() { p.mu.Lock(); p.line.Broadcast(); p.mu.Unlock() })
	defer timer.Stop()
	deadline := time.Now().Add(30 * time.Second)
	p.mu.Lock()
	defer p.mu.Unlock()
	for !strings.Contains(p.out.String(), marker) {
		select {
		case <-p.done:
			t.Fatalf("the child exited (%d) before logging %q:\n%s", p.code, marker, p.out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the child did not log %q in 30 s:\n%s", marker, p.out.String())
		}
		p.line.Wait()
	}
}

// kill ends the child with SIGKILL and waits for it.
func (p *cliProc) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-p.done
}

// stop ends the child with SIGTERM, as an operator would, and requires a
// clean exit.
func (p *cliProc) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(t, 30*time.Second); code != 0 {
		t.Errorf("worker exit %d after SIGTERM:\n%s", code, p.output())
	}
}

// wait waits for the child to exit, at most d, and returns its exit code.
func (p *cliProc) wait(t *testing.T, d time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
		return p.code
	case <-time.After(d):
		t.Fatalf("the child did not exit in %s:\n%s", d, p.output())
		return 0
	}
}

// TestEnqueue_StrictDamageFailsTheMonth puts a strict month with a
// truncated MRT file on the queue: its collect job is cancelled, the month
// job with it, and enqueue --wait exits 1 naming the file; nothing is
// stored.
func TestEnqueue_StrictDamageFailsTheMonth(t *testing.T) {
	db, data, cache := testenv.Postgres(t), smallData(t), t.TempDir()
	b, err := os.ReadFile(filepath.Join(data, "ris.rrc06.updates.1401488100.gz"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "ris.rrc06.updates.1401489000.gz"), b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	w := startCLI(t, []string{"worker", "--db", db, "--job-timeout", "1m"})
	w.waitFor(t, "worker started")
	enq := startCLI(t, []string{"enqueue", "--db", db, "--data", data, "--cache", cache, "--month", "2014-05", "--strict", "--wait", "--poll", "200ms"})
	code := enq.wait(t, time.Minute)
	w.stop(t)
	t.Logf("enqueue:\n%s", enq.output())
	if code != 1 || !strings.Contains(enq.output(), "ris.rrc06.updates.1401489000.gz") || !strings.Contains(enq.output(), "cancelled") {
		t.Errorf("enqueue --strict of a truncated file: exit %d, want 1 with the collect job's error naming the file:\n%s\nworker:\n%s", code, enq.output(), w.output())
	}
	if code, out := runCLI(t, "months", "--db", db); code != 0 || strings.Contains(out, "2014-05") {
		t.Errorf("months after the failed month: exit %d, %q: want nothing stored", code, out)
	}
}

// TestWorker_NeedsPostgres refuses an SQLite store, which has no queue.
func TestWorker_NeedsPostgres(t *testing.T) {
	db := filepath.Join(t.TempDir(), "obs.db")
	for _, args := range [][]string{{"worker", "--db", db}, {"enqueue", "--db", db, "--data", t.TempDir(), "--cache", t.TempDir()}} {
		if code, out := runCLI(t, args...); code != 2 {
			t.Errorf("%s --db FILE: exit %d, want 2: %s", args[0], code, out)
		}
	}
}
