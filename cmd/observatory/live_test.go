package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/alert"
	"github.com/observatory-net/observatory/internal/bmp/bmptest"
	"github.com/observatory-net/observatory/internal/mrt/mrttest"
	"github.com/observatory-net/observatory/internal/rpki"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/store/sqlite"
	"github.com/observatory-net/observatory/internal/testenv"
)

// liveProc is `observatory live` running as a real process: the test
// binary re-executed through main's run, as watchCLI does.
type liveProc struct {
	cmd            *exec.Cmd
	stdout, stderr *syncBuffer
	done           chan struct{}
	metrics        string // address of the metrics page, once known
}

// addrRe takes the address out of a "... listening" log line.
var addrRe = regexp.MustCompile(`addr=(\S+)`)

func startLive(t *testing.T, args ...string) *liveProc {
	t.Helper()
	p := &liveProc{stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(os.Args[0], "-test.run=^$")
	p.cmd.Env = append(os.Environ(), cliChildEnv+"="+strings.Join(append([]string{"live"}, args...), "\x1f"))
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.cmd.Wait(); close(p.done) }() //nolint:errcheck // the exit status is read from ProcessState
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// waitLog waits until the child's standard error matches re.
func (p *liveProc) waitLog(t *testing.T, re string) string {
	t.Helper()
	rx := regexp.MustCompile(re)
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if m := rx.FindString(p.stderr.String()); m != "" {
			return m
		}
		select {
		case <-p.done:
			t.Fatalf("observatory live exited (%v) before logging %q\nstderr:\n%s", p.cmd.ProcessState, re, p.stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("observatory live did not log %q within 5 s\nstderr:\n%s", re, p.stderr)
		}
	}
}

// stop sends SIGTERM and waits (10 s at most) for the process to exit.
func (p *liveProc) stop(t *testing.T) time.Duration {
	t.Helper()
	start := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		t.Fatalf("observatory live did not stop within 10 s of SIGTERM\n%s", p.stderr)
	}
	return time.Since(start)
}

// metric returns the value of one line of the metrics page ("" when
// absent).
func (p *liveProc) metric(t *testing.T, name string) string {
	t.Helper()
	resp, err := http.Get("http://" + p.metrics + "/metrics")
	if err != nil {
		t.Fatalf("metrics: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for line := range strings.Lines(string(body)) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), name+" "); ok {
			return v
		}
	}
	return ""
}

// waitMetric waits until a metric has value want.
func (p *liveProc) waitMetric(t *testing.T, name, want string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		got := p.metric(t, name)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("metric %s is %q after 5 s, want %s\nstderr:\n%s", name, got, want, p.stderr)
		}
	}
}

// liveGobgpd is a real gobgpd exporting its Loc-RIB (RFC 9069) by BMP
// (the recipe of internal/bmp/gobgp_test.go and real-peers.md §3a).
type liveGobgpd struct {
	cmd      *exec.Cmd
	cli, api string
	logs     *syncBuffer
}

func startLiveGobgpd(t *testing.T, bmpPort string) *liveGobgpd {
	t.Helper()
	bin, cli := testenv.Tool(t, "gobgpd"), testenv.Tool(t, "gobgp")
	conf := writeFile(t, "gobgpd.toml", fmt.Sprintf(`[global.config]
  as = 64512
  router-id = "127.0.0.1"
  port = -1
[[bmp-servers]]
  [bmp-servers.config]
    address = "127.0.0.1"
    port = %s
    route-monitoring-policy = "local-rib"
`, bmpPort))
	g := &liveGobgpd{cli: cli, api: testenv.FreePort(t), logs: &syncBuffer{}}
	g.cmd = exec.Command(bin, "-f", conf, "-p", "--api-hosts=127.0.0.1:"+g.api, "--pprof-disable")
	g.cmd.Stdout, g.cmd.Stderr = g.logs, g.logs
	if err := g.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if g.cmd.ProcessState == nil {
			g.cmd.Process.Kill()
			g.cmd.Wait() //nolint:errcheck // killed
		}
	})
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := g.run("global"); err == nil {
			return g
		}
		if time.Now().After(deadline) {
			t.Fatalf("gobgpd API did not answer within 10 s:\n%s", g.logs)
		}
	}
}

func (g *liveGobgpd) run(args ...string) ([]byte, error) {
	var out, errb bytes.Buffer
	cmd := exec.Command(g.cli, append([]string{"-p", g.api}, args...)...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("gobgp %s: %v: %s", strings.Join(args, " "), err, errb.String())
	}
	return out.Bytes(), nil
}

func (g *liveGobgpd) must(t *testing.T, args ...string) {
	t.Helper()
	if _, err := g.run(args...); err != nil {
		t.Fatal(err)
	}
}

// receipt is one webhook request as a receiver got it.
type receipt struct {
	at      time.Time
	key     string
	payload alert.Payload
}

// liveHook is a webhook receiver on 127.0.0.1 answering with statuses in
// turn (the last one repeated), recording each request's arrival.
type liveHook struct {
	mu       sync.Mutex
	statuses []int
	got      []receipt
	url      string
}

func newLiveHook(t *testing.T, statuses ...int) *liveHook {
	h := &liveHook{statuses: statuses}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at := time.Now()
		body, _ := io.ReadAll(r.Body)
		var p alert.Payload
		json.Unmarshal(body, &p) //nolint:errcheck // checked through the fields
		h.mu.Lock()
		status := h.statuses[min(len(h.got), len(h.statuses)-1)]
		h.got = append(h.got, receipt{at, r.Header.Get(alert.HeaderIdempotency), p})
		h.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	h.url = srv.URL
	return h
}

func (h *liveHook) receipts() []receipt {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]receipt(nil), h.got...)
}

// wait returns the first receipt of an event of type typ and kind, after
// the first skip such receipts, within 5 s.
func (h *liveHook) wait(t *testing.T, typ alert.EventType, kind alert.Kind, skip int) receipt {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(2 * time.Millisecond) {
		n := 0
		for _, r := range h.receipts() {
			if r.payload.Event == typ && r.payload.Incident.Kind == kind {
				if n == skip {
					return r
				}
				n++
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s %s alert (after %d) within 5 s; got %d requests", typ, kind, skip, len(h.receipts()))
		}
	}
}

// realCovering returns, as the lines of a CSV VRP file, the VRPs of the
// global VRP set of 2020-02-17 (real data, PROVENANCE.md) covering
// prefix: validating the prefix under them gives what the whole set gives.
func realCovering(t *testing.T, prefix string) []string {
	t.Helper()
	d, err := rpki.Loader{SkipInvalid: true}.Load(t.Context(), testenv.File(t, "rpki/vrps-20200217-bgpsquelch-roa.csv"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := d.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for v := range s.CoveringVRPs(netip.MustParsePrefix(prefix)) {
		lines = append(lines, fmt.Sprintf("%s,%s,%d", v.ASN, v.Prefix, v.MaxLen))
	}
	return lines
}

const liveWatchList = `visibility: {min_peers: 1, hold: 1s}
prefixes:
  - name: ripe-ncc
    prefix: 193.0.0.0/21
    origins: [AS3333]
    webhooks: [%s, %s]
`

// TestLive_gobgpd is the live acceptance of the alert engine, through
// the real binary and a real gobgpd exporting BMP: RIPE NCC's
// 193.0.0.0/21 is watched with its real ROA (AS3333, max length 21: the
// one VRP of the 2020 global set covering 193.0.0.0/24), and
// a more-specific announced by AS64511 is RPKI-invalid and a sub-prefix
// hijack. Each alert must reach the webhook within 5 s, exactly once.
// The faults: a second, scripted router carries the same route and drops
// in the middle of a message (its session ends, logged by name, the
// incident stays open on gobgpd's route); the second webhook answers 500
// first (retried, delivered once); gobgpd is killed while an incident is
// open (the session's routes are withdrawn: the incident closes, and the
// watched prefix, now unseen, opens a visibility loss after its hold).
// Then the VRP file changes (a roa-change) and SIGHUP reloads it.
func TestLive_gobgpd(t *testing.T) {
	a, b := newLiveHook(t, 200), newLiveHook(t, 500, 200)
	watch := writeFile(t, "watch.yaml", fmt.Sprintf(liveWatchList, a.url, b.url))
	covering := realCovering(t, "193.0.0.0/24")
	if strings.Join(covering, " ") != "AS3333,193.0.0.0/21,21" {
		t.Fatalf("the real VRPs covering 193.0.0.0/24 are %q, not RIPE NCC's one ROA", covering)
	}
	vrps := writeFile(t, "vrps.csv", "ASN,IP Prefix,Max Length\n"+strings.Join(covering, "\n")+"\n")
	p := startLive(t, "--watch", watch, "--vrps", vrps, "--listen", "127.0.0.1:0",
		"--metrics", "127.0.0.1:0", "--backoff", "50ms", "--tick", "100ms", "--vrps-poll", "50ms")
	p.metrics = addrRe.FindStringSubmatch(p.waitLog(t, `msg="metrics listening" addr=\S+`))[1]
	_, bmpPort, _ := net.SplitHostPort(addrRe.FindStringSubmatch(p.waitLog(t, `msg="bmp station listening" addr=\S+`))[1])
	g := startLiveGobgpd(t, bmpPort)
	p.waitLog(t, `msg="bmp session started"`)

	// The real origin: valid, no alert; the prefix is now seen.
	g.must(t, "global", "rib", "-a", "ipv4", "add", "193.0.0.0/21", "aspath", "64500,3333", "nexthop", "192.0.2.1")
	p.waitMetric(t, `observatory_alert_observations_total{type="announce"}`, "1")

	// The invalid more-specific. (A gobgp CLI call alone, timed first,
	// is most of the latency.)
	cliStart := time.Now()
	g.must(t, "global")
	cli := time.Since(cliStart)
	start := time.Now()
	g.must(t, "global", "rib", "-a", "ipv4", "add", "193.0.0.0/24", "aspath", "64496,64511", "nexthop", "192.0.2.1")
	open := a.wait(t, alert.EventOpen, alert.RPKIInvalid, 0)
	hijack := a.wait(t, alert.EventOpen, alert.SubPrefixHijack, 0)
	latency := open.at.Sub(start)
	t.Logf("announce (gobgp global rib add, CLI start included) → rpki-invalid open at the webhook: %v (subprefix-hijack %v)",
		latency.Round(time.Microsecond), hijack.at.Sub(start).Round(time.Microsecond))
	// The second alert waits 50 ms more when receiver B's 500 (and its
	// 50 ms backoff) is on the same delivery worker as A: targets are
	// spread over the workers by a hash of their URL.
	t.Logf("of which: a gobgp CLI call alone %v; station arrival (the incident's opening time) → webhook %v (subprefix-hijack %v)",
		cli.Round(time.Microsecond), open.at.Sub(open.payload.Incident.Opened).Round(time.Microsecond),
		hijack.at.Sub(hijack.payload.Incident.Opened).Round(time.Microsecond))
	if latency > 5*time.Second {
		t.Errorf("open alert after %v, want within 5 s", latency)
	}
	if in := open.payload.Incident; in.Prefix.String() != "193.0.0.0/24" || in.Origin != 64511 || in.Evidence.RPKI != "invalid-asn" ||
		len(in.Evidence.VRPs) != 1 || in.Evidence.VRPs[0].String() != "193.0.0.0/21-21 AS3333" {
		t.Errorf("open alert: %+v", in)
	}

	// (a) A scripted router carries the same route, then drops in the
	// middle of a message.
	c, err := bmptest.Dial("127.0.0.1:" + bmpPort)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	peer := bmptest.Peer{Addr: netip.MustParseAddr("198.51.100.1"), AS: 64500, BGPID: netip.MustParseAddr("198.51.100.1")}
	rid := netip.MustParseAddr("198.51.100.9")
	sent, recv := bmptest.Open(64499, rid, bmptest.AS4(64499)), bmptest.Open(64500, peer.BGPID, bmptest.AS4(64500))
	ann := func(prefix string, path ...uint32) []byte {
		attrs := append([]byte{0x40, 0x01, 0x01, 0x00}, mrttest.ASPath4(path...)...)
		return bmptest.RouteMonitoring(peer, mrttest.Update(nil, attrs, mrttest.Prefix(netip.MustParsePrefix(prefix))))
	}
	if err := c.Send(bmptest.Initiation("scripted", "test router"), bmptest.PeerUp(peer, rid, 179, 40000, sent, recv),
		ann("193.0.0.0/24", 64500, 64511)); err != nil {
		t.Fatal(err)
	}
	p.waitMetric(t, `observatory_alert_observations_total{type="announce"}`, "3")
	cut := ann("193.0.0.0/22", 64500, 64511)
	if err := c.Drop(cut, len(cut)/2); err != nil {
		t.Fatal(err)
	}
	_, scriptedPort, _ := net.SplitHostPort(c.Conn.LocalAddr().String())
	logLine := p.waitLog(t, `.*msg="bmp session ended: .*router=127.0.0.1:`+scriptedPort+` .*`)
	if !strings.Contains(logLine, "connection ended in a Route Monitoring message") || !strings.Contains(logLine, "message=4") {
		t.Errorf("the drop is logged as %q", logLine)
	}
	p.waitMetric(t, "observatory_bmp_sessions_failed_total", "1")
	if s := p.metric(t, "observatory_bmp_sessions"); s != "1" {
		t.Errorf("%s sessions open after the drop, want gobgpd's", s)
	}

	// gobgpd's session is unaffected: deleting the route closes the
	// incidents (two peers carried it at most).
	g.must(t, "global", "rib", "-a", "ipv4", "del", "193.0.0.0/24")
	closed := a.wait(t, alert.EventClose, alert.RPKIInvalid, 0)
	if in := closed.payload.Incident; in.ID != open.payload.Incident.ID || in.Evidence.MaxPeers != 2 ||
		time.Duration(in.Duration) <= 0 || time.Duration(in.Duration) > closed.at.Sub(open.at)+time.Second {
		t.Errorf("close alert: id %s (open %s), max peers %d, duration %v", in.ID, open.payload.Incident.ID, in.Evidence.MaxPeers, in.Duration)
	}
	t.Logf("close alert: duration %v; at the webhook %v after the open alert", closed.payload.Incident.Duration, closed.at.Sub(open.at))

	// (c) gobgpd killed while the invalid route is back: its session's
	// routes are withdrawn, the new incidents close, and the watched
	// prefix, unseen, opens a visibility loss after its 1 s hold.
	g.must(t, "global", "rib", "-a", "ipv4", "add", "193.0.0.0/24", "aspath", "64496,64511", "nexthop", "192.0.2.1")
	again := a.wait(t, alert.EventOpen, alert.RPKIInvalid, 1)
	if again.payload.Incident.ID == open.payload.Incident.ID {
		t.Errorf("the incident back after closing has the same id %s", again.payload.Incident.ID)
	}
	killed := time.Now()
	if err := g.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	g.cmd.Wait() //nolint:errcheck // killed
	down := a.wait(t, alert.EventClose, alert.RPKIInvalid, 1)
	vis := a.wait(t, alert.EventOpen, alert.VisibilityLoss, 0)
	t.Logf("gobgpd killed: rpki-invalid closed at the webhook %v later, visibility-loss opened %v later",
		down.at.Sub(killed).Round(time.Millisecond), vis.at.Sub(killed).Round(time.Millisecond))
	if in := down.payload.Incident; in.ID != again.payload.Incident.ID || in.Evidence.Peers != 0 {
		t.Errorf("close on gobgpd's end: %+v", in)
	}
	if d := vis.at.Sub(killed); d < time.Second {
		t.Errorf("visibility loss %v after the kill, before its 1 s hold", d)
	}
	p.waitLog(t, `msg="bmp peer down: its routes are withdrawn" router="127.0.0.1:\d+ \(GoBGP\)".*reason="session ended"`)
	p.waitMetric(t, `observatory_alert_observations_total{type="peer_down"}`, "2") // the scripted router's and gobgpd's
	if s := p.metric(t, "observatory_bmp_routes"); s != "0" {
		t.Errorf("%s routes left in the station", s)
	}

	// The VRP file changes: reloaded, a roa-change of the watched prefix.
	// A SIGHUP reloads it again: the same set, no alert.
	if err := os.WriteFile(vrps, []byte("ASN,IP Prefix,Max Length\nAS3333,193.0.0.0/21,21\nAS64511,193.0.0.0/24,24\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p.waitLog(t, `msg="VRPs reloaded" file=\S+ reason="file changed" vrps=2`)
	roa := a.wait(t, alert.EventOpen, alert.ROAChange, 0)
	if ev := roa.payload.Incident.Evidence; len(ev.Added) != 1 || ev.Added[0].String() != "193.0.0.0/24-24 AS64511" || len(ev.Removed) != 0 {
		t.Errorf("roa-change evidence: added %v, removed %v", ev.Added, ev.Removed)
	}
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	p.waitLog(t, `msg="VRPs reloaded" file=\S+ reason=signal vrps=2`)
	p.waitMetric(t, `observatory_alert_observations_total{type="vrp_update"}`, "2")

	// SIGTERM: a clean stop; the visibility loss stays open.
	p.stop(t)
	if code := p.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("exit %d\n%s", code, p.stderr)
	}
	checkLiveOutput(t, p.stdout.String())

	// Every alert exactly once at the first receiver; at the second, the
	// first one twice (500, then 200) and the others once.
	want := []string{"open subprefix-hijack", "open rpki-invalid", "close subprefix-hijack", "close rpki-invalid",
		"open subprefix-hijack", "open rpki-invalid", "close subprefix-hijack", "close rpki-invalid", "open visibility-loss", "open roa-change"}
	checkReceipts(t, "receiver A", a.receipts(), want, 0)
	checkReceipts(t, "receiver B", b.receipts(), want, 1)
	if n := strings.Count(p.stderr.String(), `msg="alert delivery failed, retrying" channel=webhook target=`+b.url); n != 1 {
		t.Errorf("%d retries logged for receiver B, want 1\n%s", n, p.stderr)
	}
}

// checkReceipts checks that a receiver got the alerts of want, in order,
// each once, but for the first, sent twice when doubled is 1.
func checkReceipts(t *testing.T, who string, got []receipt, want []string, doubled int) {
	t.Helper()
	if len(got) != len(want)+doubled {
		t.Errorf("%s: %d requests, want %d", who, len(got), len(want)+doubled)
	}
	seen := map[string]int{}
	var kinds []string
	for i, r := range got {
		seen[r.key]++
		if i == 0 && doubled == 1 {
			continue
		}
		kinds = append(kinds, string(r.payload.Event)+" "+string(r.payload.Incident.Kind))
	}
	for k, n := range seen {
		if n > 1 && (doubled == 0 || k != got[0].key || n > 2) {
			t.Errorf("%s: alert %s received %d times", who, k, n)
		}
	}
	if strings.Join(kinds, ", ") != strings.Join(want, ", ") {
		t.Errorf("%s got\n  %s\nwant\n  %s", who, strings.Join(kinds, ", "), strings.Join(want, ", "))
	}
}

// checkLiveOutput checks the terminal view: one line per opening and
// closing, then the summary with the visibility loss still open.
func checkLiveOutput(t *testing.T, out string) {
	t.Helper()
	var lines []string
	for line := range strings.Lines(out) {
		if m := watchLine.FindStringSubmatch(line); m != nil {
			lines = append(lines, m[2]+" "+m[3]+" "+m[4])
		}
	}
	want := "OPEN subprefix-hijack 193.0.0.0/24, OPEN rpki-invalid 193.0.0.0/24, CLOSE subprefix-hijack 193.0.0.0/24, CLOSE rpki-invalid 193.0.0.0/24, " +
		"OPEN subprefix-hijack 193.0.0.0/24, OPEN rpki-invalid 193.0.0.0/24, CLOSE subprefix-hijack 193.0.0.0/24, CLOSE rpki-invalid 193.0.0.0/24, " +
		"OPEN visibility-loss 193.0.0.0/21, OPEN roa-change 193.0.0.0/21"
	if got := strings.Join(lines, ", "); got != want {
		t.Errorf("terminal view:\n%s\nwant %s", out, want)
	}
	for _, s := range []string{"; 6 incidents opened, 5 closed, 1 open at the end\n", "# open: visibility-loss 193.0.0.0/21 since ",
		"# deliveries: 20 delivered, 0 failed\n"} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}
}

// TestLive_badInput: bad flags and files are refused before anything
// listens, with exit status 2 and nothing on standard output.
func TestLive_badInput(t *testing.T) {
	good := writeFile(t, "watch.yaml", fmt.Sprintf(liveWatchList, "http://127.0.0.1:9/a", "http://127.0.0.1:9/b"))
	vrps := writeFile(t, "vrps.csv", "ASN,IP Prefix,Max Length\nAS3333,193.0.0.0/21,21\n")
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"no watch", []string{"--vrps", vrps}, "--watch is required"},
		{"no vrps", []string{"--watch", good}, "--vrps FILE or --rtr HOST:PORT is required"},
		{"vrps and rtr", []string{"--watch", good, "--vrps", vrps, "--rtr", "127.0.0.1:323"}, "--vrps and --rtr: give one"},
		{"bad rtr", []string{"--watch", good, "--rtr", "323"}, `--rtr "323"`},
		{"missing vrps", []string{"--watch", good, "--vrps", filepath.Join(t.TempDir(), "none.csv")}, "load VRPs"},
		{"bad listen", []string{"--watch", good, "--vrps", vrps, "--listen", "11019"}, `--listen "11019"`},
		{"bad metrics", []string{"--watch", good, "--vrps", vrps, "--metrics", "9100"}, `--metrics "9100"`},
		{"bad tick", []string{"--watch", good, "--vrps", vrps, "--tick", "0s"}, "--tick, --vrps-poll, --drain and --resync must be positive"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := watchCLI(t, append([]string{"live"}, c.args...)...)
			if code != 2 || stdout != "" || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2, nothing, %q", code, stdout, stderr, c.want)
			}
		})
	}
}

// TestLive_stop: SIGTERM while an incident is open and its alert is
// being retried (the receiver answers 503, the backoff is 10 s): the
// process waits --drain for the deliveries, gives them up, logs it, and
// exits 0 without closing the incident, which the store (--db) keeps
// open. No gobgpd: a scripted router.
func TestLive_stop(t *testing.T) {
	h := newLiveHook(t, 503)
	watch := writeFile(t, "watch.yaml", fmt.Sprintf(liveWatchList, h.url, h.url))
	vrps := writeFile(t, "vrps.csv", "ASN,IP Prefix,Max Length\nAS3333,193.0.0.0/21,21\n")
	db := filepath.Join(t.TempDir(), "obs.db")
	p := startLive(t, "--watch", watch, "--vrps", vrps, "--listen", "127.0.0.1:0", "--backoff", "10s", "--drain", "300ms", "--db", db)
	addr := addrRe.FindStringSubmatch(p.waitLog(t, `msg="bmp station listening" addr=\S+`))[1]
	c, err := bmptest.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	peer := bmptest.Peer{Addr: netip.MustParseAddr("198.51.100.1"), AS: 64500, BGPID: netip.MustParseAddr("198.51.100.1")}
	attrs := append([]byte{0x40, 0x01, 0x01, 0x00}, mrttest.ASPath4(64500, 64511)...)
	if err := c.Send(bmptest.Initiation("scripted", "test router"),
		bmptest.RouteMonitoring(peer, mrttest.Update(nil, attrs, mrttest.Prefix(netip.MustParsePrefix("193.0.0.0/24"))))); err != nil {
		t.Fatal(err)
	}
	h.wait(t, alert.EventOpen, alert.SubPrefixHijack, 0)
	p.waitLog(t, `msg="alert delivery failed, retrying"`)
	took := p.stop(t)
	t.Logf("stopped %v after SIGTERM with --drain 300ms", took.Round(time.Millisecond))
	if code := p.cmd.ProcessState.ExitCode(); code != 0 || took < 300*time.Millisecond || took > 5*time.Second {
		t.Errorf("exit %d after %v", code, took)
	}
	out, logs := p.stdout.String(), p.stderr.String()
	if !strings.Contains(logs, `msg="live: deliveries still pending after --drain, given up" pending=`) {
		t.Errorf("logs:\n%s", logs)
	}
	if strings.Contains(out, " CLOSE ") || !strings.Contains(out, "; 2 incidents opened, 0 closed, 2 open at the end\n") ||
		!strings.Contains(out, "# deliveries: 0 delivered, ") {
		t.Errorf("output:\n%s", out)
	}
	// The store keeps both incidents, open, as their alerts showed them.
	st, err := sqlite.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got, err := st.AlertIncidents(t.Context(), store.AlertFilter{Open: true})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, a := range got {
		kinds[a.Kind] = true
		var in alert.Incident
		if err := json.Unmarshal(a.Doc, &in); err != nil || in.ID != a.ID || a.Prefix.String() != "193.0.0.0/24" || !a.Closed.IsZero() {
			t.Errorf("stored incident %s %s %v closed %v: %v", a.ID, a.Kind, a.Prefix, a.Closed, err)
		}
	}
	if len(got) != 2 || !kinds["rpki-invalid"] || !kinds["subprefix-hijack"] {
		t.Errorf("the store holds %d open incidents (%v), want the rpki-invalid and the subprefix-hijack", len(got), kinds)
	}
}

// writeStayrtrCache writes the JSON file stayrtr serves, renamed into
// place so that stayrtr never reads half of it.
func writeStayrtrCache(t *testing.T, path string, roas ...string) {
	t.Helper()
	var b strings.Builder
	b.WriteString(`{"metadata": {"buildtime": "2026-12-04T00:00:00Z", "generated": 1796342400}, "roas": [`)
	for i, r := range roas { // "AS3333 193.0.0.0/21 21"
		f := strings.Fields(r)
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, `{"asn": %s, "prefix": %q, "maxLength": %s, "ta": "test"}`, strings.TrimPrefix(f[0], "AS"), f[1], f[2])
	}
	b.WriteString("]}")
	if err := os.WriteFile(path+".tmp", []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		t.Fatal(err)
	}
}

// TestLive_rtr takes the VRPs from a real RTR cache (stayrtr 0.5.1,
// re-reading its file every second) instead of a file: the invalid route
// of a scripted router opens its incidents once the cache's first End of
// Data arrived; a ROA for the hijacker added at the cache arrives as a
// serial update, raises a roa-change and closes the rpki-invalid incident
// (the route is now valid), the sub-prefix hijack staying open.
func TestLive_rtr(t *testing.T) {
	bin := testenv.Tool(t, "stayrtr")
	cache := filepath.Join(t.TempDir(), "cache.json")
	writeStayrtrCache(t, cache, "AS3333 193.0.0.0/21 21")
	rtrAddr := "127.0.0.1:" + testenv.FreePort(t)
	srv := exec.Command(bin, "-bind", rtrAddr, "-metrics.addr", "127.0.0.1:"+testenv.FreePort(t), "-cache", cache,
		"-checktime=false", "-refresh", "1")
	srvLog := &syncBuffer{}
	srv.Stdout, srv.Stderr = srvLog, srvLog
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Process.Kill(); srv.Wait() }) //nolint:errcheck // killed
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", rtrAddr); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("stayrtr did not listen within 10 s:\n%s", srvLog)
		}
	}

	h := newLiveHook(t, 200)
	watch := writeFile(t, "watch.yaml", fmt.Sprintf(liveWatchList, h.url, h.url))
	p := startLive(t, "--watch", watch, "--rtr", rtrAddr, "--listen", "127.0.0.1:0", "--metrics", "127.0.0.1:0")
	p.metrics = addrRe.FindStringSubmatch(p.waitLog(t, `msg="metrics listening" addr=\S+`))[1]
	addr := addrRe.FindStringSubmatch(p.waitLog(t, `msg="bmp station listening" addr=\S+`))[1]
	p.waitMetric(t, `observatory_alert_observations_total{type="vrp_update"}`, "1")

	c, err := bmptest.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	peer := bmptest.Peer{Addr: netip.MustParseAddr("198.51.100.1"), AS: 64500, BGPID: netip.MustParseAddr("198.51.100.1")}
	attrs := append([]byte{0x40, 0x01, 0x01, 0x00}, mrttest.ASPath4(64500, 64511)...)
	if err := c.Send(bmptest.Initiation("scripted", "test router"),
		bmptest.RouteMonitoring(peer, mrttest.Update(nil, attrs, mrttest.Prefix(netip.MustParsePrefix("193.0.0.0/24"))))); err != nil {
		t.Fatal(err)
	}
	open := h.wait(t, alert.EventOpen, alert.RPKIInvalid, 0)
	if vrps := open.payload.Incident.Evidence.VRPs; len(vrps) != 1 || vrps[0].String() != "193.0.0.0/21-21 AS3333" {
		t.Errorf("open alert's VRPs %v", vrps)
	}

	changed := time.Now()
	writeStayrtrCache(t, cache, "AS3333 193.0.0.0/21 21", "AS64511 193.0.0.0/24 24")
	roa := h.wait(t, alert.EventOpen, alert.ROAChange, 0)
	closed := h.wait(t, alert.EventClose, alert.RPKIInvalid, 0)
	t.Logf("cache file changed → roa-change at the webhook %v later (stayrtr re-reads every 1 s)", roa.at.Sub(changed).Round(time.Millisecond))
	if ev := roa.payload.Incident.Evidence; len(ev.Added) != 1 || ev.Added[0].String() != "193.0.0.0/24-24 AS64511" || len(ev.Removed) != 0 {
		t.Errorf("roa-change: added %v, removed %v", ev.Added, ev.Removed)
	}
	if closed.payload.Incident.ID != open.payload.Incident.ID {
		t.Errorf("closed %s, opened %s", closed.payload.Incident.ID, open.payload.Incident.ID)
	}
	p.stop(t)
	out := p.stdout.String()
	if code := p.cmd.ProcessState.ExitCode(); code != 0 || !strings.Contains(out, "# subprefix-hijack opened 1, closed 0, open 1\n") ||
		!strings.Contains(out, "# rpki-invalid     opened 1, closed 1, open 0\n") {
		t.Errorf("exit %d, output:\n%s\n%s", code, out, p.stderr)
	}
}

// TestLive_risLive feeds `observatory live --ris-live -` RIS Live
// messages on its standard input, as a websocket client would pipe them:
// an RPKI-invalid more-specific of the watched prefix opens its alerts
// at the webhook, its withdrawal closes them, a damaged message is logged
// with its line and stops that feed only (the BMP station goes on).
func TestLive_risLive(t *testing.T) {
	h := newLiveHook(t, 200)
	watch := writeFile(t, "watch.yaml", fmt.Sprintf(liveWatchList, h.url, h.url+"/b"))
	vrps := writeFile(t, "vrps.csv", "ASN,IP Prefix,Max Length\nAS3333,193.0.0.0/21,21\n")
	p := &liveProc{stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(os.Args[0], "-test.run=^$")
	p.cmd.Env = append(os.Environ(), cliChildEnv+"="+strings.Join([]string{"live", "--watch", watch, "--vrps", vrps,
		"--listen", "127.0.0.1:0", "--ris-live", "-"}, "\x1f"))
	in, err := p.cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.cmd.Wait(); close(p.done) }() //nolint:errcheck // the exit status is read from ProcessState
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	p.waitLog(t, `msg="bmp station listening"`)
	msg := func(kind, body string) string {
		return `{"type":"ris_message","data":{"timestamp":1733300000.5,"peer":"192.0.2.7","peer_asn":"64496","host":"rrc21","type":"` +
			kind + `",` + body + "}}\n"
	}
	if _, err := io.WriteString(in, msg("UPDATE", `"path":[64496,64511],"announcements":[{"next_hop":"192.0.2.7","prefixes":["193.0.0.0/24"]}]`)); err != nil {
		t.Fatal(err)
	}
	sent := time.Now()
	open := h.wait(t, alert.EventOpen, alert.RPKIInvalid, 0)
	h.wait(t, alert.EventOpen, alert.SubPrefixHijack, 0)
	t.Logf("RIS Live announcement to webhook: %v", open.at.Sub(sent).Round(time.Microsecond))
	if _, err := io.WriteString(in, msg("UPDATE", `"withdrawals":["193.0.0.0/24"]`)+"{not json\n"); err != nil {
		t.Fatal(err)
	}
	closed := h.wait(t, alert.EventClose, alert.RPKIInvalid, 0)
	if closed.payload.Incident.ID != open.payload.Incident.ID || closed.payload.Incident.Evidence.Peers != 0 {
		t.Errorf("close %+v does not close the open incident %s", closed.payload.Incident, open.payload.Incident.ID)
	}
	p.waitLog(t, `msg="route feed stopped" error="RIS Live feed: stdin: record 3 at byte offset \d+`)
	select {
	case <-p.done:
		t.Fatalf("live exited after a damaged RIS Live message:\n%s", p.stderr)
	case <-time.After(200 * time.Millisecond):
	}
	p.stop(t)
	// Each alert once per target: two opens and two closes, two targets.
	if n := len(h.receipts()); n != 8 {
		t.Errorf("the receiver got %d alerts, want 8 (2 incidents × open and close × 2 targets)", n)
	}
}

// TestLive_restart: a run stopped with four incidents open and their
// alerts undelivered (the receiver answers 503); the next run on the same
// store takes them over. It delivers the four openings the first run
// could not, opens nothing when the router sends one of the two routes
// again, closes the pair of the route that did not come back after
// --resync (endedUnseen), and the other pair when it is withdrawn: each
// alert once per target, every incident under the ID the first run gave
// it. No gobgpd: a scripted router.
func TestLive_restart(t *testing.T) {
	vrps := writeFile(t, "vrps.csv", "ASN,IP Prefix,Max Length\nAS3333,193.0.0.0/21,21\n")
	db := filepath.Join(t.TempDir(), "obs.db")
	peer := bmptest.Peer{Addr: netip.MustParseAddr("198.51.100.1"), AS: 64500, BGPID: netip.MustParseAddr("198.51.100.1")}
	attrs := append([]byte{0x40, 0x01, 0x01, 0x00}, mrttest.ASPath4(64500, 64511)...)
	announce := func(prefix string) []byte {
		return bmptest.RouteMonitoring(peer, mrttest.Update(nil, attrs, mrttest.Prefix(netip.MustParsePrefix(prefix))))
	}
	router := func(p *liveProc, msgs ...[]byte) *bmptest.Client {
		addr := addrRe.FindStringSubmatch(p.waitLog(t, `msg="bmp station listening" addr=\S+`))[1]
		c, err := bmptest.Dial(addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		if err := c.Send(append([][]byte{bmptest.Initiation("scripted", "test router")}, msgs...)...); err != nil {
			t.Fatal(err)
		}
		return c
	}

	h1 := newLiveHook(t, 503)
	watch1 := writeFile(t, "watch1.yaml", fmt.Sprintf(restartWatchList, h1.url, h1.url+"/b"))
	p := startLive(t, "--watch", watch1, "--vrps", vrps, "--listen", "127.0.0.1:0", "--backoff", "10s", "--drain", "300ms", "--db", db)
	router(p, announce("193.0.0.0/24"), announce("193.0.1.0/24"))
	h1.wait(t, alert.EventOpen, alert.SubPrefixHijack, 0) // retried every 10 s: the others wait in the queue
	for deadline := time.Now().Add(5 * time.Second); strings.Count(p.stdout.String(), " OPEN ") < 4; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the first run did not open 4 incidents within 5 s:\n%s", p.stdout)
		}
	}
	p.stop(t)
	ids := openAlertIDs(t, db)
	if len(ids) != 4 {
		t.Fatalf("the store holds %d open incidents after the first run, want 4:\n%s", len(ids), p.stdout)
	}

	h2 := newLiveHook(t, 200)
	watch2 := writeFile(t, "watch2.yaml", fmt.Sprintf(restartWatchList, h2.url, h2.url+"/b"))
	p = startLive(t, "--watch", watch2, "--vrps", vrps, "--listen", "127.0.0.1:0", "--resync", "1s", "--db", db)
	p.waitLog(t, `msg="live: took over the incidents left open" open=4 taken_over=4 resync=1s`)
	c := router(p, announce("193.0.0.0/24"))
	h2.wait(t, alert.EventClose, alert.RPKIInvalid, 1) // 193.0.1.0/24's, after --resync, on both targets
	if err := c.Send(bmptest.RouteMonitoring(peer, mrttest.Update(mrttest.Prefix(netip.MustParsePrefix("193.0.0.0/24")), nil, nil))); err != nil {
		t.Fatal(err)
	}
	h2.wait(t, alert.EventClose, alert.RPKIInvalid, 3)
	h2.wait(t, alert.EventClose, alert.SubPrefixHijack, 3)
	p.stop(t)
	if out := p.stdout.String(); strings.Contains(out, " OPEN ") {
		t.Errorf("the second run opened an incident:\n%s", out)
	}
	keys := map[string]int{}
	unseen := 0
	for _, r := range h2.receipts() {
		keys[r.key]++
		in := r.payload.Incident
		if !ids[in.ID] {
			t.Errorf("%s %s: ID not one the first run opened", r.payload.Event, in.ID)
		}
		if r.payload.Event == alert.EventClose && in.Evidence.EndedUnseen {
			if unseen++; in.Prefix.String() != "193.0.1.0/24" {
				t.Errorf("%s on %s marked endedUnseen, though its route came back", in.ID, in.Prefix)
			}
		}
	}
	if len(keys) != 8 || len(h2.receipts()) != 16 || unseen != 4 {
		t.Errorf("the second run's receiver got %d alerts, %d distinct keys, %d endedUnseen; want 16 (4 openings and 4 closings × 2 targets), 8, 4",
			len(h2.receipts()), len(keys), unseen)
	}
	if open := openAlertIDs(t, db); len(open) != 0 {
		t.Errorf("the store holds %d open incidents, want none", len(open))
	}
}

// restartWatchList is liveWatchList with a visibility hold no test waits
// for: a withdrawal opens no visibility loss.
const restartWatchList = `visibility: {min_peers: 1, hold: 1h}
prefixes:
  - name: ripe-ncc
    prefix: 193.0.0.0/21
    origins: [AS3333]
    webhooks: [%s, %s]
`

// openAlertIDs returns the IDs of the incidents the store at db keeps open.
func openAlertIDs(t *testing.T, db string) map[string]bool {
	t.Helper()
	st, err := sqlite.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	open, err := st.AlertIncidents(t.Context(), store.AlertFilter{Open: true})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, a := range open {
		ids[a.ID] = true
	}
	return ids
}
