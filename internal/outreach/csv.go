package outreach

import (
	"strconv"

	"github.com/observatory-net/observatory/internal/vocab"
)

// CSVHeader names the columns of the ranking as the CLI and the
// dashboard's download write it (CSVRow).
var CSVHeader = []string{"rank", "asn", "holder", "economy", "region", "subregion", "rir", "customer_cone",
	"ipv4_addresses", "ipv6_slash64s", "incidents", "ready_actions", "actions", "impact", "readiness", "priority"}

// CSVRow is the target as a row of CSVHeader.
func (t *Target) CSVRow() []string {
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', 4, 64) }
	return []string{strconv.Itoa(t.Rank), "AS" + strconv.FormatUint(uint64(t.ASN), 10), t.Holder, t.Country, t.Region,
		t.SubRegion, t.RIR, strconv.Itoa(t.Cone), strconv.FormatInt(t.Space4, 10), strconv.FormatInt(t.Space6, 10),
		strconv.Itoa(t.Incidents), strconv.Itoa(t.Ready), strconv.Itoa(t.Actions), f(t.Impact), f(t.Readiness), f(t.Priority)}
}

// GrowthHeader names the columns of the growth as rows (GrowthRows):
// kind "participation" rows carry joined and total, kind "shares" rows
// the two network shares of a group (world or a programme).
var GrowthHeader = []string{"kind", "month", "group", "joined", "total", "roa_valid_share", "roa_judged",
	"rov_filtering_share", "rov_judged"}

// GrowthRows is the growth as rows of GrowthHeader: participation by
// month and programme, then the shares by month, world first.
func (g *Growth) GrowthRows() [][]string {
	var out [][]string
	for _, m := range g.Participation {
		for _, p := range g.Programmes {
			out = append(out, []string{"participation", m.Month.String(), p, strconv.Itoa(m.Joined[p]), strconv.Itoa(m.Total[p]), "", "", "", ""})
		}
	}
	share := func(v *float64) string {
		if v == nil {
			return ""
		}
		return strconv.FormatFloat(*v, 'f', 4, 64)
	}
	for _, s := range g.Shares {
		row := func(group string, sh Shares) []string {
			return []string{"shares", s.Month.String(), group, "", "", share(sh.ROAValid), strconv.Itoa(sh.ROAJudged),
				share(sh.ROVFiltering), strconv.Itoa(sh.ROVJudged)}
		}
		out = append(out, row(vocab.WorldKey, s.World))
		for _, p := range sortedKeys(s.Participants) {
			out = append(out, row(p, s.Participants[p]))
		}
	}
	return out
}
