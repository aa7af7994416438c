package main

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/rpki"
	"github.com/observatory-net/observatory/internal/testenv"
)

// rtrCacheJSON is a small stayrtr input (real-peers.md §2): three VRPs,
// one of them twice with two trust anchors (one record in RTR), and the
// ASPA of one customer in both address families.
const rtrCacheJSON = `{"metadata":{"buildtime":"2024-01-01T00:00:00Z","generated":1704067200},
"roas":[{"asn":64496,"prefix":"192.0.2.0/24","maxLength":24,"ta":"ripe"},
        {"asn":64496,"prefix":"192.0.2.0/24","maxLength":24,"ta":"arin"},
        {"asn":"AS64497","prefix":"198.51.100.0/22","maxLength":24},
        {"asn":0,"prefix":"2001:db8::/32","maxLength":48}],
"provider_authorizations":{"ipv4":[{"customer_asid":64496,"providers":[64500,64501]}],
                           "ipv6":[{"customer_asid":64496,"providers":[64502]}]}}`

// startRTRCache runs stayrtr on a free loopback port serving content, and
// returns its address and the file, which it re-reads every second.
func startRTRCache(t *testing.T, content string) (addr, file string) {
	t.Helper()
	bin := testenv.Tool(t, "stayrtr")
	file = filepath.Join(t.TempDir(), "cache.json")
	if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	addr = "127.0.0.1:" + testenv.FreePort(t)
	cmd := exec.Command(bin, "-bind", addr, "-metrics.addr", "127.0.0.1:"+testenv.FreePort(t),
		"-cache", file, "-checktime=false", "-refresh", "1")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return addr, file
		}
	}
	t.Fatalf("stayrtr did not listen on %s", addr)
	return "", ""
}

// rtrChild runs the CLI as a child process (the test binary, see TestMain).
func rtrChild(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), cliChildEnv+"="+strings.Join(args, "\x1f"))
	return cmd
}

func rtrRun(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := rtrChild(args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

func TestRTRCmd_Once(t *testing.T) {
	addr, _ := startRTRCache(t, rtrCacheJSON)
	for _, tt := range []struct {
		version, format string
		aspas           int
	}{{"2", "json", 1}, {"1", "json", 0}, {"1", "csv", 0}, {"0", "csv", 0}} {
		out := filepath.Join(t.TempDir(), "vrps."+tt.format)
		stdout, stderr, code := rtrRun(t, "rtr", "--connect", addr, "--version", tt.version, "--once", "--format", tt.format, "-o", out)
		if code != 0 || stdout != "" {
			t.Fatalf("v%s %s: exit %d, stdout %q, stderr %s", tt.version, tt.format, code, stdout, stderr)
		}
		// What we print is what the rpki loaders read.
		d, err := rpki.Load(context.Background(), out)
		if err != nil {
			t.Fatalf("v%s %s: load the output: %v", tt.version, tt.format, err)
		}
		s, _ := d.Snapshot()
		var got []string
		for v := range s.VRPs() {
			got = append(got, v.String())
		}
		want := "192.0.2.0/24-24 AS64496,198.51.100.0/22-24 AS64497,2001:db8::/32-48 AS0"
		if strings.Join(got, ",") != want || s.NumASPAs() != tt.aspas {
			t.Errorf("v%s %s: VRPs %v and %d ASPAs, want %s and %d", tt.version, tt.format, got, s.NumASPAs(), want, tt.aspas)
		}
		if tt.aspas > 0 {
			if p, _ := s.Providers(64496); len(p) != 3 {
				t.Errorf("providers of AS64496 %v, want the union of both families", p)
			}
		}
	}
	// Following, a file that cannot be written ends the command.
	if _, stderr, code := rtrRun(t, "rtr", "--connect", addr, "-o", filepath.Join(t.TempDir(), "no", "such", "dir")); code != 1 || !strings.Contains(stderr, "at serial") {
		t.Errorf("follow with an unwritable -o: exit %d, stderr %q", code, stderr)
	}
	stdout, _, code := rtrRun(t, "rtr", "--connect", addr, "--once")
	if code != 0 || !strings.HasPrefix(stdout, `{"metadata":{`) || !strings.Contains(stdout, `"rtr_version":2`) {
		t.Errorf("to stdout: exit %d, %q", code, stdout)
	}
}

func TestRTRCmd_BadInput(t *testing.T) {
	out := filepath.Join(t.TempDir(), "vrps.json")
	for _, tt := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"rtr", "--once"}, 2, "--connect HOST:PORT is required"},
		{[]string{"rtr", "--connect", "127.0.0.1:1", "--format", "xml"}, 2, `--format "xml"`},
		{[]string{"rtr", "--connect", "127.0.0.1:1", "--version", "3"}, 2, "--version 3"},
		{[]string{"rtr", "--connect", "127.0.0.1:" + testenv.FreePort(t), "--once", "-o", out}, 1, "connection refused"},
		{[]string{"rtr", "--connect", "no-port", "--once", "-o", out}, 1, "missing port"},
	} {
		_, stderr, code := rtrRun(t, tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.msg) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tt.args, code, stderr, tt.code, tt.msg)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed fetch left %s behind: %v", out, err)
	}
}

// Following the cache: one line per serial, the file rewritten whole at
// each, and a clean exit on SIGINT.
func TestRTRCmd_Follow(t *testing.T) {
	addr, file := startRTRCache(t, strings.Replace(rtrCacheJSON, `"provider_authorizations"`, `"unused"`, 1))
	out := filepath.Join(t.TempDir(), "vrps.csv")
	cmd := rtrChild("rtr", "--connect", addr, "--version", "1", "--format", "csv", "-o", out)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	next := func() string {
		select {
		case l := <-lines:
			return l
		case <-time.After(5 * time.Second):
			t.Fatalf("no update line within 5 s; stderr:\n%s", &stderr)
		}
		return ""
	}
	if l := next(); !strings.Contains(l, "vrps 3 aspas 0 added 3 removed 0") {
		t.Fatalf("first line %q", l)
	}
	changed := strings.Replace(rtrCacheJSON, `"prefix":"198.51.100.0/22","maxLength":24`, `"prefix":"198.51.100.0/22","maxLength":23`, 1)
	if err := os.WriteFile(file, []byte(strings.Replace(changed, `"provider_authorizations"`, `"unused"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if l := next(); !strings.Contains(l, "vrps 3 aspas 0 added 1 removed 1") {
		t.Fatalf("line after the change %q", l)
	}
	b, err := os.ReadFile(out)
	if err != nil || !strings.Contains(string(b), "AS64497,198.51.100.0/22,23,") {
		t.Errorf("-o file after the change: %v\n%s", err, b)
	}
	cmd.Process.Signal(syscall.SIGINT)
	if err := cmd.Wait(); err != nil {
		t.Errorf("exit on SIGINT: %v\n%s", err, &stderr)
	}
}
