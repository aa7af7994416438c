package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/internal/testenv"
)

// TestROVCmd_realData runs rov on the 2026 RouteViews updates and checks
// its evidence against validate on the same file: every route rov says an
// AS propagated is one validate calls invalid, and is on a path that holds
// the AS; every dropped route too, on a path without it. The text output's
// counts equal the JSON's.
func TestROVCmd_realData(t *testing.T) {
	vrps := testenv.File(t, "rpki/vrps-20200217-bgpsquelch-roa.csv")
	upd := testenv.File(t, "mrt/updates/routeviews.updates.20260222.1530.bz2")
	asrel := testenv.File(t, "as-relationships/20180101.as-rel.txt")
	out, stderr, code := execute(t, "", "rov", "--vrps", vrps, "--skip-invalid", "--mrt", upd, "--asrel", asrel, "--format", "json")
	if code != 0 {
		t.Fatalf("rov: exit status %d, stderr:\n%s", code, stderr)
	}
	var got struct {
		ASes []rovJSON `json:"ases"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	val, stderr, code := execute(t, "", "validate", "--vrps", vrps, "--skip-invalid", "--mrt", upd)
	if code != 0 {
		t.Fatalf("validate: exit status %d, stderr:\n%s", code, stderr)
	}
	state := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(val), "\n") {
		f := strings.Fields(line)
		state[f[0]+" "+f[1]] = f[2]
	}
	checked := 0
	judged := map[string]int{}
	for _, a := range got.ASes {
		judged[string(a.Verdict)]++
		for _, o := range append(a.Propagated, a.DroppedObs...) {
			k := fmt.Sprintf("%s %d", o.Prefix, o.Origin)
			if s := state[k]; !strings.HasPrefix(s, "invalid") || s != o.State {
				t.Errorf("AS%d: evidence route %s is %q, validate says %q", a.ASN, k, o.State, s)
			}
			checked++
		}
		for _, o := range a.Propagated {
			if !containsASN(o.Path, uint32(a.ASN)) {
				t.Errorf("AS%d propagated %s/%d on path %v, which does not hold it", a.ASN, o.Prefix, o.Origin, o.Path)
			}
		}
		for _, o := range a.DroppedObs {
			if containsASN(o.Path, uint32(a.ASN)) || !containsASN(o.Via, uint32(a.ASN)) || o.Relationship == "" {
				t.Errorf("AS%d dropped %s: invalid path %v, via %v, relationship %q", a.ASN, o.Prefix, o.Path, o.Via, o.Relationship)
			}
		}
		if a.Verdict == "deploys" && a.PropagatedAlt+a.PropagatedNoAlt > 0 {
			t.Errorf("AS%d deploys and propagated %d invalid routes", a.ASN, a.PropagatedAlt+a.PropagatedNoAlt)
		}
	}
	if checked == 0 || judged["does-not"] == 0 {
		t.Fatalf("no evidence checked (%d), verdicts %v", checked, judged)
	}
	text, _, _ := execute(t, "", "rov", "--vrps", vrps, "--skip-invalid", "--mrt", upd)
	if n := strings.Count(text, " does-not "); n != judged["does-not"] {
		t.Errorf("text lists %d does-not, JSON %d", n, judged["does-not"])
	}
	t.Logf("%d ASes, verdicts %v, %d evidence routes cross-checked with validate", len(got.ASes), judged, checked)
}

func containsASN[T ~uint32](path []T, a uint32) bool {
	for _, h := range path {
		if uint32(h) == a {
			return true
		}
	}
	return false
}

// TestROVCmd_errors: bad flags and input answer exit status 2 naming the
// problem.
func TestROVCmd_errors(t *testing.T) {
	vrps := testenv.File(t, "rpki/vrps-20200217-bgpsquelch-roa.csv")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"rov", "--vrps", vrps}, "--mrt are required"},
		{[]string{"rov", "--vrps", vrps, "--skip-invalid", "--mrt", "/nonexistent.mrt"}, "open MRT file"},
		{[]string{"rov", "--vrps", vrps, "--skip-invalid", "--mrt", vrps, "--format", "xml"}, "--format"},
		{[]string{"rov", "--vrps", vrps, "--skip-invalid", "--mrt", vrps, "--asn", "AS-X"}, "--asn"},
		{[]string{"rov", "--vrps", vrps, "--skip-invalid", "--mrt", vrps, "--min-evidence", "0"}, "--min-evidence"},
	} {
		_, stderr, code := execute(t, "", tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit status %d, stderr %q; want 2 and %q", tc.args[1:], code, stderr, tc.want)
		}
	}
}
