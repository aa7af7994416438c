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
}

func newLoadgenCmd() *cobra.Command {
	var o loadgenOptions
	cmd := &cobra.Command{
		Use:   "loadgen --rate N --duration D [--header 'K: V'] (URL... | --urls FILE)",
		Short: "Send GETs at a constant rate and print latency percentiles (for scripts/loadtest)",
		Long: `loadgen is an open-loop load generator: it sends --rate requests a second,
whether or not earlier ones were answered, and measures each latency from the
instant it was due, so that stalls of the server count in full. The URLs are
requested in turn. It prints one line: requests, errors, req/s and p50, p90,
p99, p99.9 and max latency.`,
		Hidden: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			urls := args
			if o.urlsFile != "" {
				more, err := readLines(o.urlsFile)
				if err != nil {
					return usageError(err)
				}
				urls = append(urls, more...)
			}
			h := http.Header{}
			for _, kv := range o.headers {
				k, v, ok := strings.Cut(kv, ":")
				if !ok {
					return usageError(fmt.Errorf("--header %q: want 'Name: value'", kv))
				}
				h.Add(strings.TrimSpace(k), strings.TrimSpace(v))
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
	return cmd
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
