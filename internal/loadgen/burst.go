package loadgen

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// BurstConfig is a burst run (scripts/loadtest, finding 2 of issue 17):
// every Burst URL is requested once, all at the same instant, while Health
// is polled every HealthEvery and the Probe URLs are requested in turn at
// ProbeRate, from Lead before the burst until Tail after its last answer.
// Polls and probes are an open loop, as Run's requests: each latency runs
// from the instant the request was due. Those due before the burst warm
// the connections up and are not counted.
type BurstConfig struct {
	Burst       []string
	BurstHeader http.Header
	Health      string
	HealthEvery time.Duration // default 20 ms
	Probe       []string
	ProbeHeader http.Header
	ProbeRate   int           // requests a second (default 200)
	Lead, Tail  time.Duration // default 300 ms and 500 ms
	// Timeout bounds each request and the whole run after the burst
	// (default 60 s): an old server that stalls for half a minute is
	// measured, one that hangs does not hang the run.
	Timeout time.Duration
}

// Series is what a stream of requests measured.
type Series struct {
	Requests, Bad int         // Bad: transport errors and non-2xx answers
	Statuses      map[int]int // answers by status; 0: transport errors
	latencies     []time.Duration
	samples       []sample // as they came, before the burst included
}

// sample is one request of a stream.
type sample struct {
	due    time.Time
	lat    time.Duration
	status int // 0: a transport error
}

// since keeps the samples due at or after t.
func (s *Series) since(t time.Time) {
	s.Requests, s.Bad, s.Statuses, s.latencies = 0, 0, map[int]int{}, nil
	for _, x := range s.samples {
		if x.due.Before(t) {
			continue
		}
		s.Requests++
		s.Statuses[x.status]++
		if x.status/100 != 2 {
			s.Bad++
		}
		s.latencies = append(s.latencies, x.lat)
	}
	slices.Sort(s.latencies)
}

// Percentile returns the latency below which p percent of the requests
// were answered (nearest rank).
func (s *Series) Percentile(p float64) time.Duration {
	if len(s.latencies) == 0 {
		return 0
	}
	i := int(p / 100 * float64(len(s.latencies)))
	return s.latencies[min(i, len(s.latencies)-1)]
}

// String gives the figures as key=value pairs, latencies in milliseconds.
func (s *Series) String() string {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d)/float64(time.Millisecond)) }
	return fmt.Sprintf("requests=%d bad=%d p50_ms=%s p99_ms=%s max_ms=%s%s",
		s.Requests, s.Bad, ms(s.Percentile(50)), ms(s.Percentile(99)), ms(s.Percentile(100)), statuses(s.Statuses))
}

// statuses gives answers by status as " status_200=9 status_429=1".
func statuses(m map[int]int) string {
	codes := make([]int, 0, len(m))
	for c := range m {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	var b strings.Builder
	for _, c := range codes {
		fmt.Fprintf(&b, " status_%d=%d", c, m[c])
	}
	return b.String()
}

// BurstResult is what a burst run measured.
type BurstResult struct {
	Statuses     map[int]int   // answers of the burst by status; 0: transport errors
	BurstElapsed time.Duration // from the burst to its last answer
	Health       Series
	Probe        Series
}

// String gives the figures, one line for the burst, the polls and the
// probes, as key=value pairs.
func (r *BurstResult) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "burst requests=%d elapsed_ms=%.1f%s", sum(r.Statuses), float64(r.BurstElapsed)/float64(time.Millisecond),
		statuses(r.Statuses))
	fmt.Fprintf(&b, "\nhealthz %s\nprobe %s", &r.Health, &r.Probe)
	return b.String()
}

func sum(m map[int]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// RunBurst runs c until the burst is answered and Tail has passed, or ctx
// ends.
func RunBurst(ctx context.Context, c BurstConfig) (*BurstResult, error) {
	if len(c.Burst) == 0 || c.Health == "" {
		return nil, fmt.Errorf("loadgen: burst URLs and a health URL are required")
	}
	c.defaults()
	ctx, cancel := context.WithTimeout(ctx, c.Lead+c.Timeout+c.Tail)
	defer cancel()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	res := &BurstResult{}
	var healthMu, probeMu sync.Mutex
	wg.Go(func() {
		every(ctx, stop, c.HealthEvery, newClient(64, c.Timeout), []string{c.Health}, nil, &res.Health, &healthMu)
	})
	if len(c.Probe) > 0 {
		wg.Go(func() {
			every(ctx, stop, time.Second/time.Duration(c.ProbeRate), newClient(256, c.Timeout), c.Probe, c.ProbeHeader, &res.Probe, &probeMu)
		})
	}
	select {
	case <-time.After(c.Lead):
	case <-ctx.Done():
	}
	start := time.Now()
	res.Statuses, res.BurstElapsed = burst(ctx, newClient(len(c.Burst), c.Timeout), c.Burst, c.BurstHeader)
	select {
	case <-time.After(c.Tail):
	case <-ctx.Done():
	}
	close(stop)
	wg.Wait()
	res.Health.since(start)
	res.Probe.since(start)
	return res, nil
}

func (c *BurstConfig) defaults() {
	if c.HealthEvery <= 0 {
		c.HealthEvery = 20 * time.Millisecond
	}
	if c.ProbeRate <= 0 {
		c.ProbeRate = 200
	}
	if c.Lead <= 0 {
		c.Lead = 300 * time.Millisecond
	}
	if c.Tail <= 0 {
		c.Tail = 500 * time.Millisecond
	}
	if c.Timeout <= 0 {
		c.Timeout = time.Minute
	}
}

// newClient returns a client of its own connection pool: the streams of
// a run must not queue behind one another's connections.
func newClient(conns int, timeout time.Duration) *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns,
		IdleConnTimeout: time.Minute}, Timeout: timeout}
}

// burst sends one request to every URL at once and returns the answers
// by status and the time to the last one.
func burst(ctx context.Context, hc *http.Client, urls []string, h http.Header) (map[int]int, time.Duration) {
	statuses := map[int]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	gate := make(chan struct{})
	for _, u := range urls {
		wg.Go(func() {
			<-gate
			code, _ := status(ctx, hc, u, h)
			mu.Lock()
			statuses[code]++
			mu.Unlock()
		})
	}
	start := time.Now()
	close(gate)
	wg.Wait()
	return statuses, time.Since(start)
}

// maxInFlight bounds the polls or probes in flight: when all are waiting
// for a stalled server, the next ones wait too, and their wait counts.
const maxInFlight = 256

// every requests urls in turn, one every interval, until stop is closed,
// and records each latency from its due instant in s.
func every(ctx context.Context, stop <-chan struct{}, interval time.Duration, hc *http.Client,
	urls []string, h http.Header, s *Series, mu *sync.Mutex) {
	var wg sync.WaitGroup
	defer wg.Wait()
	slots := make(chan struct{}, maxInFlight)
	start := time.Now()
	for i := 0; ; i++ {
		due := start.Add(time.Duration(i) * interval)
		select {
		case <-stop:
			return
		case <-ctx.Done():
			return
		case <-time.After(time.Until(due)):
		}
		select {
		case slots <- struct{}{}:
		case <-stop:
			return
		case <-ctx.Done():
			return
		}
		wg.Go(func() {
			defer func() { <-slots }()
			code, err := status(ctx, hc, urls[i%len(urls)], h)
			lat := time.Since(due)
			if ctx.Err() != nil && err != nil {
				return // the run ended under it
			}
			mu.Lock()
			defer mu.Unlock()
			s.samples = append(s.samples, sample{due, lat, code})
		})
	}
}

// status sends one GET, reads the answer whole and returns its status (0
// for a transport error).
func status(ctx context.Context, hc *http.Client, url string, h http.Header) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	if h != nil {
		req.Header = h.Clone()
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}
