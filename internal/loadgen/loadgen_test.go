package loadgen

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// TestRun sends 200 requests a second for half a second to a server that
// sleeps 20 ms on every tenth, and checks the count, the errors and that
// the slow ones show at p99 but not at p50.
func TestRun(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Test") != "yes" {
			w.WriteHeader(http.StatusForbidden)
		}
		if n.Add(1)%10 == 0 {
			time.Sleep(20 * time.Millisecond)
		}
	}))
	defer srv.Close()
	res, err := Run(context.Background(), Config{URLs: []string{srv.URL + "/a", srv.URL + "/b"},
		Header: http.Header{"X-Test": {"yes"}}, Rate: 200, Duration: 500 * time.Millisecond, Workers: 8})
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent != 100 || res.Errors != 0 || n.Load() != 100 {
		t.Errorf("Run() = %v; server saw %d, want 100 without errors", res, n.Load())
	}
	if res.Percentile(99) < 20*time.Millisecond || res.Percentile(50) >= 20*time.Millisecond {
		t.Errorf("Run() = %v: want the 10%% slow requests at p99 only", res)
	}
	bad, err := Run(context.Background(), Config{URLs: []string{srv.URL}, Rate: 100, Duration: 100 * time.Millisecond})
	if err != nil || bad.Errors != bad.Sent || bad.Sent != 10 {
		t.Errorf("Run() without the header = %v, %v: want every request an error", bad, err)
	}
}
