// Command myscores prints the scores, metrics and open incidents of one of
// your networks for the newest month:
//
//	OBSERVATORY_URL=http://127.0.0.1:8080 OBSERVATORY_TOKEN=obs_... myscores AS3333
//
// The token is a participant key for the network's participant, or a
// partner key.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/observatory-net/observatory/client"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: myscores ASN")
		os.Exit(2)
	}
	if err := run(context.Background(), os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "myscores:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, arg string) error {
	asn, err := client.ParseASN(arg)
	if err != nil {
		return err
	}
	c, err := client.New(os.Getenv("OBSERVATORY_URL"), client.WithAPIKey(os.Getenv("OBSERVATORY_TOKEN")))
	if err != nil {
		return err
	}
	d, err := c.ScoresDetails(ctx, asn, nil)
	if client.IsForbidden(err) {
		return fmt.Errorf("this key may not see %s: is it yours? (%w)", asn, err)
	}
	if err != nil {
		return err
	}
	fmt.Printf("%s %s, %s, %s (%s)\n", d.ASN, d.Holder, d.Country, d.Month.Format(client.MonthLayout), d.Spec)
	for _, s := range d.Scores {
		fmt.Printf("  %-24s %-9s %s\n", s.ID, s.Level, value(s.Value))
	}
	for _, m := range d.Metrics {
		fmt.Printf("  metric %-17s raw %-6s score %s\n", m.ID, value(m.Raw), value(m.Score))
	}
	open := 0
	for _, in := range d.Incidents {
		if !in.Excluded {
			open++
		}
	}
	fmt.Printf("  %d routes, %d incidents counted\n", len(d.Routes), open)
	return nil
}

func value(v *float64) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprintf("%.2f", *v)
}
