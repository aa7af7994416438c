package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/store/postgres"
	"github.com/observatory-net/observatory/internal/store/sqlite"
	"github.com/observatory-net/observatory/internal/testenv"
)

// The fixture: two months under netops@2024.1, four networks. AS3333 and
// AS15169 are participants (of two organisations), AS64500 and AS64501
// are not. Every network has routes and an incident with evidence.
const fixtureSpec = "netops@2024.1"

var (
	october   = time.Date(2026, time.October, 1, 0, 0, 0, 0, time.UTC)
	september = time.Date(2026, time.September, 1, 0, 0, 0, 0, time.UTC)
)

const (
	asnRIPE   = 3333
	asnGoogle = 15169
	asnNL     = 64500
	asnUS     = 64501
)

func fixtureMonth(month time.Time, shift float64) *store.Month {
	score := func(id string, v float64, lvl string) store.Score {
		return store.Score{ID: id, Value: v, HasData: true, Level: lvl}
	}
	rec := func(asn uint32, holder, cc, region, sub, rir string, participant bool, base float64) store.ASN {
		return store.ASN{ASN: asn, Holder: holder, Country: cc, RIR: rir, Region: region, SubRegion: sub,
			Participant: participant, Peers: 40, Announced: 2,
			Metrics: []store.Metric{
				{ID: "M1", Raw: 1, Score: 0.49, HasData: true},
				{ID: "M2", Raw: 0.5, Score: 0.6, HasData: true, Counted: true},
				{ID: "M7RPKI", Raw: base, Score: base, HasData: true, Counted: true},
			},
			Scores: []store.Score{
				score("filtering", base-0.3+shift, "lagging"),
				{ID: "antiSpoofing", Level: "no_data_available"},
				score("coordination", 1, "ready"),
				score("routingInformationIRR", base, "ready"),
				score("routingInformationRPKI", base-0.05, "aspiring"),
			}}
	}
	day := func(d int) time.Time { return month.AddDate(0, 0, d-1).Add(3 * time.Hour) }
	inc := func(id string, asn uint32) store.Incident {
		return store.Incident{ID: id, ASN: asn, Metric: "M2", Start: day(2), End: day(3), Weight: 1, Score: 0.5,
			Events:   []string{id + "-e1"},
			Evidence: json.RawMessage(fmt.Sprintf(`{"prefixes":["10.%d.0.0/16"],"path":[64511,%d],"rule":"rpki-invalid-and-no-irr-match"}`, asn%256, asn))}
	}
	route := func(asn uint32, prefix, rpki string) store.Route {
		return store.Route{ASN: asn, Prefix: prefix, RPKI: rpki, IRR: "exact", IRRSource: []string{"RIPE"},
			Peers: 30, FirstSeen: day(1), LastSeen: day(20)}
	}
	var aggs []store.Aggregate
	for i, id := range scoreIDs {
		for _, k := range [][2]string{{"world", "world"}, {"region", "Europe"}, {"economy", "NL"}} {
			aggs = append(aggs, store.Aggregate{Scope: k[0], Key: k[1], Score: id, Value: 0.5 + float64(i)/20 + shift,
				Ready: 3 + i, Aspire: 2, Lag: 1, NoData: 4 - i})
		}
	}
	aggs = append(aggs, store.Aggregate{Scope: "world", Key: "world", Score: "roaValidShare", Value: 0.7, Ready: 7, Lag: 3})
	return &store.Month{
		Meta: store.MonthMeta{Month: month, Spec: fixtureSpec, IngestedAt: month.AddDate(0, 1, 1), Final: true,
			Inputs: []store.Input{{Kind: "vrp", Path: "rpki/vrps.csv", Size: 10, SHA256: "ab", From: month}},
			NotUsed: []store.NotUsedInput{{Kind: "delegated", Group: "apnic", Path: "rir/2019/delegated-apnic-latest",
				Date: month.AddDate(-5, 0, 0), Reason: "apnic: 5 years from the month; nearer: the month"}},
			Stats: store.Stats{Routes: 6, MeasuredASN: 4, Incidents: 4}},
		ASNs: []store.ASN{
			rec(asnRIPE, "RIPE-NCC-AS Réseaux IP Européens", "NL", "Europe", "Western Europe", "RIPE NCC", true, 0.95),
			rec(asnGoogle, "GOOGLE", "US", "Americas", "Northern America", "ARIN", true, 0.9),
			withROV(rec(asnNL, "EXAMPLE-NL", "NL", "Europe", "Western Europe", "RIPE NCC", false, 0.85)),
			rec(asnUS, "EXAMPLE-US", "US", "Americas", "Northern America", "ARIN", false, 0.7),
		},
		Incidents: []store.Incident{inc("3333-M2-1", asnRIPE), inc("15169-M2-1", asnGoogle), inc("64500-M2-1", asnNL), inc("64501-M2-1", asnUS)},
		Routes: []store.Route{route(asnRIPE, "193.0.0.0/21", "valid"), route(asnRIPE, "2001:67c:2e8::/48", "valid"),
			route(asnGoogle, "8.8.8.0/24", "valid"), route(asnNL, "192.0.2.0/24", "invalid-asn"),
			route(asnUS, "198.51.100.0/24", "not-found")},
		ROAStats: []store.ROAStat{
			{Scope: "world", Key: "world", Family: 4, Valid: 3, Invalid: 1, NotFound: 1, ValidSpace: 3000, InvalidSpace: 256, NotFoundSpace: 256},
			{Scope: "economy", Key: "NL", Family: 4, Valid: 1, Invalid: 1, ValidSpace: 2048, InvalidSpace: 256},
			{Scope: "economy", Key: "NL", Family: 6, Valid: 1, ValidSpace: 65536},
			{Scope: "asn", Key: "AS3333", Family: 4, Valid: 1, ValidSpace: 2048},
			{Scope: "asn", Key: "AS3333", Family: 6, Valid: 1, ValidSpace: 65536},
		},
		Aggregates: aggs,
		Participants: []store.Participant{
			{Organisation: "RIPE NCC", Programme: "netops", ASNs: []uint32{asnRIPE}, Approved: time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC), Areas: []string{"Europe"}},
			{Organisation: "Google", Programme: "cdn", ASNs: []uint32{asnGoogle}, Approved: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), Areas: []string{"World"}},
		},
	}
}

// storeKind names a backend the tests run on.
type storeKind struct {
	name string
	open func(t testing.TB) store.Store
}

var storeKinds = []storeKind{
	{"sqlite", func(t testing.TB) store.Store {
		st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "obs.db"))
		if err != nil {
			t.Fatal(err)
		}
		return st
	}},
	{"postgres", func(t testing.TB) store.Store {
		st, err := postgres.Open(context.Background(), testenv.Postgres(t))
		if err != nil {
			t.Fatal(err)
		}
		return st
	}},
}

// openFixture opens a store of the kind and writes both fixture months.
func openFixture(t testing.TB, k storeKind) store.Store {
	t.Helper()
	st := k.open(t)
	t.Cleanup(func() { st.Close() })
	ctx := context.Background()
	for _, m := range []*store.Month{fixtureMonth(september, -0.1), fixtureMonth(october, 0)} {
		if err := st.WriteMonth(ctx, m); err != nil {
			t.Fatalf("write %s: %v", m.Meta.Month.Format("2006-01"), err)
		}
	}
	return st
}

// forEachStore runs f on a fixture store of each kind.
func forEachStore(t *testing.T, f func(t *testing.T, st store.Store)) {
	for _, k := range storeKinds {
		t.Run(k.name, func(t *testing.T) { f(t, openFixture(t, k)) })
	}
}

// dump returns everything the store holds, to compare before and after.
func dump(t *testing.T, st store.Store) string {
	t.Helper()
	ctx := context.Background()
	months, err := st.Months(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]any{"months": months}
	for _, m := range months {
		k := m.Month.Format("2006-01") + "/" + m.Spec
		asns, err1 := st.ASNs(ctx, m.Month, m.Spec, store.Filter{})
		incs, err2 := st.Incidents(ctx, m.Month, m.Spec, 0)
		roas, err3 := st.ROAStats(ctx, m.Month, m.Spec, "")
		aggs, err4 := st.Aggregates(ctx, m.Month, m.Spec, "")
		parts, err5 := st.Participants(ctx, m.Month, m.Spec)
		var routes []store.Route
		for _, a := range asns {
			r, err := st.Routes(ctx, m.Month, m.Spec, a.ASN)
			if err != nil {
				t.Fatal(err)
			}
			routes = append(routes, r...)
		}
		for _, err := range []error{err1, err2, err3, err4, err5} {
			if err != nil {
				t.Fatal(err)
			}
		}
		out[k] = []any{asns, incs, roas, aggs, parts, routes}
	}
	if svc, ok := st.(store.Service); ok {
		keys, err1 := svc.Keys(ctx)
		reg, err2 := svc.RegisteredParticipants(ctx)
		fbs, err3 := svc.Feedbacks(ctx, store.FeedbackFilter{})
		for _, err := range []error{err1, err2, err3} {
			if err != nil {
				t.Fatal(err)
			}
		}
		for i := range keys {
			keys[i].LastUsedAt = time.Time{} // use is recorded, that is not a change of content
		}
		out["service"] = []any{keys, reg, fbs}
	}
	b, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// withROV gives a fixture record an inferred ROV verdict (does-not: four
// invalid routes passed on, none dropped).
func withROV(a store.ASN) store.ASN {
	a.ROV, a.ROVPropagated, a.ROVConfidence = "does-not", 4, 4.0/6
	a.Leak = store.LeakProtection{Verdict: "partial", CustomerLeaks: 2, CustomerRoutes: 40, ASPA: true, ASPAProviders: 2, ASPAMissing: 1}
	return a
}
