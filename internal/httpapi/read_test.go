package httpapi

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/store"
)

// publicReads are the anonymous requests whose answers both stores must
// give byte for byte.
var publicReads = []string{
	"/api/v2/asns",
	"/api/v2/ases",
	"/api/v2/ases?economies=nl,US&pageSize=1",
	"/api/v2/ases?region=Europe&month=2026-09",
	"/api/v2/ases/AS3333",
	"/api/v2/ases/64500?month=2026-10-01T00:00:00Z",
	"/api/v2/scores/summary",
	"/api/v2/scores/summary?region=europe&month=2026-09",
	"/api/v2/scores/summary?region=NL&spec=netops@2024.1",
	"/api/v2/roas/asn/AS3333",
	"/api/v2/roas/economy/nl",
	"/api/v2/participants",
	"/api/v2/specs",
	"/api/v2/specs/netops/2024.1",
	"/api/v2/inputs",
	"/api/v2/inputs?month=2026-09",
}

func TestPublicReads_SameOnBothStores(t *testing.T) {
	got := map[string]map[string]string{}
	for _, k := range storeKinds {
		t.Run(k.name, func(t *testing.T) {
			e := newEnv(t, openFixture(t, k), Options{})
			got[k.name] = map[string]string{}
			for _, p := range publicReads {
				got[k.name][p] = string(e.get(p, http.StatusOK))
			}
		})
	}
	if len(got) == 2 {
		if diff := cmp.Diff(got["sqlite"], got["postgres"]); diff != "" {
			t.Errorf("answers differ between stores (-sqlite +postgres):\n%s", diff)
		}
	}
}

func TestReads(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, Options{})
		t.Run("participant ASNs", func(t *testing.T) {
			var l asnList
			decode(t, e.get("/api/v2/asns", 200), &l)
			if diff := cmp.Diff(wireASNs([]uint32{asnRIPE, asnGoogle}), l.Items); diff != "" || !l.Month.Equal(october) {
				t.Errorf("asns mismatch (-want +got):\n%s month %s", diff, l.Month)
			}
		})
		t.Run("anonymous sees public scores of participants, all of others", func(t *testing.T) {
			var l asList
			decode(t, e.get("/api/v2/ases", 200), &l)
			ids := map[uint32][]string{}
			for _, a := range l.Items {
				for _, s := range a.Scores {
					ids[uint32(a.ASN)] = append(ids[uint32(a.ASN)], string(s.ID))
				}
			}
			public := []string{"antiSpoofing", "coordination", "routingInformationIRR", "routingInformationRPKI"}
			want := map[uint32][]string{asnRIPE: public, asnGoogle: public, asnNL: scoreIDs, asnUS: scoreIDs}
			if diff := cmp.Diff(want, ids); diff != "" {
				t.Errorf("visible scores mismatch (-want +got):\n%s", diff)
			}
		})
		t.Run("pagination walks the list once", func(t *testing.T) {
			var seen []uint32
			next := ""
			for range 10 {
				var l asList
				decode(t, e.get("/api/v2/ases?pageSize=3&pageToken="+next, 200), &l)
				for _, a := range l.Items {
					seen = append(seen, uint32(a.ASN))
				}
				if next = l.NextPageToken; next == "" {
					break
				}
			}
			if diff := cmp.Diff([]uint32{asnRIPE, asnGoogle, asnNL, asnUS}, seen); diff != "" {
				t.Errorf("pages mismatch (-want +got):\n%s", diff)
			}
			// A token is bound to its query.
			var l asList
			decode(t, e.get("/api/v2/ases?pageSize=1", 200), &l)
			e.get("/api/v2/ases?region=Europe&pageToken="+l.NextPageToken, 400)
		})
		t.Run("summary with trend and levels", func(t *testing.T) {
			var s scoreSummary
			decode(t, e.get("/api/v2/scores/summary", 200), &s)
			if len(s.Aggregates) != 5 || !s.PreviousMonth.Equal(september) || s.Scope != "world" {
				t.Fatalf("summary: %+v", s)
			}
			f := s.Aggregates[0]
			if f.ID != "filtering" || f.Trend == nil || *f.Trend < 0.0999 || *f.Trend > 0.1001 {
				t.Errorf("filtering trend = %v, want 0.1", f.Trend)
			}
			if f.Counts.Ready != 3 || f.Percentages.Ready != 30 || f.Percentages.NoData != 40 {
				t.Errorf("filtering counts %+v percentages %+v", f.Counts, f.Percentages)
			}
			e.get("/api/v2/scores/summary?region=Atlantis", 404)
		})
		t.Run("participants table", func(t *testing.T) {
			var p participantTable
			decode(t, e.get("/api/v2/participants", 200), &p)
			if p.Source != "month" || len(p.Items) != 2 || p.Items[0].Organisation != "Google" {
				t.Fatalf("participants: %+v", p)
			}
			g := p.Items[0]
			if g.Action1Mark != "lagging" || g.RPKI.Level != "aspiring" || g.AntiSpoofing.Level != "noData" || g.Coordination.Value == nil {
				t.Errorf("Google row: %+v", g)
			}
		})
		t.Run("ETag and 304", func(t *testing.T) {
			resp, _ := e.do("GET", "/api/v2/scores/summary", "")
			tag := resp.Header.Get("ETag")
			if tag == "" || !strings.HasPrefix(resp.Header.Get("Cache-Control"), "public") {
				t.Fatalf("ETag %q Cache-Control %q", tag, resp.Header.Get("Cache-Control"))
			}
			e.get("/api/v2/scores/summary", 304, "If-None-Match", tag)
			e.get("/api/v2/scores/summary?month=2026-09", 200, "If-None-Match", tag)
			resp, _ = e.do("HEAD", "/api/v2/scores/summary", "")
			if resp.StatusCode != 200 || resp.Header.Get("ETag") != tag {
				t.Errorf("HEAD: %d ETag %q", resp.StatusCode, resp.Header.Get("ETag"))
			}
		})
		t.Run("details need a key", func(t *testing.T) {
			e.get("/api/v2/scores/details?asn=AS3333", 401)
			e.get("/api/v2/incidents?asn=AS3333", 401)
			e.get("/api/v2/incidents", 401)
			e.get("/api/v2/feedback", 401)
		})
		t.Run("service endpoints", func(t *testing.T) {
			e.get("/healthz", 200)
			var doc map[string]any
			decode(t, e.get("/api/v2/openapi.json", 200), &doc)
			if doc["openapi"] != "3.1.0" {
				t.Errorf("openapi.json: openapi = %v", doc["openapi"])
			}
			m := string(e.get("/metrics", 200))
			if !strings.Contains(m, `observatory_http_requests_total{method="GET",route="GET /api/v2/scores/summary",status="200"}`) {
				t.Errorf("metrics lack the summary requests:\n%.2000s", m)
			}
		})
	})
}

func decode(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %.200s: %v", b, err)
	}
}
