package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/observatory-net/observatory/internal/rdap"
)

// TestFetch_RDAP fills the RDAP cache from a local server serving the
// hand-written answers of internal/rdap/testdata (never the network): the
// ASNs come from the delegated statistics in --dest, a known ASN's answer
// is cached in the layout ingest reads, a 404 is counted and not cached,
// and a second run asks only for what is not cached.
func TestFetch_RDAP(t *testing.T) {
	answer, err := os.ReadFile("../../internal/rdap/testdata/lacnic-AS64497.json")
	if err != nil {
		t.Fatal(err)
	}
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path != "/rdap/autnum/64497" {
			http.Error(w, `{"errorCode":404}`, http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/rdap+json")
		w.Write(answer)
	}))
	defer srv.Close()
	dest := t.TempDir()
	delegated := "2|lacnic|20260401|3|19870101|20260401|-0300\nlacnic|*|asn|*|3|summary\n" +
		"lacnic|BR|asn|64497|1|20060705|allocated|x\nlacnic|AR|asn|64498|1|20060705|allocated|y\nlacnic|AR|asn|64499|1|20060705|reserved|z\n"
	if err := os.WriteFile(filepath.Join(dest, "delegated-lacnic-extended-20260401"), []byte(delegated), 0o644); err != nil {
		t.Fatal(err)
	}
	// An empty mirror: the catalogue's files are all missing, so the only
	// delegated statistics are those written above.
	args := []string{"fetch", "--month", "2014-05", "--mirror", t.TempDir(), "--dest", dest, "--quiet", "--rdap", "lacnic", "--rdap-server", "lacnic=" + srv.URL + "/rdap/", "--rdap-interval", "10ms"}
	if code, _ := runCLI(t, args...); code != 0 {
		t.Fatalf("fetch --rdap exit %d", code)
	}
	if got := hits.Load(); got != 2 {
		t.Errorf("%d RDAP requests, want 2 (the reserved ASN is not asked)", got)
	}
	f, err := os.Open(rdap.CachePath(dest, "lacnic", 64497))
	if err != nil {
		t.Fatalf("AS64497 not cached: %v", err)
	}
	defer f.Close()
	if a, err := rdap.Parse(f, f.Name()); err != nil || a.Contact == nil {
		t.Errorf("cached answer %+v, %v", a, err)
	}
	if _, err := os.Stat(rdap.CachePath(dest, "lacnic", 64498)); !os.IsNotExist(err) {
		t.Errorf("the 404 of AS64498 was cached: %v", err)
	}
	if code, _ := runCLI(t, args...); code != 0 || hits.Load() != 3 {
		t.Errorf("second run exit %d, %d requests in all, want 3 (AS64497 from the cache)", code, hits.Load())
	}
}
