package webtest

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"
)

// The /api/v2 answers the pages are compared with: only the fields the
// pages show.

type apiSummary struct {
	Region string `json:"region"`
	Scores []struct {
		ID          string             `json:"id"`
		Value       *float64           `json:"value"`
		Trend       *float64           `json:"trend"`
		Counts      map[string]int     `json:"counts"`
		Percentages map[string]float64 `json:"percentages"`
	} `json:"aggregates"`
}

type apiScore struct {
	ID      string   `json:"id"`
	Value   *float64 `json:"value"`
	HasData bool     `json:"hasData"`
	Level   string   `json:"level"`
}

type apiASN struct {
	ASN         uint32     `json:"asn"`
	Holder      string     `json:"holder"`
	Country     string     `json:"country"`
	Participant bool       `json:"participant"`
	Scores      []apiScore `json:"scores"`
}

type apiMark struct {
	Value *float64 `json:"value"`
	Level string   `json:"level"`
}

type apiParticipant struct {
	Organisation string   `json:"organisation"`
	Programme    string   `json:"programme"`
	ASNs         []uint32 `json:"asns"`
	Approved     string   `json:"approved"`
	Areas        []string `json:"areas"`
	Action1Mark  string   `json:"action1Mark"`
	AntiSpoofing apiMark  `json:"antiSpoofing"`
	Coordination apiMark  `json:"coordination"`
	IRR          apiMark  `json:"routingInformationIRR"`
	RPKI         apiMark  `json:"routingInformationRPKI"`
}

type apiIncident struct {
	ID       string `json:"id"`
	ASN      uint32 `json:"asn"`
	Excluded bool   `json:"excluded"`
}

// summary returns GET /api/v2/scores/summary of the month and region.
func summary(t *testing.T, region string) apiSummary {
	t.Helper()
	return summaryOf(t, month, region)
}

// summaryOf returns GET /api/v2/scores/summary of a month and region.
func summaryOf(t *testing.T, month, region string) apiSummary {
	t.Helper()
	var s apiSummary
	getJSON(t, "", "/api/v2/scores/summary?"+url.Values{"month": {month}, "region": {region}}.Encode(), &s)
	return s
}

// asnRecord returns GET /api/v2/ases/{asn} of the month, as role sees it.
func asnRecord(t *testing.T, role string, asn uint32) apiASN {
	t.Helper()
	var a apiASN
	getJSON(t, role, fmt.Sprintf("/api/v2/ases/%d?month=%s", asn, month), &a)
	return a
}

// participantsTable returns GET /api/v2/participants of the month.
func participantsTable(t *testing.T) []apiParticipant {
	t.Helper()
	var p struct {
		Items []apiParticipant `json:"items"`
	}
	getJSON(t, "", "/api/v2/participants?month="+month, &p)
	return p.Items
}

// incidents returns every incident of the month that role may see, asn
// 0 for all, following the pages.
func incidents(t *testing.T, role string, asn uint32) []apiIncident {
	t.Helper()
	var all []apiIncident
	q := url.Values{"month": {month}, "pageSize": {"500"}}
	if asn != 0 {
		q.Set("asn", strconv.FormatUint(uint64(asn), 10))
	}
	for {
		var page struct {
			Items []apiIncident `json:"items"`
			Next  string        `json:"nextPageToken"`
		}
		getJSON(t, role, "/api/v2/incidents?"+q.Encode(), &page)
		all = append(all, page.Items...)
		if page.Next == "" {
			return all
		}
		q.Set("pageToken", page.Next)
	}
}

// scoreText formats a score as the pages do: three decimals, or "–"
// without a value.
func scoreText(v *float64) string {
	if v == nil {
		return "–"
	}
	return strconv.FormatFloat(*v, 'f', 3, 64)
}

// dashboard sets the environment up and fails the test at once, with
// one clear message, when the server has no dashboard at /.
func dashboard(t *testing.T) {
	t.Helper()
	resp, err := http.Get(setUp(t).srv.url + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /: HTTP %d: the server has no dashboard", resp.StatusCode)
	}
}

// roaCoverage returns the share of an economy's announced address space
// of a family (4 or 6) covered by valid ROAs, from GET
// /api/v2/roas/economy/{cc}, as the pages show it: a percentage with one
// decimal, or "" when the economy announced none.
func roaCoverage(t *testing.T, cc string, family int) string {
	t.Helper()
	var r struct {
		Families []struct {
			Family        int   `json:"family"`
			ValidSpace    int64 `json:"validSpace"`
			InvalidSpace  int64 `json:"invalidSpace"`
			NotFoundSpace int64 `json:"notFoundSpace"`
		} `json:"families"`
	}
	path := fmt.Sprintf("/api/v2/roas/economy/%s?month=%s", cc, month)
	if status := getJSONStatus(t, "", path, &r); status == http.StatusNotFound {
		return "" // no route of the economy classified
	} else if status != http.StatusOK {
		t.Fatalf("GET %s: HTTP %d", path, status)
	}
	for _, f := range r.Families {
		if total := f.ValidSpace + f.InvalidSpace + f.NotFoundSpace; f.Family == family && total > 0 {
			return strconv.FormatFloat(100*float64(f.ValidSpace)/float64(total), 'f', 1, 64) + " %"
		}
	}
	return ""
}
