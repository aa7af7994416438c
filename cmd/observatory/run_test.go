package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/ulikunitz/xz"

	"github.com/observatory-net/observatory/internal/sources"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/testenv"
	"github.com/observatory-net/observatory/internal/vocab"
)

// The acceptance tests of run: the 2014-05 group of ../shared/data is
// arranged in the real sources' path layout (runMirror), served by a local
// HTTP server, fetched and ingested by `observatory run --once --mirror`,
// and the scores read through the API are compared with those of an
// `observatory ingest --data` of the same files. The CLI runs as a real
// process built without -race: under -race an ingest costs tens of seconds.

// runSources narrows the built-in catalogue to the collectors and update
// files the shared data has (RouteViews route-views.jinx 2014-05-30 23:45,
// RIS rrc06 2014-05-30 22:15), with no RIB; every other source keeps its
// built-in location.
const runSources = `
settings:
  days: [30]
  ribs_per_day: 0
sources:
  - name: routeviews
    collectors: [route-views.jinx]
    updates: ["2345"]
  - name: ris
    collectors: [rrc06]
    updates: ["2215"]
`

// runArranged maps paths in the mirror (the sources' URL paths) to the
// shared file they hold and how it is compressed there. The shared
// delegated files are the non-extended ones of 2014-05-20/22, placed where
// the catalogue looks for the stats of the month's last day; the IRR and
// bogon files are placed at the current (undated) locations, which the
// catalogue uses for a past month (and says so in the coverage).
var runArranged = []struct{ path, shared, compress string }{
	{"/route-views.jinx/bgpdata/2014.05/UPDATES/updates.20140530.2345.bz2", "mrt/updates/routeviews.route-views.jinx.updates.1401493500.bz2", ""},
	{"/rrc06/2014.05/updates.20140530.2215.gz", "mrt/updates/ris.rrc06.updates.1401488100.gz", ""},
	{"/rpki/ripencc.tal/2014/05/31/output.json.xz", "rpki/rpki-client-prepdev-20230504.json.gz", "xz"},
	{"/datasets/as-relationships/serial-1/20140101.as-rel.txt.bz2", "as-relationships/20140101.as-rel.txt", "bzip2"},
	{"/stats/apnic/2014/delegated-apnic-extended-20140531.gz", "rir-delegated/2014/delegated-apnic-latest", "gzip"},
	{"/pub/stats/ripencc/2014/delegated-ripencc-extended-20140531.bz2", "rir-delegated/2014/delegated-ripencc-latest", "bzip2"},
	{"/pub/stats/lacnic/delegated-lacnic-extended-20140531", "rir-delegated/2014/delegated-lacnic-latest", ""},
	{"/ripe/dbase/split/ripe.db.route.gz", "irr/ripe-db-route-sample-2016.txt", "gzip"},
	{"/ripe/dbase/split/ripe.db.route6.gz", "irr/ripe-db-route6-sample-2016.txt", "gzip"},
	{"/Services/Bogons/fullbogons-ipv4.txt", "bogons/fullbogons-ipv4.txt", ""},
	{"/Services/Bogons/fullbogons-ipv6.txt", "bogons/fullbogons-ipv6.txt", ""},
}

// runFixture is what the run tests share: the built CLI, the arranged
// mirror, and the reference database ingested from it with ingest --data.
var runFixture struct {
	once        sync.Once
	err         error
	bin, mirror string
	sources     string
	refDB       string
	refScores   string
}

// setUpRun builds the CLI, arranges the mirror and ingests the reference.
func setUpRun(t *testing.T) {
	t.Helper()
	root := testenv.SharedData(t)
	gobin := testenv.Tool(t, "go")
	bzip2 := testenv.Tool(t, "bzip2")
	runFixture.once.Do(func() {
		dir := filepath.Join(shared.dir, "run")
		runFixture.bin = filepath.Join(dir, "observatory")
		build := exec.Command(gobin, "build", "-o", runFixture.bin, ".")
		if out, err := build.CombinedOutput(); err != nil {
			runFixture.err = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		runFixture.mirror = filepath.Join(dir, "mirror")
		if runFixture.err = arrangeMirror(root, runFixture.mirror, bzip2); runFixture.err != nil {
			return
		}
		runFixture.sources = filepath.Join(dir, "sources.yaml")
		if runFixture.err = os.WriteFile(runFixture.sources, []byte(runSources), 0o644); runFixture.err != nil {
			return
		}
		runFixture.refDB = filepath.Join(dir, "ref.db")
		if out, err := exec.Command(runFixture.bin, "ingest", "--db", runFixture.refDB, "--data", runFixture.mirror,
			"--month", "2014-05", "--quiet").CombinedOutput(); err != nil {
			runFixture.err = fmt.Errorf("reference ingest: %v\n%s", err, out)
			return
		}
		runFixture.refScores, runFixture.err = dbSnapshot(runFixture.refDB)
	})
	if runFixture.err != nil {
		t.Fatal(runFixture.err)
	}
}

// arrangeMirror writes the shared files into the sources' layout.
func arrangeMirror(root, mirror, bzip2 string) error {
	for _, a := range runArranged {
		src, err := readMaybeGzip(filepath.Join(root, a.shared), a.compress == "xz")
		if err != nil {
			return err
		}
		var out bytes.Buffer
		switch a.compress {
		case "":
			out.Write(src)
		case "gzip":
			zw := gzip.NewWriter(&out)
			zw.Write(src)
			zw.Close()
		case "xz": // the archive's format; the shared file is gzip
			zw, err := xz.NewWriter(&out)
			if err != nil {
				return err
			}
			zw.Write(src)
			zw.Close()
		case "bzip2": // Go has no bzip2 writer
			cmd := exec.Command(bzip2, "-c")
			cmd.Stdin, cmd.Stdout = bytes.NewReader(src), &out
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("bzip2 %s: %w", a.shared, err)
			}
		}
		p := filepath.Join(mirror, filepath.FromSlash(a.path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, out.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func readMaybeGzip(path string, gunzip bool) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil || !gunzip {
		return b, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

// dbSnapshot is what two databases of the same month must agree on: the
// scores, aggregates and ROA statistics as CSV.
func dbSnapshot(db string) (string, error) {
	var b strings.Builder
	for _, args := range [][]string{{"scores", "--format", "csv"}, {"aggregates", "--format", "csv"}, {"roa-stats", "--scope", "world", "--format", "csv"}} {
		out, err := exec.Command(runFixture.bin, append(args, "--db", db)...).Output()
		if err != nil {
			return "", fmt.Errorf("%s --db %s: %w", args[0], db, err)
		}
		b.Write(out)
	}
	return b.String(), nil
}

// mirrorServer serves the mirror directory with injected faults, counts
// requests per path and records Range requests.
type mirrorServer struct {
	dir string
	mu  sync.Mutex
	// faults maps a path to its fault: "404", "500" (always), "500x2"
	// (twice, then the file), "truncate" (the first half only), "flip" (bytes flipped in the middle), "slow" (64 KiB every
	// 20 ms).
	faults   map[string]string
	requests map[string]int
	ranges   map[string][]string
	// sent counts the bytes of slow files written.
	sent atomic.Int64
}

func newMirrorServer(t *testing.T, dir string, faults map[string]string) (*mirrorServer, string) {
	s := &mirrorServer{dir: dir, faults: faults, requests: map[string]int{}, ranges: map[string][]string{}}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts.URL
}

// count is the number of requests of a path.
func (s *mirrorServer) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[path]
}

// counts copies the numbers of requests.
func (s *mirrorServer) counts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.requests)
}

// rangesOf copies the Range headers asked of a path.
func (s *mirrorServer) rangesOf(path string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.ranges[path])
}

func (s *mirrorServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests[r.URL.Path]++
	n := s.requests[r.URL.Path]
	if v := r.Header.Get("Range"); v != "" {
		s.ranges[r.URL.Path] = append(s.ranges[r.URL.Path], v)
	}
	fault := s.faults[r.URL.Path]
	s.mu.Unlock()
	switch {
	case fault == "404":
		http.NotFound(w, r)
		return
	case fault == "500", fault == "500x2" && n <= 2:
		http.Error(w, "injected", http.StatusInternalServerError)
		return
	}
	b, err := os.ReadFile(filepath.Join(s.dir, filepath.FromSlash(r.URL.Path)))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	switch fault {
	case "truncate":
		b = b[:len(b)/2]
	case "flip":
		b = bytes.Clone(b)
		for i := len(b) / 2; i < len(b)/2+64; i++ {
			b[i] ^= 0x55
		}
	case "slow":
		http.ServeContent(&slowWriter{ResponseWriter: w, sent: &s.sent}, r, "", time.Time{}, bytes.NewReader(b))
		return
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(b))
}

// slowWriter writes 64 KiB every 20 ms.
type slowWriter struct {
	http.ResponseWriter
	sent *atomic.Int64
}

func (w *slowWriter) Write(p []byte) (int, error) {
	var n int
	for len(p) > 0 {
		k := min(len(p), 64<<10)
		m, err := w.ResponseWriter.Write(p[:k])
		n += m
		w.sent.Add(int64(m))
		if err != nil {
			return n, err
		}
		w.ResponseWriter.(http.Flusher).Flush()
		p = p[k:]
		time.Sleep(20 * time.Millisecond)
	}
	return n, nil
}

// runOnceArgs is the command line of one pass over the mirror at url.
func runOnceArgs(url, dest, db string) []string {
	return []string{"run", "--once", "--mirror", url, "--month", "2014-05", "--sources", runFixture.sources,
		"--dest", dest, "--db", db, "--backoff", "10ms"}
}

// expectedMissing lists the files the catalogue asks for that the mirror
// does not hold, each with its status and reason, as run reports them.
func expectedMissing(t *testing.T) map[string]string {
	t.Helper()
	cat := sources.Default()
	if err := cat.Merge([]byte(runSources)); err != nil {
		t.Fatal(err)
	}
	files, err := cat.Expand(time.Date(2014, 5, 1, 0, 0, 0, 0, time.UTC), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	arranged := map[string]bool{}
	for _, a := range runArranged {
		arranged[a.path] = true
	}
	out := map[string]string{}
	for _, f := range files {
		found := false
		for _, l := range f.Locations {
			found = found || arranged[strings.TrimPrefix(l.URL, hostOf(l.URL))]
		}
		switch {
		case found:
		case len(f.Locations) > 1:
			out[f.Name()] = fmt.Sprintf("missing: not found at any of %d locations", len(f.Locations))
		default:
			out[f.Name()] = "missing: HTTP 404: not found"
		}
	}
	return out
}

var reToken = regexp.MustCompile(`"nextPageToken":"[^"]*"`)

var reHost = regexp.MustCompile(`^https?://[^/]+`)

func hostOf(u string) string { return reHost.FindString(u) }

// coverage reads the problems of the month's coverage from months --format json.
func coverage(t *testing.T, db string) map[string]string {
	t.Helper()
	got, _ := monthRecord(t, db)
	return got
}

// monthRecord reads the month's coverage problems (URL: status and
// reason) and inputs from months --format json.
func monthRecord(t *testing.T, db string) (map[string]string, []store.Input) {
	t.Helper()
	out, err := exec.Command(runFixture.bin, "months", "--db", db, "--format", "json").Output()
	if err != nil {
		t.Fatalf("months --db %s: %v", db, err)
	}
	var months []monthJSON
	if err := json.Unmarshal(out, &months); err != nil || len(months) != 1 {
		t.Fatalf("months: %v, %d months", err, len(months))
	}
	got := map[string]string{}
	re := regexp.MustCompile(`^coverage: (missing|failed|corrupt) (\S+): (.*)$`)
	for _, w := range months[0].Warnings {
		if m := re.FindStringSubmatch(w); m != nil {
			got[m[2]] = m[1] + ": " + m[3]
		}
	}
	return got, months[0].Inputs
}

// serveDB starts serve on a database and returns its base URL.
func serveDB(t *testing.T, db string) string {
	t.Helper()
	cmd := exec.Command(runFixture.bin, "serve", "--db", db, "--listen", "127.0.0.1:0", "--access-log=false")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() })
	sc := bufio.NewScanner(stderr)
	re := regexp.MustCompile(`msg=serving addr=(\S+)`)
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			go io.Copy(io.Discard, stderr)
			return "http://" + m[1]
		}
	}
	t.Fatalf("serve --db %s never said where it listens", db)
	return ""
}

func getBody(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v: %s", url, resp.StatusCode, err, b)
	}
	return string(b)
}

func TestRun_OnceFromMirrorMatchesIngest(t *testing.T) {
	setUpRun(t)
	start := time.Now()
	srv, url := newMirrorServer(t, runFixture.mirror, nil)
	db, dest := filepath.Join(t.TempDir(), "run.db"), t.TempDir()
	out, err := exec.Command(runFixture.bin, runOnceArgs(url, dest, db)...).CombinedOutput()
	if err != nil {
		t.Fatalf("run --once: %v\n%s", err, out)
	}
	t.Logf("run --once in %s", time.Since(start).Round(time.Millisecond))
	for _, a := range runArranged {
		if n := srv.count(a.path); n != 1 {
			t.Errorf("%s requested %d times, want once", a.path, n)
		}
	}
	problems, inputs := monthRecord(t, db)
	if diff := cmp.Diff(expectedMissing(t), problems); diff != "" {
		t.Errorf("coverage mismatch (-want +got):\n%s", diff)
	}
	// The month records every fetched file with its size and SHA-256.
	if len(inputs) != len(runArranged) {
		t.Errorf("the month records %d inputs, want %d", len(inputs), len(runArranged))
	}
	for _, in := range inputs {
		b, err := os.ReadFile(filepath.Join(runFixture.mirror, filepath.FromSlash(strings.TrimPrefix(in.Path, hostOf(in.Path)))))
		sum := sha256.Sum256(b)
		if err != nil || in.SHA256 != hex.EncodeToString(sum[:]) || in.Size != int64(len(b)) {
			t.Errorf("input %s: size %d sha256 %s do not match the served file (%v)", in.Path, in.Size, in.SHA256, err)
		}
	}
	got, err := dbSnapshot(db)
	if err != nil {
		t.Fatal(err)
	}
	if got != runFixture.refScores {
		t.Error("run --once and ingest --data of the same files give different scores")
	}
	// Through the API: the summary and a few networks.
	runAPI, refAPI := serveDB(t, db), serveDB(t, runFixture.refDB)
	for _, p := range []string{"/api/v2/scores/summary?month=2014-05", "/api/v2/ases/AS16030?month=2014-05",
		"/api/v2/ases/AS9155?month=2014-05", "/api/v2/ases/AS5427?month=2014-05", "/api/v2/ases?month=2014-05"} {
		// The page token is bound to the stored version of the month.
		a, b := reToken.ReplaceAllString(getBody(t, runAPI+p), ""), reToken.ReplaceAllString(getBody(t, refAPI+p), "")
		if a != b {
			t.Errorf("GET %s differs:\nrun:    %.300s\ningest: %.300s", p, a, b)
		}
		if len(a) < 50 {
			t.Errorf("GET %s: %q, too little to compare", p, a)
		}
	}

	// A second pass fetches nothing again.
	before := srv.counts()
	if out, err := exec.Command(runFixture.bin, runOnceArgs(url, dest, db)...).CombinedOutput(); err != nil {
		t.Fatalf("second run --once: %v\n%s", err, out)
	}
	for _, a := range runArranged {
		if srv.count(a.path) != before[a.path] {
			t.Errorf("second pass fetched %s again", a.path)
		}
	}
}

func TestRun_FaultsAreReported(t *testing.T) {
	setUpRun(t)
	faults := map[string]string{
		"/pub/stats/lacnic/delegated-lacnic-extended-20140531":            "404",
		"/datasets/as-relationships/serial-1/20140101.as-rel.txt.bz2":     "500x2",
		"/Services/Bogons/fullbogons-ipv6.txt":                            "500",
		"/ripe/dbase/split/ripe.db.route.gz":                              "truncate",
		"/pub/stats/ripencc/2014/delegated-ripencc-extended-20140531.bz2": "flip",
	}
	srv, url := newMirrorServer(t, runFixture.mirror, faults)
	db := filepath.Join(t.TempDir(), "run.db")
	out, err := exec.Command(runFixture.bin, runOnceArgs(url, t.TempDir(), db)...).CombinedOutput()
	if err != nil {
		t.Fatalf("run --once with faults: %v\n%s", err, out)
	}
	want := expectedMissing(t)
	for p, reason := range map[string]string{
		"/pub/stats/lacnic/delegated-lacnic-extended-20140531":            "missing: HTTP 404: not found",
		"/Services/Bogons/fullbogons-ipv6.txt":                            "failed: HTTP 500 after 4 attempts",
		"/ripe/dbase/split/ripe.db.route.gz":                              "corrupt: corrupt gzip",
		"/pub/stats/ripencc/2014/delegated-ripencc-extended-20140531.bz2": "corrupt: corrupt bzip2",
	} {
		for _, a := range runArranged {
			if a.path == p {
				want[hostURL(a.path)] = reason
			}
		}
	}
	got := coverage(t, db)
	for u, r := range got { // the decompressors' own words follow the format
		if rest, ok := strings.CutPrefix(r, "corrupt: "); ok {
			format, _, _ := strings.Cut(rest, ":")
			got[u] = "corrupt: " + format
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("coverage mismatch (-want +got):\n%s", diff)
	}
	if n := srv.count("/datasets/as-relationships/serial-1/20140101.as-rel.txt.bz2"); n != 3 {
		t.Errorf("as-rel requested %d times, want 2 failures and a success", n)
	}
	scores, err := dbSnapshot(db)
	if err != nil || len(scores) < 1000 {
		t.Fatalf("the month has no scores: %v", err)
	}
}

// hostURL is the catalogue URL of a mirror path.
func hostURL(p string) string {
	cat := sources.Default()
	cat.Merge([]byte(runSources)) //nolint:errcheck // checked in expectedMissing
	files, _ := cat.Expand(time.Date(2014, 5, 1, 0, 0, 0, 0, time.UTC), time.Now())
	for _, f := range files {
		for _, l := range f.Locations {
			if strings.TrimPrefix(l.URL, hostOf(l.URL)) == p {
				return f.Name()
			}
		}
	}
	return p
}

func TestRun_ResumesAfterInterruption(t *testing.T) {
	setUpRun(t)
	const slow = "/rpki/ripencc.tal/2014/05/31/output.json.xz"
	srv, url := newMirrorServer(t, runFixture.mirror, map[string]string{slow: "slow"})
	dest, db := t.TempDir(), filepath.Join(t.TempDir(), "run.db")
	args := runOnceArgs(url, dest, db)

	// 1. Killed (SIGKILL) during the fetch, once 256 KiB of the VRPs came.
	cmd := exec.Command(runFixture.bin, args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for srv.sent.Load() < 256<<10 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	parts, _ := filepath.Glob(filepath.Join(dest, "ripe-rpki-archive", "*", "ripencc", "*.part"))
	if len(parts) != 1 {
		t.Fatalf("after the kill during the fetch: %d partial files, want 1", len(parts))
	}

	// 2. Interrupted (SIGTERM) during the ingest.
	cmd = exec.Command(runFixture.bin, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		log.WriteString(sc.Text() + "\n")
		if strings.Contains(sc.Text(), "loaded reference data") {
			cmd.Process.Signal(syscall.SIGTERM)
		}
	}
	err = cmd.Wait()
	if err == nil {
		t.Logf("the pass ended before SIGTERM landed:\n%s", log.String())
	}
	if !slices.ContainsFunc(srv.rangesOf(slow), func(r string) bool { return strings.HasPrefix(r, "bytes=") }) {
		t.Errorf("the VRP file was not resumed with a Range request (requests %d)", srv.count(slow))
	}
	if out, _ := exec.Command(runFixture.bin, "months", "--db", db).Output(); err != nil && strings.Contains(string(out), "2014-05") {
		t.Errorf("the interrupted ingest stored a month:\n%s", out)
	}

	// 3. Run again: the same scores as an uninterrupted run.
	if out, err := exec.Command(runFixture.bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("run --once after the interruptions: %v\n%s", err, out)
	}
	got, err := dbSnapshot(db)
	if err != nil {
		t.Fatal(err)
	}
	if got != runFixture.refScores {
		t.Error("after the interruptions run gives other scores than an uninterrupted ingest")
	}
}

// TestRun_ServesAndStopsGracefully runs the scheduled mode offline
// (--data, the mirror directory): the month is ingested and served, and
// SIGTERM stops the process with exit status 0 and the month kept.
func TestRun_ServesAndStopsGracefully(t *testing.T) {
	setUpRun(t)
	now := time.Now().UTC().Format(vocab.MonthLayout)
	for _, c := range []struct {
		name  string
		args  []string
		ready string // the log line after which the month is served
		month string
	}{
		// The schedule computes the current month from the 2014 data:
		// the month is there, whatever its scores.
		{"schedule", nil, `msg="next pass"`, now},
		// A named month is computed once, then served, with no schedule.
		// serve's flags hold under run too.
		{"fixed month", []string{"--month", "2014-05", "--trusted-proxy", "127.0.0.1/32", "--check-interval", "1m"}, `msg=serving`, "2014-05"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "run.db")
			args := append([]string{"run", "--data", runFixture.mirror, "--db", db, "--listen", "127.0.0.1:0"}, c.args...)
			runServeAndStop(t, exec.Command(runFixture.bin, args...), c.ready, c.month)
			if out, err := exec.Command(runFixture.bin, "months", "--db", db).Output(); err != nil || !strings.Contains(string(out), c.month) {
				t.Errorf("after the stop the month is not stored: %v\n%s", err, out)
			}
		})
	}
}

// TestRun_BadServeFlag: a bad server setting is refused (exit 2) before
// anything is fetched or stored.
func TestRun_BadServeFlag(t *testing.T) {
	db := filepath.Join(t.TempDir(), "run.db")
	code, out := runCLI(t, "run", "--data", t.TempDir(), "--db", db, "--trusted-proxy", "10.0.0.0/33")
	if code != 2 || out != "" {
		t.Errorf("exit %d, output %q; want 2 and nothing", code, out)
	}
	if _, err := os.Stat(db); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the store was created: %v", err)
	}
}

// runServeAndStop starts run, waits for the ready line of its log, reads
// the score summary of month through the API, then stops it with SIGTERM
// and requires a clean exit.
func runServeAndStop(t *testing.T, cmd *exec.Cmd, ready, month string) {
	t.Helper()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	reAddr := regexp.MustCompile(`msg=serving addr=(\S+)`)
	var addr string
	var log strings.Builder
	for line := range lines {
		log.WriteString(line + "\n")
		if m := reAddr.FindStringSubmatch(line); m != nil {
			addr = m[1]
		}
		if strings.Contains(line, ready) {
			break
		}
	}
	if addr == "" {
		t.Fatalf("run never served or never finished its first pass:\n%s", log.String())
	}
	if body := getBody(t, "http://"+addr+"/api/v2/scores/summary"); !strings.Contains(body, month) {
		t.Errorf("summary is not of %s: %.200s", month, body)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for line := range lines {
		log.WriteString(line + "\n")
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("run after SIGTERM: %v\n%s", err, log.String())
	}
}
