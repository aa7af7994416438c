package rtr

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/rpki"
	"github.com/observatory-net/observatory/internal/testenv"
)

// The real VRP set the stayrtr tests serve a sample of (PROVENANCE.md):
// the global set of 2020-02-17, 130,045 VRPs.
const realVRPs = "rpki/vrps-20200217-bgpsquelch-roa.csv"

var realOnce struct {
	sync.Once
	vrps []rpki.VRP
	err  error
}

// realSample returns every step-th VRP of the real set, from offset.
func realSample(t testing.TB, offset, step int) []rpki.VRP {
	t.Helper()
	path := testenv.File(t, realVRPs)
	realOnce.Do(func() {
		// The file holds origins written as negative numbers (see
		// rpki.Loader.SkipInvalid): those records are left out.
		d, err := rpki.Loader{SkipInvalid: true}.Load(context.Background(), path)
		if err != nil {
			realOnce.err = err
			return
		}
		realOnce.vrps = d.VRPs
	})
	if realOnce.err != nil {
		t.Fatal(realOnce.err)
	}
	var out []rpki.VRP
	for i := offset; i < len(realOnce.vrps); i += step {
		out = append(out, realOnce.vrps[i])
	}
	return out
}

// testASPAs are hand-written: the real VRP set predates ASPA. Customer
// 64496 has a record per family; stayrtr serves them as two PDUs.
var testASPAs = map[string][]rpki.ASPA{
	"ipv4": {{Customer: 64496, Providers: []bgp.ASN{64500, 64501}}, {Customer: 13335, Providers: []bgp.ASN{174, 3356}}},
	"ipv6": {{Customer: 64496, Providers: []bgp.ASN{64502}}, {Customer: 64498, Providers: []bgp.ASN{0}}},
}

// writeStayrtrJSON writes the input stayrtr 0.5.1 reads (real-peers.md §2);
// ASPAs only in its provider_authorizations shape.
func writeStayrtrJSON(t testing.TB, path string, vrps []rpki.VRP, aspas map[string][]rpki.ASPA) {
	t.Helper()
	type roa struct {
		ASN    uint32 `json:"asn"`
		Prefix string `json:"prefix"`
		MaxLen uint8  `json:"maxLength"`
		TA     string `json:"ta"`
	}
	type aspa struct {
		Customer  uint32   `json:"customer_asid"`
		Providers []uint32 `json:"providers"`
	}
	doc := struct {
		Metadata map[string]any    `json:"metadata"`
		ROAs     []roa             `json:"roas"`
		ASPAs    map[string][]aspa `json:"provider_authorizations,omitempty"`
	}{Metadata: map[string]any{"buildtime": "2020-02-17T00:00:00Z", "generated": 1581897600}}
	for _, v := range vrps {
		doc.ROAs = append(doc.ROAs, roa{uint32(v.ASN), v.Prefix.String(), v.MaxLen, "test"})
	}
	if len(aspas) > 0 {
		doc.ASPAs = map[string][]aspa{}
		for afi, list := range aspas {
			for _, a := range list {
				var ps []uint32
				for _, p := range a.Providers {
					ps = append(ps, uint32(p))
				}
				doc.ASPAs[afi] = append(doc.ASPAs[afi], aspa{uint32(a.Customer), ps})
			}
		}
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil { // stayrtr never reads half a file
		t.Fatal(err)
	}
}

// stayrtr is a running stayrtr serving a JSON file.
type stayrtr struct {
	addr, cache string
	cmd         *exec.Cmd
	log         *logBuffer
}

// startStayrtr serves cache on addr ("" for a free port) with a refresh of
// one second, stopped when the test ends.
func startStayrtr(t testing.TB, cache, addr string, extra ...string) *stayrtr {
	t.Helper()
	bin := testenv.Tool(t, "stayrtr")
	if addr == "" {
		addr = "127.0.0.1:" + testenv.FreePort(t)
	}
	s := &stayrtr{addr: addr, cache: cache, log: &logBuffer{}}
	args := append([]string{"-bind", addr, "-metrics.addr", "127.0.0.1:" + testenv.FreePort(t),
		"-cache", cache, "-checktime=false", "-refresh", "1"}, extra...)
	s.cmd = exec.Command(bin, args...)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.stop(); s.cmd.Wait() })
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return s
		}
	}
	t.Fatalf("stayrtr did not listen on %s within 10 s:\n%s", addr, s.log)
	return nil
}

func (s *stayrtr) stop() {
	if s.cmd.ProcessState == nil {
		s.cmd.Process.Signal(syscall.SIGKILL)
	}
}

// rtrdump fetches the cache's data with stayrtr's own client.
func rtrdump(t testing.TB, addr string, version Version) *rpki.Dump {
	t.Helper()
	out := filepath.Join(t.TempDir(), "rtrdump.json")
	cmd := exec.Command(testenv.Tool(t, "rtrdump"), "-connect", addr, "-rtr.version", fmt.Sprint(version), "-file", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("rtrdump: %v\n%s", err, b)
	}
	d, err := rpki.Load(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func sortedVRPs(vrps []rpki.VRP) []rpki.VRP {
	out := make([]rpki.VRP, 0, len(vrps))
	for _, v := range vrps {
		v.TA = ""
		out = append(out, v)
	}
	slices.SortFunc(out, rpki.Compare)
	return slices.Compact(out)
}

func aspasOf(s *rpki.Snapshot) []rpki.ASPA { return slices.Collect(s.ASPAs()) }

// The client's data equal rtrdump's on the same stayrtr, over version 1
// (VRPs) and version 2 (VRPs and draft-10 ASPAs).
func TestStayrtr_Differential(t *testing.T) {
	dir := t.TempDir()
	vrps := realSample(t, 7, 433) // 301 real VRPs, both families
	cache := filepath.Join(dir, "vrps.json")
	writeStayrtrJSON(t, cache, vrps, testASPAs)
	srv := startStayrtr(t, cache, "")
	for _, v := range []Version{Version1, Version2} {
		t.Run(fmt.Sprintf("v%d", v), func(t *testing.T) {
			c := &Client{Addr: srv.addr, Version: v}
			snap, st, err := c.Fetch(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if st.Version != v || st.Refresh != time.Hour || st.Retry != 10*time.Minute || st.Expire != 2*time.Hour {
				t.Errorf("state %+v, want version %d and stayrtr's default timers", st, v)
			}
			ref := rtrdump(t, srv.addr, v)
			if diff := cmp.Diff(sortedVRPs(ref.VRPs), vrpsOf(snap), cmpPrefix); diff != "" {
				t.Errorf("VRPs mismatch with rtrdump (-rtrdump +ours):\n%s", diff)
			}
			if diff := cmp.Diff(sortedVRPs(vrps), vrpsOf(snap), cmpPrefix); diff != "" {
				t.Errorf("VRPs mismatch with the file (-file +ours):\n%s", diff)
			}
			if diff := cmp.Diff(ref.ASPAs, aspasOf(snap)); diff != "" {
				t.Errorf("ASPAs mismatch with rtrdump (-rtrdump +ours):\n%s", diff)
			}
			wantASPAs := 0
			if v == Version2 {
				wantASPAs = 3 // 64496's two families merge into one
			}
			if snap.NumASPAs() != wantASPAs {
				t.Errorf("%d ASPAs over v%d, want %d", snap.NumASPAs(), v, wantASPAs)
			}
			t.Logf("v%d: %d VRPs, %d ASPAs, session %d serial %d", v, snap.Len(), snap.NumASPAs(), st.Session, st.Serial)
		})
	}
}

// diffSet accumulates the updates' diffs into a net change.
type diffSet struct{ added, removed map[vrpKey]bool }

func (d *diffSet) apply(u Update) {
	for _, v := range u.Added {
		k := vrpKey{v.Prefix, v.MaxLen, v.ASN}
		if d.removed[k] {
			delete(d.removed, k)
		} else {
			d.added[k] = true
		}
	}
	for _, v := range u.Removed {
		k := vrpKey{v.Prefix, v.MaxLen, v.ASN}
		if d.added[k] {
			delete(d.added, k)
		} else {
			d.removed[k] = true
		}
	}
}

func keysOf(m map[vrpKey]bool) []rpki.VRP {
	var out []rpki.VRP
	for k := range m {
		out = append(out, k.vrp())
	}
	slices.SortFunc(out, rpki.Compare)
	return out
}

// When the file changes, stayrtr re-reads it, notifies, and the client
// follows the new serial within a refresh interval; the diffs it reports
// add up to the file's change. With ASPAs in the file, stayrtr 0.5.1 also
// bumps the serial on every refresh with nothing changed: those extra
// serials come with empty diffs.
func TestStayrtr_SerialChange(t *testing.T) {
	dir := t.TempDir()
	before := realSample(t, 11, 433)
	cache := filepath.Join(dir, "vrps.json")
	writeStayrtrJSON(t, cache, before, testASPAs)
	srv := startStayrtr(t, cache, "")
	c := &Client{Addr: srv.addr, Version: Version2}
	updates, _ := startClient(t, c)
	first := waitUpdate(t, updates)
	if diff := cmp.Diff(sortedVRPs(before), vrpsOf(first.Snapshot), cmpPrefix); diff != "" {
		t.Fatalf("first snapshot mismatch (-file +ours):\n%s", diff)
	}
	// Drop 10 VRPs, add 5 others from the real set.
	added := realSample(t, 12, 433)[:5]
	after := append(slices.Clone(before[10:]), added...)
	writeStayrtrJSON(t, cache, after, testASPAs)
	changed := time.Now()

	got := diffSet{map[vrpKey]bool{}, map[vrpKey]bool{}}
	serials, empty := 0, 0
	for deadline := time.After(3 * time.Second); ; {
		var u Update
		select {
		case u = <-updates:
		case <-deadline:
			t.Fatalf("after 3 s the client has %d VRPs at serial %d, want the %d of the new file", c.snapLen(), u.State.Serial, len(sortedVRPs(after)))
		}
		serials++
		if len(u.Added)+len(u.Removed) == 0 {
			empty++
		}
		got.apply(u)
		if slices.EqualFunc(sortedVRPs(after), vrpsOf(u.Snapshot), func(a, b rpki.VRP) bool { return rpki.Compare(a, b) == 0 }) {
			t.Logf("followed the change in %s, %d serials (%d with empty diffs: stayrtr's ASPA bug), serial %d → %d",
				time.Since(changed).Round(time.Millisecond), serials, empty, first.State.Serial, u.State.Serial)
			break
		}
	}
	// stayrtr 0.5.1 serving ASPAs bumps the serial at its next refresh
	// with nothing changed: a new serial, empty diffs, the same snapshot.
	last, _ := c.Snapshot()
	select {
	case u := <-updates:
		if len(u.Added)+len(u.Removed)+len(u.ASPAs) != 0 || u.Snapshot != last {
			t.Errorf("serial %d with the file unchanged: %d added, %d removed, %d ASPAs changed, new snapshot %v",
				u.State.Serial, len(u.Added), len(u.Removed), len(u.ASPAs), u.Snapshot != last)
		}
		t.Logf("stayrtr's extra serial %d came with empty diffs", u.State.Serial)
	case <-time.After(2500 * time.Millisecond):
		t.Log("no extra serial within 2.5 s: stayrtr's ASPA serial bug did not show")
	}
	if diff := cmp.Diff(sortedVRPs(added), keysOf(got.added), cmpPrefix); diff != "" {
		t.Errorf("added VRPs mismatch (-file +diffs):\n%s", diff)
	}
	if diff := cmp.Diff(sortedVRPs(before[:10]), keysOf(got.removed), cmpPrefix); diff != "" {
		t.Errorf("removed VRPs mismatch (-file +diffs):\n%s", diff)
	}
}

func (c *Client) snapLen() int { s, _ := c.Snapshot(); return s.Len() }

// Killing stayrtr keeps the snapshot; restarted on the same port, it is
// found again, and the client, handed a new session id, starts over.
func TestStayrtr_Restart(t *testing.T) {
	dir := t.TempDir()
	vrps := realSample(t, 3, 433)
	cache := filepath.Join(dir, "vrps.json")
	writeStayrtrJSON(t, cache, vrps, nil)
	srv := startStayrtr(t, cache, "")
	c := &Client{Addr: srv.addr, Version: Version1}
	updates, logs := startClient(t, c)
	first := waitUpdate(t, updates)

	srv.stop()
	srv.cmd.Wait()
	time.Sleep(100 * time.Millisecond) // several reconnection attempts fail
	if snap, st := c.Snapshot(); snap != first.Snapshot || st.Serial != first.State.Serial {
		t.Fatalf("with the cache gone, Snapshot() changed: serial %d", st.Serial)
	}
	startStayrtr(t, cache, srv.addr)
	u := waitUpdate(t, updates)
	if u.State.Session == first.State.Session {
		t.Logf("stayrtr chose the same session id %d again", u.State.Session)
	}
	if diff := cmp.Diff(vrpsOf(first.Snapshot), vrpsOf(u.Snapshot), cmpPrefix); diff != "" || len(u.Added)+len(u.Removed) != 0 {
		t.Errorf("after the restart: %d added, %d removed, VRPs mismatch (-before +after):\n%s", len(u.Added), len(u.Removed), diff)
	}
	out := logs.String()
	for _, want := range []string{"rtr: connection ended", "connection refused", "rtr: connected"} {
		if !strings.Contains(out, want) {
			t.Errorf("client log lacks %q:\n%s", want, out)
		}
	}
	t.Logf("session %d → %d; %d connection attempts failed", first.State.Session, u.State.Session, strings.Count(out, "connection refused"))
}
