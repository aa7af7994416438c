package fetch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/sources"
	"github.com/observatory-net/observatory/internal/testenv"
)

// faultServer serves real files under fixed paths, with the faults the
// fetcher must survive. It counts requests per path and records Range
// headers.
type faultServer struct {
	mu       sync.Mutex
	requests map[string]int
	ranges   map[string]string
	files    map[string][]byte
}

func (s *faultServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests[r.URL.Path]++
	n := s.requests[r.URL.Path]
	if v := r.Header.Get("Range"); v != "" {
		s.ranges[r.URL.Path] = v
	}
	s.mu.Unlock()
	switch {
	case strings.HasPrefix(r.URL.Path, "/flaky/") && n <= 2:
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	case strings.HasPrefix(r.URL.Path, "/down/"):
		http.Error(w, "broken", http.StatusInternalServerError)
		return
	}
	b, ok := s.files[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(b)) // answers Range requests
}

func readShared(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(testenv.File(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFetch_FaultsAreReportedNotFatal(t *testing.T) {
	gz := readShared(t, "mrt/updates/ris.rrc06.updates.1401488100.gz")
	bz := readShared(t, "mrt/updates/routeviews.route-views.jinx.updates.1401493500.bz2")
	bogons := readShared(t, "bogons/fullbogons-ipv4.txt")
	corruptBz := bytes.Clone(bz)
	for i := len(bz) / 2; i < len(bz)/2+16; i++ {
		corruptBz[i] ^= 0xff
	}
	srv := &faultServer{requests: map[string]int{}, ranges: map[string]string{}, files: map[string][]byte{
		"/ok/updates.gz":      gz,
		"/flaky/bogons.txt":   bogons,
		"/down/bogons.txt":    bogons,
		"/trunc/updates.gz":   gz[:len(gz)/2],
		"/corrupt/updates.bz": corruptBz,
		"/resume/updates.bz2": bz,
		"/kind/bogons.txt":    bogons,
		"/alt/second.gz":      gz,
	}}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	dest := t.TempDir()
	// A partial download of /resume, as a killed fetch leaves it.
	part := filepath.Join(dest, "rv", "resume", "updates.bz2.part")
	if err := os.MkdirAll(filepath.Dir(part), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(part, bz[:len(bz)/3], 0o644); err != nil {
		t.Fatal(err)
	}
	file := func(kind, p string, alts ...string) sources.File {
		f := sources.File{Source: "rv", Kind: kind}
		for _, x := range append([]string{p}, alts...) {
			// The catalogue's real host: the mirror stands for it.
			f.Locations = append(f.Locations, sources.Location{URL: "https://archive.example" + x, Path: "rv" + x})
		}
		return f
	}
	files := []sources.File{
		file("mrt", "/ok/updates.gz"),
		file("mrt", "/missing/updates.gz"),
		file("bogon-list", "/flaky/bogons.txt"),
		file("bogon-list", "/down/bogons.txt"),
		file("mrt", "/trunc/updates.gz"),
		file("mrt", "/corrupt/updates.bz"),
		file("mrt", "/resume/updates.bz2"),
		file("mrt", "/kind/bogons.txt"),
		file("mrt", "/alt/first.gz", "/alt/second.gz"),
	}
	opt := Options{Dest: dest, Mirror: ts.URL, Concurrency: 3, Attempts: 3, Backoff: time.Millisecond}
	rep, err := Fetch(context.Background(), "2014-05", files, opt)
	if err != nil {
		t.Fatal(err)
	}
	type outcome struct {
		Status  Status
		Reason  string
		Resumed bool
	}
	got := map[string]outcome{}
	for _, r := range rep.Files {
		reason, _, _ := strings.Cut(r.Reason, ":") // the decoder's own words follow
		got[strings.TrimPrefix(r.URL, "https://archive.example")] = outcome{r.Status, reason, r.Resumed}
	}
	want := map[string]outcome{
		"/ok/updates.gz":      {Fetched, "", false},
		"/missing/updates.gz": {Missing, "HTTP 404", false},
		"/flaky/bogons.txt":   {Fetched, "", false},
		"/down/bogons.txt":    {Failed, "HTTP 500 after 3 attempts", false},
		"/trunc/updates.gz":   {Corrupt, "corrupt gzip", false},
		"/corrupt/updates.bz": {Corrupt, "corrupt bzip2", false},
		"/resume/updates.bz2": {Fetched, "", true},
		"/kind/bogons.txt":    {Corrupt, "content is bogon-list, not mrt", false},
		"/alt/second.gz":      {Fetched, "", false},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Fetch() outcomes mismatch (-want +got):\n%s", diff)
	}
	if r := srv.ranges["/resume/updates.bz2"]; r != "bytes="+strconv.Itoa(len(bz)/3)+"-" {
		t.Errorf("resume Range = %q, want bytes=%d-", r, len(bz)/3)
	}
	for _, r := range rep.Usable() {
		b, err := os.ReadFile(r.Path)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if r.SHA256 != hex.EncodeToString(sum[:]) || r.Size != int64(len(b)) {
			t.Errorf("%s: manifest size/sha %d %s do not match the file", r.URL, r.Size, r.SHA256)
		}
	}
	m, err := ReadManifest(filepath.Join(dest, ManifestName("2014-05")))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rep, m); diff != "" {
		t.Errorf("manifest mismatch (-want +got):\n%s", diff)
	}
	if n := len(rep.Lines()); n != 1+5+1 {
		t.Errorf("coverage has %d lines, want a summary, 5 problems and a note:\n%s", n, strings.Join(rep.Lines(), "\n"))
	}

	// A second fetch takes the verified files from the cache and asks the
	// server only for the others.
	before := srv.requests["/ok/updates.gz"]
	rep2, err := Fetch(context.Background(), "2014-05", files, opt)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rep2.Files {
		if rep.Files[i].Usable() != (r.Status == Cached) {
			t.Errorf("second fetch of %s: %s, first was %s", r.URL, r.Status, rep.Files[i].Status)
		}
	}
	if srv.requests["/ok/updates.gz"] != before {
		t.Error("a cached file was downloaded again")
	}
}

func TestFetch_MirrorDirectory(t *testing.T) {
	mirror := t.TempDir()
	bogons := readShared(t, "bogons/fullbogons-ipv4.txt")
	p := filepath.Join(mirror, "Services", "Bogons", "fullbogons-ipv4.txt")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, bogons, 0o644); err != nil {
		t.Fatal(err)
	}
	files := []sources.File{
		{Source: "bogons", Kind: "bogon-list", Locations: []sources.Location{{URL: "https://www.team-cymru.org/Services/Bogons/fullbogons-ipv4.txt", Path: "bogons/v4.txt"}}},
		{Source: "bogons", Kind: "bogon-list", Locations: []sources.Location{{URL: "https://www.team-cymru.org/Services/Bogons/fullbogons-ipv6.txt", Path: "bogons/v6.txt"}}},
	}
	rep, err := Fetch(context.Background(), "2014-05", files, Options{Dest: t.TempDir(), Mirror: mirror})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Files[0].Status != Fetched || rep.Files[1].Status != Missing {
		t.Errorf("statuses %s, %s; want fetched, missing", rep.Files[0].Status, rep.Files[1].Status)
	}
}
