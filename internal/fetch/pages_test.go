package fetch

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/sources"
	"github.com/observatory-net/observatory/internal/spoofer"
)

// spooferAPI serves the Spoofer data API's /sessions pages of the spoofer
// package's fixtures, by the page query parameter, checking the month's
// range the catalogue asks for.
type spooferAPI struct {
	t      *testing.T
	pages  map[string][]byte
	mu     sync.Mutex
	served []string
}

func (s *spooferAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if r.URL.Path != "/sessions" || q.Get("timestamp[after]") != "2024-05-01" || q.Get("timestamp[strictly_before]") != "2024-06-01" || q.Get("itemsPerPage") != "1000" {
		s.t.Errorf("request %s: not the catalogue's query for 2024-05", r.URL)
		http.NotFound(w, r)
		return
	}
	page := q.Get("page")
	if page == "" {
		page = "1"
	}
	s.mu.Lock()
	s.served = append(s.served, page)
	s.mu.Unlock()
	b, ok := s.pages[page]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/ld+json; charset=utf-8")
	w.Write(b)
}

// spooferFile is the catalogue's Spoofer file of May 2024.
func spooferFile(t *testing.T) sources.File {
	t.Helper()
	files, err := sources.Default().Expand(time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.Source == "spoofer" {
			return f
		}
	}
	t.Fatal("no spoofer file in the catalogue's expansion")
	return sources.File{}
}

// TestFetch_spooferPages fetches the Spoofer source of the catalogue from
// a local server standing for api.spoofer.caida.org: the pages linked by
// hydra:next are followed into one file, which the Spoofer reader reads
// whole; a link that loops and a missing page make the file unusable,
// reported and not fatal.
func TestFetch_spooferPages(t *testing.T) {
	p1, err := os.ReadFile("../spoofer/testdata/sessions-page1.json")
	if err != nil {
		t.Fatal(err)
	}
	p2, err := os.ReadFile("../spoofer/testdata/sessions-page2.json")
	if err != nil {
		t.Fatal(err)
	}
	file := spooferFile(t)
	if file.Pages != "hydra" || !strings.HasPrefix(file.Name(), "https://api.spoofer.caida.org/sessions?") {
		t.Fatalf("catalogue file %+v: want the data API's sessions, paged", file)
	}
	loop := strings.Replace(string(p2), `"hydra:previous"`, `"hydra:next"`, 1)
	for name, tt := range map[string]struct {
		pages  map[string][]byte
		status Status
		reason string
		recs   int
	}{
		"two pages":        {map[string][]byte{"1": p1, "2": p2}, Fetched, "", 6},
		"a loop":           {map[string][]byte{"1": p1, "2": []byte(loop)}, Failed, "page 3: hydra:next https://api.spoofer.caida.org/sessions?timestamp%5Bafter%5D=2024-05-01&timestamp%5Bstrictly_before%5D=2024-06-01&itemsPerPage=1000&page=2 links to an earlier page", 0},
		"a missing page 2": {map[string][]byte{"1": p1}, Failed, "page 2 (https://api.spoofer.caida.org/sessions?timestamp%5Bafter%5D=2024-05-01&timestamp%5Bstrictly_before%5D=2024-06-01&itemsPerPage=1000&page=2): HTTP 404", 0},
	} {
		t.Run(name, func(t *testing.T) {
			api := &spooferAPI{t: t, pages: tt.pages}
			ts := httptest.NewServer(api)
			defer ts.Close()
			rep, err := Fetch(context.Background(), "2024-05", []sources.File{file}, Options{Dest: t.TempDir(), Mirror: ts.URL, Attempts: 1})
			if err != nil {
				t.Fatal(err)
			}
			res := rep.Files[0]
			if res.Status != tt.status || !strings.HasPrefix(res.Reason, tt.reason) || (tt.reason == "") != (res.Reason == "") {
				t.Fatalf("result %+v, want status %s, reason %q", res, tt.status, tt.reason)
			}
			if tt.recs == 0 {
				return
			}
			if res.Note != "2 pages" {
				t.Errorf("note %q, want 2 pages", res.Note)
			}
			recs, err := spoofer.LoadFile(context.Background(), res.Path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != tt.recs {
				t.Errorf("fetched file holds %d records, want %d", len(recs), tt.recs)
			}
		})
	}
}
