package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/internal/store/sqlite"
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

// TestROV_IngestAgreesWithCommand: the verdicts a month stores (ingest,
// then scores --format json) equal those of the rov command on the same
// MRT file and VRPs, for every measured network the command judged.
func TestROV_IngestAgreesWithCommand(t *testing.T) {
	vrps := testenv.File(t, "rpki/vrps-20200217-bgpsquelch-roa.csv")
	upd := testenv.File(t, "mrt/updates/routeviews.updates.20260222.1530.bz2")
	db := filepath.Join(t.TempDir(), "rov.db")
	if code, out := runCLI(t, "ingest", "--db", db, "--month", "2026-02", "--quiet", "--mrt", upd, "--vrps", vrps); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, out)
	}
	code, out := runCLI(t, "scores", "--db", db, "--format", "json")
	if code != 0 {
		t.Fatalf("scores: exit %d: %s", code, out)
	}
	var stored struct {
		ASNs []jsonASN `json:"asns"`
	}
	if err := json.Unmarshal([]byte(out), &stored); err != nil {
		t.Fatalf("scores JSON: %v\n%.500s", err, out)
	}
	cmdOut, stderr, code := execute(t, "", "rov", "--vrps", vrps, "--skip-invalid", "--mrt", upd, "--format", "json")
	if code != 0 {
		t.Fatalf("rov: exit %d: %s", code, stderr)
	}
	var inferred struct {
		ASes []rovJSON `json:"ases"`
	}
	if err := json.Unmarshal([]byte(cmdOut), &inferred); err != nil {
		t.Fatal(err)
	}
	want := map[uint32]rovJSON{}
	for _, a := range inferred.ASes {
		want[uint32(a.ASN)] = a
	}
	compared, judged := 0, 0
	for _, a := range stored.ASNs {
		w, ok := want[a.ASN]
		if !ok {
			if a.ROV.Verdict != "" {
				t.Errorf("AS%d: stored verdict %s, the command saw no transit", a.ASN, a.ROV.Verdict)
			}
			continue
		}
		compared++
		if w.Verdict != "not-enough-evidence" {
			judged++
		}
		if a.ROV.Verdict != string(w.Verdict) || a.ROV.Propagated != w.PropagatedAlt+w.PropagatedNoAlt || a.ROV.Dropped != w.Dropped {
			t.Errorf("AS%d: stored %+v, command %s propagated %d dropped %d", a.ASN, a.ROV, w.Verdict, w.PropagatedAlt+w.PropagatedNoAlt, w.Dropped)
		}
	}
	if compared < 50 || judged == 0 {
		t.Errorf("compared %d networks, %d judged: too few", compared, judged)
	}
	t.Logf("%d stored networks compared with the command, %d judged", compared, judged)
	checkStoredROVEvidence(t, db, vrps, upd, stored.ASNs, want)
}

// checkStoredROVEvidence checks the ROV evidence the month stores for
// each judged network against validate on the same file: min(3, count)
// routes of each kind, each one validate calls invalid with the stated
// state; a propagated route on a path through the network, a dropped one
// on a path without it but with a route through it from the same
// neighbour (Via).
func checkStoredROVEvidence(t *testing.T, db, vrps, upd string, asns []jsonASN, want map[uint32]rovJSON) {
	t.Helper()
	st, err := sqlite.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	metas, err := st.Months(t.Context())
	if err != nil || len(metas) != 1 {
		t.Fatalf("months: %v, %v", metas, err)
	}
	ev, err := st.ROVEvidence(t.Context(), metas[0].Month, metas[0].Spec, 0)
	if err != nil {
		t.Fatal(err)
	}
	val, stderr, code := execute(t, "", "validate", "--vrps", vrps, "--skip-invalid", "--mrt", upd)
	if code != 0 {
		t.Fatalf("validate: exit status %d, stderr:\n%s", code, stderr)
	}
	state := map[string]string{}
	for line := range strings.Lines(strings.TrimSpace(val)) {
		f := strings.Fields(line)
		state[f[0]+" "+f[1]] = f[2]
	}
	kinds := map[uint32]map[string]int{}
	for _, e := range ev {
		if kinds[e.ASN] == nil {
			kinds[e.ASN] = map[string]int{}
		}
		kinds[e.ASN][e.Kind]++
		k := fmt.Sprintf("%s %d", e.Prefix, e.Origin)
		if s := state[k]; s != e.RPKI {
			t.Errorf("AS%d %s evidence %s is %q, validate says %q", e.ASN, e.Kind, k, e.RPKI, s)
		}
		through := slices.Contains(strings.Fields(e.Path), strconv.FormatUint(uint64(e.ASN), 10))
		via := slices.Contains(strings.Fields(e.Via), strconv.FormatUint(uint64(e.ASN), 10))
		if (e.Kind == "propagated") != through || (e.Kind == "dropped" && !via) {
			t.Errorf("AS%d %s %s: path %q, via %q", e.ASN, e.Kind, k, e.Path, e.Via)
		}
	}
	for _, a := range asns {
		w, ok := want[a.ASN]
		if !ok {
			continue
		}
		if got := kinds[a.ASN]; got["propagated"] != min(3, w.PropagatedAlt+w.PropagatedNoAlt) || got["dropped"] != min(3, w.Dropped) {
			t.Errorf("AS%d: %v pieces of evidence stored, want min(3, %d) propagated and min(3, %d) dropped", a.ASN, got,
				w.PropagatedAlt+w.PropagatedNoAlt, w.Dropped)
		}
	}
	if len(ev) == 0 {
		t.Error("no ROV evidence stored")
	}
	t.Logf("%d pieces of stored ROV evidence of %d networks checked with validate", len(ev), len(kinds))
}
