package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/observatory-net/observatory/internal/store"
)

// nasty are strings that break SQL built by concatenation, LIKE patterns,
// placeholders of several drivers, or careless escaping.
var nasty = []string{
	`'; DROP TABLE months; --`,
	`' OR '1'='1`,
	`" OR "1"="1`,
	`Robert'); DROP TABLE routes;--`,
	`\'; DELETE FROM asns; --`,
	`%`, `_`, `\`, `?`, `$1`, `:name`, `@p1`, `'`, `''`, `"`, `;`, `--`, `/*`, `*/`,
	"line\nbreak\ttab\rreturn", "Zürich ☃ 𝄞", " padded ", "`backtick`", "[bracket]", "",
}

// nastyAt returns one of the nasty strings, cycling.
func nastyAt(i int) string { return nasty[i%len(nasty)] }

// nastyMonth returns a month whose every string field, spec included,
// holds nasty strings, each field a different one.
func nastyMonth() *store.Month {
	m := &store.Month{Meta: store.MonthMeta{
		Month: march, Spec: nasty[0],
		Inputs:   []store.Input{{Path: nastyAt(1), Kind: nastyAt(2), SHA256: nastyAt(3), Target: nastyAt(4)}},
		Warnings: nasty,
	}}
	for i, s := range nasty {
		asn := uint32(i + 1)
		m.ASNs = append(m.ASNs, store.ASN{ASN: asn, Holder: s, Country: nastyAt(i + 1),
			RIR: nastyAt(i + 2), Region: nastyAt(i + 3), SubRegion: nastyAt(i + 4),
			Metrics: []store.Metric{{ID: nastyAt(i + 5)}},
			Scores:  []store.Score{{ID: nastyAt(i + 6), Level: nastyAt(i + 7)}}})
		evidence, _ := json.Marshal(map[string]string{s: nastyAt(i + 1)})
		m.Incidents = append(m.Incidents, store.Incident{ID: s, ASN: asn, Metric: nastyAt(i + 1),
			Events: []string{nastyAt(i + 2), nastyAt(i + 3)}, Evidence: evidence})
		m.Routes = append(m.Routes, store.Route{ASN: asn, Prefix: s, RPKI: nastyAt(i + 1),
			IRR: nastyAt(i + 2), IRRSource: []string{nastyAt(i + 3), s}, Bogon: nastyAt(i + 4)})
		m.ROAStats = append(m.ROAStats, store.ROAStat{Scope: s, Key: nastyAt(i + 1), Family: 6})
		m.Aggregates = append(m.Aggregates, store.Aggregate{Scope: s, Key: nastyAt(i + 1), Score: nastyAt(i + 2)})
		m.Participants = append(m.Participants, store.Participant{Organisation: s,
			Programme: nastyAt(i + 1), Areas: []string{nastyAt(i + 2), s}, ASNs: []uint32{asn}})
	}
	return m
}

// testSQLMetacharacters writes and queries with nasty strings everywhere
// and checks that they round-trip and match only themselves.
func testSQLMetacharacters(t *testing.T, s store.Store) {
	plain := versionMonth(march, specA, 1, 3)
	write(t, s, plain)
	m := nastyMonth()
	write(t, s, m)
	checkMonth(t, s, m)
	checkMonth(t, s, plain)
	for i, str := range nasty {
		t.Run(fmt.Sprintf("string %d", i), func(t *testing.T) {
			checkNastyFilters(t, s, m, str)
		})
	}
	if _, err := s.ASNs(t.Context(), march, nasty[1], store.Filter{}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ASNs(spec %q) = %v, want ErrNotFound", nasty[1], err)
	}
}

// checkNastyFilters queries m's month with str as every filter and scope.
func checkNastyFilters(t *testing.T, s store.Store, m *store.Month, str string) {
	t.Helper()
	if str == "" {
		return // an empty filter or scope selects everything: checked elsewhere
	}
	w := Expected(m)
	spec := m.Meta.Spec
	got, err := s.ASNs(t.Context(), march, spec, store.Filter{Country: str})
	want := filter(w.ASNs, func(a store.ASN) bool { return a.Country == str })
	if diff := Diff(want, got); err != nil || diff != "" {
		t.Errorf("ASNs(Country %q) = %v, mismatch (-want +got):\n%s", str, err, diff)
	}
	got, err = s.ASNs(t.Context(), march, spec, store.Filter{Region: str})
	want = filter(w.ASNs, func(a store.ASN) bool { return a.Region == str || a.SubRegion == str || a.RIR == str })
	if diff := Diff(want, got); err != nil || diff != "" {
		t.Errorf("ASNs(Region %q) = %v, mismatch (-want +got):\n%s", str, err, diff)
	}
	stats, err := s.ROAStats(t.Context(), march, spec, str)
	wantStats := filter(w.ROAStats, func(r store.ROAStat) bool { return r.Scope == str })
	if diff := Diff(wantStats, stats); err != nil || diff != "" {
		t.Errorf("ROAStats(%q) = %v, mismatch (-want +got):\n%s", str, err, diff)
	}
	aggs, err := s.Aggregates(t.Context(), march, spec, str)
	wantAggs := filter(w.Aggregates, func(a store.Aggregate) bool { return a.Scope == str })
	if diff := Diff(wantAggs, aggs); err != nil || diff != "" {
		t.Errorf("Aggregates(%q) = %v, mismatch (-want +got):\n%s", str, err, diff)
	}
}
