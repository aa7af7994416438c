package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/spf13/cobra"

	"github.com/observatory-net/observatory/internal/asrel"
	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/mrt"
	"github.com/observatory-net/observatory/internal/rovinfer"
)

func init() { register(newROVCmd) }

// rovOptions are the flags of the rov command.
type rovOptions struct {
	vrps, asrel, format string
	mrt                 []string
	asns                []string
	minEvidence         int
	skipInvalid         bool
}

func newROVCmd() *cobra.Command {
	var o rovOptions
	cmd := &cobra.Command{
		Use:   "rov --vrps FILE --mrt FILE [--mrt FILE…] [--asrel FILE] [--asn ASN…] [--format text|json]",
		Short: "Infer which transit ASes deploy route origin validation, from the AS paths of MRT dumps",
		Long: `rov reads the RIB entries and announcements of MRT dumps, validates each
prefix and origin against the VRPs of --vrps (RFC 6811), and judges every AS
seen as a transit hop (internal/rovinfer, control-plane inference):

  deploys              never seen propagating an RPKI-invalid route, and seen
                       dropping at least --min-evidence invalid routes of the
                       origins whose other routes it carries
  partial              seen dropping some invalid routes and propagating others
  does-not             seen propagating invalid routes, never dropping one
  not-enough-evidence  neither

Text output is one line per AS: ASN, verdict, confidence, routes passed on,
invalid routes propagated with a valid or not-found alternative, without one,
and invalid routes dropped; then the share of judged ASes that deploy. JSON
adds the evidence (the invalid routes, the paths they were seen on, and for
dropped routes the path of the origin's other route through the AS). --asn
limits the output to those ASes. With --asrel (CAIDA serial-1), the evidence
says whether a dropping AS is the origin's provider.

What it cannot see: routes an AS accepted but did not choose as best, or that
its customer announced only elsewhere, look dropped; the data plane is not
measured (RoVista, IMC 2023, measures it). See go doc ./internal/rovinfer.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runROV(cmd, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.vrps, "vrps", "", "VRP file (rpki-client/Routinator JSON or CSV, optionally compressed)")
	f.StringArrayVar(&o.mrt, "mrt", nil, "MRT dump (RIB or updates), repeatable")
	f.StringVar(&o.asrel, "asrel", "", "CAIDA AS relationships (serial-1), for the relationship in the evidence")
	f.StringArrayVar(&o.asns, "asn", nil, "only these ASes (repeatable; 123, AS123 or asdot)")
	f.IntVar(&o.minEvidence, "min-evidence", 3, "dropped invalid routes needed to say an AS deploys ROV")
	f.StringVar(&o.format, "format", "text", "output format: text or json")
	f.BoolVar(&o.skipInvalid, "skip-invalid", false, "skip undecodable VRP records (reported on stderr) instead of failing")
	return cmd
}

func runROV(cmd *cobra.Command, o rovOptions) error {
	if o.vrps == "" || len(o.mrt) == 0 {
		return usageError(errors.New("--vrps and at least one --mrt are required"))
	}
	if o.format != "text" && o.format != "json" {
		return usageError(fmt.Errorf("--format: want text or json, not %q", o.format))
	}
	if o.minEvidence < 1 {
		return usageError(fmt.Errorf("--min-evidence: want at least 1, not %d", o.minEvidence))
	}
	only, err := parseASNs(o.asns)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	s, err := loadSnapshot(ctx, validateOptions{vrps: o.vrps, skipInvalid: o.skipInvalid}, cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	opt := rovinfer.Options{MinEvidence: o.minEvidence}
	if o.asrel != "" {
		g, err := asrel.LoadFile(ctx, o.asrel, nil)
		if err != nil {
			return usageError(fmt.Errorf("load AS relationships: %w", err))
		}
		opt.Rel = g
	}
	c := rovinfer.Collector{RPKI: s}
	for _, path := range o.mrt {
		if err := addMRT(&c, path, cmd.ErrOrStderr()); err != nil {
			return err
		}
	}
	results := rovinfer.Infer(c.Routes(), opt)
	if len(only) > 0 {
		results = slices.DeleteFunc(results, func(r rovinfer.Result) bool { return !slices.Contains(only, r.ASN) })
	}
	bw := bufio.NewWriter(cmd.OutOrStdout())
	if o.format == "json" {
		err = writeROVJSON(bw, results)
	} else {
		err = writeROVText(bw, results)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

// parseASNs parses --asn values.
func parseASNs(in []string) ([]bgp.ASN, error) {
	var out []bgp.ASN
	for _, v := range in {
		a, err := bgp.ParseASN(v)
		if err != nil {
			return nil, usageError(fmt.Errorf("--asn %q: %w", v, err))
		}
		out = append(out, a)
	}
	return out, nil
}

// addMRT reads one MRT file into c; undecodable records are reported on
// stderr and skipped, as validate does.
func addMRT(c *rovinfer.Collector, path string, stderr io.Writer) error {
	dr, err := decompress.Open(path)
	if err != nil {
		return usageError(fmt.Errorf("open MRT file: %w", err))
	}
	defer dr.Close()
	warn := func(err error) { fmt.Fprintln(stderr, "observatory rov: skipped:", err) }
	if err := c.Add(mrt.NewScanner(mrt.NewReader(dr, path, mrt.Options{Resync: true, Warn: warn}), false)); err != nil {
		var ie *inputerr.Error
		if errors.As(err, &ie) {
			return usageError(err)
		}
		return fmt.Errorf("read MRT file %s: %w", path, err)
	}
	return nil
}

func writeROVText(w io.Writer, results []rovinfer.Result) error {
	for _, r := range results {
		if _, err := fmt.Fprintf(w, "%s %s %.2f transit=%d propagated-alt=%d propagated-noalt=%d dropped=%d\n", r.ASN, r.Verdict,
			r.Confidence, r.Transit, r.PropagatedAlt, r.PropagatedNoAlt, r.Dropped); err != nil {
			return err
		}
	}
	sum := rovinfer.Summarize(results, func(bgp.ASN) []string { return []string{"all"} })["all"]
	share, ok := sum.DeployShare()
	if !ok {
		_, err := fmt.Fprintf(w, "# %d ASes, none judged\n", len(results))
		return err
	}
	_, err := fmt.Fprintf(w, "# %d ASes, %d judged: %d deploy (%.1f %%), %d partial, %d do not\n", len(results), sum.Judged,
		sum.Counts[rovinfer.Deploys], 100*share, sum.Counts[rovinfer.Partial], sum.Counts[rovinfer.DoesNot])
	return err
}

// rovJSON is one AS in the rov command's JSON output.
type rovJSON struct {
	ASN             bgp.ASN                `json:"asn"`
	Verdict         rovinfer.Verdict       `json:"verdict"`
	Confidence      float64                `json:"confidence"`
	Transit         int                    `json:"transit"`
	PropagatedAlt   int                    `json:"propagatedWithAlternative"`
	PropagatedNoAlt int                    `json:"propagatedWithoutAlternative"`
	Dropped         int                    `json:"dropped"`
	Propagated      []rovinfer.Observation `json:"propagatedEvidence"`
	DroppedObs      []rovinfer.Observation `json:"droppedEvidence"`
}

func writeROVJSON(w io.Writer, results []rovinfer.Result) error {
	out := make([]rovJSON, len(results))
	for i, r := range results {
		out[i] = rovJSON{ASN: r.ASN, Verdict: r.Verdict, Confidence: r.Confidence, Transit: r.Transit, PropagatedAlt: r.PropagatedAlt,
			PropagatedNoAlt: r.PropagatedNoAlt, Dropped: r.Dropped, Propagated: slices.Clip(r.Propagated), DroppedObs: slices.Clip(r.DroppedObs)}
		if out[i].Propagated == nil {
			out[i].Propagated = []rovinfer.Observation{}
		}
		if out[i].DroppedObs == nil {
			out[i].DroppedObs = []rovinfer.Observation{}
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(map[string]any{"ases": out})
}
