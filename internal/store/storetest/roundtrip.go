package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/store"
)

// testRoundTrip writes a month with everything populated and reads it all
// back, next to another month that must not leak into it.
func testRoundTrip(t *testing.T, s store.Store) {
	m := fullMonth(march, specA)
	other := versionMonth(april, specA, 2, 5)
	write(t, s, m)
	write(t, s, other)
	checkMonth(t, s, m)
	checkMonth(t, s, other)
}

// testEmptyMonth writes a month without records: it exists, and every
// query on it is empty.
func testEmptyMonth(t *testing.T, s store.Store) {
	m := &store.Month{Meta: store.MonthMeta{Month: march, Spec: specA}}
	write(t, s, m)
	checkMonth(t, s, m)
	rs, err := s.Routes(t.Context(), march, specA, 3333)
	if err != nil || len(rs) != 0 {
		t.Errorf("Routes(empty month) = %v, %v; want empty, nil", rs, err)
	}
}

// testTimes checks UTC normalisation, extreme dates and the microsecond
// precision floor.
func testTimes(t *testing.T, s store.Store) {
	ingested := time.Date(2024, 4, 1, 10, 11, 12, 123456789, time.FixedZone("X", -3*3600-1800))
	m := &store.Month{
		Meta: store.MonthMeta{Month: march, Spec: specA, IngestedAt: ingested},
		ASNs: []store.ASN{{ASN: 1}},
		Routes: []store.Route{
			{ASN: 1, Prefix: "a", FirstSeen: time.Date(1, 1, 1, 0, 0, 0, 1000, time.UTC),
				LastSeen: time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC)},
			{ASN: 1, Prefix: "b", FirstSeen: time.Unix(0, 0), LastSeen: time.Unix(-1, 999999000)},
			{ASN: 1, Prefix: "c"}, // zero times
		},
	}
	meta, err := writeAndFind(t, s, m)
	if err != nil {
		t.Fatal(err)
	}
	if d := meta.IngestedAt.Sub(ingested).Abs(); d >= time.Microsecond || meta.IngestedAt.Location() != time.UTC {
		t.Errorf("IngestedAt = %v, want %v to the microsecond, in UTC", meta.IngestedAt, ingested.UTC())
	}
	got, err := s.Routes(t.Context(), march, specA, 1)
	if err != nil {
		t.Fatalf("Routes() = %v", err)
	}
	if diff := Diff(Expected(m).Routes, got); diff != "" {
		t.Errorf("Routes() mismatch (-want +got):\n%s", diff)
	}
	if !got[2].FirstSeen.IsZero() || !got[2].LastSeen.IsZero() {
		t.Errorf("zero times came back as %v, %v", got[2].FirstSeen, got[2].LastSeen)
	}
}

// writeAndFind writes m and returns its Months entry.
func writeAndFind(t *testing.T, s store.Store, m *store.Month) (store.MonthMeta, error) {
	t.Helper()
	write(t, s, m)
	return findMeta(t.Context(), s, m.Meta.Month, m.Meta.Spec)
}

// testMonthKey checks that a month is its UTC calendar month: written from
// any location, read with any instant inside it.
func testMonthKey(t *testing.T, s store.Store) {
	jst := time.FixedZone("JST", 9*3600)
	cet := time.FixedZone("CET", 3600)
	m := versionMonth(march.In(jst), specA, 1, 2)
	write(t, s, m)
	metas, err := s.Months(t.Context())
	if err != nil || len(metas) != 1 || !metas[0].Month.Equal(march) || metas[0].Month.Location() != time.UTC {
		t.Fatalf("Months() = %v, %v; want one month %v in UTC", metas, err, march)
	}
	tests := []struct {
		name  string
		month time.Time
		found bool
	}{
		{"first instant", march, true},
		{"mid month", time.Date(2024, 3, 15, 12, 0, 0, 0, time.UTC), true},
		{"last microsecond", time.Date(2024, 3, 31, 23, 59, 59, 999999000, time.UTC), true},
		{"same instant elsewhere", march.In(cet), true},
		{"March locally, February in UTC", time.Date(2024, 3, 1, 0, 30, 0, 0, cet), false},
		{"month before", time.Date(2024, 2, 29, 23, 59, 59, 999999999, time.UTC), false},
		{"month after", april, false},
		{"same month, other year", march.AddDate(1, 0, 0), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.ASNs(t.Context(), tt.month, specA, store.Filter{})
			switch {
			case tt.found && (err != nil || len(got) != 2):
				t.Errorf("ASNs(%v) = %d records, %v; want 2, nil", tt.month, len(got), err)
			case !tt.found && !errors.Is(err, store.ErrNotFound):
				t.Errorf("ASNs(%v) = %v; want ErrNotFound", tt.month, err)
			}
		})
	}
}

// testInvalidMonth checks that WriteMonth refuses what has no month key,
// and writes nothing.
func testInvalidMonth(t *testing.T, s store.Store) {
	cet := time.FixedZone("CET", 3600)
	with := func(month time.Time, spec string) *store.Month {
		return versionMonth(month, spec, 1, 1)
	}
	tests := []struct {
		name string
		m    *store.Month
	}{
		{"nil month", nil},
		{"zero month", with(time.Time{}, specA)},
		{"not the first day", with(march.AddDate(0, 0, 1), specA)},
		{"not the first instant", with(march.Add(time.Microsecond), specA)},
		{"first instant locally only", with(time.Date(2024, 3, 1, 0, 0, 0, 0, cet), specA)},
		{"empty spec", with(march, "")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := s.WriteMonth(t.Context(), tt.m); err == nil {
				t.Errorf("WriteMonth() = nil, want an error")
			}
		})
	}
	if metas, err := s.Months(t.Context()); err != nil || len(metas) != 0 {
		t.Errorf("Months() = %v, %v; want none", metas, err)
	}
}
