package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/audit"
)

type auditSectorsOptions struct {
	monthFlags
	csv         string
	peeringdb   []string
	format, out string
}

func newAuditSectorsCmd() *cobra.Command {
	var o auditSectorsOptions
	cmd := &cobra.Command{
		Use:   "sectors --db DSN --csv FILE [--peeringdb FILE…] [--month YYYY-MM] [--format text|json|csv] [-o FILE]",
		Short: "ROA coverage and upstream ROV per sector, from a list of organisations",
		Long: `sectors reads a list of organisations (CSV organisation,sector,asns; the
asns field holds ASNs and PeeringDB organisation ids as peeringdb:ID, separated
by spaces or semicolons; those ids are resolved to the networks the month's
records give them, or with --peeringdb to those of the PeeringDB files) and audits each one's
supply chain in the month. Per sector: the ROA-valid share of the
organisations' own announcements, and over their hop-1 upstreams weighted by
the prefixes they carry, the shares inferred to deploy ROV, with any ROV
verdict, and passing the ROA-coverage control (docs/audit.md).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !slices.Contains([]string{"text", "json", "csv"}, o.format) {
				return usageError(fmt.Errorf("--format %q: want text, json or csv", o.format))
			}
			if o.csv == "" {
				return usageError(fmt.Errorf("--csv is required"))
			}
			f, err := os.Open(o.csv)
			if err != nil {
				return usageError(err)
			}
			orgs, err := audit.ReadOrgs(f, o.csv)
			f.Close()
			if err != nil {
				return usageError(err)
			}
			if err := o.resolve(cmd, orgs); err != nil {
				return err
			}
			am, err := loadAuditMonth(cmd.Context(), o.monthFlags)
			if err != nil {
				return err
			}
			rows, err := am.Sectors(orgs)
			if err != nil {
				return err
			}
			var b bytes.Buffer
			switch o.format {
			case "json":
				enc := json.NewEncoder(&b)
				enc.SetIndent("", "  ")
				err = enc.Encode(wire.AuditSectors{MonthData: wire.MonthData{Month: am.Meta.Month.UTC(), Spec: am.Meta.Spec}, Sectors: rows})
			case "csv":
				err = audit.WriteSectorsCSV(&b, rows)
			default:
				sectorText(&b, rows)
			}
			if err != nil {
				return err
			}
			return writeOutput(cmd, o.out, b.Bytes())
		},
	}
	o.monthFlags.register(cmd)
	f := cmd.Flags()
	f.StringVar(&o.csv, "csv", "", "the organisations: CSV organisation,sector,asns")
	f.StringArrayVar(&o.peeringdb, "peeringdb", nil, "PeeringDB net page or dump resolving peeringdb:ID entries instead of the month's records (repeatable)")
	f.StringVar(&o.format, "format", "text", "text, json or csv")
	f.StringVarP(&o.out, "output", "o", "", "write to FILE instead of the standard output")
	return cmd
}

// resolve adds the networks of each organisation's PeeringDB ids to its ASNs.
func (o *auditSectorsOptions) resolve(cmd *cobra.Command, orgs []audit.Org) error {
	need := slices.ContainsFunc(orgs, func(g audit.Org) bool { return len(g.PeeringDB) > 0 })
	if !need {
		return nil
	}
	if len(o.peeringdb) == 0 {
		return nil // the month's records resolve them (audit.Month.Sectors)
	}
	db, err := loadPeeringDB(cmd.Context(), o.peeringdb)
	if err != nil {
		return err
	}
	for i := range orgs {
		for _, id := range orgs[i].PeeringDB {
			orgs[i].ASNs = append(orgs[i].ASNs, networksOf(db, id)...)
		}
		orgs[i].PeeringDB = nil
	}
	return nil
}

func sectorText(b *bytes.Buffer, rows []audit.SectorRow) {
	f := func(v *float64) string {
		if v == nil {
			return "-"
		}
		return fmt.Sprintf("%.1f%%", 100**v)
	}
	fmt.Fprintf(b, "%-14s %5s %8s %13s %9s %9s %12s %10s %12s\n", "SECTOR", "ORGS", "NETWORKS", "ANNOUNCEMENTS",
		"ROA-VALID", "UPSTREAMS", "UPSTREAM-ROV", "ROV-JUDGED", "UPSTREAM-ROA")
	for _, r := range rows {
		fmt.Fprintf(b, "%-14s %5d %8d %13d %9s %9d %12s %10s %12s\n", r.Sector, r.Organisations, r.Networks, r.Announcements,
			f(r.ROAValid), r.Upstreams, f(r.UpstreamROV), f(r.UpstreamROVJudged), f(r.UpstreamROA))
		for _, u := range r.Unresolved {
			fmt.Fprintf(b, "  not found: %s\n", strings.TrimSpace(u))
		}
	}
}
