// Command flagfp lists the incidents of one of your networks and, with
// -flag, reports one of them as a false positive for the secretariat to
// review:
//
//	OBSERVATORY_URL=... OBSERVATORY_TOKEN=obs_... flagfp AS3333
//	OBSERVATORY_URL=... OBSERVATORY_TOKEN=obs_... flagfp -flag 3333-M2-1 -reason "customer route, ticket 42" AS3333
//
// The token must be a participant key of the network's participant.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/observatory-net/observatory/client"
)

func main() {
	id := flag.String("flag", "", "the ID of an incident to flag as a false positive")
	reason := flag.String("reason", "", "why it is a false positive (needed with -flag)")
	flag.Parse()
	if flag.NArg() != 1 || (*id != "") != (*reason != "") {
		fmt.Fprintln(os.Stderr, "usage: flagfp [-flag ID -reason TEXT] ASN")
		os.Exit(2)
	}
	if err := run(context.Background(), flag.Arg(0), *id, *reason); err != nil {
		fmt.Fprintln(os.Stderr, "flagfp:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, arg, id, reason string) error {
	asn, err := client.ParseASN(arg)
	if err != nil {
		return err
	}
	c, err := client.New(os.Getenv("OBSERVATORY_URL"), client.WithAPIKey(os.Getenv("OBSERVATORY_TOKEN")))
	if err != nil {
		return err
	}
	for in, err := range c.Incidents(ctx, &client.IncidentsOptions{ASN: asn}) {
		if err != nil {
			return err
		}
		state := "counted"
		if in.Excluded {
			state = "excluded"
		}
		if n := len(in.Feedback); n > 0 {
			state += ", feedback " + string(in.Feedback[n-1].Verdict)
		}
		fmt.Printf("%s  %s  %s – %s  %s\n  evidence: %s\n", in.ID, in.Metric,
			in.Start.Format("2006-01-02"), in.End.Format("2006-01-02"), state, in.Evidence)
	}
	if id == "" {
		return nil
	}
	fb, err := c.FlagIncident(ctx, id, reason)
	if client.IsConflict(err) {
		return fmt.Errorf("%s already has a pending feedback", id)
	}
	if err != nil {
		return err
	}
	fmt.Printf("flagged %s: feedback %d, %s\n", fb.IncidentID, fb.ID, fb.Verdict)
	return nil
}
