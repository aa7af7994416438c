package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/observatory-net/observatory/internal/spec"
)

func init() { register(newSpecCmd) }

func newSpecCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "spec",
		Short: "List, show and compare the scoring specifications",
		Long: `The scoring rules (metrics per Action, weights, incident scale, penalty curve,
readiness thresholds, public Actions) are versioned specifications embedded in
the binary. Every stored score names the specification that produced it.`,
	}
	var format string
	list := &cobra.Command{
		Use:   "list",
		Short: "List the specifications and their versions",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			all, err := spec.All()
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "SPEC\tPUBLISHED\tTITLE")
			for _, s := range all {
				def := ""
				if s.Ref() == spec.Default {
					def = " (default)"
				}
				fmt.Fprintf(w, "%s%s\t%s\t%s\n", s.Ref(), def, s.Published, s.Title)
			}
			return w.Flush()
		},
	}
	show := &cobra.Command{
		Use:   "show ID[@VERSION]",
		Short: "Print a specification (latest version unless @VERSION)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := spec.Get(args[0])
			if err != nil {
				return usageError(err)
			}
			if format == "json" {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(s)
			}
			return showSpec(cmd.OutOrStdout(), s)
		},
	}
	show.Flags().StringVar(&format, "format", "text", "text or json")
	diff := &cobra.Command{
		Use:   "diff A B",
		Short: "Show what changed between two specifications (ID[@VERSION] each)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := spec.Get(args[0])
			if err != nil {
				return usageError(err)
			}
			b, err := spec.Get(args[1])
			if err != nil {
				return usageError(err)
			}
			changes := spec.Diff(a, b)
			w := cmd.OutOrStdout()
			if len(changes) == 0 {
				_, err := fmt.Fprintf(w, "%s and %s are the same\n", a.Ref(), b.Ref())
				return err
			}
			for _, c := range changes {
				fmt.Fprintf(w, "%s\n  - %s\n  + %s\n", c.Path, orNone(c.From), orNone(c.To))
			}
			return nil
		},
	}
	cmd.AddCommand(list, show, diff)
	return cmd
}

func orNone(s string) string {
	if s == "" {
		return "(absent)"
	}
	return s
}

func showSpec(w io.Writer, s *spec.Spec) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "%s — %s (published %s)\n\n", s.Ref(), s.Title, s.Published)
	fmt.Fprintln(tw, "SCORE\tACTION\tPUBLIC\tCOUNTED\tSHOWN\tCOMBINE")
	for _, a := range s.Actions {
		fmt.Fprintf(tw, "%s\t%d\t%v\t%v\t%v\t%s\n", a.Score, a.Action, a.Public, a.Counted, a.Shown, a.Combine)
	}
	in := s.Incidents
	fmt.Fprintf(tw, "\nincidents: < %ds scores %g, < %ds scores %g, longer: %s (+1 per %ds); merge %s\n",
		in.AcceptableSeconds, in.AcceptableScore, in.TolerantSeconds, in.TolerantScore, in.LongPenalty, in.TolerantSeconds, in.Merge)
	fmt.Fprintf(tw, "penalty curve: %g^sqrt(%g·raw)\n", s.PenaltyCurve.Base, s.PenaltyCurve.Scale)
	fmt.Fprintf(tw, "readiness: ready ≥ %g, aspiring ≥ %g, else lagging\n", s.Readiness.Ready, s.Readiness.Aspiring)
	fmt.Fprintf(tw, "rpki: valid − %g × invalid (clamped %v); irr: covering less-specific %v\n", s.RPKI.InvalidWeight, s.RPKI.Clamp, s.IRR.CoveringLessSpecific)
	fmt.Fprintf(tw, "bogons counted: %v, shown: %v; unknown-relationship customer weight %g; measured: ≥ %d peers\n",
		s.Bogons.Counted, s.Bogons.Shown, s.Customers.UnknownRelationshipWeight, s.Visibility.MinPeers)
	return tw.Flush()
}
