package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

func init() { register(newASNCmd) }

type asnOptions struct {
	monthFlags
	format string
	routes int
}

func newASNCmd() *cobra.Command {
	var o asnOptions
	cmd := &cobra.Command{
		Use:   "asn AS123 --db FILE [--month YYYY-MM]",
		Short: "Drill down into one ASN: every metric, its readiness and the evidence",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runASN(cmd.Context(), cmd.OutOrStdout(), args[0], o)
		},
	}
	f := cmd.Flags()
	o.monthFlags.register(cmd)
	f.StringVar(&o.format, "format", "text", "text or json")
	f.IntVar(&o.routes, "routes", 20, "routes to list in text output (all in JSON)")
	return cmd
}

type asnReport struct {
	Month     string           `json:"month"`
	Spec      string           `json:"spec"`
	ASN       jsonASN          `json:"asn"`
	Incidents []store.Incident `json:"incidents"`
	Routes    []store.Route    `json:"routes"`
}

func runASN(ctx context.Context, w io.Writer, arg string, o asnOptions) error {
	a, err := bgp.ParseASN(arg)
	if err != nil {
		return usageError(err)
	}
	st, month, recs, err := openMonthASNs(ctx, o.db, o.month, o.spec, store.Filter{ASNs: []uint32{uint32(a)}})
	if err != nil {
		return err
	}
	defer st.Close()
	if len(recs) == 0 {
		return &exitError{code: 2, err: fmt.Errorf("%s is not measured in %s", a, month.Format(vocab.MonthLayout))}
	}
	inc, err := st.Incidents(ctx, month, o.spec, uint32(a))
	if err != nil {
		return err
	}
	routes, err := st.Routes(ctx, month, o.spec, uint32(a))
	if err != nil {
		return err
	}
	rep := asnReport{Month: month.Format(time.RFC3339), Spec: o.spec, ASN: toJSONASN(recs[0], true), Incidents: inc, Routes: routes}
	if o.format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return printASN(w, recs[0], rep, o.routes)
}

func printASN(w io.Writer, r store.ASN, rep asnReport, maxRoutes int) error {
	fmt.Fprintf(w, "%s %s — %s, %s, %s, %s (%s)\n", bgp.ASN(r.ASN), r.Holder, r.Country, r.SubRegion, r.Region, r.RIR, rep.Month[:7])
	if r.Participant {
		fmt.Fprintln(w, "MANRS participant")
	}
	if r.Org.ID != 0 {
		fmt.Fprintf(w, "organisation: %s (PeeringDB organisation %d)\n", cmp.Or(r.Org.Name, "unnamed"), r.Org.ID)
	}
	fmt.Fprintf(w, "seen by %d collector peers, %d announced prefixes\n", r.Peers, r.Announced)
	if r.ROV != "" {
		fmt.Fprintf(w, "ROV inferred from the paths: %s (confidence %.2f; %d RPKI-invalid routes passed on, %d of its neighbours' dropped)\n",
			r.ROV, r.ROVConfidence, r.ROVPropagated, r.ROVDropped)
	}
	if l := r.Leak; l.Verdict != "" {
		aspa := "no ASPA object"
		if l.ASPA {
			aspa = fmt.Sprintf("ASPA lists %d providers, leaves out %d seen above it", l.ASPAProviders, l.ASPAMissing)
		}
		fmt.Fprintf(w, "route-leak protection: %s (%d leaks caused, %d customer leaks passed on, %d customer routes carried; %s)\n",
			l.Verdict, l.Originated, l.CustomerLeaks, l.CustomerRoutes, aspa)
	}
	fmt.Fprint(w, "\nSCORES\n")
	for _, s := range r.Scores {
		fmt.Fprintf(w, "  %-24s %-6s %s\n", s.ID, scoreText(s, true), levelMark(s.Level))
	}
	fmt.Fprintln(w, "\nMETRICS (raw → score; * counted)")
	for _, m := range r.Metrics {
		star, v := " ", "no data"
		if m.Counted {
			star = "*"
		}
		if m.HasData {
			v = strconv.FormatFloat(m.Score, 'f', 2, 64)
		}
		fmt.Fprintf(w, "  %s %-7s raw %-8s → %s\n", star, m.ID, strconv.FormatFloat(m.Raw, 'f', -1, 64), v)
		if len(m.Evidence) > 0 {
			fmt.Fprintf(w, "              %s\n", m.Evidence)
		}
	}
	fmt.Fprintf(w, "\nINCIDENTS (%d)\n", len(rep.Incidents))
	for _, in := range rep.Incidents {
		fmt.Fprintf(w, "  %-4s %s → %s  %-10s weight %g  score %g  %s\n", in.Metric, in.Start.Format(time.DateTime), in.End.Format(time.DateTime),
			in.End.Sub(in.Start).Round(time.Second), in.Weight, in.Score, in.ID)
	}
	fmt.Fprintf(w, "\nROUTES (%d)\n", len(rep.Routes))
	for i, rt := range rep.Routes {
		if i == maxRoutes {
			fmt.Fprintf(w, "  … %d more (--routes N, or --format json)\n", len(rep.Routes)-maxRoutes)
			break
		}
		fmt.Fprintf(w, "  %-20s rpki %-14s irr %-8s peers %-3d %s\n", rt.Prefix, rt.RPKI, rt.IRR, rt.Peers, rt.Bogon)
	}
	return nil
}
