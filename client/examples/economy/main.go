// Command economy lists every network of one or more economies with its
// visible scores, page after page, as CSV:
//
//	OBSERVATORY_URL=... economy NL BE
package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"strconv"

	"github.com/observatory-net/observatory/client"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: economy CC...")
		os.Exit(2)
	}
	if err := run(context.Background(), os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "economy:", err)
		os.Exit(1)
	}
}

var ids = []client.ScoreID{client.ScoreFiltering, client.ScoreAntiSpoofing, client.ScoreCoordination, client.ScoreIRR, client.ScoreRPKI}

func run(ctx context.Context, economies []string) error {
	c, err := client.New(os.Getenv("OBSERVATORY_URL"), client.WithAPIKey(os.Getenv("OBSERVATORY_TOKEN")))
	if err != nil {
		return err
	}
	w := csv.NewWriter(os.Stdout)
	head := []string{"asn", "holder", "country", "participant"}
	for _, id := range ids {
		head = append(head, string(id))
	}
	w.Write(head)
	n := 0
	opts := &client.ASesOptions{Economies: economies, PageOptions: client.PageOptions{PageSize: 1000}}
	for as, err := range c.ASes(ctx, opts) {
		if err != nil {
			return err
		}
		row := []string{as.ASN.String(), as.Holder, as.Country, strconv.FormatBool(as.Participant)}
		for _, id := range ids {
			s, ok := as.Score(id)
			switch {
			case !ok:
				row = append(row, "hidden")
			case s.Value == nil:
				row = append(row, string(s.Level))
			default:
				row = append(row, strconv.FormatFloat(*s.Value, 'f', 3, 64))
			}
		}
		w.Write(row)
		n++
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "economy: %d networks\n", n)
	return nil
}
