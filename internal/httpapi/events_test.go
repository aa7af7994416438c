package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/store"
)

// eventsMonth is October of the fixture with its incidents' evidence in
// the shape ingest writes (internal/metric): a list of events, ASNs as
// strings, the evidence paths.
func eventsMonth() *store.Month {
	m := fixtureMonth(october, 0)
	for i := range m.Incidents {
		in := &m.Incidents[i]
		in.Evidence = json.RawMessage(fmt.Sprintf(`[{"prefix":"10.%d.0.0/16","origin":"%d","rpki":"invalid-asn","irr":"none","peers":%d,
			"upstreams":["64511"],"paths":["64496 64511 %d"],"rule":"RPKI-invalid origin with no matching IRR route object (§13.6)",
			"event":"%s-e1","weight":1}]`, in.ASN%256, in.ASN, 2*(i+1), in.ASN, in.ID))
	}
	return m
}

// TestEvents_Roles checks that the feed is one public document: the same
// bytes for anonymous callers, participants and the secretariat, holding
// no score, weight or review state; that a pending claim changes nothing
// and an accepted false positive leaves the feed for everyone.
func TestEvents_Roles(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		if err := st.WriteMonth(context.Background(), eventsMonth()); err != nil {
			t.Fatal(err)
		}
		k := setupKeys(t, st)
		e := newEnv(t, st, Options{})
		const list = "/api/v2/events?month=2026-10"
		roles := map[string]string{"anonymous": "", "participant": k.pRIPE, "secretariat": k.sec}
		feed := func() string {
			var first string
			for name, tok := range roles {
				resp, b := e.do("GET", list, "", bearer(tok)...)
				if resp.StatusCode != 200 {
					t.Fatalf("%s: GET %s: %d: %s", name, list, resp.StatusCode, b)
				}
				if cc := resp.Header.Get("Cache-Control"); cc != cachePublic {
					t.Errorf("%s: Cache-Control %q, want %q", name, cc, cachePublic)
				}
				if first == "" {
					first = string(b)
				} else if string(b) != first {
					t.Errorf("%s sees another feed:\n%s\nwant\n%s", name, b, first)
				}
			}
			for _, word := range []string{"weight", "score", "excluded", "feedback", "verdict", "participant"} {
				if strings.Contains(strings.ToLower(first), strings.ToLower(word)) {
					t.Errorf("the public feed mentions %q: %.400s", word, first)
				}
			}
			return first
		}
		before := feed()
		var l wire.EventList
		if err := json.Unmarshal([]byte(before), &l); err != nil {
			t.Fatal(err)
		}
		if l.Total != 4 || len(l.Items) != 4 {
			t.Fatalf("%d events (total %d), want the 4 hijacks", len(l.Items), l.Total)
		}
		var ripe *wire.Event
		for i := range l.Items {
			if l.Items[i].ID == "3333-M2-1" {
				ripe = &l.Items[i]
			}
		}
		if ripe == nil || ripe.Type != "hijack" || ripe.Culprit != 3333 || len(ripe.Paths) != 1 || ripe.Paths[0].Culprit != 2 ||
			ripe.Prefixes[0] != "10.5.0.0/16" || ripe.Duration != 86400 || ripe.Peers != 2 || ripe.Link != "/events/3333-M2-1" {
			t.Fatalf("AS3333's event: %+v", ripe)
		}
		// 2 peers, invalid-asn and no IRR, 24 h: 0.4·0.4 + 0.4·1 + 0.2·1.
		if c := ripe.Confidence; c.Value != 0.76 || c.Level != "medium" {
			t.Errorf("AS3333's confidence %+v, want 0.76 medium", c)
		}
		one := e.get("/api/v2/events/3333-M2-1?month=2026-10", 200)
		if want, _ := json.Marshal(ripe); string(one) != string(want) {
			t.Errorf("GET /events/3333-M2-1 = %s, want the list's item %s", one, want)
		}

		if resp, b := e.do("POST", "/api/v2/incidents/3333-M2-1/feedback", `{"reason":"a planned migration"}`, bearer(k.pRIPE)...); resp.StatusCode != 201 {
			t.Fatalf("flag: %d: %s", resp.StatusCode, b)
		}
		if after := feed(); after != before {
			t.Errorf("a pending claim changed the public feed:\n%s\nwas\n%s", after, before)
		}
		var fl struct {
			Items []feedbackJSON `json:"items"`
		}
		if err := json.Unmarshal(e.get("/api/v2/feedback?verdict=pending", 200, bearer(k.sec)...), &fl); err != nil || len(fl.Items) != 1 {
			t.Fatalf("pending feedback %+v: %v", fl, err)
		}
		path := "/api/v2/feedback/" + strconv.FormatInt(fl.Items[0].ID, 10) + "/review"
		if resp, b := e.do("POST", path, `{"verdict":"accepted","note":"route object predates it"}`, bearer(k.sec)...); resp.StatusCode != 200 {
			t.Fatalf("accept: %d: %s", resp.StatusCode, b)
		}
		after := feed()
		if strings.Contains(after, "3333-M2-1") || !strings.Contains(after, `"total":3`) {
			t.Errorf("the accepted false positive is still in the feed: %.300s", after)
		}
		for _, tok := range roles {
			e.get("/api/v2/events/3333-M2-1?month=2026-10", 404, bearer(tok)...)
		}
	})
}

func TestEvents_Filters(t *testing.T) {
	st := openFixture(t, storeKinds[0])
	if err := st.WriteMonth(context.Background(), eventsMonth()); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, st, Options{})
	ids := func(q string) []string {
		t.Helper()
		var l wire.EventList
		if err := json.Unmarshal(e.get("/api/v2/events?month=2026-10&"+q, 200), &l); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, it := range l.Items {
			out = append(out, it.ID)
		}
		return out
	}
	for q, want := range map[string]string{
		"type=hijack":          "15169-M2-1 3333-M2-1 64500-M2-1 64501-M2-1",
		"type=leak":            "",
		"asn=AS64501":          "64501-M2-1",
		"asn=64511":            "15169-M2-1 3333-M2-1 64500-M2-1 64501-M2-1", // the upstream is involved in all
		"prefix=10.5.1.0/24":   "3333-M2-1",
		"since=2026-10-04":     "",
		"since=2026-10-03":     "15169-M2-1 3333-M2-1 64500-M2-1 64501-M2-1",
		"type=bogon&asn=15169": "",
	} {
		if got := strings.Join(ids(q), " "); got != want {
			t.Errorf("%s: %q, want %q", q, got, want)
		}
	}
	// Pages of one, bound to the query.
	var p1 wire.EventList
	if err := json.Unmarshal(e.get("/api/v2/events?month=2026-10&pageSize=1", 200), &p1); err != nil || p1.NextPageToken == "" || len(p1.Items) != 1 {
		t.Fatalf("page 1: %+v %v", p1, err)
	}
	var p2 wire.EventList
	if err := json.Unmarshal(e.get("/api/v2/events?month=2026-10&pageSize=1&pageToken="+p1.NextPageToken, 200), &p2); err != nil ||
		len(p2.Items) != 1 || p2.Items[0].ID == p1.Items[0].ID {
		t.Fatalf("page 2: %+v %v", p2, err)
	}
	e.get("/api/v2/events?month=2026-10&type=hijack&pageSize=1&pageToken="+p1.NextPageToken, 400)
	for _, q := range []string{"type=moas", "asn=ASx", "prefix=10.0.0.0", "since=yesterday", "month=2026-13"} {
		e.get("/api/v2/events?"+q, 400)
	}
	e.get("/api/v2/events/nope?month=2026-10", 404)
	e.get("/api/v2/events?month=2025-01", 404)
}
