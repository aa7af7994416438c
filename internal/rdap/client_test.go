package rdap

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// newServer serves the hand-written answers as an RDAP server would:
// /autnum/<n> with application/rdap+json, 404 with an error answer.
func newServer(t *testing.T, hits *atomic.Int32, times *[]time.Time) *httptest.Server {
	t.Helper()
	answers := map[string]string{"/autnum/64496": "testdata/arin-AS64496.json", "/autnum/64497": "testdata/lacnic-AS64497.json"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		*times = append(*times, time.Now())
		w.Header().Set("Content-Type", "application/rdap+json")
		p, ok := answers[r.URL.Path]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(mustRead(t, "testdata/error-404.json")))
			return
		}
		w.Write([]byte(mustRead(t, p)))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestClient_Autnum(t *testing.T) {
	var hits atomic.Int32
	var times []time.Time
	srv := newServer(t, &hits, &times)
	dir := t.TempDir()
	c := &Client{Dir: dir, Servers: map[string]string{"arin": srv.URL + "/", "lacnic": srv.URL}, Interval: 100 * time.Millisecond}
	ctx := context.Background()

	a, cached, err := c.Autnum(ctx, "arin", 64496)
	if err != nil || cached || a.Contact == nil || a.Contact.Handle != "IPADD1-ARIN" {
		t.Fatalf("Autnum(arin, AS64496) = %+v, cached %v, %v", a, cached, err)
	}
	if _, err := os.Stat(CachePath(dir, "arin", 64496)); err != nil {
		t.Fatalf("answer not cached: %v", err)
	}
	if _, cached, err := c.Autnum(ctx, "arin", 64496); err != nil || !cached {
		t.Fatalf("second Autnum(arin, AS64496): cached %v, %v; want from the cache", cached, err)
	}
	if _, _, err := c.Autnum(ctx, "lacnic", 64497); err != nil {
		t.Fatalf("Autnum(lacnic, AS64497): %v", err)
	}
	_, _, err = c.Autnum(ctx, "lacnic", 64511)
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("Autnum(lacnic, AS64511) error %v, want ErrNotFound", err)
	}
	if _, err := os.Stat(CachePath(dir, "lacnic", 64511)); !os.IsNotExist(err) {
		t.Errorf("a 404 was cached: %v", err)
	}
	if got := hits.Load(); got != 3 {
		t.Errorf("%d requests, want 3 (one answer from the cache)", got)
	}
	for i := 1; i < len(times); i++ {
		if d := times[i].Sub(times[i-1]); d < 90*time.Millisecond {
			t.Errorf("requests %d and %d %v apart, want at least the 100ms interval", i-1, i, d)
		}
	}
	if _, _, err := c.Autnum(ctx, "ripencc", 1); err == nil || !strings.Contains(err.Error(), "no server") {
		t.Errorf("Autnum(ripencc) error %v, want no server known", err)
	}
}

func TestClient_wait_cancelled(t *testing.T) {
	c := &Client{Dir: t.TempDir(), Interval: time.Hour}
	c.last = time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.wait(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("wait() = %v, want context.Canceled", err)
	}
}
