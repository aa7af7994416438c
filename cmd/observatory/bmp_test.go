package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/bmp/bmptest"
	"github.com/observatory-net/observatory/internal/mrt/mrttest"
	"github.com/observatory-net/observatory/internal/testenv"
)

func TestBMPCmd_BadInput(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	tests := []struct {
		name string
		args []string
		code int
		say  string
	}{
		{"format", []string{"--format", "xml"}, 2, `--format "xml": want text or json`},
		{"listen", []string{"--listen", "localhost"}, 2, `--listen "localhost"`},
		{"output directory", []string{"-o", filepath.Join(t.TempDir(), "no", "such", "out.txt")}, 2, "no such directory"},
		{"address in use", []string{"--listen", busy.Addr().String()}, 1, "address already in use"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, stderr, code := execute(t, "", append([]string{"bmp"}, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.say) || out != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d saying %q", code, out, stderr, tc.code, tc.say)
			}
		})
	}
}

// bmpBinary builds the CLI once for the test.
func bmpBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "observatory")
	if out, err := exec.Command(testenv.Tool(t, "go"), "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// bmpProcess is a running `observatory bmp`.
type bmpProcess struct {
	cmd    *exec.Cmd
	addr   string
	stdout *bytes.Buffer
	stderr *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var listeningRe = regexp.MustCompile(`msg="bmp station listening" addr=(\S+)`)

func startBMP(t *testing.T, bin string, args ...string) *bmpProcess {
	t.Helper()
	p := &bmpProcess{stdout: &bytes.Buffer{}, stderr: &syncBuffer{}}
	p.cmd = exec.Command(bin, append([]string{"bmp", "--listen", "127.0.0.1:0"}, args...)...)
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			p.cmd.Process.Kill()
			p.cmd.Wait()
		}
	})
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := listeningRe.FindStringSubmatch(p.stderr.String()); m != nil {
			p.addr = m[1]
			return p
		}
	}
	t.Fatalf("observatory bmp did not listen:\n%s", p.stderr)
	return nil
}

// waitLog waits until standard error says s.
func (p *bmpProcess) waitLog(t *testing.T, s string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if strings.Contains(p.stderr.String(), s) {
			return
		}
	}
	t.Fatalf("observatory bmp never logged %q:\n%s", s, p.stderr)
}

// interrupt stops the station with SIGINT and returns its exit status.
func (p *bmpProcess) interrupt(t *testing.T) int {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGINT)
	err := p.cmd.Wait()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0
}

var (
	bmpPeer = bmptest.Peer{Addr: netip.MustParseAddr("193.201.28.11"), AS: 1267, BGPID: netip.MustParseAddr("193.201.28.11"), Sec: 1601382600, Micro: 42}
	// bmpAttrs: ORIGIN IGP, AS_PATH 1267 3356 {64496,64497}, NEXT_HOP 193.201.28.11, COMMUNITIES 1267:711 no-export.
	bmpAttrs = slices.Concat([]byte{0x40, 0x01, 0x01, 0x00},
		[]byte{0x40, 0x02, 0x14, 0x02, 0x02, 0, 0, 0x04, 0xf3, 0, 0, 0x0d, 0x1c, 0x01, 0x02, 0, 0, 0xfb, 0xf0, 0, 0, 0xfb, 0xf1},
		[]byte{0x40, 0x03, 0x04, 193, 201, 28, 11},
		[]byte{0xc0, 0x08, 0x08, 0x04, 0xf3, 0x02, 0xc7, 0xff, 0xff, 0xff, 0x01})
	bmpNLRI = []byte{0x15, 0x02, 0x11, 0xf0, 0x18, 192, 0, 2} // 2.17.240.0/21, 192.0.2.0/24
)

// script is what the scripted router sends: a whole session.
func script() [][]byte {
	id := netip.MustParseAddr("127.0.0.1")
	open := bmptest.Open(64512, id, bmptest.AS4(64512))
	return [][]byte{
		bmptest.Initiation("scripted", "bmptest"),
		bmptest.PeerUp(bmpPeer, id, 179, 40000, open, bmptest.Open(1267, bmpPeer.BGPID, bmptest.AS4(1267))),
		bmptest.RouteMonitoring(bmpPeer, mrttest.Update(nil, bmpAttrs, bmpNLRI)),
		bmptest.RouteMonitoring(bmpPeer, mrttest.Update([]byte{0x18, 192, 0, 2}, nil, nil)),
		bmptest.RouteMonitoring(bmpPeer, mrttest.Update(nil, nil, nil)),
		bmptest.PeerDown(bmpPeer, 2, []byte{0, 18}),
		bmptest.Termination(0),
	}
}

// TestBMPCmd_Binary runs the built binary as a station and plays routers'
// sessions to it.
func TestBMPCmd_Binary(t *testing.T) {
	bin := bmpBinary(t)
	t.Run("text", func(t *testing.T) { testBMPText(t, bin) })
	t.Run("json file", func(t *testing.T) { testBMPJSONFile(t, bin) })
}

// testBMPText compares the route lines with bgpdump -m of the same UPDATE
// in an MRT BGP4MP_ET record.
func testBMPText(t *testing.T, bin string) {
	p := startBMP(t, bin)
	c, err := bmptest.Dial(p.addr)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Send(script()...); err != nil {
		t.Fatal(err)
	}
	p.waitLog(t, "bmp session ended")
	c.Close()
	if code := p.interrupt(t); code != 0 {
		t.Fatalf("exit %d:\n%s", code, p.stderr)
	}
	got := strings.Split(strings.TrimSuffix(p.stdout.String(), "\n"), "\n")
	router := regexp.MustCompile(`127\.0\.0\.1:\d+`)
	for i := range got {
		got[i] = router.ReplaceAllString(got[i], "ROUTER")
	}
	ref := bgpdumpLines(t, mrttest.Update(nil, bmpAttrs, bmpNLRI))
	want := []string{
		"BMP|1601382600.000042|PEER_UP|ROUTER|193.201.28.11|1267|global pre-policy|local 127.0.0.1 port 179, remote port 40000",
		ref[0], ref[1],
		"BMP|1601382600.000042|W|193.201.28.11|1267|192.0.2.0/24",
		"BMP|1601382600.000042|END_OF_RIB|ROUTER|193.201.28.11|1267|global pre-policy|ipv4-unicast",
		"BMP|1601382600.000042|W|193.201.28.11|1267|2.17.240.0/21",
		"BMP|1601382600.000042|PEER_DOWN|ROUTER|193.201.28.11|1267|global pre-policy|local system closed the session (FSM event 18)",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("output mismatch (-want +got):\n%s", d)
	}
}

// bgpdumpLines writes update as a BGP4MP_ET MESSAGE_AS4 record of bmpPeer
// and returns bgpdump -m's lines for it, typed BMP as the command prints.
func bgpdumpLines(t *testing.T, update []byte) []string {
	t.Helper()
	tool := testenv.Tool(t, "bgpdump")
	s := mrttest.Session{PeerAS: bmpPeer.AS, LocalAS: 64512, PeerIP: bmpPeer.Addr, LocalIP: netip.MustParseAddr("127.0.0.1"), AS4: true}
	rec := mrttest.Record(bmpPeer.Sec, mrttest.TypeBGP4MPET, 4, bmpPeer.Micro, append(mrttest.BGP4MPHeader(s), update...))
	f := filepath.Join(t.TempDir(), "update.mrt")
	if err := os.WriteFile(f, rec, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "-q", "-m", f).Output()
	if err != nil {
		t.Fatalf("bgpdump: %v", err)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.Replace(l, "BGP4MP_ET|", "BMP|", 1)
	}
	if len(lines) != 2 {
		t.Fatalf("bgpdump -m gave %q", lines)
	}
	return lines
}

// testBMPJSONFile: with -o the file appears when the station stops, whole;
// a router that drops mid-message is named on standard error and its routes
// are withdrawn.
func testBMPJSONFile(t *testing.T, bin string) {
	out := filepath.Join(t.TempDir(), "events.json")
	p := startBMP(t, bin, "--format", "json", "-o", out)
	c, err := bmptest.Dial(p.addr)
	if err != nil {
		t.Fatal(err)
	}
	msgs := script()
	if err := c.Send(msgs[:3]...); err != nil {
		t.Fatal(err)
	}
	if err := c.Drop(msgs[3], 10); err != nil {
		t.Fatal(err)
	}
	p.waitLog(t, "connection ended in a Route Monitoring message")
	if _, err := os.Stat(out); err == nil {
		t.Error("the output file exists before the station stopped")
	}
	if code := p.interrupt(t); code != 0 {
		t.Fatalf("exit %d:\n%s", code, p.stderr)
	}
	if !strings.Contains(p.stderr.String(), "record 4 at byte offset "+itoa(len(slices.Concat(msgs[:3]...)))) {
		t.Errorf("drop not located on standard error:\n%s", p.stderr)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var kinds []string
	var first map[string]any
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e map[string]any
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		kinds = append(kinds, e["kind"].(string)+" "+str(e["prefix"]))
		if e["kind"] == "announce" && first == nil {
			first = e
		}
	}
	// The withdrawal was cut off: the session's end withdraws both routes,
	// in prefix order.
	want := []string{"peer-up ", "announce 2.17.240.0/21", "announce 192.0.2.0/24", "withdraw 2.17.240.0/21", "withdraw 192.0.2.0/24", "peer-down "}
	if d := cmp.Diff(want, kinds); d != "" {
		t.Errorf("events mismatch (-want +got):\n%s", d)
	}
	if first["as_path"] != "1267 3356 {64496,64497}" || first["sys_name"] != "scripted" || first["next_hop"] != "193.201.28.11" ||
		first["time"] != "2020-09-29T12:30:00.000042Z" || !slices.Equal(toStrings(first["communities"]), []string{"1267:711", "65535:65281"}) {
		t.Errorf("announcement = %v", first)
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }
