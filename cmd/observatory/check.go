package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/gate"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

func init() { register(newCheckCmd) }

type checkOptions struct {
	monthFlags
	min, actions, format string
}

func newCheckCmd() *cobra.Command {
	var o checkOptions
	cmd := &cobra.Command{
		Use:   "check AS123 [AS456...] --db FILE [--min ready|aspiring] [--actions 1,2,3,4]",
		Short: "Fail (exit 1) when an ASN is below a readiness level: for CI pipelines",
		Long: `check looks up each ASN's scores for the month and compares the chosen
Actions with --min. It exits 0 when every ASN passes, 1 when any fails, and 2
on usage or data errors (unknown ASN, no month stored). A score with no data
(for example Anti-spoofing without a Spoofer test) does not fail the check but
is reported. --format json prints one object for machines.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCheck(cmd.Context(), cmd.OutOrStdout(), args, o)
		},
	}
	f := cmd.Flags()
	o.monthFlags.register(cmd)
	f.StringVar(&o.min, "min", "ready", "lowest passing level: ready or aspiring")
	f.StringVar(&o.actions, "actions", "1,2,3,4", "MANRS Actions to check")
	f.StringVar(&o.format, "format", "text", "text or json")
	return cmd
}

func runCheck(ctx context.Context, w io.Writer, args []string, o checkOptions) error {
	lowest, err := gate.ParseMin(o.min)
	if err != nil {
		return usageError(fmt.Errorf("--min %w", err))
	}
	actions, err := parseActions(o.actions)
	if err != nil {
		return err
	}
	filter, err := asnFilter(args)
	if err != nil {
		return err
	}
	sp, err := spec.Get(o.spec)
	if err != nil {
		return usageError(err)
	}
	st, _, recs, err := openMonthASNs(ctx, o.db, o.month, o.spec, filter)
	if err != nil {
		return err
	}
	defer st.Close()
	results, err := checkASNs(filter.ASNs, recs, sp, actions, lowest)
	if err != nil {
		return err
	}
	if err := printCheck(w, results, o.format); err != nil {
		return err
	}
	for _, r := range results {
		if !r.Pass {
			return &exitError{code: 1, err: fmt.Errorf("")}
		}
	}
	return nil
}

func parseActions(s string) ([]int, error) {
	var out []int
	for _, p := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < 1 || n > 4 {
			return nil, usageError(fmt.Errorf("--actions %q: want numbers 1 to 4", s))
		}
		out = append(out, n)
	}
	return out, nil
}

// checkASNs is the gate's verdict on each ASN asked for, in order; an
// ASN not measured in the month is a data error.
func checkASNs(asns []uint32, recs []store.ASN, sp *spec.Spec, actions []int, lowest vocab.Level) ([]gate.Result, error) {
	var out []gate.Result
	for _, a := range asns {
		i := slices.IndexFunc(recs, func(r store.ASN) bool { return r.ASN == a })
		if i < 0 {
			return nil, &exitError{code: 2, err: fmt.Errorf("%s is not measured in this month", bgp.ASN(a))}
		}
		out = append(out, gate.Check(sp, recs[i], actions, lowest))
	}
	return out, nil
}

func printCheck(w io.Writer, results []gate.Result, format string) error {
	if format == "json" {
		return json.NewEncoder(w).Encode(map[string]any{"pass": gate.AllPass(results), "asns": results})
	}
	for _, r := range results {
		verdict := "PASS"
		if !r.Pass {
			verdict = "FAIL"
		}
		fmt.Fprintf(w, "%s %s\n", verdict, bgp.ASN(r.ASN))
		for _, s := range r.Scores {
			v := "no data"
			if s.Value != nil {
				v = strconv.FormatFloat(*s.Value, 'f', 2, 64)
			}
			mark := "ok"
			if !s.Pass {
				mark = "below"
			}
			fmt.Fprintf(w, "  Action %d %-24s %-8s %-10s %s\n", s.Action, s.Score, v, s.Level, mark)
		}
	}
	return nil
}
