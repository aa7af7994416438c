package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/mrt"
	"github.com/observatory-net/observatory/internal/rov"
	"github.com/observatory-net/observatory/internal/rpki"
	"github.com/observatory-net/observatory/internal/testenv"
)

// execute runs the CLI with args and stdin and returns stdout, stderr and
// the exit status that run would return.
func execute(t testing.TB, stdin string, args ...string) (string, string, int) {
	t.Helper()
	root := newRoot()
	var stdout, stderr bytes.Buffer
	root.SetArgs(args)
	root.SetIn(strings.NewReader(stdin))
	root.SetOut(&stdout)
	root.SetErr(&stderr)
	err := root.Execute()
	code := 0
	if err != nil {
		code = 1
		var ee *exitError
		if errors.As(err, &ee) {
			code = ee.code
		} else if isUsage(err) {
			code = 2
		}
		fmt.Fprintln(&stderr, "observatory:", err)
	}
	return stdout.String(), stderr.String(), code
}

// writeVRPs writes a small VRP file for the command to load.
func writeVRPs(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "vrps")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const testVRPs = `ASN,IP Prefix,Max Length,Trust Anchor
AS64496,192.0.2.0/24,24,ripe
AS64497,198.51.100.0/22,24,"arin"
AS0,203.0.113.0/24,24,apnic
AS64498,2001:db8::/32,48,lac"nic
`

const testRoutes = `# prefix origin
192.0.2.0/24 64496
192.0.2.0/25 AS64496

198.51.101.0/24	as64497
198.51.100.0/24 64496
203.0.113.0/24 64496
8.8.8.0/24 15169
2001:db8:1::/48 64498
`

func TestValidateCmd_text(t *testing.T) {
	vrps := writeVRPs(t, testVRPs)
	stdout, stderr, code := execute(t, testRoutes, "validate", "--vrps", vrps)
	if code != 0 {
		t.Fatalf("exit status %d, stderr:\n%s", code, stderr)
	}
	want := `192.0.2.0/24 64496 valid
192.0.2.0/25 64496 invalid-length
198.51.101.0/24 64497 valid
198.51.100.0/24 64496 invalid-asn
203.0.113.0/24 64496 invalid-asn
8.8.8.0/24 15169 not-found
2001:db8:1::/48 64498 valid
`
	if diff := cmp.Diff(want, stdout); diff != "" {
		t.Errorf("validate output mismatch (-want +got):\n%s", diff)
	}
}

func TestValidateCmd_json(t *testing.T) {
	vrps := writeVRPs(t, testVRPs)
	stdout, stderr, code := execute(t, "2001:db8:1::/48 64498\n8.8.8.0/24 15169\n", "validate", "--vrps", vrps, "--format", "json")
	if code != 0 {
		t.Fatalf("exit status %d, stderr:\n%s", code, stderr)
	}
	want := `{"prefix":"2001:db8:1::/48","asn":64498,"state":"valid","vrps":[{"prefix":"2001:db8::/32","maxLength":48,"asn":64498,"ta":"lac\"nic"}]}
{"prefix":"8.8.8.0/24","asn":15169,"state":"not-found","vrps":[]}
`
	if diff := cmp.Diff(want, stdout); diff != "" {
		t.Errorf("validate --format json mismatch (-want +got):\n%s", diff)
	}
}

// TestAppendJSONString checks the trust anchor's name reads back as the
// same string (invalid UTF-8 replaced, as encoding/json does), with <, >
// and & left as they are.
func TestAppendJSONString(t *testing.T) {
	for _, in := range []string{"ripe", `a"b\c`, "tab\there\x01", "bad\xffutf8", "ünï", "<a&b>", "\u2028", ""} {
		got := appendJSONString([]byte("x"), in)
		var back string
		if err := json.Unmarshal(got[1:], &back); err != nil || got[0] != 'x' {
			t.Errorf("appendJSONString(%q) = %s: %v", in, got, err)
		} else if want := strings.ToValidUTF8(in, "\ufffd"); back != want {
			t.Errorf("appendJSONString(%q) = %s, reads back as %q", in, got, back)
		}
		if strings.ContainsAny(in, "<&>") && !bytes.Contains(got, []byte(in)) {
			t.Errorf("appendJSONString(%q) = %s: escaped for HTML", in, got)
		}
	}
}

func TestValidateCmd_errors(t *testing.T) {
	vrps := writeVRPs(t, testVRPs)
	badVRPs := writeVRPs(t, "ASN,IP Prefix,Max Length\nAS1,10.0.0.0/8,8\nAS1,10.0.0.0/8,40\n")
	tests := []struct {
		name    string
		stdin   string
		args    []string
		wantOut string
		wantErr string
	}{
		{"bad prefix", "192.0.2.0/24 64496\n\n192.0.2.0/33 1\n", []string{"--vrps", vrps},
			"192.0.2.0/24 64496 valid\n", `<stdin>: record 3 at byte offset 20: bad prefix`},
		{"host bits", "192.0.2.1/24 64496\n", []string{"--vrps", vrps}, "", "<stdin>: record 1 at byte offset 0: bad prefix: 192.0.2.1/24 has host bits set"},
		{"bad ASN", "# x\n192.0.2.0/24 ASx\n", []string{"--vrps", vrps}, "", `<stdin>: record 2 at byte offset 4: bad AS number: "ASx"`},
		{"extra field", "192.0.2.0/24 1 2\n", []string{"--vrps", vrps}, "", `<stdin>: record 1 at byte offset 0: want "PREFIX ASN", found 3 or more fields`},
		{"missing ASN", "192.0.2.0/24\n", []string{"--vrps", vrps}, "", "found 1 fields"},
		{"bad format", "", []string{"--vrps", vrps, "--format", "xml"}, "", `--format: want text or json, not "xml"`},
		{"no --vrps", "", nil, "", `required flag(s) "vrps" not set`},
		{"missing VRP file", "", []string{"--vrps", filepath.Join(t.TempDir(), "none")}, "", "load VRPs: open VRP file"},
		{"bad VRP file", "", []string{"--vrps", badVRPs}, "", badVRPs + ": record 3 at byte offset 42: bad maxLength: 40 exceeds the 32 address bits"},
		{"missing MRT file", "", []string{"--vrps", vrps, "--mrt", filepath.Join(t.TempDir(), "none")}, "", "open MRT file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := execute(t, tt.stdin, append([]string{"validate"}, tt.args...)...)
			if code != 2 {
				t.Errorf("exit status %d, want 2; stderr:\n%s", code, stderr)
			}
			if stdout != tt.wantOut {
				t.Errorf("stdout = %q, want %q", stdout, tt.wantOut)
			}
			if !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tt.wantErr)
			}
		})
	}
}

func TestValidateCmd_skipInvalid(t *testing.T) {
	vrps := writeVRPs(t, "ASN,IP Prefix,Max Length\nAS1,10.0.0.0/8,8\nAS-1,11.0.0.0/8,8\n")
	stdout, stderr, code := execute(t, "10.0.0.0/8 1\n11.0.0.0/8 1\n", "validate", "--vrps", vrps, "--skip-invalid")
	if code != 0 {
		t.Fatalf("exit status %d, stderr:\n%s", code, stderr)
	}
	if want := "10.0.0.0/8 1 valid\n11.0.0.0/8 1 not-found\n"; stdout != want {
		t.Errorf("stdout = %q, want %q", stdout, want)
	}
	if !strings.Contains(stderr, "skipped: "+vrps+": 1 damaged record skipped: record 3 at byte offset 42") {
		t.Errorf("stderr = %q, want the skipped record", stderr)
	}
}

// TestValidateCmd_realData validates the routes of a real RouteViews RIB
// against the real rpki-client VRPs, once through --mrt and once as text
// on standard input built from the same file with the mrt package, and
// checks both against rov.Validate.
func TestValidateCmd_realData(t *testing.T) {
	vrps := testenv.File(t, "rpki/rpki-client-prepdev-20230504.json.gz")
	rib := testenv.File(t, "mrt/ribs/routeviews.route-views.jinx.ribs.1401487200.bz2")
	fromMRT, stderr, code := execute(t, "", "validate", "--vrps", vrps, "--mrt", rib)
	if code != 0 {
		t.Fatalf("--mrt: exit status %d, stderr:\n%s", code, stderr)
	}
	d, err := rpki.Load(context.Background(), vrps)
	if err != nil {
		t.Fatal(err)
	}
	s, err := d.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var in, want strings.Builder
	counts := map[rov.State]int{}
	for r, err := range mrtRoutesForTest(t, rib) {
		if err != nil {
			t.Fatal(err)
		}
		st := rov.Validate(s, r.Prefix, r.Origin)
		counts[st]++
		fmt.Fprintf(&in, "%s AS%d\n", r.Prefix, r.Origin)
		fmt.Fprintf(&want, "%s %d %s\n", r.Prefix, r.Origin, st)
	}
	if diff := cmp.Diff(want.String(), fromMRT); diff != "" {
		t.Errorf("--mrt output mismatch (-want +got):\n%.2000s", diff)
	}
	fromStdin, stderr, code := execute(t, in.String(), "validate", "--vrps", vrps)
	if code != 0 {
		t.Fatalf("stdin: exit status %d, stderr:\n%s", code, stderr)
	}
	if fromStdin != fromMRT {
		t.Errorf("stdin and --mrt outputs differ")
	}
	t.Logf("%d routes: %v", strings.Count(fromMRT, "\n"), counts)
}

// mrtRoutesForTest reads prefix/origin pairs of a RIB directly with the
// mrt package, independently of mrtRoutes.
func mrtRoutesForTest(t *testing.T, path string) func(func(rov.Route, error) bool) {
	return func(yield func(rov.Route, error) bool) {
		dr, err := decompress.Open(path)
		if err != nil {
			yield(rov.Route{}, err)
			return
		}
		defer dr.Close()
		sc := mrt.NewScanner(mrt.NewReader(dr, path, mrt.Options{}), true)
		var last rov.Route
		for e := range sc.Elems() {
			if e.Kind != mrt.KindRIB && e.Kind != mrt.KindAnnounce {
				continue
			}
			o, _ := e.Attrs.Path.Origin()
			if r := (rov.Route{Prefix: e.Prefix, Origin: o}); r != last {
				last = r
				if !yield(r, nil) {
					return
				}
			}
		}
		if err := sc.Err(); err != nil {
			yield(rov.Route{}, err)
		}
	}
}

// BenchmarkValidateRoutes measures the command's pipeline, from text lines
// to text output, without the VRP load.
func BenchmarkValidateRoutes(b *testing.B) {
	d, err := rpki.Load(context.Background(), testenv.File(b, "rpki/rpki-client-prepdev-20230504.json.gz"))
	if err != nil {
		b.Fatal(err)
	}
	s, err := d.Snapshot()
	if err != nil {
		b.Fatal(err)
	}
	var in bytes.Buffer
	sc := bufio.NewScanner(mustOpen(b, testenv.File(b, "prefix2as/ipasn_20140513.dat.gz")))
	n := 0
	for sc.Scan() {
		if line := sc.Text(); line != "" && line[0] != ';' {
			in.WriteString(strings.Replace(line, "\t", " ", 1) + "\n")
			n++
		}
	}
	for _, format := range []string{"text", "json"} {
		b.Run(format, func(b *testing.B) {
			write := writeText
			if format == "json" {
				write = writeJSON
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := validateRoutes(io.Discard, s, rov.ReadRoutes(bytes.NewReader(in.Bytes()), "<stdin>"), write); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "routes/s")
		})
	}
}

func mustOpen(b *testing.B, path string) io.Reader {
	r, err := decompress.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { r.Close() })
	return r
}

// TestValidateCmd_mrtDistinctPairs checks --mrt prints each distinct
// prefix/origin pair once on an update file, where the same pair comes
// back non-consecutively, against a count made from dump's text output.
func TestValidateCmd_mrtDistinctPairs(t *testing.T) {
	vrps := testenv.File(t, "rpki/ripe-ncc-test-roas-2016.csv")
	upd := testenv.File(t, "mrt/updates/updates.20160811.1600.gz")
	out, stderr, code := execute(t, "", "validate", "--vrps", vrps, "--mrt", upd)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	seen := map[string]bool{}
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) != 3 {
			t.Fatalf("line %q", l)
		}
		k := f[0] + " " + f[1]
		if seen[k] {
			t.Fatalf("pair %s printed twice", k)
		}
		seen[k] = true
	}
	dump, _, code := execute(t, "", "dump", upd)
	if code != 0 {
		t.Fatal("dump failed")
	}
	want, consecutiveDups := map[string]bool{}, 0
	prev := ""
	for _, l := range strings.Split(strings.TrimSpace(dump), "\n") {
		f := strings.Split(l, "|")
		if f[2] != "A" {
			continue
		}
		hops := strings.Fields(f[6])
		origin := "0"
		if n := len(hops); n > 0 && !strings.ContainsAny(hops[n-1], "{}") {
			origin = hops[n-1]
		}
		k := f[5] + " " + origin
		if want[k] && k != prev {
			consecutiveDups++
		}
		want[k], prev = true, k
	}
	if len(seen) != len(want) {
		t.Errorf("%d pairs printed, %d distinct in the file", len(seen), len(want))
	}
	if consecutiveDups == 0 {
		t.Fatal("test file has no non-consecutive repeat: the test proves nothing")
	}
	t.Logf("%d distinct pairs; %d non-consecutive repeats left out", len(want), consecutiveDups)
}
