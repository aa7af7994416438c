package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/alert"
	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/mrt"
	"github.com/observatory-net/observatory/internal/mrt/mrttest"
	"github.com/observatory-net/observatory/internal/rislive"
	"github.com/observatory-net/observatory/internal/rov"
	"github.com/observatory-net/observatory/internal/rpki"
	"github.com/observatory-net/observatory/internal/testenv"
)

// watchCLI runs the CLI as a real process, the test binary re-executed
// through main's run (as kill_test.go does; no separate build), and
// returns its exit status and output.
func watchCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), cliChildEnv+"="+strings.Join(args, "\x1f"))
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return exit.ExitCode(), stdout.String(), stderr.String()
	case err != nil:
		t.Fatalf("observatory %s: %v", strings.Join(args, " "), err)
	}
	return 0, stdout.String(), stderr.String()
}

// realWatchList watches real ROA prefixes of the 2020 VRP set (as
// internal/alert's real-data test does).
const realWatchList = `prefixes:
  - {name: colombia-telecom, prefix: 191.104.0.0/13, origins: [AS3816]}
  - {name: chinanet-jilin, prefix: 218.62.128.0/17, origins: [AS4134]}
  - {name: as131586, prefix: 106.106.0.0/16, origins: [AS131586]}
  - {name: as8764, prefix: 212.59.0.0/19, origins: [AS8764]}
  - {name: as51088, prefix: 46.244.96.0/19, origins: [AS51088]}
  - {name: as203877, prefix: 2a01:6440::/32, origins: [AS203877]}
  - {name: ripe-ncc, prefix: 193.0.0.0/21, origins: [AS3333]}
`

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

var watchLine = regexp.MustCompile(`^(\S+) (OPEN|CLOSE) +(\S+) +(\S+) +(\S+) +peers=(\d+)`)

// TestWatchCmd_realUpdates replays the RIS rrc21 updates of 2016-08-11
// 16:00 with the 2020 VRP set and checks the terminal view: the
// rpki-invalid lines are the watched routes internal/rov finds invalid,
// and the summary counts them.
func TestWatchCmd_realUpdates(t *testing.T) {
	updates := testenv.File(t, "mrt/updates/updates.20160811.1600.gz")
	vrpFile := testenv.File(t, "rpki/vrps-20200217-bgpsquelch-roa.csv")
	watch := writeFile(t, "watch.yaml", realWatchList)
	code, stdout, stderr := watchCLI(t, "watch", "--watch", watch, "--vrps", vrpFile, "--skip-invalid", "--mrt", updates)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var got []string
	opens := 0
	for line := range strings.Lines(stdout) {
		m := watchLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		opens++
		if m[3] == "rpki-invalid" {
			got = append(got, m[4]+" "+m[5])
		}
	}
	want := rovInvalidUnder(t, vrpFile, updates, realWatchList)
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rpki-invalid lines mismatch (-rov +watch):\n%s", diff)
	}
	for _, line := range []string{
		"# 41234 observations, 204 routes kept; 31 incidents opened, 0 closed, 31 open at the end\n",
		"# rpki-invalid     opened 18, closed 0, open 18\n",
		"# subprefix-hijack opened 12, closed 0, open 12\n",
		"# origin-hijack    opened 1, closed 0, open 1\n",
		"2016-08-11T16:00:08Z OPEN  origin-hijack    2a01:6440::/32       AS197021  peers=1 watch=as203877\n",
	} {
		if !strings.Contains(stdout, line) {
			t.Errorf("output lacks %q:\n%s", line, stdout)
		}
	}
	if opens != 31 || len(want) != 18 {
		t.Errorf("%d OPEN lines, %d invalid routes; want 31 and 18", opens, len(want))
	}
}

// rovInvalidUnder lists "PREFIX ORIGIN" of the routes of an MRT file under
// a watched prefix that rov finds invalid, sorted.
func rovInvalidUnder(t *testing.T, vrpFile, mrtFile, watchText string) []string {
	t.Helper()
	d, err := rpki.Loader{SkipInvalid: true}.Load(context.Background(), vrpFile)
	if err != nil {
		t.Fatal(err)
	}
	s, err := d.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var watched []netip.Prefix
	for _, m := range regexp.MustCompile(`prefix: (\S+),`).FindAllStringSubmatch(watchText, -1) {
		watched = append(watched, netip.MustParsePrefix(m[1]))
	}
	dr, err := decompress.Open(mrtFile)
	if err != nil {
		t.Fatal(err)
	}
	defer dr.Close()
	var out []string
	for r, err := range rov.MRTRoutes(mrt.NewScanner(mrt.NewReader(dr, mrtFile, mrt.Options{}), false)) {
		if err != nil {
			t.Fatal(err)
		}
		under := slices.ContainsFunc(watched, func(w netip.Prefix) bool { return w.Bits() <= r.Prefix.Bits() && w.Overlaps(r.Prefix) })
		if under && rov.Validate(s, r.Prefix, r.Origin).Invalid() {
			out = append(out, r.Prefix.String()+" "+r.Origin.String())
		}
	}
	slices.Sort(out)
	return out
}

// bgp4mp is one BGP4MP MESSAGE_AS4 record of peer 10.0.0.i (AS65000+i)
// announcing or withdrawing prefix at ts.
func bgp4mp(ts uint32, i byte, prefix string, path ...uint32) []byte {
	p := netip.MustParsePrefix(prefix)
	s := mrttest.Session{PeerAS: 65000 + uint32(i), LocalAS: 64999, PeerIP: netip.AddrFrom4([4]byte{10, 0, 0, i}),
		LocalIP: netip.AddrFrom4([4]byte{10, 0, 0, 254}), AS4: true}
	var upd []byte
	if len(path) == 0 {
		upd = mrttest.Update(mrttest.Prefix(p), nil, nil)
	} else {
		attrs := slices.Concat(mrttest.Attr(0x40, 1, []byte{0}), // ORIGIN IGP
			mrttest.ASPath4(append([]uint32{65000 + uint32(i)}, path...)...), // AS_PATH, a whole attribute
			mrttest.Attr(0x40, 3, []byte{10, 0, 0, i}))                       // NEXT_HOP
		upd = mrttest.Update(nil, attrs, mrttest.Prefix(p))
	}
	return mrttest.Record(ts, mrttest.TypeBGP4MP, mrt.SubMessageAS4, 0, append(mrttest.BGP4MPHeader(s), upd...))
}

const t0 = 1764806400 // 2025-12-04T00:00:00Z

const hijackWatchList = `prefixes:
  - name: example-net
    prefix: 192.0.2.0/24
    origins: [AS64496]
    webhooks: [%s]
`

// hijackMRT: three peers announce a hijack of 192.0.2.0/24, then withdraw
// it; the last withdrawal comes 100 s after the first announcement.
func hijackMRT(t *testing.T) string {
	var b bytes.Buffer
	for i := byte(1); i <= 3; i++ {
		b.Write(bgp4mp(t0+uint32(i), i, "192.0.2.0/24", 3356, 64511))
	}
	b.Write(bgp4mp(t0+5, 4, "192.0.2.0/24", 3356, 64496)) // the real origin
	for i := byte(1); i <= 3; i++ {
		b.Write(bgp4mp(t0+uint32(50*(i-1)+1), i, "192.0.2.0/24"))
	}
	return writeFile(t, "updates.mrt", b.String())
}

func TestWatchCmd_opensAndCloses(t *testing.T) {
	vrps := writeFile(t, "vrps.csv", "ASN,IP Prefix,Max Length\nAS64496,192.0.2.0/24,24\n")
	watch := writeFile(t, "watch.yaml", fmt.Sprintf(hijackWatchList, "http://127.0.0.1:9/unused"))
	code, stdout, stderr := watchCLI(t, "watch", "--watch", watch, "--vrps", vrps, "--mrt", hijackMRT(t))
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	want := "2025-12-04T00:00:01Z OPEN  origin-hijack    192.0.2.0/24         AS64511   peers=1 watch=example-net\n" +
		"2025-12-04T00:00:01Z OPEN  rpki-invalid     192.0.2.0/24         AS64511   peers=1 watch=example-net\n" +
		"2025-12-04T00:01:41Z CLOSE origin-hijack    192.0.2.0/24         AS64511   peers=3 duration=1m40s watch=example-net\n" +
		"2025-12-04T00:01:41Z CLOSE rpki-invalid     192.0.2.0/24         AS64511   peers=3 duration=1m40s watch=example-net\n" +
		"# 7 observations, 1 routes kept; 2 incidents opened, 2 closed, 0 open at the end\n" +
		"# origin-hijack    opened 1, closed 1, open 0\n" +
		"# rpki-invalid     opened 1, closed 1, open 0\n"
	if diff := cmp.Diff(want, stdout); diff != "" {
		t.Errorf("output mismatch (-want +got):\n%s", diff)
	}
}

// hook is a webhook receiver that answers with the statuses in turn.
type hook struct {
	mu       sync.Mutex
	statuses []int
	bodies   []alert.Payload
	keys     []string
}

func newHook(t *testing.T, statuses ...int) (*hook, string) {
	h := &hook{statuses: statuses}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var p alert.Payload
		json.Unmarshal(body, &p) //nolint:errcheck // checked by the tests through the fields
		h.mu.Lock()
		n := len(h.keys)
		h.keys = append(h.keys, r.Header.Get(alert.HeaderIdempotency))
		h.bodies = append(h.bodies, p)
		status := h.statuses[min(n, len(h.statuses)-1)]
		h.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	return h, srv.URL
}

func TestWatchCmd_deliver(t *testing.T) {
	h, url := newHook(t, 500, 200)
	vrps := writeFile(t, "vrps.csv", "ASN,IP Prefix,Max Length\nAS64496,192.0.2.0/24,24\n")
	watch := writeFile(t, "watch.yaml", fmt.Sprintf(hijackWatchList, url)+
		"evidence_url: \"{base}/incidents/{id}\"\nbase_url: https://obs.example\n")
	code, stdout, stderr := watchCLI(t, "watch", "--watch", watch, "--vrps", vrps, "--mrt", hijackMRT(t), "--deliver", "--backoff", "10ms")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "# deliveries: 4 delivered, 0 failed\n") {
		t.Errorf("output:\n%s", stdout)
	}
	// The first attempt failed (500): five requests, four alerts, each once.
	keys := slices.Compact(slices.Clone(h.keys))
	if len(h.keys) != 5 || len(keys) != 4 || h.keys[0] != h.keys[1] {
		t.Errorf("receiver got keys %q, want the first twice and three more", h.keys)
	}
	for _, p := range h.bodies {
		if p.URL != "https://obs.example/incidents/"+p.Incident.ID {
			t.Errorf("payload url %q", p.URL)
		}
	}
	if last := h.bodies[len(h.bodies)-1]; last.Event != alert.EventClose || last.Incident.Duration.String() != "1m40s" {
		t.Errorf("last alert %s %s", last.Event, last.Incident.Duration)
	}
	if !strings.Contains(stderr, `msg="alert delivery failed, retrying"`) || strings.Count(stderr, `msg="alert delivered"`) != 4 {
		t.Errorf("logs:\n%s", stderr)
	}
}

func TestWatchCmd_webhookTest(t *testing.T) {
	_, ok := newHook(t, 503, 200)
	_, refuses := newHook(t, 404)
	watch := writeFile(t, "watch.yaml", fmt.Sprintf(hijackWatchList, ok))
	code, stdout, stderr := watchCLI(t, "watch", "--watch", watch, "--webhook-test", "--backoff", "10ms")
	if code != 0 || stdout != "webhook-test "+ok+": delivered (attempt 2)\n" {
		t.Errorf("exit %d, output %q\n%s", code, stdout, stderr)
	}
	watch = writeFile(t, "watch.yaml", fmt.Sprintf(hijackWatchList, refuses))
	code, stdout, stderr = watchCLI(t, "watch", "--watch", watch, "--webhook-test")
	if code != 1 || !strings.Contains(stdout, "not delivered after 1 attempts: refused: "+refuses+" answered 404 Not Found") ||
		!strings.Contains(stderr, "--webhook-test: 1 of 1 webhooks did not take the test alert") {
		t.Errorf("exit %d, output %q\n%s", code, stdout, stderr)
	}
}

func TestWatchCmd_badInput(t *testing.T) {
	good := writeFile(t, "watch.yaml", fmt.Sprintf(hijackWatchList, "http://127.0.0.1:9/x"))
	bad := writeFile(t, "bad.yaml", "prefixes:\n  - name: x\n    prefix: 192.0.2.1/24\n    origin: [64496]\n")
	vrps := writeFile(t, "vrps.csv", "ASN,IP Prefix,Max Length\nAS64496,192.0.2.0/24,24\n")
	notMRT := writeFile(t, "notmrt", "hello, this is not MRT\n")
	for _, c := range []struct {
		name string
		args []string
		want []string
	}{
		{"no watch", []string{"--vrps", vrps, "--mrt", notMRT}, []string{"--watch is required"}},
		{"no vrps", []string{"--watch", good, "--mrt", notMRT}, []string{"--vrps is required with --mrt"}},
		{"nothing to do", []string{"--watch", good}, []string{"give at least one --mrt or --ris-live, or --webhook-test"}},
		{"bad watch list", []string{"--watch", bad, "--vrps", vrps, "--mrt", notMRT},
			[]string{bad + `:3: prefix "192.0.2.1/24" has host bits set (did you mean 192.0.2.0/24?)`,
				bad + `:4: prefix entry: unknown key "origin"`}},
		{"bad backoff", []string{"--watch", good, "--webhook-test", "--backoff", "0s"}, []string{"--attempts, --backoff and --timeout must be positive"}},
		{"missing MRT", []string{"--watch", good, "--vrps", vrps, "--mrt", filepath.Join(t.TempDir(), "none")}, []string{"open MRT file"}},
		{"unset secret", []string{"--watch", writeFile(t, "s.yaml", fmt.Sprintf(hijackWatchList, "http://127.0.0.1:9/x")+
			"webhook_secret_env: OBSERVATORY_TEST_UNSET_SECRET\n"), "--webhook-test"},
			[]string{"webhook_secret_env names OBSERVATORY_TEST_UNSET_SECRET, which is not set"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := watchCLI(t, append([]string{"watch"}, c.args...)...)
			if code != 2 || stdout != "" {
				t.Errorf("exit %d, stdout %q; want 2 and nothing", code, stdout)
			}
			for _, w := range c.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
		})
	}
}

func TestWatchCmd_registry(t *testing.T) {
	db := filepath.Join(t.TempDir(), "obs.db")
	parts := writeFile(t, "participants.csv", "organisation,programme,asns,approved,areas\nExample Transit,netops,AS64511,2020-01-01,NL\n")
	if code, _, stderr := watchCLI(t, "participants", "import", parts, "--db", db); code != 0 {
		t.Fatalf("participants import: exit %d\n%s", code, stderr)
	}
	vrps := writeFile(t, "vrps.csv", "ASN,IP Prefix,Max Length\nAS64496,192.0.2.0/24,24\n")
	watch := writeFile(t, "watch.yaml", fmt.Sprintf(hijackWatchList, "http://127.0.0.1:9/unused"))
	contacts := writeFile(t, "contacts", "1 noc@transit.example\n")
	code, stdout, stderr := watchCLI(t, "watch", "--watch", watch, "--vrps", vrps, "--mrt", hijackMRT(t), "--registry", db, "--contacts", contacts)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	// The participant's AS originates the invalid route: its entry is
	// named beside the prefix's.
	want := "2025-12-04T00:00:01Z OPEN  rpki-invalid     192.0.2.0/24         AS64511   peers=1 watch=example-net,Example Transit #1\n"
	if !strings.Contains(stdout, want) {
		t.Errorf("output lacks %q:\n%s", want, stdout)
	}
	code, _, stderr = watchCLI(t, "watch", "--watch", watch, "--vrps", vrps, "--mrt", hijackMRT(t), "--contacts", contacts)
	if code != 2 || !strings.Contains(stderr, "--contacts needs --registry") {
		t.Errorf("--contacts alone: exit %d\n%s", code, stderr)
	}
}

// TestWatchCmd_risLiveEqualsMRT writes the real rrc21 updates as a RIS
// Live replay (internal/rislive) and replays both: the terminal view,
// every incident line and the summary, is the same whichever way the
// routes came; a damaged message fails the replay naming its line.
func TestWatchCmd_risLiveEqualsMRT(t *testing.T) {
	updates := testenv.File(t, "mrt/updates/updates.20160811.1600.gz")
	vrpFile := testenv.File(t, "rpki/vrps-20200217-bgpsquelch-roa.csv")
	watch := writeFile(t, "watch.yaml", realWatchList)
	feed := filepath.Join(t.TempDir(), "rrc21.ndjson")
	writeRISLive(t, updates, feed)
	code, fromMRT, stderr := watchCLI(t, "watch", "--watch", watch, "--vrps", vrpFile, "--skip-invalid", "--mrt", updates)
	if code != 0 {
		t.Fatalf("watch --mrt: exit %d\n%s", code, stderr)
	}
	code, fromRIS, stderr := watchCLI(t, "watch", "--watch", watch, "--vrps", vrpFile, "--skip-invalid", "--ris-live", feed)
	if code != 0 {
		t.Fatalf("watch --ris-live: exit %d\n%s", code, stderr)
	}
	if fromMRT != fromRIS || !strings.Contains(fromRIS, "31 incidents opened") {
		t.Errorf("the RIS Live replay differs from the MRT one:\n%s", cmp.Diff(fromMRT, fromRIS))
	}
	bad := writeFile(t, "bad.ndjson", `{"type":"ris_message","data":{"timestamp":1470931200,"peer":"192.0.2.1","peer_asn":"64496","type":"UPDATE","withdrawals":["192.0.2.0/24"]}}`+"\n{not json\n")
	code, _, stderr = watchCLI(t, "watch", "--watch", watch, "--vrps", vrpFile, "--skip-invalid", "--ris-live", bad)
	if code != 2 || !strings.Contains(stderr, "bad.ndjson") || !strings.Contains(stderr, "record 2") {
		t.Errorf("a damaged RIS Live file: exit %d, %s; want 2 naming the file and line", code, stderr)
	}
}

// writeRISLive writes the elements of an MRT file as RIS Live messages.
func writeRISLive(t *testing.T, mrtFile, out string) {
	t.Helper()
	dr, err := decompress.Open(mrtFile)
	if err != nil {
		t.Fatal(err)
	}
	defer dr.Close()
	var buf bytes.Buffer
	w := rislive.NewWriter(&buf, "rrc21")
	sc := mrt.NewScanner(mrt.NewReader(dr, mrtFile, mrt.Options{Resync: true}), false)
	for e := range sc.Elems() {
		if _, err := w.Write(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}
