package webtest

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
)

// The months the harness ingests: May 2014 from the small real data set,
// and April 2014 from a part of it (the RIS update file alone, kept with
// --all-time), so that the two months differ and trends, history and
// comparisons have something to show.
const (
	month     = "2014-05"
	prevMonth = "2014-04"
)

// mayInputs are the files of May, relative to the shared data directory;
// aprilInputs those of April.
var (
	mayInputs = []string{
		"mrt/updates/ris.rrc06.updates.1401488100.gz",
		"mrt/updates/routeviews.route-views.jinx.updates.1401493500.bz2",
		"rpki/rpki-client-prepdev-20230504.json.gz",
		"irr",
		"as-relationships/20140101.as-rel.txt",
		"rir-delegated/2014",
		"bogons",
		"asnames/potaroo-autnums-ASN_lookup.txt",
	}
	aprilInputs = []string{
		"mrt/updates/ris.rrc06.updates.1401488100.gz",
		"rpki/rpki-client-prepdev-20230504.json.gz",
		"irr",
		"as-relationships/20140101.as-rel.txt",
		"rir-delegated/2014",
		"bogons",
		"asnames/potaroo-autnums-ASN_lookup.txt",
	}
)

// The participants: both months are ingested with this file, and it is
// imported into the registry. Their ASNs were chosen for what they have
// in May: AS9155 three incidents and IRR and RPKI scores, AS2516 six
// incidents (the most of any ASN), AS9038 an RPKI score of 0.5, AS3333
// no route at all; Telstra has two ASNs.
const participantsCSV = "organisation,programme,asns,approved,areas\n" +
	"Qualitynet,netops,AS9155,2016-03-01,KW\n" +
	"KDDI,netops,AS2516,2017-06-15,JP\n" +
	"RIPE NCC,netops,AS3333,2015-01-12,NL DE\n" +
	"Jordan Telecom,netops,AS9038,2019-09-01,JO\n" +
	"Hurricane Electric,netops,AS6939,2018-02-01,US\n" +
	"Telstra,netops,AS1221 AS4637,2016-11-20,AU\n"

// Participant ASNs named in the tests.
const (
	ownASN   = 9155 // the participant key's own ASN
	otherASN = 2516 // another participant's ASN, with incidents
)

// server is a running `observatory serve` over the ingested store.
type server struct {
	url  string
	cmd  *exec.Cmd
	log  *syncBuffer
	done chan error
}

// BinaryEnv names the environment variable of an observatory binary to
// test instead of building this tree's: to run these tests against
// another build, such as another branch's.
const BinaryEnv = "OBSERVATORY_WEBTEST_BIN"

// buildBinary builds the observatory command without the race detector:
// the ingest is five times faster without it, and the server's code is
// not what these tests are about.
func buildBinary(dir string) (string, error) {
	if bin := os.Getenv(BinaryEnv); bin != "" {
		return bin, nil
	}
	bin := filepath.Join(dir, "observatory")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/observatory-net/observatory/cmd/observatory")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build observatory: %v\n%s", err, out)
	}
	return bin, nil
}

// linkInputs links the shared data files rels into a new directory dir.
func linkInputs(shared, dir string, rels []string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, rel := range rels {
		src := filepath.Join(shared, rel)
		if _, err := os.Stat(src); err != nil {
			return fmt.Errorf("shared data: %w", err)
		}
		if err := os.Symlink(src, filepath.Join(dir, filepath.Base(rel))); err != nil {
			return err
		}
	}
	return nil
}

// cli runs the observatory binary and returns its standard output.
func cli(bin string, args ...string) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("observatory %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String(), nil
}

// ingest writes both months into the SQLite file db, the two ingests at
// once, and imports the participants into the registry.
func ingest(bin, shared, dir, db string) error {
	participants := filepath.Join(dir, "participants.csv")
	if err := os.WriteFile(participants, []byte(participantsCSV), 0o644); err != nil {
		return err
	}
	may, april := filepath.Join(dir, "data-may"), filepath.Join(dir, "data-april")
	if err := linkInputs(shared, may, mayInputs); err != nil {
		return err
	}
	if err := linkInputs(shared, april, aprilInputs); err != nil {
		return err
	}
	// One ingest at a time: both write the one SQLite file, and each holds
	// the write lock for its whole transaction.
	for _, args := range [][]string{
		{"ingest", "--db", db, "--data", april, "--month", prevMonth, "--all-time", "--participants", participants, "--quiet"},
		{"ingest", "--db", db, "--data", may, "--month", month, "--participants", participants, "--quiet"},
		{"participants", "import", "--db", db, participants},
	} {
		if _, err := cli(bin, args...); err != nil {
			return err
		}
	}
	return nil
}

// participantIDs returns the registry IDs by organisation.
func participantIDs(bin, db string) (map[string]string, error) {
	out, err := cli(bin, "participants", "list", "--db", db, "--format", "json")
	if err != nil {
		return nil, err
	}
	var list []struct {
		ID           int64  `json:"id"`
		Organisation string `json:"organisation"`
	}
	if err := jsonUnmarshal([]byte(out), &list); err != nil {
		return nil, fmt.Errorf("participants list: %w", err)
	}
	ids := map[string]string{}
	for _, p := range list {
		ids[p.Organisation] = fmt.Sprint(p.ID)
	}
	return ids, nil
}

// createKey creates a key with the CLI and returns its token.
func createKey(bin, db string, args ...string) (string, error) {
	out, err := cli(bin, append([]string{"keys", "create", "--db", db}, args...)...)
	if err != nil {
		return "", err
	}
	tok := regexp.MustCompile(`(?m)^token: +(obs_\S+)$`).FindStringSubmatch(out)
	if tok == nil {
		return "", fmt.Errorf("keys create printed no token:\n%s", out)
	}
	return tok[1], nil
}

// startServer runs serve on a free loopback port and waits until /healthz
// answers 200.
func startServer(bin, db string) (*server, error) {
	s := &server{log: &syncBuffer{}, done: make(chan error, 1)}
	s.cmd = exec.Command(bin, "serve", "--db", db, "--listen", "127.0.0.1:0",
		"--rate", "0", "--anonymous-rate", "0", "--access-log=false", "--grace", "2s")
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start serve: %w", err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(s.log, line)
			if m := regexp.MustCompile(`msg=serving addr=(\S+)`).FindStringSubmatch(line); m != nil {
				addr <- m[1]
			}
		}
		close(addr)
		s.done <- s.cmd.Wait()
	}()
	select {
	case a, ok := <-addr:
		if !ok {
			return nil, fmt.Errorf("serve exited before listening:\n%s", s.log)
		}
		s.url = "http://" + a
	case <-time.After(30 * time.Second):
		s.stop()
		return nil, fmt.Errorf("serve did not listen within 30 s:\n%s", s.log)
	}
	for range 200 {
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
	return nil, fmt.Errorf("%s/healthz did not answer 200 within 10 s:\n%s", s.url, s.log)
}

// stop ends serve as SIGINT would and waits for it, killing it after 10 s.
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
