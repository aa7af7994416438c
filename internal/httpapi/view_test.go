package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/store"
)

// viewRecords are records of every shape the selections must handle: an
// ASN whose region, sub-region and RIR coincide, a lower-case economy,
// empty fields.
var viewRecords = []store.ASN{
	{ASN: 1, Country: "NL", Region: "Europe", SubRegion: "Western Europe", RIR: "RIPE NCC", Participant: true},
	{ASN: 2, Country: "DE", Region: "Europe", SubRegion: "Western Europe", RIR: "RIPE NCC"},
	{ASN: 3, Country: "US", Region: "Americas", SubRegion: "Northern America", RIR: "ARIN"},
	{ASN: 4, Country: "nl", Region: "Europe", SubRegion: "Europe", RIR: "Europe"},
	{ASN: 5},
	{ASN: 6, Country: "JP", Region: "Asia", SubRegion: "Eastern Asia", RIR: "APNIC", Participant: true},
	{ASN: 7, Country: "NL", RIR: "RIPE NCC"},
}

// naiveSelect is the selection as the store filter and the old handler
// made it: region equal to any of the three fields, economy in any case.
func naiveSelect(ccs []string, region string) []uint32 {
	var out []uint32
	for _, a := range viewRecords {
		if region != "" && a.Region != region && a.SubRegion != region && a.RIR != region {
			continue
		}
		if len(ccs) > 0 && !slices.ContainsFunc(ccs, func(cc string) bool { return strings.EqualFold(cc, a.Country) }) {
			continue
		}
		out = append(out, a.ASN)
	}
	return out
}

func TestMonthView_Ases(t *testing.T) {
	v := newMonthView(slices.Clone(viewRecords))
	tests := []struct {
		ccs    []string
		region string
	}{
		{nil, ""},
		{nil, "Europe"},
		{nil, "Western Europe"},
		{nil, "RIPE NCC"},
		{nil, "europe"}, // regions are exact, as in the store
		{nil, "Nowhere"},
		{[]string{"NL"}, ""},
		{[]string{"NL", "US"}, ""},
		{[]string{"US", "NL", "NL"}, ""},
		{[]string{"NL"}, "RIPE NCC"},
		{[]string{"NL", "DE", "JP"}, "Europe"},
		{[]string{"ZZ"}, ""},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%v/%s", tt.ccs, tt.region), func(t *testing.T) {
			sel := v.ases(tt.ccs, tt.region)
			var got []uint32
			for i := range sel.len() {
				got = append(got, v.asns[sel.at(i)].ASN)
			}
			if diff := cmp.Diff(naiveSelect(tt.ccs, tt.region), got); diff != "" {
				t.Errorf("ases(%v, %q) mismatch (-want +got):\n%s", tt.ccs, tt.region, diff)
			}
		})
	}
}

func TestMonthView_ParticipantsAndFind(t *testing.T) {
	v := newMonthView(slices.Clone(viewRecords))
	got := v.participants(map[uint32]bool{3: true, 6: true, 99: true})
	if diff := cmp.Diff([]uint32{1, 3, 6}, got); diff != "" {
		t.Errorf("participants() mismatch (-want +got):\n%s", diff)
	}
	if a := v.find(4); a == nil || a.Country != "nl" {
		t.Errorf("find(4) = %+v, want the record of AS4", a)
	}
	if a := v.find(99); a != nil {
		t.Errorf("find(99) = %+v, want nil", a)
	}
}

func TestViewCache(t *testing.T) {
	vc := viewCache[*monthView]{max: 2}
	peek := func(key, version string) *monthView {
		v, _ := vc.peek(key, version)
		return v
	}
	a1, lead := vc.slot("a", "v1")
	if !lead {
		t.Fatal("slot(a, v1) of an empty cache: not told to load")
	}
	if again, lead := vc.slot("a", "v1"); lead || again != a1 {
		t.Errorf("slot(a, v1) again: lead %v, same slot %v; want the slot in load, shared", lead, again == a1)
	}
	if peek("a", "v1") != nil {
		t.Errorf("peek() of a slot still loading: want nil")
	}
	loaded := &monthView{}
	vc.fill("a", a1, loaded, nil)
	if peek("a", "v1") != loaded || peek("a", "v2") != nil {
		t.Errorf("peek(): want the loaded view of v1 only")
	}
	if a2, lead := vc.slot("a", "v2"); !lead || a2 == a1 {
		t.Errorf("slot(a, v2): want a new slot to load, replacing v1")
	}
	vc.slot("b", "v1")
	vc.slot("c", "v1") // evicts a, the least recently used
	if vc.len() != 2 || peek("a", "v2") != nil {
		t.Errorf("after three months: %d views held, want 2 without a", vc.len())
	}
	c1, _ := vc.slot("c", "v1")
	vc.fill("c", c1, nil, fmt.Errorf("disk on fire"))
	if _, lead := vc.slot("c", "v1"); !lead {
		t.Errorf("slot() after a failed load: want a new load")
	}
}

// TestListQueries_OneRead sends distinct list queries at once and checks
// that the month was read from the store once, and that the answers are
// the records a filter selects.
func TestListQueries_OneRead(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, Options{ExpensivePerClient: 64})
		var paths []string
		for n := 1; n <= 8; n++ {
			paths = append(paths, fmt.Sprintf("/api/v2/ases?pageSize=%d", n), fmt.Sprintf("/api/v2/asns?pageSize=%d", n),
				fmt.Sprintf("/api/v2/ases?economies=nl&pageSize=%d", n), fmt.Sprintf("/api/v2/ases?region=Americas&pageSize=%d", n))
		}
		var wg sync.WaitGroup
		for _, p := range paths {
			wg.Go(func() { e.get(p, http.StatusOK) })
		}
		wg.Wait()
		if got := scraped(t, e, "storeReads", "ASNs", "month"); got != 1 {
			t.Errorf("whole-month ASN reads after %d distinct list queries: %v, want 1", len(paths), got)
		}
		if got := scraped(t, e, "viewLoads", "ok"); got != 1 {
			t.Errorf("month views loaded: %v, want 1", got)
		}
		var list struct {
			Items []struct {
				ASN uint32 `json:"asn"`
			} `json:"items"`
		}
		for _, tt := range []struct {
			path string
			want []uint32
		}{
			{"/api/v2/ases?economies=nl,US&pageSize=10", []uint32{asnRIPE, asnGoogle, asnNL, asnUS}},
			{"/api/v2/ases?region=Western%20Europe", []uint32{asnRIPE, asnNL}},
			{"/api/v2/ases?region=ARIN&economies=NL", nil},
			{"/api/v2/ases?month=2026-09&region=RIPE%20NCC", []uint32{asnRIPE, asnNL}},
		} {
			list.Items = nil
			decode(t, e.get(tt.path, http.StatusOK), &list)
			var got []uint32
			for _, it := range list.Items {
				got = append(got, it.ASN)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("GET %s mismatch (-want +got):\n%s", tt.path, diff)
			}
		}
		if got := scraped(t, e, "viewLoads", "ok"); got != 2 {
			t.Errorf("month views loaded after a query of September: %v, want 2", got)
		}
	})
}

// TestListQueries_RefusedBeforeRead checks that a bad parameter of a list
// query is a 400 made before anything of the month is read.
func TestListQueries_RefusedBeforeRead(t *testing.T) {
	st := openFixture(t, storeKinds[0])
	e := newEnv(t, st, Options{})
	for _, p := range []string{
		"/api/v2/ases?pageSize=0", "/api/v2/asns?pageSize=0", "/api/v2/ases?pageSize=1001", "/api/v2/asns?pageSize=abc",
		"/api/v2/ases?pageToken=forged", "/api/v2/asns?pageToken=AAAAAAAAAAHlfYxjgeAgBg", "/api/v2/ases?economies=N1",
		"/api/v2/ases?region=" + strings.Repeat("x", 101), "/api/v2/ases?month=13", "/api/v2/asns?spec=x",
		"/api/v2/participants?pageSize=0",
	} {
		e.get(p, http.StatusBadRequest)
	}
	for _, scope := range []string{"month", "part"} {
		if got := scraped(t, e, "storeReads", "ASNs", scope); got != 0 {
			t.Errorf("ASN reads (%s) after bad list queries: %v, want 0", scope, got)
		}
	}
}

// TestGetAS_FromView checks that one ASN is answered from the month view
// once it is loaded, as it was read alone before.
func TestGetAS_FromView(t *testing.T) {
	st := openFixture(t, storeKinds[0])
	e := newEnv(t, st, Options{})
	before := e.get("/api/v2/ases/AS64500", http.StatusOK)
	e.get("/api/v2/ases?pageSize=1", http.StatusOK)
	reads := scraped(t, e, "storeReads", "ASNs", "part")
	fresh := newEnv(t, st, Options{})
	fresh.get("/api/v2/ases?pageSize=1", http.StatusOK)
	after := fresh.get("/api/v2/ases/AS64500", http.StatusOK)
	fresh.get("/api/v2/ases/AS64999", http.StatusNotFound)
	if diff := cmp.Diff(string(before), string(after)); diff != "" {
		t.Errorf("GET /api/v2/ases/AS64500 from the view mismatch (-read alone +from the view):\n%s", diff)
	}
	if got := scraped(t, fresh, "storeReads", "ASNs", "part"); got != 0 || reads != 1 {
		t.Errorf("single-ASN reads: %v with the view, %v without; want 0 and 1", got, reads)
	}
}

// metricNames are the series names of the metrics fields the tests read.
var metricNames = map[string]string{
	"storeReads": "observatory_store_reads_total{method=%q,scope=%q}",
	"viewLoads":  "observatory_month_view_loads_total{result=%q}",
	"rejections": "observatory_http_rejections_total{reason=%q}",
}

// scraped reads one series of the server's /metrics, 0 when absent.
func scraped(t *testing.T, e *env, field string, labels ...string) float64 {
	t.Helper()
	args := make([]any, len(labels))
	for i, l := range labels {
		args[i] = l
	}
	series := fmt.Sprintf(metricNames[field], args...)
	for line := range strings.Lines(string(e.get("/metrics", http.StatusOK))) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), series+" "); ok {
			var f float64
			if _, err := fmt.Sscan(v, &f); err != nil {
				t.Fatalf("/metrics: %s: %v", line, err)
			}
			return f
		}
	}
	return 0
}

// TestWarm checks that Warm prepares the default month's view before any
// list query, and that a new version of that month, once the list of
// months is re-read, is prepared without one.
func TestWarm(t *testing.T) {
	st := openFixture(t, storeKinds[0])
	e := newEnv(t, st, Options{MonthsTTL: 50 * time.Millisecond})
	if err := e.s.Warm(context.Background()); err != nil {
		t.Fatalf("Warm() = %v", err)
	}
	e.get("/api/v2/ases?pageSize=3", http.StatusOK)
	if got := scraped(t, e, "viewLoads", "ok"); got != 1 {
		t.Fatalf("month views loaded after Warm and a list query: %v, want 1", got)
	}
	m := fixtureMonth(october, 0)
	m.Meta.IngestedAt = m.Meta.IngestedAt.Add(time.Hour) // a re-ingest
	if err := st.WriteMonth(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for scraped(t, e, "viewLoads", "ok") < 2 && time.Now().Before(deadline) {
		e.get("/healthz", http.StatusOK) // reads the list of months when it is old
		time.Sleep(20 * time.Millisecond)
	}
	if got := scraped(t, e, "viewLoads", "ok"); got != 2 {
		t.Errorf("month views loaded after a re-ingest: %v, want 2 (the new version prepared)", got)
	}
}

// TestScoreSummary_OneRead checks that summaries of distinct regions read
// the month's aggregates once, and find a key in any case.
func TestScoreSummary_OneRead(t *testing.T) {
	st := openFixture(t, storeKinds[0])
	e := newEnv(t, st, Options{})
	for _, r := range []string{"world", "WORLD", "europe", "Europe", "nl"} {
		e.get("/api/v2/scores/summary?region="+r, http.StatusOK)
	}
	for _, r := range []string{"Nowhere", "Atlantis"} {
		e.get("/api/v2/scores/summary?region="+r, http.StatusNotFound)
	}
	// October and September (for the trend): one whole read each.
	if got := scraped(t, e, "storeReads", "Aggregates", "month"); got != 2 {
		t.Errorf("whole-month aggregate reads: %v, want 2", got)
	}
	if got := scraped(t, e, "storeReads", "Aggregates", "part"); got != 0 {
		t.Errorf("aggregate reads of a scope: %v, want 0", got)
	}
}
