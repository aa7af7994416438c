// Command gate fails a pipeline when a network is not ready: it exits 1,
// with the reason on standard error, when any of the chosen scores of any
// ASN given is below the wanted level, 2 when it cannot tell, and 0 when
// all pass:
//
//	OBSERVATORY_URL=... [OBSERVATORY_TOKEN=...] gate [-min ready] [-scores filtering,routingInformationRPKI] AS3333 ...
//
// Without a key, a participant's ASN shows only its public scores; scores
// without data are skipped unless -strict.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/observatory-net/observatory/client"
)

func main() {
	minLevel := flag.String("min", "ready", "the level every score must reach: ready, aspiring or lagging")
	scores := flag.String("scores", "", "comma-separated score ids to check (default: all visible)")
	strict := flag.Bool("strict", false, "fail on scores without data too")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: gate [-min LEVEL] [-scores IDS] [-strict] ASN...")
		os.Exit(2)
	}
	var ids []client.ScoreID
	for s := range strings.SplitSeq(*scores, ",") {
		if s != "" {
			ids = append(ids, client.ScoreID(s))
		}
	}
	failures, err := check(context.Background(), flag.Args(), client.Level(*minLevel), ids, *strict)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gate:", err)
		os.Exit(2)
	}
	for _, f := range failures {
		fmt.Fprintln(os.Stderr, "gate:", f)
	}
	if len(failures) > 0 {
		os.Exit(1)
	}
	fmt.Printf("gate: %s at least %s\n", strings.Join(flag.Args(), ", "), *minLevel)
}

// check returns why each ASN falls short, empty when all pass.
func check(ctx context.Context, args []string, want client.Level, ids []client.ScoreID, strict bool) ([]string, error) {
	c, err := client.New(os.Getenv("OBSERVATORY_URL"), client.WithAPIKey(os.Getenv("OBSERVATORY_TOKEN")))
	if err != nil {
		return nil, err
	}
	var failures []string
	for _, arg := range args {
		asn, err := client.ParseASN(arg)
		if err != nil {
			return nil, err
		}
		as, err := c.AS(ctx, asn, nil)
		if client.IsNotFound(err) {
			failures = append(failures, fmt.Sprintf("%s is not measured in the newest month", asn))
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, s := range as.Scores {
			switch {
			case len(ids) > 0 && !slices.Contains(ids, s.ID):
			case !s.HasData && !strict:
			case !s.Level.AtLeast(want):
				failures = append(failures, fmt.Sprintf("%s is not %s: %s is %s (%s, %s)", asn, want, s.ID, s.Level, value(s.Value), as.Month.Format(client.MonthLayout)))
			}
		}
	}
	return failures, nil
}

func value(v *float64) string {
	if v == nil {
		return "no value"
	}
	return fmt.Sprintf("%.2f", *v)
}
