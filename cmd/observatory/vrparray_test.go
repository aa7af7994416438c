package main

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/internal/testenv"
)

// naiveVRP is a VRP as the naive reference of TestValidateCmd_bareArray
// holds it: decoded with encoding/json from the real rpki-client file,
// independently of the rpki package.
type naiveVRP struct {
	prefix netip.Prefix
	maxLen int
	asn    uint32
}

// readNaiveVRPs decodes the "roas" of an rpki-client JSON file with
// encoding/json.
func readNaiveVRPs(t *testing.T, path string) []naiveVRP {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		ROAs []struct {
			ASN       uint32 `json:"asn"`
			Prefix    string `json:"prefix"`
			MaxLength int    `json:"maxLength"`
		} `json:"roas"`
	}
	if err := json.NewDecoder(zr).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	out := make([]naiveVRP, 0, len(doc.ROAs))
	for _, r := range doc.ROAs {
		p, err := netip.ParsePrefix(r.Prefix)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, naiveVRP{p, r.MaxLength, r.ASN})
	}
	return out
}

// naiveState is a naive RFC 6811 §2 origin validation: a VRP covers the
// route when its prefix contains the route's prefix; the route is valid
// when a covering VRP names the route's origin (never AS 0, RFC 6483 §4)
// with a maxLength at least the route's length, invalid when it is
// covered otherwise, not-found when no VRP covers it. Invalid is split as
// the command prints it: invalid-length when a covering VRP names the
// origin, invalid-asn when none does. byPrefix holds the VRPs by prefix;
// every prefix of the route's address not longer than the route is looked
// up.
func naiveState(byPrefix map[netip.Prefix][]naiveVRP, p netip.Prefix, origin uint32) string {
	covered, named := false, false
	for l := p.Bits(); l >= 0; l-- {
		q, _ := p.Addr().Prefix(l)
		for _, v := range byPrefix[q] {
			covered = true
			if v.asn != 0 && v.asn == origin {
				named = true
				if p.Bits() <= v.maxLen {
					return "valid"
				}
			}
		}
	}
	switch {
	case named:
		return "invalid-length"
	case covered:
		return "invalid-asn"
	}
	return "not-found"
}

// TestValidateCmd_bareArray is the acceptance test of issue 11 for the
// bare-array VRP form: it writes a 5,000-VRP export as one JSON array
// (pretty-printed, ASNs alternately numbers, strings and "AS" strings,
// maxLength sometimes left out when it equals the prefix length, ta on
// every other element) from the real rpki-client VRPs, mostly VRPs that
// cover routes of the jinx RIB, and requires observatory validate --mrt
// to agree with the naive reference on every prefix/origin pair.
func TestValidateCmd_bareArray(t *testing.T) {
	all := readNaiveVRPs(t, testenv.File(t, "rpki/rpki-client-prepdev-20230504.json.gz"))
	rib := testenv.File(t, "mrt/ribs/routeviews.route-views.jinx.ribs.1401487200.bz2")
	allBy := map[netip.Prefix][]int{}
	for i, v := range all {
		allBy[v.prefix] = append(allBy[v.prefix], i)
	}
	// Pick the VRPs that cover routes of the RIB, up to 4,000, then fill
	// up to 5,000 with others.
	const total, covering = 5000, 4000
	picked := map[int]bool{}
	var order []int
	for r, err := range mrtRoutesForTest(t, rib) {
		if err != nil {
			t.Fatal(err)
		}
		for l := r.Prefix.Bits(); l >= 0 && len(order) < covering; l-- {
			q, _ := r.Prefix.Addr().Prefix(l)
			for _, i := range allBy[q] {
				if !picked[i] {
					picked[i] = true
					order = append(order, i)
				}
			}
		}
	}
	nCovering := len(order)
	for i := range all {
		if len(order) == total {
			break
		}
		if !picked[i] {
			picked[i] = true
			order = append(order, i)
		}
	}
	if len(order) != total {
		t.Fatalf("only %d VRPs to pick from", len(order))
	}
	var b strings.Builder
	b.WriteString("[\n")
	byPrefix := map[netip.Prefix][]naiveVRP{}
	for k, i := range order {
		v := all[i]
		byPrefix[v.prefix] = append(byPrefix[v.prefix], v)
		var asn string
		switch k % 3 {
		case 0:
			asn = strconv.FormatUint(uint64(v.asn), 10)
		case 1:
			asn = `"` + strconv.FormatUint(uint64(v.asn), 10) + `"`
		default:
			asn = `"AS` + strconv.FormatUint(uint64(v.asn), 10) + `"`
		}
		fmt.Fprintf(&b, "  {\"prefix\": %q, \"asn\": %s", v.prefix, asn)
		if v.maxLen != v.prefix.Bits() || k%2 == 0 {
			fmt.Fprintf(&b, ", \"maxLength\": %d", v.maxLen)
		}
		if k%2 == 1 {
			b.WriteString(`, "ta": "ripe-prepdev"`)
		}
		b.WriteString("}")
		if k < total-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("]\n")
	path := filepath.Join(t.TempDir(), "vrps.json")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	out, stderr, code := execute(t, "", "validate", "--vrps", path, "--mrt", rib)
	if code != 0 {
		t.Fatalf("exit status %d, stderr:\n%s", code, stderr)
	}
	pairs, agree := 0, 0
	states := map[string]int{}
	var firstDiff []string
	for line := range strings.SplitSeq(strings.TrimSuffix(out, "\n"), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			t.Fatalf("output line %q: want PREFIX ASN STATE", line)
		}
		p, err := netip.ParsePrefix(f[0])
		if err != nil {
			t.Fatalf("output line %q: %v", line, err)
		}
		o, err := strconv.ParseUint(f[1], 10, 32)
		if err != nil {
			t.Fatalf("output line %q: %v", line, err)
		}
		pairs++
		want := naiveState(byPrefix, p, uint32(o))
		states[want]++
		if want == f[2] {
			agree++
		} else if len(firstDiff) < 10 {
			firstDiff = append(firstDiff, fmt.Sprintf("%s: reference says %s", line, want))
		}
	}
	wantPairs := 0
	for range mrtRoutesForTest(t, rib) {
		wantPairs++
	}
	if pairs != wantPairs {
		t.Errorf("validate printed %d pairs, the RIB has %d", pairs, wantPairs)
	}
	if agree != pairs {
		t.Errorf("%d of %d pairs agree with the reference; first differences:\n%s", agree, pairs, strings.Join(firstDiff, "\n"))
	}
	t.Logf("%d VRPs (%d covering RIB routes); %d prefix/origin pairs, %d agree (%.2f %%); reference states %v",
		total, nCovering, pairs, agree, 100*float64(agree)/float64(max(pairs, 1)), states)
}

// TestValidateCmd_bareArrayDamaged checks the damaged-input rule on a
// bare array: without --skip-invalid the first bad element fails with its
// location; with it, bad elements are skipped, counted and the first few
// located on stderr, as ingest's lenient mode reports them. A file of no
// VRP format says what it saw, and a file of nothing but damage is an
// error even with --skip-invalid.
func TestValidateCmd_bareArrayDamaged(t *testing.T) {
	vrps := writeVRPs(t, `[{"prefix":"10.0.0.0/8","asn":"AS1"},{"prefix":"10.0.0.0/33","asn":2},{"prefix":"11.0.0.0/8","asn":"x"},`+
		`{"prefix":"12.0.0.0/8","asn":3},{"prefix":"13.0.0.0/8"},{"asn":5},{"prefix":"14.0.0.0/8","asn":6}]`)
	_, stderr, code := execute(t, "10.0.0.0/8 1\n", "validate", "--vrps", vrps)
	if code != 2 || !strings.Contains(stderr, vrps+": record 2 at byte offset 37: array element 2: bad prefix") {
		t.Errorf("strict: exit status %d, stderr %q; want 2 and the first bad element", code, stderr)
	}
	stdout, stderr, code := execute(t, "10.0.0.0/8 1\n12.0.0.0/8 1\n14.0.0.0/8 6\n", "validate", "--vrps", vrps, "--skip-invalid")
	if code != 0 {
		t.Fatalf("--skip-invalid: exit status %d, stderr:\n%s", code, stderr)
	}
	if want := "10.0.0.0/8 1 valid\n12.0.0.0/8 1 invalid-asn\n14.0.0.0/8 6 valid\n"; stdout != want {
		t.Errorf("stdout = %q, want %q", stdout, want)
	}
	want := "observatory: skipped: " + vrps + ": 4 damaged records skipped: record 2 at byte offset 37: array element 2: bad prefix: \"10.0.0.0/33\"; " +
		"record 3 at byte offset 70: array element 3: bad AS number: \"x\"; record 5 at byte offset 136: array element 5: missing asn; and 1 more\n"
	if stderr != want {
		t.Errorf("stderr = %q, want %q", stderr, want)
	}

	notVRP := writeVRPs(t, "\x00\x01garbage that is no VRP file\n")
	_, stderr, code = execute(t, "", "validate", "--vrps", notVRP, "--skip-invalid")
	if code != 2 || !strings.Contains(stderr, `not a VRP file (expected rpki-client/Routinator JSON {"roas":[…]}, a bare JSON array of VRPs, or CSV ASN,IP Prefix,Max Length[,Trust Anchor]): saw "\x00\x01garbage that is no VRP file\n"`) {
		t.Errorf("not a VRP file: exit status %d, stderr %q", code, stderr)
	}
	if strings.Contains(stderr, "line too long") {
		t.Errorf("stderr %q says line too long", stderr)
	}
	allBad := writeVRPs(t, `[{"prefix":"10.0.0.0/33","asn":1}]`)
	_, stderr, code = execute(t, "", "validate", "--vrps", allBad, "--skip-invalid")
	if code != 2 || !strings.Contains(stderr, "no VRP read, 1 damaged records skipped") {
		t.Errorf("all damaged: exit status %d, stderr %q", code, stderr)
	}
}
