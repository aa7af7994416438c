package client_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/observatory-net/observatory/client"
)

// The examples talk to the server at $OBSERVATORY_URL with the key in
// $OBSERVATORY_TOKEN; the tests point them at a server holding a
// participant key of RIPE NCC (AS3333).

// Example reads the world's scores anonymously, with the trend since the
// previous month.
func Example() {
	c, err := client.New(os.Getenv("OBSERVATORY_URL"))
	if err != nil {
		log.Fatal(err)
	}
	sum, err := c.ScoresSummary(context.Background(), nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sum.Region, sum.Month.Format("2006-01"), "vs", sum.PreviousMonth.Format("2006-01"))
	for _, s := range sum.Aggregates {
		fmt.Printf("%-24s %.2f (%+.2f), %.0f%% ready\n", s.ID, *s.Value, *s.Trend, s.Percentages.Ready)
	}
	// Output:
	// world 2026-10 vs 2026-09
	// filtering                0.50 (+0.10), 30% ready
	// antiSpoofing             0.55 (+0.10), 40% ready
	// coordination             0.60 (+0.10), 50% ready
	// routingInformationIRR    0.65 (+0.10), 60% ready
	// routingInformationRPKI   0.70 (+0.10), 70% ready
}

// ExampleClient_ScoresDetails fetches my scores: those of a network of the
// key's participant, with metrics and incidents.
func ExampleClient_ScoresDetails() {
	c, err := client.New(os.Getenv("OBSERVATORY_URL"), client.WithAPIKey(os.Getenv("OBSERVATORY_TOKEN")))
	if err != nil {
		log.Fatal(err)
	}
	d, err := c.ScoresDetails(context.Background(), 3333, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(d.ASN, d.Holder, d.Month.Format("2006-01"))
	for _, s := range d.Scores {
		if s.HasData {
			fmt.Printf("%-24s %-8s %.2f\n", s.ID, s.Level, *s.Value)
		} else {
			fmt.Printf("%-24s %s\n", s.ID, s.Level)
		}
	}
	fmt.Println(len(d.Routes), "routes,", len(d.Incidents), "incident:", d.Incidents[0].ID)
	// Output:
	// AS3333 RIPE-NCC-AS Réseaux IP Européens 2026-10
	// filtering                ready    0.95
	// antiSpoofing             noData
	// coordination             ready    1.00
	// routingInformationIRR    ready    0.95
	// routingInformationRPKI   ready    0.93
	// 2 routes, 1 incident: 3333-M2-1
}

// ExampleClient_ASes iterates over every network of an economy; the
// iterator fetches the next page when needed.
func ExampleClient_ASes() {
	c, err := client.New(os.Getenv("OBSERVATORY_URL"))
	if err != nil {
		log.Fatal(err)
	}
	opts := &client.ASesOptions{Economies: []string{"NL"}, PageOptions: client.PageOptions{PageSize: 1}}
	for as, err := range c.ASes(context.Background(), opts) {
		if err != nil {
			log.Fatal(err)
		}
		rpki, _ := as.Score(client.ScoreRPKI)
		fmt.Println(as.ASN, as.Holder, "participant:", as.Participant, "RPKI:", rpki.Level)
	}
	// Output:
	// AS3333 RIPE-NCC-AS Réseaux IP Européens participant: true RPKI: ready
	// AS64500 EXAMPLE-NL participant: false RPKI: aspiring
}

// ExampleIsForbidden shows the typed error of a request the key may not
// make: the details of another participant's network.
func ExampleIsForbidden() {
	c, err := client.New(os.Getenv("OBSERVATORY_URL"), client.WithAPIKey(os.Getenv("OBSERVATORY_TOKEN")))
	if err != nil {
		log.Fatal(err)
	}
	_, err = c.ScoresDetails(context.Background(), 15169, nil)
	fmt.Println(client.IsForbidden(err))
	var e *client.Error
	if errors.As(err, &e) {
		fmt.Println(e.Status, e.Title+":", e.Detail)
	}
	// Output:
	// true
	// 403 Forbidden: this key may not see the details of AS15169
}
