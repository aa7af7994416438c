package storetest

import (
	"encoding/json"
	"fmt"
	"math"
	"net/netip"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// specA and specB are the specifications the suite writes under.
const (
	specA = "netops@2024.1"
	specB = "netops@2025.1"
)

// march and april are the months the suite writes.
var (
	march = time.Date(2024, time.March, 1, 0, 0, 0, 0, time.UTC)
	april = time.Date(2024, time.April, 1, 0, 0, 0, 0, time.UTC)
)

// floats are values that lose precision through text or float32.
var floats = []float64{
	0.1, 1.0 / 3, math.Pi, 0.30000000000000004, 0.9999999999999999,
	math.SmallestNonzeroFloat64, math.MaxFloat64, -math.MaxFloat64,
	math.Inf(1), math.Inf(-1), 1 << 60, 1e20, -2.5, 0, 123456789.123456789,
}

// fullMonth returns a month with every record kind and every field
// populated, records deliberately out of order, times in several locations.
func fullMonth(month time.Time, spec string) *store.Month {
	return &store.Month{
		Meta:         fullMeta(month, spec),
		ASNs:         fullASNs(),
		Incidents:    fullIncidents(),
		Routes:       fullRoutes(),
		ROAStats:     fullROAStats(),
		Aggregates:   fullAggregates(),
		Participants: fullParticipants(),
		Upstreams:    fullUpstreams(),
		ROVEvidence:  fullROVEvidence(),
		Orgs:         []store.ASNOrg{{ASN: 15169, Org: store.Org{ID: 1 << 30}}, {ASN: 64500, Org: store.Org{ID: 31337, Name: "Example Networks B.V. (Ümlaut)"}}, {ASN: 64999, Org: store.Org{ID: 31337, Name: "Example Networks B.V. (Ümlaut)"}}},
	}
}

// fullUpstreams returns upstream records of both hops and every
// relationship, ASNs out of order.
func fullUpstreams() []store.Upstream {
	return []store.Upstream{
		{ASN: 64500, Hop: 1, Upstream: 3333, Rel: "provider", Prefixes: 2, Paths: 7, Example: "6939 3333 64500"},
		{ASN: 3333, Hop: 1, Upstream: 1299, Rel: "peer", Prefixes: 1 << 30, Paths: math.MaxInt32, Example: "1299 3333"},
		{ASN: 64500, Hop: 2, Via: 3333, Upstream: 6939, Rel: "", Prefixes: 1, Paths: 1, Example: "6939 3333 64500"},
		{ASN: 3333, Hop: 2, Via: 1299, Upstream: 4294967295, Rel: "customer", Prefixes: 0, Paths: 0, Example: ""},
		{ASN: 64500, Hop: 1, Upstream: 15169, Rel: "", Prefixes: 1, Paths: 1, Example: "15169 64500"},
	}
}

func fullMeta(month time.Time, spec string) store.MonthMeta {
	tokyo := time.FixedZone("JST", 9*3600)
	return store.MonthMeta{
		Month:      month,
		Spec:       spec,
		IngestedAt: time.Date(2024, 4, 2, 3, 4, 5, 123456000, tokyo),
		Final:      true,
		Inputs: []store.Input{{
			// Reached through a symbolic link: the real path is kept too.
			Path: "/data/ris/rrc00/bview.20240301.0000.gz", Target: "/srv/mirror/ris/rrc00/2024.03/bview.20240301.0000.gz",
			Kind: "mrt", Size: 1 << 33,
			SHA256:  "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
			Records: math.MaxInt64,
			From:    month, To: month.AddDate(0, 1, 0).Add(-time.Microsecond),
		}, {
			// Unknown time span: zero times.
			Path: "vrps.json", Kind: "vrp", Size: 0, Records: 0,
		}, {
			Path: "ripe.db.route.gz", Kind: "irr", Size: 77, Records: -1,
			From: time.Date(2024, 3, 1, 9, 0, 0, 0, tokyo), To: time.Date(2024, 3, 2, 0, 0, 0, 0, tokyo),
		}},
		NotUsed: []store.NotUsedInput{{
			Kind: "delegated", Group: "apnic", Path: "/data/rir-delegated/2019/delegated-apnic-latest",
			Date:   time.Date(2019, 9, 11, 0, 0, 0, 0, time.UTC),
			Reason: "apnic: 2019-09-11 is 5 years 4 months from 2024-03; nearer: 2024-03-20",
		}, {
			// Undated; a reason with quotes, a backslash and non-ASCII.
			Kind: "irr", Path: `C:\data\ripe "sample".txt`, Reason: "undated, and dated snapshots exist — used: 2024-03-01",
		}},
		Warnings: []string{"inputs 40 days apart", "irr: 3 sources missing"},
		Stats: store.Stats{
			RIBEntries: 1 << 40, Updates: 987654321, Routes: 1_100_000,
			Peers: 1500, MeasuredASN: 75000, Incidents: 4,
		},
	}
}

func fullASNs() []store.ASN {
	var metrics []store.Metric
	for i, v := range floats {
		metrics = append(metrics, store.Metric{
			ID: fmt.Sprintf("M%d", i+1), Raw: v, Score: 1 / float64(i+3),
			HasData: i%2 == 0, Counted: i%3 == 0,
		})
	}
	// One metric with evidence, as M8 has (§13.3); the others have none.
	metrics[1].Evidence = json.RawMessage(`{"has_contact_info":true,"contacts":[{"source":"rpsl","database":"RIPE","attr":"tech-c","handle":"NET3257-RIPE","object":"role","dummified":true}],"checked":["rpsl"]}`)
	scores := []store.Score{
		{ID: "filtering", Value: 0.9999999999999999, HasData: true, Level: "ready"},
		{ID: "antiSpoofing", Value: 0, HasData: false, Level: "no_data_available"},
		{ID: "coordination", Value: 1, HasData: true, Level: "ready"},
		{ID: "routingInformationIRR", Value: 1.0 / 3, HasData: true, Level: "lagging"},
		{ID: "routingInformationRPKI", Value: 0.8, HasData: true, Level: "aspiring"},
	}
	return []store.ASN{
		{ASN: 64500, Holder: "EXAMPLE-AS Example Networks", Country: "NL", RIR: "RIPE NCC",
			Region: "Europe", SubRegion: "Western Europe", Peers: 12, Announced: 3,
			Cone: 1, Space4: 768, ROV: "partial", ROVPropagated: 2, ROVDropped: 7, ROVConfidence: 2.0 / 3,
			Leak: store.LeakProtection{Verdict: "partial", CustomerLeaks: 3, CustomerRoutes: 1 << 20, ASPA: true, ASPAProviders: 2, ASPAMissing: 1},
			Org:  store.Org{ID: 31337, Name: "Example Networks B.V. (Ümlaut)"}, Metrics: metrics[:3], Scores: scores[:2]},
		{ASN: 3333, Holder: "RIPE-NCC-AS Réseaux IP Européens", Country: "NL", RIR: "RIPE NCC",
			Region: "Europe", SubRegion: "Western Europe", Participant: true, Peers: 1400,
			Announced: 2, Metrics: metrics, Scores: scores},
		// Every slice empty, every string empty.
		{ASN: 4294967295, Metrics: []store.Metric{}},
		{ASN: 15169, Holder: "GOOGLE", Country: "US", RIR: "ARIN", Region: "Americas",
			SubRegion: "Northern America", Participant: true, Peers: 1499, Announced: 1 << 30,
			Cone: 51234, ROV: "deploys", ROVDropped: 12, ROVConfidence: 12.0 / 14,
			Leak: store.LeakProtection{Verdict: "does-not", Originated: 5}, Org: store.Org{ID: 1 << 30}, Space4: 1 << 32, Space6: 1<<62 + 3, Scores: scores[2:]},
	}
}

func fullIncidents() []store.Incident {
	day := func(d int) time.Time { return time.Date(2024, 3, d, 12, 30, 15, 250000000, time.UTC) }
	return []store.Incident{
		{ID: "3333-M1-1", ASN: 3333, Metric: "M1", Start: day(2), End: day(3), Weight: 1.0 / 3,
			Score: 0.25, Events: []string{"e1", "e2", "e3"},
			Evidence: json.RawMessage(`{"prefixes": ["193.0.0.0/21", "2001:67c:2e8::/48"],
				"path": [3333, 174, 64500], "rule": "origin \"hijack\"", "note": "Zürich ☃",
				"nested": {"a": [1, 2.5, null, true, -1e-7]}}`)},
		{ID: "64500-M2-1", ASN: 64500, Metric: "M2", Start: day(5), End: day(5), Weight: 0.5,
			Score: 1, Excluded: true, Events: []string{"e9"}, Evidence: json.RawMessage(`[]`)},
		// No events, no evidence, zero times.
		{ID: "3333-M3-1", ASN: 3333, Metric: "M3", Weight: math.SmallestNonzeroFloat64},
		{ID: "15169-M1-1", ASN: 15169, Metric: "M1", Start: day(1), End: day(31),
			Weight: 2, Score: 0.1, Evidence: json.RawMessage(`{"peers":[{"ip":"192.0.2.1","asn":64511}]}`)},
	}
}

func fullRoutes() []store.Route {
	t0 := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	berlin := time.FixedZone("CET", 3600)
	return []store.Route{
		{ASN: 3333, Prefix: "193.0.0.0/21", RPKI: "valid", IRR: "exact",
			IRRSource: []string{"RIPE", "RADB"}, Peers: 1400, FirstSeen: t0, LastSeen: t0.AddDate(0, 1, -1)},
		{ASN: 64500, Prefix: "192.0.2.0/24", RPKI: "invalid-asn", IRR: "none",
			Bogon: "full", Peers: 3, FirstSeen: t0.Add(time.Hour), LastSeen: t0.Add(2 * time.Hour)},
		{ASN: 3333, Prefix: "2001:67c:2e8::/48", RPKI: "valid", IRR: "covered",
			IRRSource: []string{"RIPE"}, Peers: 1399,
			FirstSeen: time.Date(2024, 3, 1, 1, 0, 0, 0, berlin), LastSeen: t0.Add(time.Second)},
		{ASN: 15169, Prefix: "8.8.8.0/24", RPKI: "not-found", IRR: "exact",
			IRRSource: []string{}, Peers: 1499, FirstSeen: t0, LastSeen: t0},
		{ASN: 64500, Prefix: "198.51.100.0/24", RPKI: "invalid-length", IRR: "none",
			Bogon: "administrative", Peers: 0},
		{ASN: 3333, Prefix: "193.0.10.0/23", RPKI: "not-found", IRR: "none", Peers: 7,
			FirstSeen: t0.Add(1500 * time.Microsecond), LastSeen: t0.Add(36 * time.Hour)},
	}
}

func fullROAStats() []store.ROAStat {
	return []store.ROAStat{
		{Scope: "world", Key: "", Family: 4, Valid: 600000, Invalid: 9000, NotFound: 400000,
			ValidSpace: math.MaxInt64, InvalidSpace: 1, NotFoundSpace: 1 << 50},
		{Scope: "economy", Key: "NL", Family: 6, Valid: 1, NotFound: 2, ValidSpace: 3},
		{Scope: "asn", Key: "AS3333", Family: 4, Valid: 5, ValidSpace: 9},
		{Scope: "world", Key: "", Family: 6, Valid: 90000, Invalid: 800, NotFound: 70000,
			ValidSpace: 1 << 45, InvalidSpace: 1 << 20, NotFoundSpace: 1 << 44},
	}
}

func fullAggregates() []store.Aggregate {
	return []store.Aggregate{
		{Scope: "world", Key: "", Score: "filtering", Value: 0.7071067811865476,
			Ready: 40000, Aspire: 20000, Lag: 10000, NoData: 5000},
		{Scope: "economy", Key: "NL", Score: "coordination", Value: 1.0 / 7, Ready: 1},
		{Scope: "participants", Key: "", Score: "routingInformationRPKI", Value: 0.99},
		{Scope: "region", Key: "Europe", Score: "filtering", Value: math.SmallestNonzeroFloat64, Lag: 3},
	}
}

func fullParticipants() []store.Participant {
	return []store.Participant{
		{Organisation: "RIPE NCC", Programme: "netops", ASNs: []uint32{3333, 12654, 4294967295},
			Approved: time.Date(2015, 6, 1, 0, 0, 0, 0, time.UTC), Areas: []string{"filtering", "coordination"}},
		{Organisation: "Example IXP", Programme: "ixp"},
		{Organisation: "Google LLC", Programme: "cdn", ASNs: []uint32{15169},
			Approved: time.Date(2020, 1, 15, 9, 30, 0, 0, time.FixedZone("PST", -8*3600))},
	}
}

// versionMonth returns a month whose every record carries its version v,
// so that a reader can tell versions apart, with n ASN records (n routes
// and n incidents each for the first ASN).
func versionMonth(month time.Time, spec string, v, n int) *store.Month {
	tag := fmt.Sprintf("v%d", v)
	m := &store.Month{Meta: store.MonthMeta{
		Month: month, Spec: spec, IngestedAt: month.Add(time.Duration(v) * time.Hour),
		Warnings: []string{tag}, Stats: store.Stats{MeasuredASN: n, Routes: int64(n)},
	}}
	for i := range n {
		asn := uint32(i + 1)
		m.ASNs = append(m.ASNs, store.ASN{ASN: asn, Holder: tag, Country: "NL",
			Metrics: []store.Metric{{ID: "M1", Raw: float64(v)}, {ID: "M2", Raw: float64(v)}},
			Scores:  []store.Score{{ID: "filtering", Value: float64(v), Level: tag}}})
		m.Incidents = append(m.Incidents, store.Incident{ID: fmt.Sprintf("%s-%d", tag, i), ASN: 1, Metric: tag})
		m.Routes = append(m.Routes, store.Route{ASN: 1, Prefix: fmt.Sprintf("10.%d.%d.0/24", i/256, i%256), RPKI: tag})
		m.ROAStats = append(m.ROAStats, store.ROAStat{Scope: "asn", Key: tag, Family: 4, Valid: int64(i)})
		m.Aggregates = append(m.Aggregates, store.Aggregate{Scope: "world", Key: tag, Score: "filtering"})
	}
	m.Participants = []store.Participant{{Organisation: tag, ASNs: []uint32{1}}}
	return m
}

// write writes m and fails the test on error.
func write(t *testing.T, s store.Store, m *store.Month) {
	t.Helper()
	if err := s.WriteMonth(t.Context(), m); err != nil {
		t.Fatalf("WriteMonth(%s %q) = %v", m.Meta.Month.Format(vocab.MonthLayout), m.Meta.Spec, err)
	}
}

// checkMonth reads back the month of want and compares everything.
func checkMonth(t *testing.T, s store.Store, want *store.Month) {
	t.Helper()
	got, err := ReadMonth(t.Context(), s, want.Meta.Month, want.Meta.Spec)
	if err != nil {
		t.Fatalf("ReadMonth(%s %q) = %v", want.Meta.Month.Format(vocab.MonthLayout), want.Meta.Spec, err)
	}
	if diff := Diff(Expected(want), got); diff != "" {
		t.Errorf("ReadMonth(%s %q) mismatch (-want +got):\n%s", want.Meta.Month.Format(vocab.MonthLayout), want.Meta.Spec, diff)
	}
}

// fullROVEvidence returns ROV evidence of both kinds, every field set and
// IPv6 among the prefixes, by ASN.
func fullROVEvidence() []store.ROVObservation {
	return []store.ROVObservation{
		{ASN: 15169, Kind: "dropped", Prefix: netip.MustParsePrefix("2001:db8:f00::/48"), Origin: 64511, RPKI: "invalid-length",
			Path: "3333 64511", ViaPrefix: "2001:db8:f00::/40", Via: "3333 15169 64511", Relationship: "peer"},
		{ASN: 64500, Kind: "propagated", Prefix: netip.MustParsePrefix("192.0.2.0/24"), Origin: 64511, RPKI: "invalid-asn",
			Path: "3333 64500 64511", Alternative: "192.0.2.0/23 AS64496 valid"},
		{ASN: 64500, Kind: "propagated", Prefix: netip.MustParsePrefix("198.51.100.0/25"), Origin: 64512, RPKI: "invalid-length",
			Path: "3333 64500 64500 64512"},
	}
}
