package loadgen

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestRunBurst bursts ten requests at a server whose list answers take
// 200 ms and whose /healthz stalls while any list is in flight, and checks
// the statuses, the polls that saw the stall, and the probes.
func TestRunBurst(t *testing.T) {
	busy := make(chan struct{}, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/list":
			busy <- struct{}{}
			time.Sleep(200 * time.Millisecond)
			<-busy
			if r.URL.Query().Get("n") == "0" {
				w.WriteHeader(http.StatusBadRequest)
			}
		case "/healthz":
			for len(busy) > 0 {
				time.Sleep(time.Millisecond)
			}
		case "/probe":
			if r.Header.Get("X-Key") != "k" {
				w.WriteHeader(http.StatusUnauthorized)
			}
		}
	}))
	defer srv.Close()
	var lists []string
	for i := range 10 {
		lists = append(lists, srv.URL+"/list?n="+string(rune('0'+i)))
	}
	res, err := RunBurst(context.Background(), BurstConfig{Burst: lists, Health: srv.URL + "/healthz",
		HealthEvery: 10 * time.Millisecond, Probe: []string{srv.URL + "/probe"}, ProbeHeader: http.Header{"X-Key": {"k"}},
		ProbeRate: 100, Lead: 100 * time.Millisecond, Tail: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[int]int{200: 9, 400: 1}, res.Statuses); diff != "" {
		t.Errorf("RunBurst() statuses mismatch (-want +got):\n%s", diff)
	}
	if res.BurstElapsed < 200*time.Millisecond {
		t.Errorf("RunBurst() burst took %v, want at least the server's 200 ms", res.BurstElapsed)
	}
	if res.Health.Requests < 20 || res.Health.Bad != 0 || res.Health.Percentile(100) < 100*time.Millisecond {
		t.Errorf("RunBurst() healthz %v: want about 40 polls, none bad, the slowest held up by the burst", &res.Health)
	}
	if res.Health.Statuses[200] != res.Health.Requests {
		t.Errorf("RunBurst() healthz statuses %v, want only 200", res.Health.Statuses)
	}
	if res.Probe.Requests < 20 || res.Probe.Bad != 0 || res.Probe.Percentile(50) > 50*time.Millisecond {
		t.Errorf("RunBurst() probe %v: want about 40 fast probes, none bad", &res.Probe)
	}
	for _, want := range []string{"burst requests=10 ", " status_200=9 status_400=1", "\nhealthz requests=", "\nprobe requests="} {
		if !strings.Contains(res.String(), want) {
			t.Errorf("RunBurst().String() = %q, want it to contain %q", res, want)
		}
	}
}
