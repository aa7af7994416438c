package httpapi

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/audit"
	"github.com/observatory-net/observatory/internal/store"
)

// auditMonth is a small month with an enterprise (AS64500, two prefixes)
// seen through AS100 (deploys ROV) and AS200 (does not).
func auditMonth(t *testing.T, st store.Store) store.MonthMeta {
	t.Helper()
	may := time.Date(2014, 5, 1, 0, 0, 0, 0, time.UTC)
	m := &store.Month{Meta: store.MonthMeta{Month: may, Spec: "netops@2024.1", IngestedAt: may},
		ASNs: []store.ASN{{ASN: 64500, Holder: "Enterprise"}, {ASN: 100, ROV: "deploys", ROVDropped: 4, ROVConfidence: 4.0 / 6,
			Scores: []store.Score{{ID: "coordination", Value: 1, HasData: true, Level: "ready"},
				{ID: "routingInformationRPKI", Value: 1, HasData: true, Level: "ready"}}},
			{ASN: 200, ROV: "does-not", ROVPropagated: 3, ROVConfidence: 0.6}},
		Routes: []store.Route{{ASN: 64500, Prefix: "198.51.100.0/24", RPKI: "valid", IRR: "none", FirstSeen: may, LastSeen: may},
			{ASN: 64500, Prefix: "203.0.113.0/24", RPKI: "not-found", IRR: "none", FirstSeen: may, LastSeen: may}},
		Upstreams: []store.Upstream{{ASN: 64500, Hop: 1, Upstream: 100, Rel: "provider", Prefixes: 2, Paths: 4, Example: "100 64500"},
			{ASN: 64500, Hop: 1, Upstream: 200, Rel: "provider", Prefixes: 1, Paths: 1, Example: "200 64500"}},
	}
	if err := st.WriteMonth(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	return m.Meta
}

// TestAudit_API: the audit operation for every kind of caller (partner
// and secretariat only), its bad parameters, and its answer equal to the
// audit package's on the same stored month.
func TestAudit_API(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		k := setupKeys(t, st)
		meta := auditMonth(t, st)
		e := newEnv(t, st, Options{})
		const path = "/api/v2/audits?asn=AS64500&month=2014-05"
		for _, c := range []struct {
			name, token string
			want        int
		}{
			{"anonymous", "", 401}, {"participant", k.pRIPE, 403}, {"partner", k.partner, 200},
			{"secretariat", k.sec, 200}, {"revoked", k.revoked, 401}, {"unknown", k.unknown, 401},
		} {
			resp, b := e.do(http.MethodGet, path, "", bearer(c.token)...)
			if resp.StatusCode != c.want {
				t.Errorf("%s GET %s: %d, want %d: %.200s", c.name, path, resp.StatusCode, c.want, b)
			}
		}
		for _, bad := range []string{"/api/v2/audits", "/api/v2/audits?asn=ASX", "/api/v2/audits?prefix=300.0.0.0/8",
			"/api/v2/audits?asn=0", "/api/v2/audits?asn=64500&month=1999-01", "/api/v2/audits?asn=64500&region=x"} {
			resp, b := e.do(http.MethodGet, bad, "", bearer(k.sec)...)
			if resp.StatusCode < 400 || resp.StatusCode >= 500 || resp.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("GET %s: %d %q, want a 4xx problem+json: %.200s", bad, resp.StatusCode, resp.Header.Get("Content-Type"), b)
			}
		}
		var got wire.Audit
		if err := json.Unmarshal(e.get("/api/v2/audits?asn=64500,AS64500&prefix=203.0.113.0/24&month=2014-05", 200, bearer(k.partner)...), &got); err != nil {
			t.Fatal(err)
		}
		am, err := audit.Load(t.Context(), st, meta, nil)
		if err != nil {
			t.Fatal(err)
		}
		want, err := am.Audit(audit.Query{ASNs: []uint32{64500, 64500}, Prefixes: nil})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Providers) != 2 || got.Providers[0].ASN != 200 || got.Providers[0].Failed[0] != audit.OriginValidation {
			t.Fatalf("providers %+v: want AS200 first, failing origin validation", got.Providers)
		}
		// The API's answer also resolved the prefix; the rest is the package's.
		if len(got.Resolved) != 1 || got.Resolved[0].Origin != 64500 || got.Resolved[0].Match != "exact" {
			t.Errorf("resolved %+v", got.Resolved)
		}
		got.Resolved, got.Query.Prefixes = want.Resolved, want.Query.Prefixes
		if !reflect.DeepEqual(jsonRoundTrip(t, want), jsonRoundTrip(t, &got)) {
			t.Errorf("the API's audit differs from the package's:\n%+v\n%+v", got, *want)
		}
	})
}

func jsonRoundTrip(t *testing.T, a *wire.Audit) any {
	t.Helper()
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestAuditSectors_API: POST /api/v2/audits/sectors for partners and the
// secretariat, its rows equal to the audit package's, bad bodies refused.
func TestAuditSectors_API(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		k := setupKeys(t, st)
		meta := auditMonth(t, st)
		e := newEnv(t, st, Options{})
		const path = "/api/v2/audits/sectors?month=2014-05"
		body := `{"organisations":[{"name":"Bank","sector":"Finance","asns":[64500]},{"name":"Clinic","sector":"health","asns":[64999]}]}`
		for _, c := range []struct {
			name, token string
			want        int
		}{{"anonymous", "", 401}, {"participant", k.pRIPE, 403}, {"partner", k.partner, 200}, {"secretariat", k.sec, 200}} {
			if resp, b := e.do(http.MethodPost, path, body, bearer(c.token)...); resp.StatusCode != c.want {
				t.Errorf("%s POST %s: %d, want %d: %.200s", c.name, path, resp.StatusCode, c.want, b)
			}
		}
		resp, b := e.do(http.MethodPost, path, body, bearer(k.sec)...)
		var got wire.AuditSectors
		if err := json.Unmarshal(b, &got); err != nil || resp.StatusCode != 200 {
			t.Fatalf("POST %s: %d %v", path, resp.StatusCode, err)
		}
		am, err := audit.Load(t.Context(), st, meta, nil)
		if err != nil {
			t.Fatal(err)
		}
		want, err := am.Sectors([]audit.Org{{Name: "Bank", Sector: "finance", ASNs: []uint32{64500}},
			{Name: "Clinic", Sector: "health", ASNs: []uint32{64999}}})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Sectors, want) || len(want) != 2 || want[0].Announcements != 2 {
			t.Errorf("sectors %+v, want %+v", got.Sectors, want)
		}
		for _, bad := range []string{``, `{}`, `{"organisations":[]}`, `{"organisations":[{"name":"","sector":"x","asns":[1]}]}`,
			`{"organisations":[{"name":"A","sector":"x","asns":[]}]}`, `{"organisations":[{"name":"A","sector":"x","asns":[0]}]}`,
			`{"organisations":[{"name":"A","sector":"x","asns":["AS1"]}]}`, `{"organisations":[{"name":"A","sector":"x","asns":[1],"extra":1}]}`} {
			if resp, b := e.do(http.MethodPost, path, bad, bearer(k.sec)...); resp.StatusCode != 400 {
				t.Errorf("POST %s %s: %d, want 400: %.200s", path, bad, resp.StatusCode, b)
			}
		}
	})
}
