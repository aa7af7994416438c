package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/mrt"
	"github.com/observatory-net/observatory/internal/rscheck"
	"github.com/observatory-net/observatory/internal/testenv"
)

// vrps2020 is the global VRP set of the RIBs' time (PROVENANCE.md, 2020
// group); it holds two records with a bad AS number, hence --skip-invalid.
const vrps2020 = "rpki/vrps-20200217-bgpsquelch-roa.csv"

// TestRSCheckCmd_matchesValidate runs rs-check and validate in process on
// the same route-server RIBs and VRPs: the routes rs-check reports as
// RPKI-invalid must be exactly those validate prints as invalid, and the
// (prefix, origin) pairs rs-check checked exactly those validate printed,
// so that no route it leaves out is invalid.
func TestRSCheckCmd_matchesValidate(t *testing.T) {
	vrps := testenv.File(t, vrps2020)
	for _, rel := range []string{"mrt/ribs/namex-bgpd-rib-inet.mrt", "mrt/ribs/namex-bgpd-rib-inet6.mrt", "mrt/ribs/185.186.nlix.mrt"} {
		t.Run(filepath.Base(rel), func(t *testing.T) {
			rib := testenv.File(t, rel)
			stdout, stderr, code := execute(t, "", "validate", "--vrps", vrps, "--skip-invalid", "--mrt", rib)
			if code != 0 {
				t.Fatalf("validate: exit %d, stderr:\n%s", code, stderr)
			}
			all, invalid := map[string]bool{}, map[string]bool{}
			for line := range strings.Lines(stdout) {
				f := strings.Fields(line)
				key := f[0] + " " + f[1]
				all[key] = true
				if strings.HasPrefix(f[2], "invalid") {
					invalid[key] = true
				}
			}

			stdout, stderr, code = execute(t, "", "rs-check", "--vrps", vrps, "--skip-invalid", "--mrt", rib, "--format", "json")
			if code != 0 {
				t.Fatalf("rs-check: exit %d, stderr:\n%s", code, stderr)
			}
			var rep rscheck.Report
			if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
				t.Fatal(err)
			}
			reported := map[string]bool{}
			for _, f := range rep.Findings {
				if slices.Contains(f.Reasons, rscheck.RPKIInvalid) {
					reported[fmt.Sprintf("%s %d", f.Prefix, f.Origin)] = true
				}
			}
			if diff := cmp.Diff(invalid, reported); diff != "" {
				t.Errorf("RPKI-invalid routes: validate (-) and rs-check (+) differ:\n%s", diff)
			}
			if len(invalid) == 0 {
				t.Error("validate finds no invalid route: the cross-check checks nothing")
			}
			if diff := cmp.Diff(all, checkedPairs(t, rib)); diff != "" {
				t.Errorf("routes: validate (-) and rs-check (+) differ:\n%s", diff)
			}
		})
	}
}

// checkedPairs returns the distinct "PREFIX ORIGIN" pairs of the routes
// rs-check reads from an MRT file.
func checkedPairs(t *testing.T, path string) map[string]bool {
	t.Helper()
	r, err := decompress.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	out := map[string]bool{}
	for rt, err := range rscheck.MRTRoutes(mrt.NewScanner(mrt.NewReader(r, path, mrt.Options{}), true)) {
		if err != nil {
			t.Fatal(err)
		}
		o, _ := rt.Origin()
		out[fmt.Sprintf("%s %d", rt.Prefix, o)] = true
	}
	return out
}

// TestRSCheckCmd_nlix checks the NL-ix excerpt, whose entries all have
// the route server as peer and one of which ends in an AS_SET: members
// come from the paths and the AS_SET route is reported without an origin.
func TestRSCheckCmd_nlix(t *testing.T) {
	vrps := testenv.File(t, vrps2020)
	rib := testenv.File(t, "mrt/ribs/185.186.nlix.mrt")
	out := filepath.Join(t.TempDir(), "nlix.txt")
	_, stderr, code := execute(t, "", "rs-check", "--vrps", vrps, "--skip-invalid", "--mrt", rib, "--ixp", "NL-ix", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for _, want := range []string{
		"# NL-ix: routes=23 no-origin=1 member-from-path=23 rejectable=1 rpki-invalid=1 ",
		`AS8529 193.239.116.255 (peer AS34307) 185.186.206.0/24 origin=none (AS_SET) path="8529 28885 {206350}" reasons=rpki-invalid rpki=invalid-asn vrps=185.186.206.0/24-24 AS206350`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "AS34307 routes=") {
		t.Errorf("the route server AS34307 is listed as a member:\n%s", text)
	}
}

func TestRSCheckCmd_exitAndErrors(t *testing.T) {
	vrps := writeVRPs(t, testVRPs)
	rib := testenv.File(t, "mrt/ribs/185.186.nlix.mrt")
	missing := filepath.Join(t.TempDir(), "missing.mrt")
	junk := filepath.Join(t.TempDir(), "junk.txt")
	if err := os.WriteFile(junk, []byte("not a prefix\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "report.html")
	tests := []struct {
		name     string
		args     []string
		code     int
		inStderr string
	}{
		{"ok", []string{"--mrt", rib}, 0, ""},
		{"html", []string{"--mrt", rib, "--format", "html", "-o", out}, 0, ""},
		{"bogon list makes a violation", []string{"--mrt", rib, "--bogons", bogonList(t, "185.186.0.0/16")}, 0, ""},
		{"fail on violation", []string{"--mrt", rib, "--bogons", bogonList(t, "185.186.0.0/16"), "--fail-on-violation"}, 1, "should have been rejected"},
		{"no violation, fail flag", []string{"--mrt", rib, "--fail-on-violation"}, 0, ""},
		{"no mrt", nil, 2, "--mrt"},
		{"missing mrt", []string{"--mrt", missing}, 2, missing},
		{"bad bogons", []string{"--mrt", rib, "--bogons", junk}, 2, junk},
		{"bad format", []string{"--mrt", rib, "--format", "xml"}, 2, "--format"},
		{"as-set without irr", []string{"--mrt", rib, "--as-set", "64496=AS-X"}, 2, "--irr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := execute(t, "", append([]string{"rs-check", "--vrps", vrps}, tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.inStderr) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tt.code, tt.inStderr)
			}
		})
	}
	b, err := os.ReadFile(out)
	if err != nil || !strings.Contains(string(b), "<h2>Members</h2>") {
		t.Errorf("HTML report: %v, %.200q", err, b)
	}
}

// bogonList writes a bogon list of the given prefixes.
func bogonList(t *testing.T, prefixes ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "bogons.txt")
	if err := os.WriteFile(p, []byte(strings.Join(prefixes, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestRSCheckCmd_irr runs the IRR rule on the NL-ix excerpt with a
// two-object registry: of 23 routes one is registered (185.186.205.0/24
// by AS206350); the AS_SET route never is; with an as-set for AS8529 that
// lacks AS206350, the registered route is unregistered for that member.
func TestRSCheckCmd_irr(t *testing.T) {
	vrps := testenv.File(t, vrps2020)
	rib := testenv.File(t, "mrt/ribs/185.186.nlix.mrt")
	rpsl := filepath.Join(t.TempDir(), "test.rpsl")
	const registry = "route: 185.186.205.0/24\norigin: AS206350\nsource: TEST\n\n" +
		"route: 185.186.206.0/24\norigin: AS206350\nsource: TEST\n\n" +
		"as-set: AS-OTHER\nmembers: AS64496\nsource: TEST\n"
	if err := os.WriteFile(rpsl, []byte(registry), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		args  []string
		total string
		line  string
	}{
		{"route objects", nil, "irr-unregistered=22; IRR checked",
			`185.186.206.0/24 origin=none (AS_SET) path="8529 28885 {206350}" reasons=rpki-invalid,irr-unregistered rpki=invalid-asn vrps=185.186.206.0/24-24 AS206350; irr=none`},
		{"member as-set", []string{"--as-set", "AS8529=AS-OTHER"}, "irr-unregistered=23; IRR checked",
			`185.186.205.0/24 origin=AS206350 path="8529 28885 206350" reasons=irr-unregistered rpki=not-found irr=exact TEST:185.186.205.0/24 as-set=AS-OTHER in=false`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"rs-check", "--vrps", vrps, "--skip-invalid", "--mrt", rib, "--irr", rpsl}, tt.args...)
			stdout, stderr, code := execute(t, "", args...)
			if code != 0 {
				t.Fatalf("exit %d, stderr:\n%s", code, stderr)
			}
			if !strings.Contains(stdout, tt.total) || !strings.Contains(stdout, tt.line) {
				t.Errorf("report lacks %q or %q:\n%s", tt.total, tt.line, stdout)
			}
		})
	}
}
