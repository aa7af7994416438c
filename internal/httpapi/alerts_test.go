package httpapi

import (
	"encoding/json"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/store"
)

// TestAlerts_Authorization walks the alert operations × every kind of
// caller on two recorded incidents, one concerning AS3333 (RIPE NCC's)
// and one concerning AS64500 only: a participant sees its own, partners
// and the secretariat all, others none; refusals name no network.
func TestAlerts_Authorization(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		k := setupKeys(t, st)
		at := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
		for _, a := range []store.AlertIncident{
			{ID: "subprefix-hijack-aaaa", Kind: "subprefix-hijack", Prefix: netip.MustParsePrefix("193.0.0.0/24"), Origin: 64511,
				ASNs: []uint32{3333, 64511}, Opened: at, Closed: at.Add(42 * time.Second), Doc: []byte(`{"id":"subprefix-hijack-aaaa","evidence":{"paths":["64496 64511"]}}`), Updated: at},
			{ID: "rpki-invalid-bbbb", Kind: "rpki-invalid", Prefix: netip.MustParsePrefix("192.0.2.0/25"), Origin: 64500,
				ASNs: []uint32{64500}, Opened: at.Add(time.Minute), Doc: []byte(`{"id":"rpki-invalid-bbbb","evidence":{"rpki":"invalid-length"}}`), Updated: at},
		} {
			if err := k.svc.RecordAlert(t.Context(), &a); err != nil {
				t.Fatal(err)
			}
		}
		e := newEnv(t, st, Options{})
		list := func(token, path string) (int, []string) {
			resp, b := e.do(http.MethodGet, path, "", bearer(token)...)
			var l wire.AlertList
			if resp.StatusCode == 200 {
				if err := json.Unmarshal(b, &l); err != nil {
					t.Fatal(err)
				}
			} else if resp.Header.Get("Content-Type") != "application/problem+json" || strings.Contains(string(b), "64511") {
				t.Errorf("GET %s: %d %s %s; want a problem naming no network", path, resp.StatusCode, resp.Header.Get("Content-Type"), b)
			}
			var ids []string
			for _, it := range l.Items {
				ids = append(ids, it.ID)
			}
			return resp.StatusCode, ids
		}
		for _, c := range []struct {
			name, token string
			status      int
			ids         string
			getA, getB  int
		}{
			{"anonymous", "", 401, "[]", 401, 401},
			{"participant of AS3333", k.pRIPE, 200, "[subprefix-hijack-aaaa]", 200, 404},
			{"participant of AS15169", k.pGoogle, 200, "[]", 404, 404},
			{"partner", k.partner, 200, "[rpki-invalid-bbbb subprefix-hijack-aaaa]", 200, 200},
			{"secretariat", k.sec, 200, "[rpki-invalid-bbbb subprefix-hijack-aaaa]", 200, 200},
			{"revoked", k.revoked, 401, "[]", 401, 401},
		} {
			status, ids := list(c.token, "/api/v2/alerts")
			if status != c.status || strings.Join(append([]string{}, ids...), " ") != strings.Trim(c.ids, "[]") {
				t.Errorf("%s GET /api/v2/alerts: %d %v, want %d %s", c.name, status, ids, c.status, c.ids)
			}
			for id, want := range map[string]int{"subprefix-hijack-aaaa": c.getA, "rpki-invalid-bbbb": c.getB} {
				resp, b := e.do(http.MethodGet, "/api/v2/alerts/"+id, "", bearer(c.token)...)
				if resp.StatusCode != want {
					t.Errorf("%s GET /api/v2/alerts/%s: %d, want %d: %.200s", c.name, id, resp.StatusCode, want, b)
				}
			}
		}
		if _, ids := list(k.sec, "/api/v2/alerts?open=true"); strings.Join(ids, " ") != "rpki-invalid-bbbb" {
			t.Errorf("open alerts %v, want the RPKI-invalid one only", ids)
		}
		if _, ids := list(k.sec, "/api/v2/alerts?limit=1"); len(ids) != 1 {
			t.Errorf("limit=1: %v", ids)
		}
		var a wire.AlertIncident
		if err := json.Unmarshal(e.get("/api/v2/alerts/subprefix-hijack-aaaa", 200, bearer(k.sec)...), &a); err != nil {
			t.Fatal(err)
		}
		if a.Open || a.Duration != 42 || a.Link != "/alerts/subprefix-hijack-aaaa" || !strings.Contains(string(a.Incident), "64496 64511") {
			t.Errorf("alert %+v: want closed after 42 s, its link and its evidence", a)
		}
		for bad, want := range map[string]int{"/api/v2/alerts?open=maybe": 400, "/api/v2/alerts?limit=0": 400,
			"/api/v2/alerts?limit=1001": 400, "/api/v2/alerts?asn=1": 422} {
			if resp, _ := e.do(http.MethodGet, bad, "", bearer(k.sec)...); resp.StatusCode != want {
				t.Errorf("GET %s: %d, want %d", bad, resp.StatusCode, want)
			}
		}
		if resp, _ := e.do(http.MethodGet, "/api/v2/alerts/nope", "", bearer(k.sec)...); resp.StatusCode != 404 {
			t.Errorf("GET an unknown alert: %d, want 404", resp.StatusCode)
		}
	})
}
