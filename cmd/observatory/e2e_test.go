package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/bits"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/testenv"
)

// The end-to-end acceptance test of the measurement engine: it ingests the
// 2014-05 group of ../shared/data through the CLI and checks the scores of
// a few ASNs against values computed here, from the raw files, without the
// project's own decoders, validators or scoring code. Routes come from the
// reference MRT decoder (bgpdump -m); VRPs, RPSL, PeeringDB and the scoring
// specification are read with the standard library only.

// e2eMonth is the month of the routes (RIB and updates of 2014-05-30).
const e2eMonth = "2014-05"

// e2eMRT are the MRT files, relative to the shared data directory.
var e2eMRT = []string{
	"mrt/ribs/routeviews.route-views.jinx.ribs.1401487200.bz2",
	"mrt/updates/routeviews.route-views.jinx.updates.1401493500.bz2",
	"mrt/updates/ris.rrc06.updates.1401488100.gz",
}

const (
	e2eVRPs      = "rpki/rpki-client-prepdev-20230504.json.gz" // 424,223 VRPs
	e2eASRel     = "as-relationships/20140101.as-rel.txt"
	e2eIRR       = "irr/*.txt"
	e2eRIR       = "rir-delegated/2014/*"
	e2eBogons    = "bogons/*"
	e2ePeeringDB = "peeringdb/20260416"
)

// e2eCase is an ASN whose scores the test recomputes, with the situation
// it was chosen for; the situation is checked on the reference data, so
// that a case cannot silently stop testing what it was chosen for.
type e2eCase struct {
	asn       uint32
	situation string
	holds     func(r *refASN) bool
}

var e2eCases = []e2eCase{
	{16030, "RPKI-valid routes and one invalid; technical/NOC contact in PeeringDB",
		func(r *refASN) bool { return r.valid > 0 && r.invalid == 1 && r.pocContact }},
	{9158, "RPKI valid and not-found only (aspiring); one exact route object",
		func(r *refASN) bool { return r.valid > 0 && r.invalid == 0 && r.valid < r.announced() && r.exact > 0 }},
	{9155, "mostly RPKI-invalid (negative before clamping); route objects covering more-specifics",
		func(r *refASN) bool { return r.valid-10*r.invalid < 0 && r.covered > 0 }},
	{5427, "no ROA at all; exact and covering route objects",
		func(r *refASN) bool { return r.valid+r.invalid == 0 && r.exact > 0 && r.covered > 0 }},
	{20594, "one route, RPKI-valid and registered: ready",
		func(r *refASN) bool { return r.announced() == 1 && r.valid == 1 && r.exact == 1 }},
	{6899, "no route at all (measured from the delegated statistics): no RPKI/IRR data",
		func(r *refASN) bool { return r.announced() == 0 && r.delegated }},
	{23752, "routes seen in the update files, some by two collector peers",
		func(r *refASN) bool { return r.maxRoutePeers >= 2 }},
	{7303, "routes ending in an AS_SET {7303} left out of the announced count",
		func(r *refASN) bool { return r.setOnly > 0 }},
	{12859, "RPKI-invalid routes (clamped to 0); technical contact in PeeringDB",
		func(r *refASN) bool { return r.invalid > 0 && r.valid-10*r.invalid < 0 && r.pocContact }},
	{4788, "no Technical/NOC contact, an e-mail address in its PeeringDB net's notes (§13.3)",
		func(r *refASN) bool { return r.netEmail && !r.pocContact }},
}

func TestE2E_ScoresMatchIndependentReference(t *testing.T) {
	bgpdump := testenv.Tool(t, "bgpdump")
	in := e2eInputs(t)
	start := time.Now()

	// The ingest runs while the reference is computed. Re-ingesting gives
	// identical scores: TestEngine_IngestScoresCheck and the kill test check
	// that on smaller inputs, since under -race a second ingest of these
	// would double this test's time (its SQLite writes above all).
	db := filepath.Join(t.TempDir(), "e2e.db")
	var code int
	var wg sync.WaitGroup
	defer wg.Wait() // a failing reference must not leave an ingest writing into a removed directory
	wg.Go(func() {
		code = runWithOutput([]string{"ingest", "--db", db, "--data", in.dir, "--month", e2eMonth, "--quiet"}, io.Discard)
	})

	sp := readSpecJSON(t, "netops@2024.1")
	from := time.Date(2014, 5, 1, 0, 0, 0, 0, time.UTC)
	ref := newRefRoutes(append(e2eASNs(), auditASNs...))
	for _, p := range in.mrt {
		ref.readBgpdump(t, bgpdump, p, from.Unix(), from.AddDate(0, 1, 0).Unix())
	}
	t.Logf("reference routes read at %s", time.Since(start).Round(time.Millisecond))
	vrps := readVRPs(t, in.vrps)
	t.Logf("reference VRPs read at %s", time.Since(start).Round(time.Millisecond))
	routeObjects := readRPSL(t, in.irr)
	delegated := readDelegatedASNs(t, in.rir)
	pdb := readPeeringDB(t, in.peeringdb)
	refs := map[uint32]*refASN{}
	for _, c := range e2eCases {
		r := ref.asn(c.asn, vrps, routeObjects, sp.IRR.CoveringLessSpecific)
		r.delegated = delegated[c.asn]
		r.pocContact, r.netEmail = pdb.pocContact[c.asn], pdb.netEmail[c.asn]
		refs[c.asn] = r
		if !c.holds(r) {
			t.Errorf("AS%d no longer shows what it was chosen for (%s): %+v", c.asn, c.situation, *r)
		}
	}
	t.Logf("reference computed in %s: %d origins, %d RIB lines, %d VRPs, %d route objects, %d delegated ASNs",
		time.Since(start).Round(time.Millisecond), len(ref.peers), ref.ribLines, vrps.n, len(routeObjects), len(delegated))

	wg.Wait()
	if code != 0 {
		t.Fatalf("ingest into %s: exit %d", db, code)
	}
	t.Logf("ingested in %s", time.Since(start).Round(time.Millisecond))

	var scoresCSV bytes.Buffer
	if code := runWithOutput([]string{"scores", "--db", db, "--month", e2eMonth, "--format", "csv"}, &scoresCSV); code != 0 {
		t.Fatalf("scores --db %s --format csv: exit %d", db, code)
	}
	rows, err := csv.NewReader(bytes.NewReader(scoresCSV.Bytes())).ReadAll()
	if err != nil || len(rows) < 2 || rows[0][0] != "ASN" {
		t.Fatalf("scores CSV: %v, %d rows", err, len(rows))
	}
	measured := map[uint32]bool{}
	for _, row := range rows[1:] {
		a, err := strconv.ParseUint(row[0], 10, 32)
		if err != nil || measured[uint32(a)] {
			t.Fatalf("scores CSV row %q: bad or repeated ASN", row)
		}
		measured[uint32(a)] = true
	}
	scores := e2eScoresJSON(t, db, e2eASNs())

	t.Run("scores", func(t *testing.T) {
		for _, c := range e2eCases {
			r := refs[c.asn]
			got, ok := scores[c.asn]
			if !ok || !measured[c.asn] {
				t.Errorf("AS%d (%s) is not measured", c.asn, c.situation)
				continue
			}
			rep := e2eASNReport(t, db, c.asn)
			e2eCompare(t, sp, c, r, got, rep)
		}
	})

	t.Run("audit", func(t *testing.T) { e2eAudit(t, db, ref) })

	t.Run("measured ASNs", func(t *testing.T) {
		// §13.7: seen by at least minPeers collector peers, plus the assigned
		// ASNs of the delegated statistics; the engine adds ASNs charged with
		// an event, and those all appear in some AS path.
		var visible, missing, unexplained []uint32
		for a, ps := range ref.peers {
			if bits.OnesCount64(ps) >= sp.Visibility.MinPeers {
				visible = append(visible, a)
				if !measured[a] {
					missing = append(missing, a)
				}
			}
		}
		for a := range delegated {
			if !measured[a] {
				missing = append(missing, a)
			}
		}
		for a := range measured {
			if !delegated[a] && bits.OnesCount64(ref.peers[a]) < sp.Visibility.MinPeers && !ref.inPaths[a] {
				unexplained = append(unexplained, a)
			}
		}
		slices.Sort(missing)
		slices.Sort(unexplained)
		if len(missing) > 0 {
			t.Errorf("%d ASNs visible to >= %d peers or delegated are not measured: %v", len(missing), sp.Visibility.MinPeers, head(missing))
		}
		if len(unexplained) > 0 {
			t.Errorf("%d measured ASNs are neither visible, delegated nor in any AS path: %v", len(unexplained), head(unexplained))
		}
		if len(visible) < 20 {
			t.Errorf("only %d origins seen by >= %d peers: the reference read too little", len(visible), sp.Visibility.MinPeers)
		}
		t.Logf("%d measured ASNs: %d origins seen by >= %d peers, %d delegated ASNs", len(measured), len(visible), sp.Visibility.MinPeers, len(delegated))
	})

}

// e2eCompare checks one ASN's engine output against the reference.
func e2eCompare(t *testing.T, sp *specJSON, c e2eCase, r *refASN, got jsonASN, rep asnReportJSON) {
	t.Helper()
	tag := fmt.Sprintf("AS%d (%s)", c.asn, c.situation)
	// §13.8: the announced prefixes, each with the peers that saw it.
	if rep.announced != r.announced() {
		t.Errorf("%s: announced %d, want %d", tag, rep.announced, r.announced())
	}
	if rep.peers != r.peers {
		t.Errorf("%s: seen by %d peers, want %d", tag, rep.peers, r.peers)
	}
	engineRoutes := map[string]routeJSON{}
	for _, rt := range rep.Routes {
		engineRoutes[rt.Prefix] = rt
	}
	for p, rr := range r.routes {
		er, ok := engineRoutes[p.String()]
		if !ok {
			t.Errorf("%s: route %s missing from the engine's routes", tag, p)
			continue
		}
		if er.RPKI != rr.rpki && !(rr.rpki == "invalid" && strings.HasPrefix(er.RPKI, "invalid")) {
			t.Errorf("%s: %s RPKI %s, want %s", tag, p, er.RPKI, rr.rpki)
		}
		if er.IRR != rr.irr {
			t.Errorf("%s: %s IRR %s, want %s", tag, p, er.IRR, rr.irr)
		}
		if er.Peers != rr.peers {
			t.Errorf("%s: %s seen by %d peers, want %d", tag, p, er.Peers, rr.peers)
		}
	}
	if len(engineRoutes) != len(r.routes) {
		t.Errorf("%s: engine lists %d routes, want %d", tag, len(engineRoutes), len(r.routes))
	}

	// The metrics and the Action scores they make.
	want := map[string]refValue{}
	n := float64(r.announced())
	if r.announced() > 0 {
		v := (float64(r.valid) - sp.RPKI.InvalidWeight*float64(r.invalid)) / n
		if sp.RPKI.Clamp {
			v = math.Max(0, math.Min(1, v))
		}
		want["M7RPKI"] = refValue{v, true}
		want["M7IRR"] = refValue{float64(r.registered(sp.IRR.CoveringLessSpecific)) / n, true}
	} else {
		want["M7RPKI"], want["M7IRR"] = refValue{}, refValue{}
	}
	// §13.3; PeeringDB is loaded, so every ASN has M8 data.
	want["M8"] = refValue{0, true}
	if r.pocContact || r.netEmail {
		want["M8"] = refValue{1, true}
	}
	for _, id := range []string{"M7RPKI", "M7IRR", "M8"} {
		w, m := want[id], rep.ASN.Metrics[id]
		if m == nil {
			t.Errorf("%s: metric %s missing", tag, id)
			continue
		}
		if !sameValue(m.Score, w) {
			t.Errorf("%s: %s %s, want %s", tag, id, valueText(m.Score), w)
		}
	}
	if m := rep.ASN.Metrics["M7RPKI"]; m != nil && m.Raw != float64(r.invalid) {
		t.Errorf("%s: M7RPKI raw (invalid routes) %v, want %d", tag, m.Raw, r.invalid)
	}
	if m := rep.ASN.Metrics["M7IRR"]; m != nil && m.Raw != float64(r.announced()-r.registered(sp.IRR.CoveringLessSpecific)) {
		t.Errorf("%s: M7IRR raw (unregistered routes) %v, want %d", tag, m.Raw, r.announced()-r.registered(sp.IRR.CoveringLessSpecific))
	}
	for _, score := range []string{"routingInformationRPKI", "routingInformationIRR", "coordination"} {
		a := sp.action(t, score)
		w := combineRef(a, want)
		g := got.Scores[score]
		if g == nil {
			t.Errorf("%s: score %s missing", tag, score)
			continue
		}
		if !sameValue(g.Value, w) {
			t.Errorf("%s: %s %s, want %s", tag, score, valueText(g.Value), w)
		}
		if wl := sp.level(w); g.Level != wl {
			t.Errorf("%s: %s level %s, want %s", tag, score, g.Level, wl)
		}
		t.Logf("AS%-6d %-23s %-8s %-17s (announced %d, valid %d, invalid %d, registered %d)",
			c.asn, score, valueText(g.Value), g.Level, r.announced(), r.valid, r.invalid, r.registered(sp.IRR.CoveringLessSpecific))
	}
}

// refValue is an expected metric or score; ok false means no data.
type refValue struct {
	v  float64
	ok bool
}

func (v refValue) String() string {
	if !v.ok {
		return "no data"
	}
	return strconv.FormatFloat(v.v, 'f', -1, 64)
}

func sameValue(got *float64, want refValue) bool {
	if got == nil || !want.ok {
		return got == nil && !want.ok
	}
	return math.Abs(*got-want.v) < 1e-9
}

func valueText(v *float64) string {
	if v == nil {
		return "no data"
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

// combineRef is an Action score from its counted metrics: their mean (or
// minimum) over those with data; no data when none has.
func combineRef(a specAction, metrics map[string]refValue) refValue {
	var vals []float64
	for _, id := range a.Counted {
		if m, ok := metrics[id]; ok && m.ok {
			vals = append(vals, m.v)
		} else if !ok {
			panic("reference has no value for " + id)
		}
	}
	if len(vals) == 0 {
		return refValue{}
	}
	if a.Combine == "min" {
		return refValue{slices.Min(vals), true}
	}
	var sum float64
	for _, v := range vals {
		sum += v
	}
	return refValue{sum / float64(len(vals)), true}
}

func head(s []uint32) []uint32 { return s[:min(len(s), 10)] }

func e2eASNs() []uint32 {
	var out []uint32
	for _, c := range e2eCases {
		out = append(out, c.asn)
	}
	return out
}

// e2eInput lists the inputs, as paths in the shared data directory, and the
// data directory of links to them that the ingest reads.
type e2eInput struct {
	dir                      string
	mrt, irr, rir, peeringdb []string
	vrps                     string
}

func e2eInputs(t *testing.T) e2eInput {
	t.Helper()
	root := testenv.SharedData(t)
	in := e2eInput{dir: t.TempDir()}
	link := func(rel string) string {
		src := testenv.File(t, rel)
		dst := filepath.Join(in.dir, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(src, dst); err != nil {
			t.Fatal(err)
		}
		return src
	}
	glob := func(pattern string) []string {
		m, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil || len(m) == 0 {
			testenv.File(t, filepath.Dir(pattern)) // skips, or fails in CI, when absent
			t.Fatalf("no shared data file matches %s", pattern)
		}
		var out []string
		for _, p := range m {
			rel, _ := filepath.Rel(root, p)
			out = append(out, link(rel))
		}
		return out
	}
	for _, rel := range e2eMRT {
		in.mrt = append(in.mrt, link(rel))
	}
	in.vrps = link(e2eVRPs)
	link(e2eASRel)
	in.irr = glob(e2eIRR)
	in.rir = glob(e2eRIR)
	glob(e2eBogons)
	err := filepath.WalkDir(testenv.File(t, e2ePeeringDB), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		in.peeringdb = append(in.peeringdb, link(rel))
		return nil
	})
	if err != nil || len(in.peeringdb) == 0 {
		t.Fatalf("PeeringDB pages under %s: %v (%d files)", e2ePeeringDB, err, len(in.peeringdb))
	}
	return in
}

// The CLI's JSON, decoded into the test's own types.

type scoresJSON struct {
	Month string    `json:"month"`
	Spec  string    `json:"spec"`
	ASNs  []jsonASN `json:"asns"`
}

type routeJSON struct {
	Prefix, RPKI, IRR string
	Peers             int
}

type asnReportJSON struct {
	ASN    jsonASN     `json:"asn"`
	Routes []routeJSON `json:"routes"`
	// From the text report: the ASN's collector peers and announced prefixes.
	peers, announced int
}

// e2eScoresJSON reads the scores of some ASNs as JSON.
func e2eScoresJSON(t *testing.T, db string, asns []uint32) map[uint32]jsonASN {
	t.Helper()
	var list []string
	for _, a := range asns {
		list = append(list, strconv.FormatUint(uint64(a), 10))
	}
	code, out := runCLI(t, "scores", "--db", db, "--month", e2eMonth, "--format", "json", "--asn", strings.Join(list, ","))
	if code != 0 {
		t.Fatalf("scores --format json: exit %d", code)
	}
	var s scoresJSON
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("scores JSON: %v", err)
	}
	if s.Spec != "netops@2024.1" || !strings.HasPrefix(s.Month, e2eMonth) {
		t.Fatalf("scores JSON is of %s %s, want netops@2024.1 %s", s.Spec, s.Month, e2eMonth)
	}
	m := map[uint32]jsonASN{}
	for _, a := range s.ASNs {
		m[a.ASN] = a
	}
	return m
}

func e2eASNReport(t *testing.T, db string, asn uint32) asnReportJSON {
	t.Helper()
	as := "AS" + strconv.FormatUint(uint64(asn), 10)
	code, out := runCLI(t, "asn", as, "--db", db, "--month", e2eMonth, "--format", "json")
	if code != 0 {
		t.Fatalf("asn %s --format json: exit %d", as, code)
	}
	var rep asnReportJSON
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("asn %s JSON: %v", as, err)
	}
	code, text := runCLI(t, "asn", as, "--db", db, "--month", e2eMonth, "--routes", "0")
	if code != 0 {
		t.Fatalf("asn %s: exit %d", as, code)
	}
	for line := range strings.Lines(text) {
		if !strings.HasPrefix(line, "seen by ") {
			continue
		}
		if _, err := fmt.Sscanf(line, "seen by %d collector peers, %d announced prefixes", &rep.peers, &rep.announced); err != nil {
			t.Fatalf("asn %s: line %q: %v", as, line, err)
		}
		return rep
	}
	t.Fatalf("asn %s: no \"seen by\" line in %q", as, text)
	return rep
}

// The scoring specification, read as plain JSON.

type specAction struct {
	Score   string   `json:"score"`
	Counted []string `json:"counted"`
	Combine string   `json:"combine"`
}

type specJSON struct {
	Actions   []specAction `json:"actions"`
	Readiness struct {
		Ready    float64 `json:"ready"`
		Aspiring float64 `json:"aspiring"`
	} `json:"readiness"`
	RPKI struct {
		InvalidWeight float64 `json:"invalidWeight"`
		Clamp         bool    `json:"clamp"`
	} `json:"rpki"`
	IRR struct {
		CoveringLessSpecific bool `json:"coveringLessSpecific"`
	} `json:"irr"`
	Visibility struct {
		MinPeers int `json:"minPeers"`
	} `json:"visibility"`
}

// readSpecJSON reads internal/spec/specs/ID-VERSION.json for ID@VERSION.
func readSpecJSON(t *testing.T, ref string) *specJSON {
	t.Helper()
	id, version, _ := strings.Cut(ref, "@")
	b, err := os.ReadFile(filepath.Join("..", "..", "internal", "spec", "specs", id+"-"+version+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var s specJSON
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("specification %s: %v", ref, err)
	}
	if s.RPKI.InvalidWeight == 0 || s.Readiness.Ready == 0 || s.Visibility.MinPeers == 0 {
		t.Fatalf("specification %s lacks a parameter the test needs: %+v", ref, s)
	}
	return &s
}

func (s *specJSON) action(t *testing.T, score string) specAction {
	t.Helper()
	for _, a := range s.Actions {
		if a.Score == score {
			return a
		}
	}
	t.Fatalf("specification has no action %s", score)
	return specAction{}
}

// level is the readiness level of a score (§13.1), with the v2 API's ids.
func (s *specJSON) level(v refValue) string {
	switch {
	case !v.ok:
		return "no_data_available"
	case v.v >= s.Readiness.Ready:
		return "ready"
	case v.v >= s.Readiness.Aspiring:
		return "aspiring"
	}
	return "lagging"
}

// refRoutes are the routes of the month as bgpdump prints them. A
// collector peer (peer address and AS) is a bit of a uint64.
type refRoutes struct {
	chosen   map[uint32]bool
	peerIDs  map[[2]string]int
	peers    map[uint32]uint64                           // every origin → the peers that saw any of its routes
	routes   map[uint32]map[netip.Prefix]uint64          // chosen origins → prefix → peers
	setOnly  map[uint32]map[netip.Prefix]bool            // chosen ASNs → prefixes seen with a path ending in an AS_SET holding them
	inPaths  map[uint32]bool                             // every ASN of every path
	hop1     map[uint32]map[uint32]map[netip.Prefix]bool // audited origins → hop-1 AS → prefixes (addUpstream)
	ribLines int
}

func newRefRoutes(chosen []uint32) *refRoutes {
	r := &refRoutes{chosen: map[uint32]bool{}, peerIDs: map[[2]string]int{}, peers: map[uint32]uint64{},
		routes: map[uint32]map[netip.Prefix]uint64{}, setOnly: map[uint32]map[netip.Prefix]bool{}, inPaths: map[uint32]bool{},
		hop1: map[uint32]map[uint32]map[netip.Prefix]bool{}}
	for _, a := range chosen {
		r.chosen[a] = true
	}
	return r
}

// readBgpdump reads one MRT file through `bgpdump -m` and keeps the RIB
// entries (B) and announcements (A) timed in [from, to). Line format:
// TYPE|time|B or A|peer_ip|peer_as|prefix|as_path|origin|next_hop|...
func (r *refRoutes) readBgpdump(t *testing.T, bgpdump, path string, from, to int64) {
	t.Helper()
	cmd := exec.Command(bgpdump, "-q", "-v", "-m", path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	lines := 0
	for sc.Scan() {
		f := strings.SplitN(sc.Text(), "|", 8)
		if len(f) < 8 || (f[2] != "A" && f[2] != "B") {
			continue
		}
		lines++
		if f[2] == "B" {
			r.ribLines++
		}
		sec, _, _ := strings.Cut(f[1], ".") // BGP4MP_ET prints seconds.microseconds
		ts, err := strconv.ParseInt(sec, 10, 64)
		if err != nil {
			t.Fatalf("%s: time in %q: %v", path, sc.Text(), err)
		}
		if ts < from || ts >= to {
			continue
		}
		peer, ok := r.peerIDs[[2]string{f[3], f[4]}]
		if !ok {
			peer = len(r.peerIDs)
			if peer == 64 {
				t.Fatal("more than 64 collector peers")
			}
			r.peerIDs[[2]string{f[3], f[4]}] = peer
		}
		r.add(t, uint64(1)<<peer, f[5], f[6])
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	// bgpdump exits 0 even on damaged input; -v sends its complaints to stderr.
	if err := cmd.Wait(); err != nil || stderr.Len() > 0 || lines == 0 {
		t.Fatalf("bgpdump %s: %v, %d lines, stderr %q", path, err, lines, stderr.String())
	}
}

// add records one route: path is space-separated ASNs, with an AS_SET
// printed as {a,b}.
func (r *refRoutes) add(t *testing.T, peer uint64, prefix, path string) {
	if strings.ContainsAny(path, "()[]") {
		t.Fatalf("AS_CONFED segment in %q: not expected in these files", path)
	}
	var n uint64
	digits := false
	for i := 0; i <= len(path); i++ {
		if i < len(path) && path[i] >= '0' && path[i] <= '9' {
			n, digits = n*10+uint64(path[i]-'0'), true
			continue
		}
		if digits {
			r.inPaths[uint32(n)] = true
		}
		n, digits = 0, false
	}
	if path == "" {
		return // originated by the peer itself, with no origin AS
	}
	p, err := netip.ParsePrefix(prefix)
	if err != nil || p != p.Masked() {
		t.Fatalf("prefix %q: %v", prefix, err)
	}
	last := path[strings.LastIndexByte(path, ' ')+1:]
	if strings.HasPrefix(last, "{") {
		// §13.8: a path ending in an AS_SET has no single origin.
		for _, a := range strings.Split(strings.Trim(last, "{}"), ",") {
			n, _ := strconv.ParseUint(a, 10, 32)
			if r.chosen[uint32(n)] {
				if r.setOnly[uint32(n)] == nil {
					r.setOnly[uint32(n)] = map[netip.Prefix]bool{}
				}
				r.setOnly[uint32(n)][p] = true
			}
		}
		return
	}
	o, err := strconv.ParseUint(last, 10, 32)
	if err != nil {
		t.Fatalf("origin of %q: %v", path, err)
	}
	origin := uint32(o)
	r.peers[origin] |= peer
	if !r.chosen[origin] {
		return
	}
	if r.routes[origin] == nil {
		r.routes[origin] = map[netip.Prefix]uint64{}
	}
	r.routes[origin][p] |= peer
	r.addUpstream(origin, p, path)
}

// refASN is what the reference finds for one ASN.
type refASN struct {
	routes         map[netip.Prefix]refRoute
	peers          int // collector peers that saw any of its routes
	valid, invalid int
	exact, covered int
	maxRoutePeers  int
	setOnly        int // prefixes seen only with a path ending in an AS_SET holding the ASN
	delegated      bool
	pocContact     bool // a Technical or NOC poc with an e-mail or phone
	netEmail       bool // an e-mail address somewhere in the net object
}

type refRoute struct {
	rpki, irr string
	peers     int
}

func (r *refASN) announced() int { return len(r.routes) }

func (r *refASN) registered(covering bool) int {
	if covering {
		return r.exact + r.covered
	}
	return r.exact
}

func (r *refRoutes) asn(a uint32, vrps *refVRPs, objects []routeObject, covering bool) *refASN {
	out := &refASN{routes: map[netip.Prefix]refRoute{}, peers: bits.OnesCount64(r.peers[a])}
	for p, peers := range r.routes[a] {
		rr := refRoute{rpki: vrps.validate(p, a), irr: irrMatch(objects, p, a), peers: bits.OnesCount64(peers)}
		out.routes[p] = rr
		out.maxRoutePeers = max(out.maxRoutePeers, rr.peers)
		switch rr.rpki {
		case "valid":
			out.valid++
		case "invalid":
			out.invalid++
		}
		switch rr.irr {
		case "exact":
			out.exact++
		case "covered":
			out.covered++
		}
	}
	for p := range r.setOnly[a] {
		if _, ok := r.routes[a][p]; !ok {
			out.setOnly++
		}
	}
	return out
}

// refVRPs holds the VRPs by prefix.
type refVRPs struct {
	byPrefix map[netip.Prefix][]refVRP
	n        int
}

type refVRP struct {
	ASN       uint32 `json:"asn"`
	Prefix    string `json:"prefix"`
	MaxLength int    `json:"maxLength"`
}

func readVRPs(t *testing.T, path string) *refVRPs {
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
		ROAs []refVRP `json:"roas"`
	}
	if err := json.NewDecoder(zr).Decode(&doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	out := &refVRPs{byPrefix: map[netip.Prefix][]refVRP{}, n: len(doc.ROAs)}
	for _, v := range doc.ROAs {
		p, err := netip.ParsePrefix(v.Prefix)
		if err != nil || p != p.Masked() {
			t.Fatalf("VRP prefix %q: %v", v.Prefix, err)
		}
		out.byPrefix[p] = append(out.byPrefix[p], v)
	}
	return out
}

// validate is RFC 6811 origin validation: the VRPs covering p are those of
// p and of each of its less-specifics; valid when one of them has the
// origin and a maxLength that admits p, invalid when some cover p but none
// matches, not-found when none covers it.
func (v *refVRPs) validate(p netip.Prefix, origin uint32) string {
	covered := false
	for bits := p.Bits(); bits >= 0; bits-- {
		q, _ := p.Addr().Prefix(bits)
		for _, vrp := range v.byPrefix[q] {
			covered = true
			if vrp.ASN == origin && p.Bits() <= vrp.MaxLength {
				return "valid"
			}
		}
	}
	if covered {
		return "invalid"
	}
	return "not-found"
}

// routeObject is an RPSL route or route6 object.
type routeObject struct {
	prefix netip.Prefix
	origin uint32
}

// readRPSL reads the route and route6 objects of RPSL files: objects are
// separated by blank lines, attributes are "name: value", comments start
// with # or %, and continuation lines start with white space or +.
func readRPSL(t *testing.T, paths []string) []routeObject {
	t.Helper()
	var out []routeObject
	for _, path := range paths {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, obj := range strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n\n") {
			var class, key, origin string
			for _, line := range strings.Split(obj, "\n") {
				if line == "" || strings.ContainsAny(line[:1], "#% \t+") {
					continue
				}
				name, value, ok := strings.Cut(line, ":")
				if !ok {
					continue
				}
				name = strings.ToLower(strings.TrimSpace(name))
				value, _, _ = strings.Cut(value, "#")
				value = strings.TrimSpace(value)
				if class == "" {
					class, key = name, value
				}
				if name == "origin" {
					origin = value
				}
			}
			if class != "route" && class != "route6" {
				continue
			}
			p, err := netip.ParsePrefix(key)
			if err != nil {
				t.Fatalf("%s: %s object %q: %v", path, class, key, err)
			}
			n, err := strconv.ParseUint(strings.TrimPrefix(strings.ToUpper(origin), "AS"), 10, 32)
			if err != nil {
				t.Fatalf("%s: %s %s origin %q: %v", path, class, key, origin, err)
			}
			out = append(out, routeObject{p.Masked(), uint32(n)})
		}
	}
	if len(out) == 0 {
		t.Fatal("no route objects in the RPSL files")
	}
	return out
}

// irrMatch is the best route object for (p, origin): exact (same prefix and
// origin), covered (a less-specific object with the same origin), or none.
func irrMatch(objects []routeObject, p netip.Prefix, origin uint32) string {
	best := "none"
	for _, o := range objects {
		if o.origin != origin || o.prefix.Addr().Is4() != p.Addr().Is4() {
			continue
		}
		if o.prefix == p {
			return "exact"
		}
		if o.prefix.Bits() < p.Bits() && o.prefix.Contains(p.Addr()) {
			best = "covered"
		}
	}
	return best
}

// readDelegatedASNs returns the allocated or assigned ASNs of RIR delegated
// statistics: lines registry|cc|asn|start|count|date|status, the count
// expanding into a range.
func readDelegatedASNs(t *testing.T, paths []string) map[uint32]bool {
	t.Helper()
	out := map[uint32]bool{}
	for _, path := range paths {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Split(strings.TrimSpace(line), "|")
			if len(f) < 7 || f[2] != "asn" || f[1] == "*" || (f[6] != "allocated" && f[6] != "assigned") {
				continue
			}
			first, err1 := strconv.ParseUint(f[3], 10, 32)
			count, err2 := strconv.ParseUint(f[4], 10, 32)
			if err1 != nil || err2 != nil {
				t.Fatalf("%s: %q", path, line)
			}
			for a := first; a < first+count; a++ {
				out[uint32(a)] = true
			}
		}
	}
	return out
}

// refPeeringDB is what the PeeringDB pages say about contacts.
type refPeeringDB struct {
	pocContact map[uint32]bool
	netEmail   map[uint32]bool
}

var emailAddress = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`)

// readPeeringDB reads API pages ({"data": [...]}) named TYPE-page-N.json.
// §13.3: a contact counts when it is a net's poc with role Technical or NOC
// and an e-mail or a phone number (abuse, policy, sales and other roles do
// not), or when the net object itself carries an e-mail address.
func readPeeringDB(t *testing.T, paths []string) refPeeringDB {
	t.Helper()
	type page struct {
		Data []map[string]any `json:"data"`
	}
	netASN := map[float64]uint32{}
	var pocs []map[string]any
	out := refPeeringDB{pocContact: map[uint32]bool{}, netEmail: map[uint32]bool{}}
	for _, path := range paths {
		kind, _, _ := strings.Cut(filepath.Base(path), "-")
		if kind != "net" && kind != "poc" {
			continue
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var pg page
		if err := json.Unmarshal(b, &pg); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, o := range pg.Data {
			if o["status"] == "deleted" {
				continue
			}
			if kind == "poc" {
				pocs = append(pocs, o)
				continue
			}
			asn := uint32(o["asn"].(float64))
			netASN[o["id"].(float64)] = asn
			// An e-mail address in a text field of the net; "user@host"
			// inside a URL (a route server's telnet login) is not one, and
			// abuse desks do not count (§13.3).
			for _, v := range o {
				s, ok := v.(string)
				if !ok || strings.Contains(s, "://") {
					continue
				}
				for _, e := range emailAddress.FindAllString(s, -1) {
					local := strings.ToLower(e[:strings.IndexByte(e, '@')])
					if local != "abuse" && !strings.HasPrefix(local, "abuse-") && !strings.HasPrefix(local, "abuse.") {
						out.netEmail[asn] = true
					}
				}
			}
		}
	}
	if len(netASN) == 0 || len(pocs) == 0 {
		t.Fatalf("PeeringDB pages: %d nets, %d pocs", len(netASN), len(pocs))
	}
	for _, p := range pocs {
		role, _ := p["role"].(string)
		email, _ := p["email"].(string)
		phone, _ := p["phone"].(string)
		role = strings.ToLower(strings.TrimSpace(role))
		if (role == "technical" || role == "noc") && strings.TrimSpace(email)+strings.TrimSpace(phone) != "" {
			if asn, ok := netASN[p["net_id"].(float64)]; ok {
				out.pocContact[asn] = true
			}
		}
	}
	return out
}
