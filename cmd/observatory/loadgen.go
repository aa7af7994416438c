package main

import (
	"bufio"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/observatory-net/observatory/internal/loadgen"
)

func init() { register(newLoadgenCmd) }

type loadgenOptions struct {
	rate, workers int
	duration      time.Duration
	headers       []string
	urlsFile      string

	// The burst mode (finding 2 of issue 17).
	burstFile, health, probeFile string
	probeHeaders                 []string
	probeRate                    int
	healthEvery, timeout         time.Duration
}

func newLoadgenCmd() *cobra.Command {
	var o loadgenOptions
	cmd := &cobra.Command{
		Use:   "loadgen [--header 'K: V'] (--rate N --duration D (URL... | --urls FILE) | --burst FILE --health URL [--probe-urls FILE])",
		Short: "Send GETs at a constant rate and print latency percentiles (for scripts/loadtest)",
		Long: `loadgen is an open-loop load generator: it sends --rate requests a second,
whether or not earlier ones were answered, and measures each latency from the
instant it was due, so that stalls of the server count in full. The URLs are
requested in turn. It prints one line: requests, errors, req/s and p50, p90,
p99, p99.9 and max latency.

With --burst it requests every URL of the file once, all at the same
instant, while it polls --health every --health-every and requests the
--probe-urls in turn at --probe-rate (open loop, with --probe-header), from
300 ms before the burst until 500 ms after its last answer. It prints three
lines of key=value figures: the burst's answers by status and its time,
and the requests, failures (non-2xx) and p50, p99 and max latency of the
polls and of the probes.`,
		Hidden: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.burstFile != "" {
				return runBurst(cmd, o)
			}
			urls := args
			if o.urlsFile != "" {
				more, err := readLines(o.urlsFile)
				if err != nil {
					return usageError(err)
				}
				urls = append(urls, more...)
			}
			h, err := parseHeaders("--header", o.headers)
			if err != nil {
				return err
			}
			res, err := loadgen.Run(cmd.Context(), loadgen.Config{URLs: urls, Header: h, Rate: o.rate,
				Duration: o.duration, Workers: o.workers})
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), res)
			return err
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.rate, "rate", 5000, "requests a second")
	f.DurationVar(&o.duration, "duration", 15*time.Second, "how long to send")
	f.IntVar(&o.workers, "workers", 256, "requests in flight at most")
	f.StringArrayVar(&o.headers, "header", nil, "a header sent with every request, 'Name: value' (repeatable)")
	f.StringVar(&o.urlsFile, "urls", "", "a file of URLs, one a line")
	f.StringVar(&o.burstFile, "burst", "", "burst mode: a file of URLs, one a line, requested all at once (with --header)")
	f.StringVar(&o.health, "health", "", "burst mode: the URL polled throughout")
	f.DurationVar(&o.healthEvery, "health-every", 20*time.Millisecond, "burst mode: how often --health is polled")
	f.StringVar(&o.probeFile, "probe-urls", "", "burst mode: a file of URLs requested in turn throughout")
	f.IntVar(&o.probeRate, "probe-rate", 200, "burst mode: probe requests a second")
	f.StringArrayVar(&o.probeHeaders, "probe-header", nil, "burst mode: a header of every probe, 'Name: value' (repeatable)")
	f.DurationVar(&o.timeout, "timeout", time.Minute, "burst mode: how long a request, and the run after the burst, may take")
	return cmd
}

// runBurst is loadgen --burst.
func runBurst(cmd *cobra.Command, o loadgenOptions) error {
	if o.health == "" {
		return usageError(fmt.Errorf("--burst needs --health"))
	}
	burst, err := readLines(o.burstFile)
	if err != nil {
		return usageError(err)
	}
	var probes []string
	if o.probeFile != "" {
		if probes, err = readLines(o.probeFile); err != nil {
			return usageError(err)
		}
	}
	bh, err := parseHeaders("--header", o.headers)
	if err != nil {
		return err
	}
	ph, err := parseHeaders("--probe-header", o.probeHeaders)
	if err != nil {
		return err
	}
	res, err := loadgen.RunBurst(cmd.Context(), loadgen.BurstConfig{Burst: burst, BurstHeader: bh, Health: o.health,
		HealthEvery: o.healthEvery, Probe: probes, ProbeHeader: ph, ProbeRate: o.probeRate, Timeout: o.timeout})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(cmd.OutOrStdout(), res)
	return err
}

// parseHeaders reads 'Name: value' flags.
func parseHeaders(flag string, kvs []string) (http.Header, error) {
	h := http.Header{}
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, ":")
		if !ok {
			return nil, usageError(fmt.Errorf("%s %q: want 'Name: value'", flag, kv))
		}
		h.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	return h, nil
}

// readLines returns the non-empty lines of a file.
func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			out = append(out, l)
		}
	}
	return out, sc.Err()
}
