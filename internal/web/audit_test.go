package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/api/wire"
)

// TestWeb_Audit: the Supply chain page for the secretariat and partners
// only, its providers and control results equal to GET /api/v2/audits,
// its graph drawn, and bad input refused.
func TestWeb_Audit(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		who, token string
		want       int
	}{{"anonymous", "", 401}, {"participant", e.pRIPE, 403}, {"partner", e.partner, 200}, {"secretariat", e.sec, 200}} {
		status, body := get(t, e.client(t, c.token), e.srv.URL, "/audit?asn=AS64501")
		if status != c.want {
			t.Errorf("%s GET /audit: %d, want %d", c.who, status, c.want)
		}
		if status != 200 && strings.Contains(body, "EXAMPLE-") {
			t.Errorf("%s GET /audit: a refusal names a network", c.who)
		}
	}
	var api wire.Audit
	e.apiJSON(t, e.partner, "/api/v2/audits?asn=AS64501", &api)
	if len(api.Providers) != 2 {
		t.Fatalf("API providers %+v: want AS64500 and AS3333", api.Providers)
	}
	cl := e.client(t, e.sec)
	_, body := get(t, cl, e.srv.URL, "/audit?asn=AS64501")
	for _, p := range api.Providers {
		row := `<tr data-asn="` + p.ASN.String() + `" data-risk="` + p.RiskLevel + `">`
		i := strings.Index(body, row)
		if i < 0 {
			t.Errorf("no row %s in the page", row)
			continue
		}
		part := body[i:]
		part = part[:strings.Index(part, "</tr>")]
		for _, ctl := range p.Controls {
			if !strings.Contains(part, `data-control="`+ctl.ID+`" data-result="`+ctl.Result+`"`) {
				t.Errorf("%s %s: the page lacks result %s of the API", p.ASN, ctl.ID, ctl.Result)
			}
		}
	}
	if n := strings.Count(body, `<g class="node"`); n != 3 || strings.Count(body, "<line ") != 2 {
		t.Errorf("graph: %d nodes, %d edges; want 3 and 2", n, strings.Count(body, "<line "))
	}
	_, empty := get(t, cl, e.srv.URL, "/audit")
	if !strings.Contains(empty, `action="/audit"`) || strings.Contains(empty, `id="providers"`) {
		t.Errorf("GET /audit without networks: want the form alone")
	}
	var byOrg wire.Audit
	e.apiJSON(t, e.partner, "/api/v2/audits?org=42", &byOrg)
	if len(byOrg.Networks) != 1 || byOrg.Networks[0].ASN != 64501 || byOrg.Networks[0].Organisation.PeeringDB != 42 ||
		byOrg.Query.Org != 42 || len(byOrg.Providers) != len(api.Providers) {
		t.Errorf("API audit of organisation 42: %+v, want AS64501 with its providers", byOrg.Networks)
	}
	if _, asnPage := get(t, cl, e.srv.URL, "/asn/AS64501"); !strings.Contains(asnPage, `data-org="42">Example US Holdings &lt;b&gt; (PeeringDB organisation 42)`) {
		t.Errorf("GET /asn/AS64501: the organisation is not shown, escaped")
	}
	_, orgPage := get(t, cl, e.srv.URL, "/audit?org=42")
	if strings.Count(orgPage, `data-risk=`) != len(api.Providers) || !strings.Contains(orgPage, `value="42"`) {
		t.Errorf("GET /audit?org=42: want the providers of AS64501 and the form filled")
	}
	for _, bad := range []string{"/audit?asn=ASX", "/audit?prefix=300.0.0.0/8", "/audit?asn=0", "/audit?org=x", "/audit?org=-1"} {
		if status, _ := get(t, cl, e.srv.URL, bad); status != 400 {
			t.Errorf("GET %s: %d, want 400", bad, status)
		}
	}
}

// TestWeb_Sectors: the Sectors page for the secretariat and partners
// only, its rows equal to POST /api/v2/audits/sectors, bad lists refused.
func TestWeb_Sectors(t *testing.T) {
	e := newEnv(t)
	q := "/audit/sectors?orgs=" + url.QueryEscape("Example US,Finance,AS64501\nRIPE NCC,research,AS3333")
	for _, c := range []struct {
		who, token string
		want       int
	}{{"anonymous", "", 401}, {"participant", e.pRIPE, 403}, {"partner", e.partner, 200}, {"secretariat", e.sec, 200}} {
		if status, _ := get(t, e.client(t, c.token), e.srv.URL, q); status != c.want {
			t.Errorf("%s GET /audit/sectors: %d, want %d", c.who, status, c.want)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/api/v2/audits/sectors",
		strings.NewReader(`{"organisations":[{"name":"Example US","sector":"finance","asns":[64501]},{"name":"RIPE NCC","sector":"research","asns":[3333]}]}`))
	req.Header.Set("Authorization", "Bearer "+e.partner)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var api wire.AuditSectors
	if err := json.NewDecoder(resp.Body).Decode(&api); err != nil || len(api.Sectors) != 2 {
		t.Fatalf("POST /api/v2/audits/sectors: %d %v %+v", resp.StatusCode, err, api)
	}
	_, body := get(t, e.client(t, e.sec), e.srv.URL, q)
	for _, s := range api.Sectors {
		row := `<tr data-sector="` + s.Sector + `">`
		i := strings.Index(body, row)
		if i < 0 {
			t.Errorf("no row %s", row)
			continue
		}
		if want := `<td data-col="announcements">` + strconv.FormatInt(s.Announcements, 10) + `</td>`; !strings.Contains(body[i:], want) {
			t.Errorf("sector %s: the page lacks %s", s.Sector, want)
		}
	}
	cl := e.client(t, e.sec)
	// A PeeringDB organisation stands for the networks the month's
	// records give it: organisation 42 is AS64501's.
	_, byOrg := get(t, cl, e.srv.URL, "/audit/sectors?orgs="+url.QueryEscape("Example US,Finance,peeringdb:42\nNobody,retail,peeringdb:43"))
	_, byASN := get(t, cl, e.srv.URL, "/audit/sectors?orgs="+url.QueryEscape("Example US,Finance,AS64501"))
	if text(byOrg, `<tr data-sector="finance">`) != text(byASN, `<tr data-sector="finance">`) || text(byASN, `<tr data-sector="finance">`) == "" {
		t.Errorf("sectors: peeringdb:42 gives %q, AS64501 %q", text(byOrg, `<tr data-sector="finance">`), text(byASN, `<tr data-sector="finance">`))
	}
	if !strings.Contains(byOrg, "Nobody: no ASN, and no network of its PeeringDB organisations this month") {
		t.Errorf("sectors: an organisation without networks is not reported")
	}
	for _, bad := range []string{"Bank,finance", "Bank,,AS1", "Bank,finance,ASX", "Bank,finance,peeringdb:x"} {
		if status, _ := get(t, cl, e.srv.URL, "/audit/sectors?orgs="+url.QueryEscape(bad)); status != 400 {
			t.Errorf("GET /audit/sectors with %q: %d, want 400", bad, status)
		}
	}
	if status, body := get(t, cl, e.srv.URL, "/audit/sectors"); status != 200 || strings.Contains(body, `id="sectors"`) {
		t.Errorf("GET /audit/sectors without a list: %d, want the form alone", status)
	}
}
