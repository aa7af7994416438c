package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/audit"
	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/peeringdb"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

func init() { register(newAuditCmd) }

// auditFormats are the audit command's output formats.
var auditFormats = []string{"text", "json", "html", "pdf"}

type auditOptions struct {
	monthFlags
	asns, prefixes, peeringdb []string
	org                       int
	format, out               string
}

func newAuditCmd() *cobra.Command {
	var o auditOptions
	cmd := &cobra.Command{
		Use:   "audit --db DSN [--month YYYY-MM] (--asn ASN… | --prefix P… | --org ID [--peeringdb FILE…]) [--format text|json|html|pdf] [-o FILE]",
		Short: "An enterprise's routing-security supply-chain audit (MANRS+) from a stored month",
		Long: `audit finds, in a stored month's AS paths, the upstream providers of an
enterprise's networks (its ASNs, the origins of the routes its prefixes match, or
the networks of a PeeringDB organisation: those the month's records give it, as
the API does, or with --peeringdb those of the PeeringDB files) and judges each against the MANRS+
controls: origin validation (the ROV deployment inferred from the paths), leak
protection (route leaks M1 and M1C), ROA coverage of its own space (the RPKI
score) and coordination (contact information). Providers are weighted by the
share of the enterprise's prefixes whose paths they carry and ranked by risk;
an SLA checklist lists which hop-1 providers meet each requirement. Every claim
carries its evidence: paths, prefixes and links to the API records
(docs/audit.md). The JSON is the API's GET /api/v2/audits. -o writes a file,
whole or not at all.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !slices.Contains(auditFormats, o.format) {
				return usageError(fmt.Errorf("--format %q: want text, json, html or pdf", o.format))
			}
			q, err := o.query(cmd.Context())
			if err != nil {
				return err
			}
			a, err := runAudit(cmd.Context(), o.monthFlags, q)
			if err != nil {
				return err
			}
			var b bytes.Buffer
			if err := renderAudit(&b, a, o.format); err != nil {
				return err
			}
			return writeOutput(cmd, o.out, b.Bytes())
		},
	}
	o.monthFlags.register(cmd)
	f := cmd.Flags()
	f.StringArrayVar(&o.asns, "asn", nil, "an ASN of the enterprise (repeatable; 123, AS123 or asdot)")
	f.StringArrayVar(&o.prefixes, "prefix", nil, "a prefix of the enterprise (repeatable)")
	f.IntVar(&o.org, "org", 0, "a PeeringDB organisation id: audit its networks (the month's records', or --peeringdb's)")
	f.StringArrayVar(&o.peeringdb, "peeringdb", nil, "PeeringDB net page or dump resolving --org instead of the month's records (repeatable)")
	f.StringVar(&o.format, "format", "text", "text, json, html or pdf")
	f.StringVarP(&o.out, "output", "o", "", "write to FILE instead of the standard output")
	cmd.AddCommand(newAuditSectorsCmd())
	return cmd
}

// query builds the audit query from the flags.
func (o *auditOptions) query(ctx context.Context) (audit.Query, error) {
	var q audit.Query
	as, err := parseASNs(o.asns)
	if err != nil {
		return q, err
	}
	for _, a := range as {
		q.ASNs = append(q.ASNs, uint32(a))
	}
	for _, s := range o.prefixes {
		p, err := netip.ParsePrefix(strings.TrimSpace(s))
		if err != nil {
			return q, usageError(fmt.Errorf("--prefix %q: %w", s, err))
		}
		q.Prefixes = append(q.Prefixes, p)
	}
	switch {
	case len(o.peeringdb) > 0 && o.org == 0:
		return q, usageError(errors.New("--peeringdb needs --org: it resolves an organisation's networks"))
	case o.org < 0:
		return q, usageError(fmt.Errorf("--org %d: want a PeeringDB organisation id, a positive integer", o.org))
	case o.org != 0 && len(o.peeringdb) == 0:
		q.Org = o.org // the networks the month's records give it, as GET /api/v2/audits?org= does
	case o.org != 0:
		org, err := orgASNs(ctx, o.peeringdb, o.org)
		if err != nil {
			return q, err
		}
		q.ASNs = append(q.ASNs, org...)
	}
	if err := q.Validate(); err != nil {
		return q, usageError(err)
	}
	return q, nil
}

// orgASNs returns the ASNs of PeeringDB organisation id's networks.
func orgASNs(ctx context.Context, files []string, id int) ([]uint32, error) {
	db, err := loadPeeringDB(ctx, files)
	if err != nil {
		return nil, err
	}
	out := networksOf(db, id)
	if len(out) == 0 {
		return nil, usageError(fmt.Errorf("--org %d: no network of that organisation in the PeeringDB files", id))
	}
	return out, nil
}

// loadPeeringDB reads PeeringDB pages or dumps.
func loadPeeringDB(ctx context.Context, files []string) (*peeringdb.DB, error) {
	var b peeringdb.Builder
	var damaged inputerr.Log
	for _, f := range files {
		if _, err := b.LoadFile(ctx, f, &damaged); err != nil {
			return nil, fmt.Errorf("--peeringdb %s: %w", f, err)
		}
	}
	return b.Build(), nil
}

// networksOf returns the ASNs of organisation id's networks in db.
func networksOf(db *peeringdb.DB, id int) []uint32 {
	var out []uint32
	for _, a := range db.ASNs() {
		if n, ok := db.Net(a); ok && n.OrgID == id {
			out = append(out, uint32(a))
		}
	}
	return out
}

// runAudit loads the month and audits q.
func runAudit(ctx context.Context, o monthFlags, q audit.Query) (*wire.Audit, error) {
	am, err := loadAuditMonth(ctx, o)
	if err != nil {
		return nil, err
	}
	return am.Audit(q)
}

// loadAuditMonth loads the month of o for audits, the registry's
// participants marked as such.
func loadAuditMonth(ctx context.Context, o monthFlags) (*audit.Month, error) {
	st, m, err := openMonth(ctx, o.db, o.month, o.spec)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	meta, err := findMonthMeta(ctx, st, m, o.spec)
	if err != nil {
		return nil, err
	}
	var reg map[uint32]bool
	if svc, ok := st.(store.Service); ok {
		ps, err := svc.RegisteredParticipants(ctx)
		if err != nil {
			return nil, err
		}
		reg = store.RegisteredASNs(ps)
	}
	return audit.Load(ctx, st, meta, reg)
}

// findMonthMeta returns the stored meta of month m under specRef.
func findMonthMeta(ctx context.Context, st store.Store, m time.Time, specRef string) (store.MonthMeta, error) {
	metas, err := st.Months(ctx)
	if err != nil {
		return store.MonthMeta{}, err
	}
	for _, mm := range metas {
		if mm.Month.Equal(m) && mm.Spec == specRef {
			return mm, nil
		}
	}
	return store.MonthMeta{}, &exitError{code: 2, err: fmt.Errorf("no month %s under %s in the store", vocab.MonthOf(m), specRef)}
}

func renderAudit(w io.Writer, a *wire.Audit, format string) error {
	switch format {
	case "json":
		return audit.JSON(w, a)
	case "html":
		return audit.HTML(w, a)
	case "pdf":
		return audit.PDF(w, a)
	}
	return audit.Text(w, a)
}
