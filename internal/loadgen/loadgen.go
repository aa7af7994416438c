// Package loadgen sends HTTP requests at a constant rate (an open loop, as
// wrk2 does) and reports latency percentiles. Each request's latency is
// measured from the instant the schedule says it should have been sent,
// not from when a worker got to it, so a server that stalls is charged
// for the requests queued behind the stall (no coordinated omission).
package loadgen

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Config is one run.
type Config struct {
	// URLs are requested in turn, round robin.
	URLs []string
	// Header is sent with every request (an Authorization, say).
	Header http.Header
	// Rate is requests a second; Duration how long to send them.
	Rate     int
	Duration time.Duration
	// Workers bounds the requests in flight (default 256): when all are
	// busy, scheduled requests wait, and their wait counts as latency.
	Workers int
}

// Result is what a run measured.
type Result struct {
	Sent, Errors int           // Errors: transport errors and non-2xx answers
	Elapsed      time.Duration // from the first scheduled send to the last answer
	latencies    []time.Duration
}

// Rate returns the answered requests a second.
func (r *Result) Rate() float64 { return float64(r.Sent-r.Errors) / r.Elapsed.Seconds() }

// Percentile returns the latency below which p percent of the requests
// were answered (nearest rank).
func (r *Result) Percentile(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	i := int(p / 100 * float64(len(r.latencies)))
	return r.latencies[min(i, len(r.latencies)-1)]
}

func (r *Result) String() string {
	return fmt.Sprintf("%d requests, %d errors, %.0f req/s, p50 %v, p90 %v, p99 %v, p99.9 %v, max %v",
		r.Sent, r.Errors, r.Rate(), r.Percentile(50), r.Percentile(90), r.Percentile(99), r.Percentile(99.9), r.Percentile(100))
}

// Run sends the requests of c until c.Duration has passed or ctx ends.
func Run(ctx context.Context, c Config) (*Result, error) {
	if len(c.URLs) == 0 || c.Rate <= 0 || c.Duration <= 0 {
		return nil, fmt.Errorf("loadgen: URLs, Rate and Duration are required")
	}
	if c.Workers <= 0 {
		c.Workers = 256
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConns: c.Workers, MaxIdleConnsPerHost: c.Workers,
		IdleConnTimeout: time.Minute}, Timeout: 30 * time.Second}
	n := int(c.Duration.Seconds() * float64(c.Rate))
	due := make(chan int, n) // the index of each scheduled request
	interval := time.Second / time.Duration(c.Rate)
	start := time.Now()
	lat := make([]time.Duration, n)
	failed := make([]bool, n)
	var wg sync.WaitGroup
	for range c.Workers {
		wg.Go(func() {
			for i := range due {
				at := start.Add(time.Duration(i) * interval)
				failed[i] = get(ctx, hc, c.URLs[i%len(c.URLs)], c.Header) != nil
				lat[i] = time.Since(at)
			}
		})
	}
	sent := schedule(ctx, start, interval, n, due)
	close(due)
	wg.Wait()
	res := &Result{Sent: sent, Elapsed: time.Since(start), latencies: lat[:sent]}
	for _, f := range failed[:sent] {
		if f {
			res.Errors++
		}
	}
	slices.Sort(res.latencies)
	return res, ctx.Err()
}

// schedule hands out request indices at their due times and returns how
// many it handed out. It sleeps only when ahead of the schedule, so a late
// wake-up is followed by a burst that catches up.
func schedule(ctx context.Context, start time.Time, interval time.Duration, n int, due chan<- int) int {
	for i := range n {
		if ctx.Err() != nil {
			return i
		}
		if d := time.Until(start.Add(time.Duration(i) * interval)); d > 0 {
			time.Sleep(d)
		}
		due <- i
	}
	return n
}

// get sends one GET and reads the answer whole.
func get(ctx context.Context, hc *http.Client, url string, h http.Header) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	if h != nil {
		req.Header = h // only read by the transport
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	return nil
}
