package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// testMonths checks the listing: empty at first, then newest month first
// and specifications in byte order, with the whole meta.
func testMonths(t *testing.T, s store.Store) {
	metas, err := s.Months(t.Context())
	if err != nil || len(metas) != 0 {
		t.Fatalf("Months(empty store) = %v, %v; want none, nil", metas, err)
	}
	december := time.Date(2023, time.December, 1, 0, 0, 0, 0, time.UTC)
	written := []*store.Month{
		fullMonth(march, specB),
		versionMonth(december, specA, 1, 1),
		fullMonth(april, specA),
		versionMonth(march, specA, 2, 1),
	}
	for _, m := range written {
		write(t, s, m)
	}
	var want []store.MonthMeta
	for _, i := range []int{2, 3, 0, 1} {
		want = append(want, Expected(written[i]).Meta)
	}
	got, err := s.Months(t.Context())
	if err != nil {
		t.Fatalf("Months() = %v", err)
	}
	if diff := Diff(want, got); diff != "" {
		t.Errorf("Months() mismatch (-want +got):\n%s", diff)
	}
}

// reader is one read method of a Store, bound to its arguments.
type reader struct {
	name string
	read func(ctx context.Context, s store.Store, month time.Time, spec string) (int, error)
}

// readers calls every read method that takes a month; each returns the
// number of records found.
var readers = []reader{
	{"ASNs", func(ctx context.Context, s store.Store, m time.Time, spec string) (int, error) {
		r, err := s.ASNs(ctx, m, spec, store.Filter{})
		return len(r), err
	}},
	{"ASNs filtered", func(ctx context.Context, s store.Store, m time.Time, spec string) (int, error) {
		r, err := s.ASNs(ctx, m, spec, store.Filter{ASNs: []uint32{99}, Country: "XX", Region: "Nowhere"})
		return len(r), err
	}},
	{"Incidents", func(ctx context.Context, s store.Store, m time.Time, spec string) (int, error) {
		r, err := s.Incidents(ctx, m, spec, 99)
		return len(r), err
	}},
	{"Routes", func(ctx context.Context, s store.Store, m time.Time, spec string) (int, error) {
		r, err := s.Routes(ctx, m, spec, 99)
		return len(r), err
	}},
	{"AllRoutes", func(ctx context.Context, s store.Store, m time.Time, spec string) (int, error) {
		r, err := s.AllRoutes(ctx, m, spec)
		return len(r), err
	}},
	{"Upstreams", func(ctx context.Context, s store.Store, m time.Time, spec string) (int, error) {
		r, err := s.Upstreams(ctx, m, spec, 99)
		return len(r), err
	}},
	{"ROVEvidence", func(ctx context.Context, s store.Store, m time.Time, spec string) (int, error) {
		r, err := s.ROVEvidence(ctx, m, spec, 99)
		return len(r), err
	}},
	{"Orgs", func(ctx context.Context, s store.Store, m time.Time, spec string) (int, error) {
		r, err := s.Orgs(ctx, m, spec)
		return len(r), err
	}},
	{"ROAStats", func(ctx context.Context, s store.Store, m time.Time, spec string) (int, error) {
		r, err := s.ROAStats(ctx, m, spec, "nowhere")
		return len(r), err
	}},
	{"Aggregates", func(ctx context.Context, s store.Store, m time.Time, spec string) (int, error) {
		r, err := s.Aggregates(ctx, m, spec, "nowhere")
		return len(r), err
	}},
	{"Participants", func(ctx context.Context, s store.Store, m time.Time, spec string) (int, error) {
		r, err := s.Participants(ctx, m, spec)
		return len(r), err
	}},
}

// testNotFound checks that an unknown month or specification is
// ErrNotFound for every read method, while a query on a known month that
// matches nothing is empty.
func testNotFound(t *testing.T, s store.Store) {
	write(t, s, &store.Month{Meta: store.MonthMeta{Month: march, Spec: specA}})
	for _, r := range readers {
		t.Run(r.name, func(t *testing.T) {
			for _, key := range []struct {
				month time.Time
				spec  string
			}{{april, specA}, {march, specB}, {march, ""}} {
				if _, err := r.read(t.Context(), s, key.month, key.spec); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("%s(%s %q) = %v; want ErrNotFound", r.name, key.month.Format(vocab.MonthLayout), key.spec, err)
				}
			}
			if n, err := r.read(t.Context(), s, march, specA); n != 0 || err != nil {
				t.Errorf("%s(known month, no match) = %d records, %v; want 0, nil", r.name, n, err)
			}
		})
	}
}

// filterASNs is the population the filter cases select from.
var filterASNs = []store.ASN{
	{ASN: 1, Country: "NL", RIR: "RIPE NCC", Region: "Europe", SubRegion: "Western Europe"},
	{ASN: 2, Country: "DE", RIR: "RIPE NCC", Region: "Europe", SubRegion: "Western Europe"},
	{ASN: 3, Country: "US", RIR: "ARIN", Region: "Americas", SubRegion: "Northern America"},
	{ASN: 4, Country: "BR", RIR: "LACNIC", Region: "Americas", SubRegion: "South America"},
	{ASN: 5, Country: "JP", RIR: "APNIC", Region: "Asia", SubRegion: "Eastern Asia"},
	{ASN: 6},
	{ASN: 7, Country: "nl", RIR: "ripe ncc", Region: "europe", SubRegion: "Europe"},
	{ASN: 4294967295, Country: "NL", RIR: "Europe", Region: "Europe", SubRegion: "Europe"},
}

// testFilters checks every Filter field and their combinations.
func testFilters(t *testing.T, s store.Store) {
	m := &store.Month{Meta: store.MonthMeta{Month: march, Spec: specA}, ASNs: filterASNs}
	write(t, s, m)
	many := make([]uint32, 40000) // more than one statement may bind
	for i := range many {
		many[i] = uint32(len(many) - i)
	}
	tests := []struct {
		name string
		f    store.Filter
		want []uint32
	}{
		{"none", store.Filter{}, []uint32{1, 2, 3, 4, 5, 6, 7, 4294967295}},
		{"empty ASN list", store.Filter{ASNs: []uint32{}}, []uint32{1, 2, 3, 4, 5, 6, 7, 4294967295}},
		{"ASNs unsorted, one absent", store.Filter{ASNs: []uint32{3, 99, 1, 3}}, []uint32{1, 3}},
		{"largest ASN", store.Filter{ASNs: []uint32{4294967295}}, []uint32{4294967295}},
		{"many ASNs", store.Filter{ASNs: many}, []uint32{1, 2, 3, 4, 5, 6, 7}},
		{"country", store.Filter{Country: "NL"}, []uint32{1, 4294967295}},
		{"country is case-sensitive", store.Filter{Country: "nl"}, []uint32{7}},
		{"country LIKE wildcards are literal", store.Filter{Country: "N_"}, nil},
		{"country percent is literal", store.Filter{Country: "%"}, nil},
		{"region", store.Filter{Region: "Americas"}, []uint32{3, 4}},
		{"region matches sub-region", store.Filter{Region: "South America"}, []uint32{4}},
		{"region matches RIR", store.Filter{Region: "RIPE NCC"}, []uint32{1, 2}},
		{"region matches any of the three", store.Filter{Region: "Europe"}, []uint32{1, 2, 7, 4294967295}},
		{"region wildcard is literal", store.Filter{Region: "Eur%"}, nil},
		{"country and region", store.Filter{Country: "US", Region: "Europe"}, nil},
		{"ASNs and region", store.Filter{ASNs: []uint32{1, 2, 3}, Region: "Europe"}, []uint32{1, 2}},
		{"all three", store.Filter{ASNs: []uint32{1, 2, 3}, Country: "DE", Region: "RIPE NCC"}, []uint32{2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.ASNs(t.Context(), march, specA, tt.f)
			if err != nil {
				t.Fatalf("ASNs() = %v", err)
			}
			var want []store.ASN
			for _, a := range filterASNs {
				if slices.Contains(tt.want, a.ASN) {
					want = append(want, a)
				}
			}
			if diff := Diff(want, got); diff != "" {
				t.Errorf("ASNs(%+v) mismatch (-want +got):\n%s", tt.f, diff)
			}
		})
	}
}

// testScopedReads checks the reads restricted to an ASN or a scope: the
// matching records, in the order written.
func testScopedReads(t *testing.T, s store.Store) {
	m := fullMonth(march, specA)
	write(t, s, m)
	w := Expected(m)
	for _, asn := range []uint32{0, 3333, 64500, 15169, 4294967295, 1} {
		got, err := s.Incidents(t.Context(), march, specA, asn)
		want := filter(w.Incidents, func(i store.Incident) bool { return asn == 0 || i.ASN == asn })
		if diff := Diff(want, got); err != nil || diff != "" {
			t.Errorf("Incidents(AS%d) = %v, mismatch (-want +got):\n%s", asn, err, diff)
		}
		routes, err := s.Routes(t.Context(), march, specA, asn)
		wantRoutes := filter(w.Routes, func(r store.Route) bool { return r.ASN == asn })
		if diff := Diff(wantRoutes, routes); err != nil || diff != "" {
			t.Errorf("Routes(AS%d) = %v, mismatch (-want +got):\n%s", asn, err, diff)
		}
		ups, err := s.Upstreams(t.Context(), march, specA, asn)
		wantUps := filter(w.Upstreams, func(u store.Upstream) bool { return asn == 0 || u.ASN == asn })
		if diff := Diff(wantUps, ups); err != nil || diff != "" {
			t.Errorf("Upstreams(AS%d) = %v, mismatch (-want +got):\n%s", asn, err, diff)
		}
		ev, err := s.ROVEvidence(t.Context(), march, specA, asn)
		wantEv := filter(w.ROVEvidence, func(e store.ROVObservation) bool { return asn == 0 || e.ASN == asn })
		if diff := Diff(wantEv, ev); err != nil || diff != "" {
			t.Errorf("ROVEvidence(AS%d) = %v, mismatch (-want +got):\n%s", asn, err, diff)
		}
	}
	all, err := s.AllRoutes(t.Context(), march, specA)
	if diff := Diff(sortedRoutes(m, func(uint32) bool { return true }), all); err != nil || diff != "" {
		t.Errorf("AllRoutes() = %v, mismatch (-want +got):\n%s", err, diff)
	}
	for _, scope := range []string{"", "world", "economy", "asn", "region", "participants", "World"} {
		got, err := s.ROAStats(t.Context(), march, specA, scope)
		want := filter(w.ROAStats, func(r store.ROAStat) bool { return scope == "" || r.Scope == scope })
		if diff := Diff(want, got); err != nil || diff != "" {
			t.Errorf("ROAStats(%q) = %v, mismatch (-want +got):\n%s", scope, err, diff)
		}
		aggs, err := s.Aggregates(t.Context(), march, specA, scope)
		wantAggs := filter(w.Aggregates, func(a store.Aggregate) bool { return scope == "" || a.Scope == scope })
		if diff := Diff(wantAggs, aggs); err != nil || diff != "" {
			t.Errorf("Aggregates(%q) = %v, mismatch (-want +got):\n%s", scope, err, diff)
		}
	}
}

// filter returns the elements of s for which keep is true.
func filter[T any](s []T, keep func(T) bool) []T {
	var out []T
	for _, v := range s {
		if keep(v) {
			out = append(out, v)
		}
	}
	return out
}
