package web

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/store"
)

// TestWeb_Alerts: the Alerts pages for participant (its networks),
// partner and secretariat keys, the evidence of an incident shown from
// its document, the open filter, and bad input refused.
func TestWeb_Alerts(t *testing.T) {
	e := newEnv(t)
	at := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	for _, a := range []store.AlertIncident{
		{ID: "rpki-invalid-1234", Kind: "rpki-invalid", Prefix: netip.MustParsePrefix("193.0.10.0/24"), Origin: 64511,
			ASNs: []uint32{3333, 64511}, Opened: at, Closed: at.Add(42 * time.Second), Updated: at,
			Doc: []byte(`{"id":"rpki-invalid-1234","watches":["ripe <ncc>"],"watchedPrefix":"193.0.0.0/21","expectedOrigins":[3333],
				"evidence":{"peers":1,"maxPeers":2,"peerList":["127.0.0.2 AS65001"],"paths":["65001 64511"],"rpki":"invalid-asn",
				"vrps":[{"prefix":"193.0.0.0/21","maxLength":24,"asn":3333,"ta":"ripe"}]}}`)},
		{ID: "route-leak-5678", Kind: "route-leak", Prefix: netip.MustParsePrefix("192.0.2.0/24"), Origin: 64500,
			ASNs: []uint32{64500, 64501}, Opened: at.Add(time.Minute), Updated: at,
			Doc: []byte(`{"id":"route-leak-5678","evidence":{"peers":3,"maxPeers":3,"leak":{"leaker":64501,"from":3356,"to":1299,"fromRel":"provider","toRel":"provider"}}}`)},
	} {
		if err := e.st.RecordAlert(t.Context(), &a); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		who, token string
		list, a, b int
	}{
		{"anonymous", "", 401, 401, 401}, {"participant of AS3333", e.pRIPE, 200, 200, 404},
		{"partner", e.partner, 200, 200, 200}, {"secretariat", e.sec, 200, 200, 200},
	} {
		cl := e.client(t, c.token)
		for path, want := range map[string]int{"/alerts": c.list, "/alerts/rpki-invalid-1234": c.a, "/alerts/route-leak-5678": c.b} {
			status, body := get(t, cl, e.srv.URL, path)
			if status != want {
				t.Errorf("%s GET %s: %d, want %d", c.who, path, status, want)
			}
			if status != 200 && strings.Contains(body, "64511") {
				t.Errorf("%s GET %s: a refusal names a network", c.who, path)
			}
		}
	}
	cl := e.client(t, e.pRIPE)
	if _, body := get(t, cl, e.srv.URL, "/alerts"); attr(body, `id="alert-count"`, "data-alerts") != "1" || strings.Contains(body, "route-leak-5678") {
		t.Errorf("a participant's alerts: want its one incident only")
	}
	_, page := get(t, cl, e.srv.URL, "/alerts/rpki-invalid-1234")
	for _, want := range []string{"closed after 42 s", "<code>65001 64511</code>", "<td>193.0.0.0/21</td><td>24</td><td>AS3333</td><td>ripe</td>",
		"RPKI state: <strong>invalid-asn</strong>", "ripe &lt;ncc&gt;", "expected origins AS3333", `href="/api/v2/alerts/rpki-invalid-1234"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the alert page lacks %q", want)
		}
	}
	sec := e.client(t, e.sec)
	if _, body := get(t, sec, e.srv.URL, "/alerts?open=true"); attr(body, `id="alert-count"`, "data-alerts") != "1" || !strings.Contains(body, "route-leak-5678") {
		t.Errorf("open alerts: want the leak only")
	}
	if _, body := get(t, sec, e.srv.URL, "/alerts/route-leak-5678"); !strings.Contains(body, "AS64501 passed a route from AS3356 (provider) to AS1299 (provider)") {
		t.Errorf("the leak page lacks the leak")
	}
	for bad, want := range map[string]int{"/alerts?open=maybe": 400, "/alerts/nope": 404} {
		if status, _ := get(t, sec, e.srv.URL, bad); status != want {
			t.Errorf("GET %s: %d, want %d", bad, status, want)
		}
	}
}
