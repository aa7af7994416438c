package bmp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/testenv"
)

// gobgpd runs a real gobgpd 3.10 that exports its Loc-RIB (RFC 9069) to a
// BMP station, with its gRPC API on a free loopback port.
type gobgpd struct {
	cmd  *exec.Cmd
	cli  string
	api  string
	logs *lockedBuffer
}

func startGobgpd(t *testing.T, bmpPort string) *gobgpd {
	t.Helper()
	bin, cli := testenv.Tool(t, "gobgpd"), testenv.Tool(t, "gobgp")
	conf := filepath.Join(t.TempDir(), "gobgpd.toml")
	if err := os.WriteFile(conf, []byte(fmt.Sprintf(`[global.config]
  as = 64512
  router-id = "127.0.0.1"
  port = -1
[[bmp-servers]]
  [bmp-servers.config]
    address = "127.0.0.1"
    port = %s
    route-monitoring-policy = "local-rib"
`, bmpPort)), 0o600); err != nil {
		t.Fatal(err)
	}
	g := &gobgpd{cli: cli, api: testenv.FreePort(t), logs: &lockedBuffer{}}
	// -p: plain logs; the API and pprof would listen on all interfaces by
	// default (real-peers.md §3, pitfall 6).
	g.cmd = exec.Command(bin, "-f", conf, "-p", "--api-hosts=127.0.0.1:"+g.api, "--pprof-disable")
	g.cmd.Stdout, g.cmd.Stderr = g.logs, g.logs
	if err := g.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(g.stop)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if _, err := g.run("global"); err == nil {
			return g
		}
		if time.Now().After(deadline) {
			t.Fatalf("gobgpd API did not answer within 10 s:\n%s", g.logs)
		}
	}
}

// run calls the gobgp CLI against this gobgpd.
func (g *gobgpd) run(args ...string) ([]byte, error) {
	var out, errb bytes.Buffer
	cmd := exec.Command(g.cli, append([]string{"-p", g.api}, args...)...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("gobgp %s: %v: %s", strings.Join(args, " "), err, errb.String())
	}
	return out.Bytes(), nil
}

// stop ends gobgpd with SIGTERM (it exits in about 1.4 s), or SIGKILL.
func (g *gobgpd) stop() {
	if g.cmd.ProcessState != nil {
		return
	}
	g.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { g.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		g.cmd.Process.Kill()
		<-done
	}
}

// gobgpRIB is `gobgp global rib -j`: paths per prefix.
type gobgpRIB map[string][]struct {
	Best  bool `json:"best"`
	Attrs []struct {
		Type    int `json:"type"`
		ASPaths []struct {
			SegmentType int      `json:"segment_type"`
			ASNs        []uint32 `json:"asns"`
		} `json:"as_paths"`
	} `json:"attrs"`
}

// bestPaths returns "prefix|path" of gobgp's best path per prefix, IPv4
// and IPv6.
func (g *gobgpd) bestPaths(t *testing.T) map[string]bool {
	t.Helper()
	best := map[string]bool{}
	for _, family := range []string{"ipv4", "ipv6"} {
		maps.Copy(best, g.familyBest(t, family))
	}
	return best
}

func (g *gobgpd) familyBest(t *testing.T, family string) map[string]bool {
	t.Helper()
	out, err := g.run("global", "rib", "-a", family, "-j")
	if err != nil {
		t.Fatal(err)
	}
	var rib gobgpRIB
	if err := json.Unmarshal(out, &rib); err != nil {
		t.Fatalf("gobgp global rib -j: %v", err)
	}
	best := map[string]bool{}
	for prefix, paths := range rib {
		for _, p := range paths {
			if p.Best {
				best[prefix+"|"+gobgpPath(p.Attrs)] = true
			}
		}
	}
	return best
}

// gobgpPath renders gobgp's JSON AS_PATH as bgp.Path.String does.
func gobgpPath(attrs []struct {
	Type    int `json:"type"`
	ASPaths []struct {
		SegmentType int      `json:"segment_type"`
		ASNs        []uint32 `json:"asns"`
	} `json:"as_paths"`
}) string {
	var p bgp.Path
	for _, a := range attrs {
		if a.Type != int(bgp.AttrASPath) {
			continue
		}
		for _, s := range a.ASPaths {
			start := int32(len(p.ASNs))
			for _, asn := range s.ASNs {
				p.ASNs = append(p.ASNs, bgp.ASN(asn))
			}
			p.Segs = append(p.Segs, bgp.Segment{Type: bgp.SegmentType(s.SegmentType), Start: start, End: int32(len(p.ASNs))})
		}
	}
	return p.String()
}

// stationSet returns "prefix|path" of every route in the station's
// Loc-RIB tables.
func stationSet(ts *testStation) map[string]bool {
	out := map[string]bool{}
	for _, tb := range ts.Tables() {
		if tb.Peer.Type != PeerLocRIB {
			continue
		}
		for _, r := range tb.Routes {
			out[r.Prefix.String()+"|"+r.Attrs.Path.String()] = true
		}
	}
	return out
}

// TestStation_GoBGP loads a real route-server RIB into a real gobgpd that
// exports its Loc-RIB to the station, and checks that the station's table
// is gobgp's own best-path table, route for route; that the events fold to
// the same table; that deleting a route in gobgpd reaches the station as a
// withdrawal; and that stopping gobgpd ends the session, every route
// withdrawn and the peer reported down.
func TestStation_GoBGP(t *testing.T) {
	routes := append(readRIB(t, namexRIB), readRIB(t, namexRIB6)...)
	injected := map[string]bool{} // "prefix|path" of every route of the file
	prefixes := map[string]bool{}
	for _, r := range routes {
		injected[r.prefix.String()+"|"+r.path] = true
		prefixes[r.prefix.String()] = true
	}
	mrtFile := filepath.Join(t.TempDir(), "namex.td2.mrt")
	writeTDv2(t, mrtFile, routes, 3000)
	checkWithBgpdump(t, mrtFile, injected, len(prefixes))

	ts := startStation(t)
	_, port, _ := net.SplitHostPort(ts.addr)
	g := startGobgpd(t, port)
	waitFor(t, ts.logs, "bmp session started")
	start := time.Now()
	if out, err := g.run("mrt", "inject", "global", mrtFile); err != nil || len(out) > 0 {
		t.Fatalf("inject: %v %s", err, out)
	}

	// Fold the events into a table while waiting for the station to hold
	// as many prefixes as gobgp.
	folded := map[string]string{} // prefix → path
	want := g.bestPaths(t)
	for deadline := time.Now().Add(15 * time.Second); len(folded) < len(prefixes) || len(want) < len(prefixes); {
		if time.Now().After(deadline) {
			t.Fatalf("after 15 s the station holds %d prefixes, gobgp %d of %d\ngobgpd:\n%s", len(folded), len(want), len(prefixes), g.logs)
		}
		drain(ts, folded, 100*time.Millisecond)
		want = g.bestPaths(t)
	}
	drain(ts, folded, 300*time.Millisecond) // the last best-path changes
	want = g.bestPaths(t)
	got := stationSet(ts)
	t.Logf("%d routes injected (%d prefixes, %d IPv6); gobgp's Loc-RIB and the station's table: %d and %d routes, %.2f s after the inject",
		len(routes), len(prefixes), prefixes6(prefixes), len(want), len(got), time.Since(start).Seconds())
	diffSets(t, "station table vs gobgp global rib (best)", want, got)
	fromEvents := map[string]bool{}
	for p, path := range folded {
		fromEvents[p+"|"+path] = true
	}
	diffSets(t, "events folded vs station table", got, fromEvents)
	v6 := 0
	for _, tb := range ts.Tables() {
		for _, r := range tb.Routes {
			if !r.Prefix.Addr().Is6() {
				continue
			}
			v6++
			if nh, ok := r.NextHop(); !r.FromMP || !ok || !nh.Is6() {
				t.Errorf("IPv6 route %s: from MP_REACH %v, next hop %v", r.Prefix, r.FromMP, nh)
			}
		}
	}
	if v6 != prefixes6(prefixes) {
		t.Errorf("station holds %d IPv6 routes, want %d", v6, prefixes6(prefixes))
	}
	for r := range got {
		if !injected[r] {
			t.Errorf("station route %s is not in the injected RIB", r)
		}
	}

	// A route added and deleted through gobgp's API reaches the station as
	// an announcement and a withdrawal. (`rib del` removes only paths added
	// through the API, not injected ones.)
	const extra = "192.0.2.0/24"
	if _, err := g.run("global", "rib", "-a", "ipv4", "add", extra, "aspath", "64496,64497", "nexthop", "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	if e := waitEvent(t, ts, KindAnnounce); describe(e) != "announce 0.0.0.0 "+extra+" id=0 [64496 64497]" || e.Peer.Type != PeerLocRIB {
		t.Errorf("after adding %s: %s", extra, describe(e))
	}
	if _, err := g.run("global", "rib", "-a", "ipv4", "del", extra); err != nil {
		t.Fatal(err)
	}
	if e := waitEvent(t, ts, KindWithdraw); e.Route.Prefix.String() != extra || e.Peer.Type != PeerLocRIB {
		t.Errorf("after deleting %s: %s", extra, describe(e))
	}

	// Stopping gobgpd ends the session: every route left is withdrawn, then
	// the Loc-RIB peer is reported down.
	g.stop()
	withdrawn := 0
	for {
		e := waitEvent(t, ts, 0)
		if e.Kind == KindPeerDown {
			if e.Reason != "session ended" || e.Peer.Type != PeerLocRIB {
				t.Errorf("peer down: %s", describe(e))
			}
			break
		}
		if e.Kind != KindWithdraw {
			t.Fatalf("after gobgpd stopped: %s", describe(e))
		}
		withdrawn++
	}
	if withdrawn != len(got) {
		t.Errorf("session end withdrew %d routes, want %d", withdrawn, len(got))
	}
	if n := len(ts.Tables()); n != 0 {
		t.Errorf("%d tables left after the session ended", n)
	}
	waitFor(t, ts.logs, "bmp session ended")
	if !strings.Contains(ts.logs.String(), "sys_name=GoBGP") {
		t.Errorf("gobgpd's Initiation not read:\n%s", ts.logs)
	}
}

// prefixes6 counts the IPv6 prefixes of a set.
func prefixes6(set map[string]bool) int {
	n := 0
	for p := range set {
		if strings.Contains(p, ":") {
			n++
		}
	}
	return n
}

// drain applies the events that arrive within quiet of each other.
func drain(ts *testStation, folded map[string]string, quiet time.Duration) {
	for {
		select {
		case e := <-ts.events:
			switch e.Kind {
			case KindAnnounce:
				folded[e.Route.Prefix.String()] = e.Route.Attrs.Path.String()
			case KindWithdraw:
				delete(folded, e.Route.Prefix.String())
			}
		case <-time.After(quiet):
			return
		}
	}
}

// waitEvent returns the next event, of kind k unless k is 0.
func waitEvent(t *testing.T, ts *testStation, k Kind) Event {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case e := <-ts.events:
			if k == 0 || e.Kind == k {
				return e
			}
		case <-timeout:
			t.Fatalf("no %v event within 10 s\n%s", k, ts.logs)
		}
	}
}

func diffSets(t *testing.T, what string, want, got map[string]bool) {
	t.Helper()
	var missing, extra []string
	for k := range want {
		if !got[k] {
			missing = append(missing, k)
		}
	}
	for k := range got {
		if !want[k] {
			extra = append(extra, k)
		}
	}
	if len(missing)+len(extra) > 0 {
		slices.Sort(missing)
		slices.Sort(extra)
		t.Errorf("%s: %d missing, %d extra; first missing %q, first extra %q", what, len(missing), len(extra), head(missing), head(extra))
	}
}

func head(s []string) []string { return s[:min(len(s), 5)] }

// checkWithBgpdump reads the file written for gobgp with bgpdump -m, an
// independent MRT decoder: it must hold the injected routes, no more, and
// the padding only repeats the last record.
func checkWithBgpdump(t *testing.T, file string, injected map[string]bool, prefixes int) {
	t.Helper()
	tool := testenv.Tool(t, "bgpdump")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, tool, "-q", "-m", file).Output()
	if err != nil {
		t.Fatalf("bgpdump: %v", err)
	}
	seen, ps := map[string]bool{}, map[string]bool{}
	for line := range strings.Lines(string(out)) {
		f := strings.Split(line, "|")
		if len(f) < 7 {
			t.Fatalf("bgpdump line %q", line)
		}
		seen[f[5]+"|"+f[6]] = true
		ps[f[5]] = true
	}
	diffSets(t, "bgpdump -m of the injected file vs our MRT reader", injected, seen)
	if len(ps) != prefixes {
		t.Errorf("bgpdump sees %d prefixes, our reader %d", len(ps), prefixes)
	}
	t.Logf("bgpdump -m: %s lines, %d distinct (prefix, path)", strconv.Itoa(strings.Count(string(out), "\n")), len(seen))
}
