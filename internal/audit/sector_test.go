package audit

import (
	"bytes"
	"strings"
	"testing"
)

func TestReadOrgs(t *testing.T) {
	orgs, err := ReadOrgs(strings.NewReader("organisation,sector,asns\nBank,Finance,AS64500; 64501\nClinic,health,peeringdb:42\n"), "s.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(orgs) != 2 || orgs[0].Sector != "finance" || len(orgs[0].ASNs) != 2 || orgs[1].PeeringDB[0] != 42 {
		t.Errorf("orgs %+v", orgs)
	}
	for _, bad := range []string{"", "org,sector\nA,b\n", "organisation,sector,asns\n", "organisation,sector,asns\nA,,AS1\n",
		"organisation,sector,asns\nA,b,ASX\n", "organisation,sector,asns\nA,b,\n", "organisation,sector,asns\nA,b,peeringdb:x\n",
		"organisation,sector,asns\nA,b,AS1\nB,c\n"} {
		if _, err := ReadOrgs(strings.NewReader(bad), "s.csv"); err == nil || !strings.HasPrefix(err.Error(), "s.csv") {
			t.Errorf("ReadOrgs(%q) = %v, want an error naming the file", bad, err)
		}
	}
}

// TestSectors: the hand month's enterprise (one valid of four
// announcements; upstream weights AS100 4 prefixes deploying ROV with
// ROAs ready, AS200 1 prefix, ROV does-not) makes the finance row.
func TestSectors(t *testing.T) {
	m := loadHand(t)
	rows, err := m.Sectors([]Org{{Name: "Bank", Sector: "finance", ASNs: []uint32{64500}},
		{Name: "Clinic", Sector: "health", ASNs: []uint32{64999}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Sector != "finance" {
		t.Fatalf("rows %+v", rows)
	}
	f := rows[0]
	if f.Announcements != 4 || *f.ROAValid != 0.25 || f.Upstreams != 2 || *f.UpstreamROV != 0.8 || *f.UpstreamROVJudged != 1 || *f.UpstreamROA != 0.8 {
		t.Errorf("finance %+v: want 4 announcements, 0.25 valid, 2 upstreams, ROV 0.8 of 1 judged, ROA 0.8", f)
	}
	h := rows[1]
	if h.ROAValid != nil || h.UpstreamROV != nil || len(h.Unresolved) != 1 {
		t.Errorf("health %+v: want no data and AS64999 unresolved", h)
	}
	var b bytes.Buffer
	if err := WriteSectorsCSV(&b, rows); err != nil || !strings.Contains(b.String(), "finance,1,1,4,0.2500,2,0.8000,1.0000,0.8000") {
		t.Errorf("CSV %v:\n%s", err, b.String())
	}
}
