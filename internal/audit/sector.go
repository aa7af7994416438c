package audit

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/vocab"
)

// Org is an organisation of a sector list: its ASNs, and PeeringDB
// organisation ids whose networks the caller resolves (ResolveOrgs).
type Org struct {
	Name, Sector string
	ASNs         []uint32
	PeeringDB    []int
}

// MaxOrgs is the most organisations a sector list may hold.
const MaxOrgs = 10000

// ReadOrgs reads a sector list: CSV with the header
// organisation,sector,asns, the asns field holding ASNs (AS64500, 64500,
// asdot) and PeeringDB organisation ids (peeringdb:123) separated by
// spaces or semicolons. name is for errors, which give the line.
func ReadOrgs(r io.Reader, name string) ([]Org, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 3
	cr.TrimLeadingSpace = true
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", name, err)
	}
	if strings.ToLower(strings.Join(head, ",")) != "organisation,sector,asns" {
		return nil, fmt.Errorf("%s line 1: header %q, want organisation,sector,asns", name, strings.Join(head, ","))
	}
	var out []Org
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		o, err := parseOrg(rec)
		if err != nil {
			return nil, fmt.Errorf("%s line %d: %w", name, line, err)
		}
		if len(out) == MaxOrgs {
			return nil, fmt.Errorf("%s line %d: more than %d organisations", name, line, MaxOrgs)
		}
		out = append(out, o)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no organisation", name)
	}
	return out, nil
}

func parseOrg(rec []string) (Org, error) {
	o := Org{Name: strings.TrimSpace(rec[0]), Sector: strings.ToLower(strings.TrimSpace(rec[1]))}
	if o.Name == "" || o.Sector == "" {
		return o, errors.New("an organisation and a sector are required")
	}
	for _, f := range strings.FieldsFunc(rec[2], func(r rune) bool { return r == ' ' || r == ';' }) {
		if id, ok := strings.CutPrefix(strings.ToLower(f), "peeringdb:"); ok {
			n, err := strconv.Atoi(id)
			if err != nil || n <= 0 {
				return o, fmt.Errorf("%q: want peeringdb: and an organisation id", f)
			}
			o.PeeringDB = append(o.PeeringDB, n)
			continue
		}
		a, err := vocab.ParseASN(f)
		if err != nil || a == 0 {
			return o, fmt.Errorf("ASN %q: want AS followed by a number, a number or asdot", f)
		}
		o.ASNs = append(o.ASNs, a)
	}
	if len(o.ASNs)+len(o.PeeringDB) == 0 {
		return o, fmt.Errorf("%s: no ASN and no PeeringDB organisation", o.Name)
	}
	return o, nil
}

// SectorRow is a sector's routing security and that of its upstreams,
// in the API's shape (wire.AuditSector).
type SectorRow = wire.AuditSector

// sectorAcc sums a sector's organisations.
type sectorAcc struct {
	row                       SectorRow
	valid, all                int64
	rov, judged, roa, withUps float64
	upstreams                 map[uint32]bool
}

// Sectors computes the rows of orgs, sorted by sector. The PeeringDB ids
// an organisation still holds are resolved to the networks the month's
// records give them (store.ASN.Org); a caller that resolved them from
// PeeringDB files clears them.
func (m *Month) Sectors(orgs []Org) ([]SectorRow, error) {
	acc := map[string]*sectorAcc{}
	for _, o := range orgs {
		o.ASNs = slices.Clone(o.ASNs)
		for _, id := range o.PeeringDB {
			o.ASNs = append(o.ASNs, m.orgs[id]...)
		}
		s := acc[o.Sector]
		if s == nil {
			s = &sectorAcc{row: SectorRow{Sector: o.Sector, Unresolved: []string{}}, upstreams: map[uint32]bool{}}
			acc[o.Sector] = s
		}
		s.row.Organisations++
		if len(o.ASNs) == 0 {
			s.row.Unresolved = append(s.row.Unresolved, o.Name+": no ASN, and no network of its PeeringDB organisations this month")
			continue
		}
		a, err := m.Audit(Query{ASNs: o.ASNs})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", o.Name, err)
		}
		for _, u := range a.Unresolved {
			s.row.Unresolved = append(s.row.Unresolved, o.Name+": "+u)
		}
		s.row.Networks += len(a.Networks)
		for _, n := range a.Networks {
			s.valid += n.ROA.Valid
			s.all += n.ROA.Valid + n.ROA.Invalid + n.ROA.NotFound
		}
		var sum, rov, judged, roa float64
		for _, p := range a.Providers {
			if p.Hop != 1 {
				continue
			}
			s.upstreams[uint32(p.ASN)] = true
			sum += p.Weight
			switch p.Controls[0].Result {
			case Pass:
				rov, judged = rov+p.Weight, judged+p.Weight
			case Fail:
				judged += p.Weight
			}
			if p.Controls[2].Result == Pass {
				roa += p.Weight
			}
		}
		if sum > 0 {
			s.rov, s.judged, s.roa, s.withUps = s.rov+rov/sum, s.judged+judged/sum, s.roa+roa/sum, s.withUps+1
		}
	}
	out := make([]SectorRow, 0, len(acc))
	for _, s := range acc {
		r := s.row
		r.Announcements, r.Upstreams = s.all, len(s.upstreams)
		r.ROAValid = ratio(float64(s.valid), float64(s.all))
		r.UpstreamROV, r.UpstreamROVJudged, r.UpstreamROA = ratio(s.rov, s.withUps), ratio(s.judged, s.withUps), ratio(s.roa, s.withUps)
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b SectorRow) int { return cmp.Compare(a.Sector, b.Sector) })
	return out, nil
}

func ratio(a, b float64) *float64 {
	if b == 0 {
		return nil
	}
	v := a / b
	return &v
}

// SectorCSVHeader is the header of WriteSectorsCSV.
var SectorCSVHeader = []string{"sector", "organisations", "networks", "announcements", "roa_valid", "upstreams",
	"upstream_rov", "upstream_rov_judged", "upstream_roa"}

// WriteSectorsCSV writes the rows as CSV, shares with four decimals and
// empty without data.
func WriteSectorsCSV(w io.Writer, rows []SectorRow) error {
	cw := csv.NewWriter(w)
	cw.Write(SectorCSVHeader) //nolint:errcheck // checked by Flush
	f := func(v *float64) string {
		if v == nil {
			return ""
		}
		return strconv.FormatFloat(*v, 'f', 4, 64)
	}
	for _, r := range rows {
		cw.Write([]string{r.Sector, strconv.Itoa(r.Organisations), strconv.Itoa(r.Networks), //nolint:errcheck // checked by Flush
			strconv.FormatInt(r.Announcements, 10), f(r.ROAValid), strconv.Itoa(r.Upstreams),
			f(r.UpstreamROV), f(r.UpstreamROVJudged), f(r.UpstreamROA)})
	}
	cw.Flush()
	return cw.Error()
}
