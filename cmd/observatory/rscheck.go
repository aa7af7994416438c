package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/atomicfile"
	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/bogon"
	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/irr"
	"github.com/observatory-net/observatory/internal/mrt"
	"github.com/observatory-net/observatory/internal/rscheck"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/view"
)

func init() { register(newRSCheckCmd) }

// rsCheckOptions are the flags of the rs-check command.
type rsCheckOptions struct {
	vrps, ixp, format, out, db string
	mrt, bogons, irr, sets     []string
	skipInvalid, failOn        bool
}

func newRSCheckCmd() *cobra.Command {
	var o rsCheckOptions
	cmd := &cobra.Command{
		Use:   "rs-check --vrps FILE --mrt FILE [--mrt FILE…] [--bogons FILE…] [--irr FILE…] [--ixp NAME] [--db DB] [--format text|json|html] [-o FILE]",
		Short: "Check an IXP route server's RIB for routes it should have rejected (MANRS IXP Action 1)",
		Long: `rs-check reads the RIB of an IXP route server from MRT dumps (TABLE_DUMP or
TABLE_DUMP_V2, compressed or not) and reports every route the route server
accepted although MANRS IXP Action 1 asks it to filter it:

  rpki-invalid      RPKI-invalid origin (RFC 6811) against --vrps, as the
                    validate command finds it; evidence: the covering VRPs
  bogon-prefix      the prefix is covered by a bogon: the built-in IANA
                    special-purpose registries, and the lists of --bogons
                    (Team Cymru fullbogons format); evidence: the entry
  bogon-asn         an AS of the path (AS_SETs included) is reserved
                    (AS0, AS_TRANS, documentation, private use, reserved)
  irr-unregistered  with --irr (RPSL dumps) only: no route/route6 object of
                    the origin covers the prefix, or, with --as-set for the
                    member, the origin is not in the member's as-set

The member is the RIB entry's peer AS, the member that announced the route.
The report gives per file and per member the routes checked and each
violation, then every finding with its reasons and evidence. A path ending
in an AS_SET has no origin: it is validated with AS0, as validate does.

The check ran: exit 0, whatever it found, unless --fail-on-violation, which
exits 1 when any route should have been rejected. Bad input exits 2 and
names the file. -o writes the report whole or not at all.

With --db (and --ixp) the report is also stored, in one transaction, where
GET /api/v2/rs-checks and the dashboard's /rs-checks page serve it to
participant, partner and secretariat keys; stderr names its id.

A RIB shows only what the route server accepted and kept, not what it
rejected; the reference data must be of the RIB's time. See docs/rs-check.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runRSCheck(cmd, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.vrps, "vrps", "", "VRP file (rpki-client/Routinator JSON or CSV, optionally compressed)")
	f.StringArrayVar(&o.mrt, "mrt", nil, "route-server RIB as an MRT dump, repeatable")
	f.StringArrayVar(&o.bogons, "bogons", nil, "bogon prefix list (one prefix a line, # comments), repeatable")
	f.StringArrayVar(&o.irr, "irr", nil, "IRR dump in RPSL (route, route6, as-set objects), repeatable")
	f.StringArrayVar(&o.sets, "as-set", nil, "a member's as-set, MEMBER=AS-SET (repeatable; needs --irr)")
	f.StringVar(&o.ixp, "ixp", "", "name of the IXP, for the report (required with --db)")
	f.StringVar(&o.db, "db", "", "also store the report in this store (SQLite file or postgres:// URL)")
	f.StringVar(&o.format, "format", "text", "output format: text, json or html")
	f.StringVarP(&o.out, "output", "o", "", "write the report to this file instead of standard output")
	f.BoolVar(&o.skipInvalid, "skip-invalid", false, "skip damaged VRP, bogon and IRR records (reported on stderr) instead of failing")
	f.BoolVar(&o.failOn, "fail-on-violation", false, "exit 1 when any accepted route should have been rejected (for CI)")
	return cmd
}

func runRSCheck(cmd *cobra.Command, o rsCheckOptions) error {
	write, err := rsWriter(o.format)
	if err != nil {
		return err
	}
	if o.vrps == "" || len(o.mrt) == 0 {
		return usageError(errors.New("--vrps and at least one --mrt are required"))
	}
	if o.db != "" && strings.TrimSpace(o.ixp) == "" {
		return usageError(errors.New("--db needs --ixp: a stored check names its IXP"))
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	src, err := rsSources(ctx, o, cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	c := rscheck.NewChecker(src)
	for _, path := range o.mrt {
		if err := rsAddMRT(c, path, cmd.ErrOrStderr()); err != nil {
			return err
		}
	}
	rep := c.Report()
	rep.IXP = o.ixp
	var buf bytes.Buffer
	if err := write(&buf, &rep); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if o.db != "" {
		if err := storeRSCheck(ctx, o.db, &rep, cmd.ErrOrStderr()); err != nil {
			return err
		}
	}
	if o.out != "" {
		err = atomicfile.Write(o.out, buf.Bytes(), 0o644)
	} else {
		_, err = cmd.OutOrStdout().Write(buf.Bytes())
	}
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if o.failOn && rep.Total.Rejectable > 0 {
		return &exitError{code: 1, err: fmt.Errorf("%d accepted routes should have been rejected", rep.Total.Rejectable)}
	}
	return nil
}

// rsWriter picks the report writer of --format.
func rsWriter(format string) (func(io.Writer, *rscheck.Report) error, error) {
	switch format {
	case "text":
		return rscheck.WriteText, nil
	case "json":
		return rscheck.WriteJSON, nil
	case "html":
		return rscheck.WriteHTML, nil
	}
	return nil, usageError(fmt.Errorf("--format: want text, json or html, not %q", format))
}

// rsSources loads the VRPs, bogon lists, IRR dumps and member as-sets.
// Damaged records fail the load, or with --skip-invalid are skipped and
// the first few located on stderr.
func rsSources(ctx context.Context, o rsCheckOptions, stderr io.Writer) (rscheck.Sources, error) {
	var src rscheck.Sources
	snap, err := loadSnapshot(ctx, validateOptions{vrps: o.vrps, skipInvalid: o.skipInvalid}, stderr)
	if err != nil {
		return src, err
	}
	src.RPKI = snap
	damaged := &inputerr.Log{Strict: !o.skipInvalid}
	defer func() {
		for _, line := range damaged.Lines() {
			fmt.Fprintln(stderr, "observatory: skipped:", line)
		}
	}()
	var bb bogon.Builder
	for _, path := range o.bogons {
		err := withDecompressed(path, func(r io.Reader) error {
			_, err := bb.AddList(ctx, r, path, "listed in "+filepath.Base(path), damaged)
			return err
		})
		if err != nil {
			return src, usageError(fmt.Errorf("load bogons: %w", err))
		}
	}
	src.Bogons = bb.Build()
	if len(o.irr) > 0 {
		var ib irr.Builder
		for _, path := range o.irr {
			err := withDecompressed(path, func(r io.Reader) error {
				_, err := ib.Load(ctx, r, irr.Options{File: path, Damaged: damaged})
				return err
			})
			if err != nil {
				return src, usageError(fmt.Errorf("load IRR: %w", err))
			}
		}
		src.IRR = ib.Build()
	}
	src.MemberSets, err = parseMemberSets(o.sets, src.IRR != nil)
	return src, err
}

// parseMemberSets parses --as-set MEMBER=AS-SET values.
func parseMemberSets(in []string, haveIRR bool) (map[bgp.ASN]string, error) {
	if len(in) > 0 && !haveIRR {
		return nil, usageError(errors.New("--as-set needs --irr to expand the set"))
	}
	out := map[bgp.ASN]string{}
	for _, v := range in {
		m, set, ok := strings.Cut(v, "=")
		a, err := bgp.ParseASN(m)
		if !ok || err != nil || set == "" {
			return nil, usageError(fmt.Errorf("--as-set %q: want MEMBER=AS-SET, such as 64496=AS-EXAMPLE", v))
		}
		out[a] = set
	}
	return out, nil
}

// withDecompressed opens path, compressed or not, and passes it to read;
// errors name the file.
func withDecompressed(path string, read func(io.Reader) error) error {
	r, err := decompress.Open(path)
	if err != nil {
		return err
	}
	defer r.Close()
	if err := read(r); err != nil {
		if strings.Contains(err.Error(), path) {
			return err
		}
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// rsAddMRT checks the RIB entries of one MRT file; undecodable records are
// reported on stderr and skipped, as validate does.
func rsAddMRT(c *rscheck.Checker, path string, stderr io.Writer) error {
	dr, err := decompress.Open(path)
	if err != nil {
		return usageError(fmt.Errorf("open MRT file: %w", err))
	}
	defer dr.Close()
	warn := func(err error) { fmt.Fprintln(stderr, "observatory rs-check: skipped:", err) }
	c.StartFile(path)
	sc := mrt.NewScanner(mrt.NewReader(dr, path, mrt.Options{Resync: true, Warn: warn}), false)
	n := 0
	for r, err := range rscheck.MRTRoutes(sc) {
		n++
		if err != nil {
			var ie *inputerr.Error
			if errors.As(err, &ie) {
				return usageError(err)
			}
			return fmt.Errorf("read MRT file %s: %w", path, err)
		}
		c.Add(&r)
	}
	if n == 0 {
		return usageError(fmt.Errorf("MRT file %s: no RIB entries: not a route server's RIB dump (TABLE_DUMP or TABLE_DUMP_V2)", path))
	}
	return nil
}

// storeRSCheck stores rep in the store db (store.RSChecks), as the JSON
// that --format json writes, once the API's types have read it back
// strictly; stderr names the stored check.
func storeRSCheck(ctx context.Context, db string, rep *rscheck.Report, stderr io.Writer) error {
	var js bytes.Buffer
	if err := rscheck.WriteJSON(&js, rep); err != nil {
		return fmt.Errorf("store report: %w", err)
	}
	var check wire.RSCheckReport
	if err := view.DecodeRSCheckReport(js.Bytes(), &check); err != nil {
		return fmt.Errorf("store report: %w", err)
	}
	svc, err := openService(ctx, db)
	if err != nil {
		return err
	}
	defer svc.Close()
	id, err := svc.RecordRSCheck(ctx, &store.RSCheck{IXP: strings.TrimSpace(rep.IXP), CheckedAt: time.Now().UTC(),
		Routes: rep.Total.Routes, Rejectable: rep.Total.Rejectable, Report: js.Bytes()})
	if err != nil {
		return fmt.Errorf("store report: %w", err)
	}
	fmt.Fprintf(stderr, "observatory rs-check: stored as check %d (GET /api/v2/rs-checks/%d)\n", id, id)
	return nil
}
