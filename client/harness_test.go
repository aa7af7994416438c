package client_test

// The SDK's tests run against a real `observatory serve` process on
// loopback: TestMain builds the binary, writes two months into an SQLite
// file, registers participants and creates keys with the real CLI, and
// starts the server. The examples read OBSERVATORY_URL and
// OBSERVATORY_TOKEN, which TestMain sets.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/store/postgres"
	"github.com/observatory-net/observatory/internal/store/sqlite"
)

// bin is the observatory binary built by TestMain; tmp its directory.
var bin, tmp string

// srv is the SQLite-backed server every test and example talks to.
var srv *server

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	var err error
	if tmp, err = os.MkdirTemp("", "observatory-client-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)
	bin = filepath.Join(tmp, "observatory")
	build := exec.Command("go", "build", "-o", bin, "github.com/observatory-net/observatory/cmd/observatory")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build observatory: %v\n%s", err, out)
		return 1
	}
	srv, err = startServer(context.Background(), filepath.Join(tmp, "obs.db"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer srv.stop()
	os.Setenv("OBSERVATORY_URL", srv.url)
	os.Setenv("OBSERVATORY_TOKEN", srv.tokens["ripe"])
	return m.Run()
}

// server is a running `observatory serve` with the fixture and keys.
type server struct {
	url    string
	tokens map[string]string // by key name: ripe, google, partner, secretariat, throttled
	cmd    *exec.Cmd
	log    *syncBuffer
	done   chan error
}

// startServer writes the fixture into the store at dsn (an SQLite file
// or a postgres:// DSN), registers the participants, creates the keys and
// starts serve on a free loopback port.
func startServer(ctx context.Context, dsn string) (*server, error) {
	if err := writeFixture(ctx, dsn); err != nil {
		return nil, fmt.Errorf("write the fixture: %w", err)
	}
	ids, err := registerParticipants(dsn)
	if err != nil {
		return nil, err
	}
	s := &server{tokens: map[string]string{}, log: &syncBuffer{}, done: make(chan error, 1)}
	for name, args := range map[string][]string{
		"ripe":        {"--role", "participant", "--participant", ids["RIPE NCC"]},
		"google":      {"--role", "participant", "--participant", ids["Google"]},
		"partner":     {"--role", "partner"},
		"secretariat": {"--role", "secretariat"},
		"throttled":   {"--role", "partner", "--rate", "30"},
	} {
		out, err := cli(append([]string{"keys", "create", "--db", dsn, "--name", name}, args...)...)
		if err != nil {
			return nil, err
		}
		tok := regexp.MustCompile(`(?m)^token: +(obs_\S+)$`).FindStringSubmatch(out)
		if tok == nil {
			return nil, fmt.Errorf("keys create printed no token:\n%s", out)
		}
		s.tokens[name] = tok[1]
	}
	return s, s.start(dsn)
}

// start runs serve and waits until /healthz answers.
func (s *server) start(dsn string) error {
	s.cmd = exec.Command(bin, "serve", "--db", dsn, "--listen", "127.0.0.1:0",
		"--rate", "0", "--anonymous-rate", "0", "--access-log=false", "--grace", "2s")
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("start serve: %w", err)
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
			return fmt.Errorf("serve exited before listening:\n%s", s.log)
		}
		s.url = "http://" + a
	case <-time.After(30 * time.Second):
		s.stop()
		return fmt.Errorf("serve did not listen within 30 s:\n%s", s.log)
	}
	for range 100 {
		resp, err := http.Get(s.url + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.stop()
	return fmt.Errorf("%s/healthz did not answer 200:\n%s", s.url, s.log)
}

// stop ends serve as SIGINT would and waits for it.
func (s *server) stop() {
	if s.cmd == nil || s.cmd.Process == nil {
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

// cli runs the observatory binary and returns its standard output.
func cli(args ...string) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("observatory %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String(), nil
}

// registerParticipants imports the two participant organisations with
// the CLI and returns their registry IDs by organisation.
func registerParticipants(dsn string) (map[string]string, error) {
	file := filepath.Join(tmp, fmt.Sprintf("participants-%d.csv", time.Now().UnixNano()))
	csv := "organisation,programme,asns,approved,areas\n" +
		"RIPE NCC,netops,AS3333,2015-01-01,NL DE\n" +
		"Google,cdn,AS15169,2020-01-01,US\n"
	if err := os.WriteFile(file, []byte(csv), 0o644); err != nil {
		return nil, err
	}
	if _, err := cli("participants", "import", "--db", dsn, file); err != nil {
		return nil, err
	}
	out, err := cli("participants", "list", "--db", dsn, "--format", "json")
	if err != nil {
		return nil, err
	}
	var list []struct {
		ID           int64  `json:"id"`
		Organisation string `json:"organisation"`
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		return nil, fmt.Errorf("participants list: %w", err)
	}
	ids := map[string]string{}
	for _, p := range list {
		ids[p.Organisation] = fmt.Sprint(p.ID)
	}
	return ids, nil
}

// The fixture: two months under netops@2024.1. AS3333 (RIPE NCC) and
// AS15169 (Google) are participants; AS64500 (NL) and AS64501 (US) are
// not, and neither are the manyDE networks of economy DE, there for
// pagination. AS3333 is ready in every score with data; AS64501 lags in
// filtering. Every named network has routes and one incident.
const fixtureSpec = "netops@2024.1"

var (
	october   = time.Date(2026, time.October, 1, 0, 0, 0, 0, time.UTC)
	september = time.Date(2026, time.September, 1, 0, 0, 0, 0, time.UTC)
)

// manyDE is how many networks economy DE holds, AS65000 upwards.
const manyDE = 240

var scoreIDs = []string{"filtering", "antiSpoofing", "coordination", "routingInformationIRR", "routingInformationRPKI"}

func fixtureMonth(month time.Time, shift float64) *store.Month {
	score := func(id string, v float64) store.Score {
		lvl := "lagging"
		switch {
		case v >= 0.9:
			lvl = "ready"
		case v >= 0.8:
			lvl = "aspiring"
		}
		return store.Score{ID: id, Value: v, HasData: true, Level: lvl}
	}
	rec := func(asn uint32, holder, cc, region, sub, rir string, participant bool, base float64) store.ASN {
		return store.ASN{ASN: asn, Holder: holder, Country: cc, RIR: rir, Region: region, SubRegion: sub,
			Participant: participant, Peers: 40, Announced: 2,
			Metrics: []store.Metric{
				{ID: "M1", Raw: 1, Score: base, HasData: true, Counted: true},
				{ID: "M7RPKI", Raw: base, Score: base, HasData: true, Counted: true},
			},
			Scores: []store.Score{
				score("filtering", base+shift),
				{ID: "antiSpoofing", Level: "no_data_available"},
				score("coordination", 1),
				score("routingInformationIRR", base),
				score("routingInformationRPKI", base-0.02),
			}}
	}
	day := func(d int) time.Time { return month.AddDate(0, 0, d-1).Add(3 * time.Hour) }
	inc := func(asn uint32) store.Incident {
		id := fmt.Sprintf("%d-M2-1", asn)
		return store.Incident{ID: id, ASN: asn, Metric: "M2", Start: day(2), End: day(3), Weight: 1, Score: 0.5,
			Events:   []string{id + "-e1"},
			Evidence: json.RawMessage(fmt.Sprintf(`{"prefixes":["10.%d.0.0/16"],"path":[64511,%d],"rule":"rpki-invalid-and-no-irr-match"}`, asn%256, asn))}
	}
	route := func(asn uint32, prefix, rpki string) store.Route {
		return store.Route{ASN: asn, Prefix: prefix, RPKI: rpki, IRR: "exact", IRRSource: []string{"RIPE"},
			Peers: 30, FirstSeen: day(1), LastSeen: day(20)}
	}
	m := &store.Month{
		Meta: store.MonthMeta{Month: month, Spec: fixtureSpec, IngestedAt: month.AddDate(0, 1, 1), Final: true,
			Stats: store.Stats{Routes: 5, MeasuredASN: 4 + manyDE, Incidents: 4}},
		ASNs: []store.ASN{
			rec(3333, "RIPE-NCC-AS Réseaux IP Européens", "NL", "Europe", "Western Europe", "RIPE NCC", true, 0.95),
			rec(15169, "GOOGLE", "US", "Americas", "Northern America", "ARIN", true, 0.85),
			rec(64500, "EXAMPLE-NL", "NL", "Europe", "Western Europe", "RIPE NCC", false, 0.9),
			rec(64501, "EXAMPLE-US", "US", "Americas", "Northern America", "ARIN", false, 0.5),
		},
		Incidents: []store.Incident{inc(3333), inc(15169), inc(64500), inc(64501)},
		Routes: []store.Route{route(3333, "193.0.0.0/21", "valid"), route(3333, "2001:67c:2e8::/48", "valid"),
			route(15169, "8.8.8.0/24", "valid"), route(64500, "192.0.2.0/24", "invalid-asn"),
			route(64501, "198.51.100.0/24", "not-found")},
		ROAStats: []store.ROAStat{
			{Scope: "world", Key: "world", Family: 4, Valid: 3, Invalid: 1, NotFound: 1, ValidSpace: 3000, InvalidSpace: 256, NotFoundSpace: 256},
			{Scope: "economy", Key: "NL", Family: 4, Valid: 1, Invalid: 1, ValidSpace: 2048, InvalidSpace: 256},
			{Scope: "economy", Key: "NL", Family: 6, Valid: 1, ValidSpace: 65536},
			{Scope: "asn", Key: "AS3333", Family: 4, Valid: 1, ValidSpace: 2048},
			{Scope: "asn", Key: "AS3333", Family: 6, Valid: 1, ValidSpace: 65536},
		},
		Participants: []store.Participant{
			{Organisation: "RIPE NCC", Programme: "netops", ASNs: []uint32{3333}, Approved: time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC), Areas: []string{"Europe"}},
			{Organisation: "Google", Programme: "cdn", ASNs: []uint32{15169}, Approved: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), Areas: []string{"World"}},
		},
	}
	for i := range manyDE {
		m.ASNs = append(m.ASNs, rec(uint32(65000+i), fmt.Sprintf("EXAMPLE-DE-%d", i), "DE", "Europe", "Western Europe", "RIPE NCC", false, 0.6+float64(i%40)/100))
	}
	for i, id := range scoreIDs {
		for _, k := range [][2]string{{"world", "world"}, {"region", "Europe"}, {"economy", "NL"}} {
			m.Aggregates = append(m.Aggregates, store.Aggregate{Scope: k[0], Key: k[1], Score: id, Value: 0.5 + float64(i)/20 + shift,
				Ready: 3 + i, Aspire: 2, Lag: 1, NoData: 4 - i})
		}
	}
	return m
}

// writeFixture writes both months into the store at dsn.
func writeFixture(ctx context.Context, dsn string) error {
	var st store.Store
	var err error
	if strings.HasPrefix(dsn, "postgres://") {
		st, err = postgres.Open(ctx, dsn)
	} else {
		st, err = sqlite.Open(ctx, dsn)
	}
	if err != nil {
		return err
	}
	for _, m := range []*store.Month{fixtureMonth(september, -0.1), fixtureMonth(october, 0)} {
		if err := st.WriteMonth(ctx, m); err != nil {
			st.Close()
			return fmt.Errorf("write %s: %w", m.Meta.Month.Format("2006-01"), err)
		}
	}
	return st.Close()
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// counter is an http.RoundTripper that counts the requests it sends, to
// see retries and pages from the client's side.
type counter struct {
	mu sync.Mutex
	n  int
	rt http.RoundTripper
}

func (c *counter) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
	return c.rt.RoundTrip(r)
}

func (c *counter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}
