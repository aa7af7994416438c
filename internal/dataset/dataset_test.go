package dataset

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/testenv"
)

// wantKind is the kind of each shared data folder, per PROVENANCE.md.
var wantKind = map[string]Kind{
	"mrt":              KindMRT,
	"rpki":             KindVRP,
	"irr":              KindIRR,
	"as-relationships": KindASRel,
	"rir-delegated":    KindDelegated,
	"iana":             KindIANAv4,
	"bogons":           KindBogons,
	"peeringdb":        KindPeeringDB,
	"asnames":          KindASNames,
	"manrs":            KindUnknown,
	"prefix2as":        KindUnknown,
	"ris-whois":        KindUnknown,
}

func TestDiscover_SharedData(t *testing.T) {
	root := testenv.SharedData(t)
	files, err := Discover(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[Kind]int{}
	for _, f := range files {
		rel, _ := filepath.Rel(root, f.Path)
		top, _, _ := strings.Cut(filepath.ToSlash(rel), "/")
		want, ok := wantKind[top]
		if !ok || strings.HasSuffix(rel, ".md") {
			want = KindUnknown
		}
		if f.Kind != want {
			t.Errorf("%s: kind %s, want %s", rel, f.Kind, want)
		}
		counts[f.Kind]++
	}
	t.Logf("%d files: %v", len(files), counts)
	if counts[KindMRT] != 44 {
		t.Errorf("%d MRT files, want the 44 of PROVENANCE.md", counts[KindMRT])
	}
}

func TestLoad_SharedData(t *testing.T) {
	ctx := context.Background()
	files, err := Discover(ctx, testenv.SharedData(t))
	if err != nil {
		t.Fatal(err)
	}
	var damaged inputerr.Log
	s, err := Load(ctx, files, Options{Damaged: &damaged})
	if err != nil {
		t.Fatal(err)
	}
	// The shared data has a few damaged records (delegated-iana-latest
	// has short lines): reported, never fatal.
	for _, l := range damaged.Lines() {
		t.Log(l)
	}
	for _, f := range s.Files {
		if f.SHA256 == "" || f.Size == 0 {
			t.Errorf("%s: loaded without size or SHA-256: %+v", f.Path, f)
		}
	}
	if s.RPKI.Len() == 0 || s.IRR.Routes() == 0 || s.ASRel == nil || s.PeeringDB == nil || s.Bogons == nil || len(s.Delegated) == 0 {
		t.Fatalf("incomplete set: %+v", s.Loaded)
	}
	t.Logf("loaded %v; %d VRPs, %d IRR routes, %d MRT files", s.Loaded, s.RPKI.Len(), s.IRR.Routes(), len(s.MRT))
}

// BenchmarkLoad_SharedData loads every VRP, IRR, AS relationship,
// delegated statistics, bogon and PeeringDB file of the shared data (all
// three AS relationship files are read; Load keeps one).
func BenchmarkLoad_SharedData(b *testing.B) {
	ctx := context.Background()
	files, err := Discover(ctx, testenv.SharedData(b))
	if err != nil {
		b.Fatal(err)
	}
	var bytes int64
	for _, f := range files {
		if f.Kind != KindMRT && f.Kind != KindUnknown {
			bytes += f.Size
		}
	}
	b.SetBytes(bytes)
	b.ReportAllocs()
	var peak uint64
	for b.Loop() {
		s, err := Load(ctx, files, Options{Damaged: &inputerr.Log{}})
		if err != nil {
			b.Fatal(err)
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapAlloc)
		runtime.KeepAlive(s)
	}
	b.ReportMetric(float64(peak)/(1<<20), "heap_MiB")
}

func TestNameDate(t *testing.T) {
	for name, want := range map[string]string{
		"as-relationships/20140101.as-rel.txt":                     "2014-01-01",
		"mrt/ribs/routeviews.route-views.jinx.ribs.1401487200.bz2": "2014-05-30",
		"mrt/ribs/bview.20020722.2337.gz":                          "2002-07-22",
		"rpki/rpki-client-prepdev-20230504.json.gz":                "2023-05-04",
		"peeringdb/20260416/prod-anon/net-page-1.json":             "2026-04-16",
		"tmp/TestX1734584490/001/file.txt":                         "",
		"rir-delegated/2014/delegated-apnic-latest":                "",
		"bogons/fullbogons-ipv4.txt":                               "",
	} {
		got := NameDate(name)
		if (want == "" && !got.IsZero()) || (want != "" && got.Format(time.DateOnly) != want) {
			t.Errorf("NameDate(%q) = %v, want %q", name, got, want)
		}
	}
}

func TestDiscover_FollowsLinks(t *testing.T) {
	// Targets are real paths: the shared data directory may itself be
	// reached through a link (a CI copy beside a clone, a developer's
	// checkout).
	root, err := filepath.EvalSymlinks(testenv.SharedData(t))
	if err != nil {
		t.Fatal(err)
	}
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []struct{ target, name string }{
		{filepath.Join(root, "irr"), "irr"},
		{filepath.Join(root, "as-relationships", "20140101.as-rel.txt"), "rel.txt"},
		{filepath.Join(root, "irr"), "irr-again"}, // a directory reached twice is walked once
		{filepath.Join(dir, "nowhere"), "dangling"},
	} {
		if err := os.Symlink(l.target, filepath.Join(dir, l.name)); err != nil {
			t.Fatal(err)
		}
	}
	files, err := Discover(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range files {
		rel, _ := filepath.Rel(dir, f.Path)
		got[filepath.ToSlash(rel)] = string(f.Kind) + " " + f.Target + f.Problem
	}
	want := map[string]string{
		"irr/autnum-AS3257.txt":              "irr " + filepath.Join(root, "irr", "autnum-AS3257.txt"),
		"irr/ripe-db-route-sample-2016.txt":  "irr " + filepath.Join(root, "irr", "ripe-db-route-sample-2016.txt"),
		"irr/ripe-db-route6-sample-2016.txt": "irr " + filepath.Join(root, "irr", "ripe-db-route6-sample-2016.txt"),
		"rel.txt":                            "as-rel " + filepath.Join(root, "as-relationships", "20140101.as-rel.txt"),
		"dangling":                           "unknown dangling symbolic link to " + filepath.Join(dir, "nowhere"),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files found through links mismatch (-want +got):\n%s", diff)
	}
}

// TestDiscover_LinkLoop checks that a link back to a directory being
// walked is refused with an error naming it, directly or through another
// directory.
func TestDiscover_LinkLoop(t *testing.T) {
	for _, tc := range []struct {
		name  string
		links map[string]string // link → target, relative to the data directory
	}{
		{"to itself", map[string]string{"loop": "."}},
		{"to its parent", map[string]string{"sub/up": ".."}},
		{"through a sibling", map[string]string{"a/to-b": "../b", "b/to-a": "../a"}},
		{"chain of links", map[string]string{"x": "y", "y": "x"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for link, target := range tc.links {
				p := filepath.Join(dir, link)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.MkdirAll(filepath.Join(dir, "a"), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.MkdirAll(filepath.Join(dir, "b"), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(target, p); err != nil {
					t.Fatal(err)
				}
			}
			_, err := Discover(context.Background(), dir)
			if err == nil || !strings.Contains(err.Error(), "symbolic link") {
				t.Errorf("Discover() error = %v, want a symbolic link loop", err)
			}
		})
	}
}

func TestLoad_PicksOneASRel(t *testing.T) {
	ctx := context.Background()
	root := testenv.SharedData(t)
	var files []File
	for _, y := range []string{"20140101", "20170101", "20180101"} {
		f, err := Identify(ctx, filepath.Join(root, "as-relationships", y+".as-rel.txt"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	s, err := Load(ctx, files, Options{Month: time.Date(2017, 5, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Files) != 1 || filepath.Base(s.Files[0].Path) != "20170101.as-rel.txt" {
		t.Errorf("used %v, want only the 2017 file", s.Files)
	}
	if st := s.ASRel.Stats(); st.Links != 239876 {
		t.Errorf("graph has %d links, want the 2017 file's 239,876", st.Links)
	}
	if len(s.NotUsed) != 2 || !strings.Contains(s.NotUsed[0].Reason, "2014-01-01 is 3 years 4 months from 2017-05; nearer: 2017-01-01") {
		t.Errorf("not used %+v, want the 2014 and 2018 files with why", s.NotUsed)
	}
}

func TestExplicit(t *testing.T) {
	ctx := context.Background()
	vrps := testenv.File(t, "rpki/ripe-ncc-test-roas-2016.csv")
	if fs, err := Explicit(ctx, KindVRP, vrps); err != nil || len(fs) != 1 || fs[0].Kind != KindVRP {
		t.Errorf("Explicit(vrp, %s) = %v, %v", vrps, fs, err)
	}
	if _, err := Explicit(ctx, KindIRR, vrps); err == nil || !strings.Contains(err.Error(), "given as irr, but its content is vrp") {
		t.Errorf("a VRP file given as IRR: %v", err)
	}
	dir := filepath.Dir(testenv.File(t, "irr/ripe-db-route-sample-2016.txt"))
	fs, err := Explicit(ctx, KindIRR, dir)
	if err != nil || len(fs) < 2 {
		t.Errorf("Explicit(irr, %s) = %v, %v", dir, fs, err)
	}
	if _, err := Explicit(ctx, KindMRT, dir); err == nil {
		t.Error("a directory without MRT files given as MRT")
	}
	unknown := filepath.Join(t.TempDir(), "x.txt")
	os.WriteFile(unknown, []byte("nothing recognisable\n"), 0o644)
	if fs, err := Explicit(ctx, KindSpoofer, unknown); err != nil || fs[0].Kind != KindSpoofer {
		t.Errorf("an unrecognised file is taken as the kind given: %v, %v", fs, err)
	}
	if _, err := Explicit(ctx, KindVRP, "/nonexistent"); err == nil {
		t.Error("a missing path")
	}
}

// TestLoad_Damaged checks the one rule on a data directory with a damaged
// file of every text kind: each damaged record is reported (one line per
// file, naming the record and its offset) and skipped, the rest loaded;
// an unrecognised file is a warning; a strict Log fails on the first.
func TestLoad_Damaged(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	rel := strings.Repeat("1|2|-1\n", 12) + "garbage\n"
	bogons := strings.Repeat("10.0.0.0/8\n", 12) + "10.0.0.1/8\n"
	files := map[string]string{
		"org-page-1.json": `{"data": [{"id": 1, "name": "A", "address1": "x"}, {"id": 2, "name": 5, "address1": "y"}, {"id": 3, "na`,
		"ripe.db":         "route: 192.0.2.0/24\norigin: AS1\nsource: TEST\n\nroute: 198.51.100.0/24\norigin: ASx\nsource: TEST\n",
		"as-rel.txt":      rel,
		"bogons.txt":      bogons,
		"vrps.csv":        "ASN,IP Prefix,Max Length\nAS1,10.0.0.0/8,8\nASx,10.0.0.0/8,8\n",
		"delegated":       "2|apnic|20140522|2|19830613|20140521|+1000\napnic|JP|asn|173|1|20020801|allocated\napnic|JP|ipv4|1.2.3|256|20110811|assigned\n",
		"README":          "not data at all\n",
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	found, err := Discover(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	var log inputerr.Log
	s, err := Load(ctx, found, Options{Damaged: &log})
	if err != nil {
		t.Fatalf("Load() error: %v", err)
	}
	want := map[string]string{
		"org-page-1.json": "2 damaged records skipped: record 2 at byte offset 51",
		"ripe.db":         "1 damaged record skipped: record 2 at byte offset 46",
		"as-rel.txt":      fmt.Sprintf("1 damaged record skipped: record 13 at byte offset %d", len(rel)-8),
		"bogons.txt":      fmt.Sprintf("1 damaged record skipped: record 13 at byte offset %d", len(bogons)-11),
		"vrps.csv":        "1 damaged record skipped: record 3 at byte offset 42",
		"delegated":       "1 damaged record skipped: record 3 at byte offset 81",
	}
	got := map[string]string{}
	for _, l := range log.Lines() {
		name, rest, _ := strings.Cut(strings.TrimPrefix(l, dir+string(filepath.Separator)), ": ")
		got[name] = rest
	}
	for name, prefix := range want {
		if !strings.HasPrefix(got[name], prefix) {
			t.Errorf("%s: report %q, want it to start %q", name, got[name], prefix)
		}
	}
	if len(got) != len(want) {
		t.Errorf("reports for %d files, want %d: %q", len(got), len(want), log.Lines())
	}
	if len(s.Warnings) != 1 || !strings.HasPrefix(s.Warnings[0], "1 file not recognised, not read: "+filepath.Join(dir, "README")) {
		t.Errorf("Warnings = %q, want the README not recognised", s.Warnings)
	}
	if s.RPKI.Len() != 1 || s.IRR.Routes() != 1 || s.ASRel.Stats().Links != 1 || len(s.Delegated) != 1 || len(s.Delegated[0].Records) != 1 {
		t.Errorf("what was not damaged was not all loaded: %d VRPs, %d IRR routes, %d links", s.RPKI.Len(), s.IRR.Routes(), s.ASRel.Stats().Links)
	}
	if _, err := Load(ctx, found, Options{Damaged: &inputerr.Log{Strict: true}}); !errors.As(err, new(*inputerr.Error)) {
		t.Errorf("Load() with a strict Log = %v, want the first damaged record", err)
	}
}
