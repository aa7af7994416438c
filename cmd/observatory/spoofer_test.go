package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/observatory-net/observatory/internal/fetch"
	"github.com/observatory-net/observatory/internal/spoofer"
)

// TestFetch_SpooferAPI runs observatory fetch with the built-in catalogue
// against a local server that stands for every host (never the network):
// it answers the Spoofer data API's two pages of May 2024 (the spoofer
// package's fixtures, in the API's JSON-LD shape) and 404 to the rest.
// The Spoofer file is fetched whole, both pages in it.
func TestFetch_SpooferAPI(t *testing.T) {
	pages := map[string]string{"": "../../internal/spoofer/testdata/sessions-page1.json", "2": "../../internal/spoofer/testdata/sessions-page2.json"}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		path, ok := pages[q.Get("page")]
		if r.URL.Path != "/sessions" || q.Get("timestamp[after]") != "2024-05-01" || q.Get("timestamp[strictly_before]") != "2024-06-01" || !ok {
			http.NotFound(w, r)
			return
		}
		http.ServeFile(w, r, path)
	}))
	defer ts.Close()
	dest := t.TempDir()
	code, out := runCLI(t, "fetch", "--month", "2024-05", "--mirror", ts.URL, "--dest", dest, "--format", "json", "--quiet")
	if code != 0 {
		t.Fatalf("fetch exit %d: %s", code, out)
	}
	var rep fetch.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	var got *fetch.Result
	for i, r := range rep.Files {
		if r.Source == "spoofer" {
			got = &rep.Files[i]
		}
	}
	if got == nil || got.Status != fetch.Fetched || got.Note != "2 pages" {
		t.Fatalf("spoofer result %+v, want fetched, 2 pages", got)
	}
	if rel, _ := filepath.Rel(dest, got.Path); rel != filepath.Join("spoofer", "2024-05-01", "sessions") {
		t.Errorf("cached as %s", rel)
	}
	recs, err := spoofer.LoadFile(context.Background(), got.Path, nil)
	if err != nil || len(recs) != 6 {
		t.Fatalf("fetched file: %d records, %v; want 6", len(recs), err)
	}
	if _, err := os.Stat(got.Path + ".part.page"); !os.IsNotExist(err) {
		t.Errorf("page file left behind: %v", err)
	}
}
