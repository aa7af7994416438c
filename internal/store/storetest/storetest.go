package storetest

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// Opener returns a new, empty store. Run closes it at the end of the test.
type Opener func(t *testing.T) store.Store

// Run runs the conformance suite against the stores that open returns, one
// new store per subtest.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, store.Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"EmptyMonth", testEmptyMonth},
		{"Times", testTimes},
		{"MonthKey", testMonthKey},
		{"InvalidMonth", testInvalidMonth},
		{"Months", testMonths},
		{"NotFound", testNotFound},
		{"Filters", testFilters},
		{"ScopedReads", testScopedReads},
		{"Replace", testReplace},
		{"TwoSpecs", testTwoSpecs},
		{"FailedWrite", testFailedWrite},
		{"CancelledWrite", testCancelledWrite},
		{"ConcurrentReaders", testConcurrentReaders},
		{"SQLMetacharacters", testSQLMetacharacters},
		{"ScoresOnly", testScoresOnly},
		{"Check", testCheck},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, openStore(t, open))
		})
	}
}

// openStore opens a store and closes it when the test ends.
func openStore(t *testing.T, open Opener) store.Store {
	t.Helper()
	s := open(t)
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	})
	return s
}

// ReadMonth reads back everything stored for one month and specification
// through the Store interface: the meta from Months, the ASN records, every
// incident, the routes of each ASN that has a record (in ASN order), and the
// ROA statistics, aggregates and participants.
func ReadMonth(ctx context.Context, s store.Store, month time.Time, spec string) (*store.Month, error) {
	meta, err := findMeta(ctx, s, month, spec)
	if err != nil {
		return nil, err
	}
	m := &store.Month{Meta: meta}
	if m.ASNs, err = s.ASNs(ctx, month, spec, store.Filter{}); err != nil {
		return nil, fmt.Errorf("read ASNs: %w", err)
	}
	if m.Incidents, err = s.Incidents(ctx, month, spec, 0); err != nil {
		return nil, fmt.Errorf("read incidents: %w", err)
	}
	for _, a := range m.ASNs {
		rs, err := s.Routes(ctx, month, spec, a.ASN)
		if err != nil {
			return nil, fmt.Errorf("read routes of AS%d: %w", a.ASN, err)
		}
		m.Routes = append(m.Routes, rs...)
	}
	if m.ROAStats, err = s.ROAStats(ctx, month, spec, ""); err != nil {
		return nil, fmt.Errorf("read ROA statistics: %w", err)
	}
	if m.Aggregates, err = s.Aggregates(ctx, month, spec, ""); err != nil {
		return nil, fmt.Errorf("read aggregates: %w", err)
	}
	if m.Participants, err = s.Participants(ctx, month, spec); err != nil {
		return nil, fmt.Errorf("read participants: %w", err)
	}
	if m.Upstreams, err = s.Upstreams(ctx, month, spec, 0); err != nil {
		return nil, fmt.Errorf("read upstreams: %w", err)
	}
	if m.ROVEvidence, err = s.ROVEvidence(ctx, month, spec, 0); err != nil {
		return nil, fmt.Errorf("read ROV evidence: %w", err)
	}
	if m.Orgs, err = s.Orgs(ctx, month, spec); err != nil {
		return nil, fmt.Errorf("read organisations: %w", err)
	}
	return m, nil
}

// findMeta returns the Months entry of a month and specification.
func findMeta(ctx context.Context, s store.Store, month time.Time, spec string) (store.MonthMeta, error) {
	metas, err := s.Months(ctx)
	if err != nil {
		return store.MonthMeta{}, fmt.Errorf("list months: %w", err)
	}
	for _, mm := range metas {
		if mm.Month.Equal(month) && mm.Spec == spec {
			return mm, nil
		}
	}
	return store.MonthMeta{}, fmt.Errorf("month %s %q: %w", month.Format(vocab.MonthLayout), spec, store.ErrNotFound)
}

// Expected returns m as ReadMonth should return it: ASN records sorted by
// ASN, routes grouped by ASN in ASN order (written order within an ASN, and
// only those of ASNs with a record), every time in UTC. m is not modified.
func Expected(m *store.Month) *store.Month {
	w := *m
	w.Meta.Month = m.Meta.Month.UTC()
	w.Meta.IngestedAt = m.Meta.IngestedAt.UTC()
	w.Meta.Inputs = slices.Clone(m.Meta.Inputs)
	for i := range w.Meta.Inputs {
		in := &w.Meta.Inputs[i]
		in.From, in.To = in.From.UTC(), in.To.UTC()
	}
	w.ASNs = slices.Clone(m.ASNs)
	slices.SortStableFunc(w.ASNs, func(a, b store.ASN) int { return cmp.Compare(a.ASN, b.ASN) })
	w.Incidents = slices.Clone(m.Incidents)
	for i := range w.Incidents {
		in := &w.Incidents[i]
		in.Start, in.End = in.Start.UTC(), in.End.UTC()
	}
	w.Routes = expectedRoutes(m)
	w.Orgs = slices.Clone(m.Orgs)
	w.ROVEvidence = slices.Clone(m.ROVEvidence)
	w.Upstreams = slices.Clone(m.Upstreams)
	slices.SortStableFunc(w.Upstreams, func(a, b store.Upstream) int { return cmp.Compare(a.ASN, b.ASN) })
	w.Participants = slices.Clone(m.Participants)
	for i := range w.Participants {
		w.Participants[i].Approved = w.Participants[i].Approved.UTC()
	}
	return &w
}

// expectedRoutes returns the routes of m's ASN records, grouped by ASN.
func expectedRoutes(m *store.Month) []store.Route {
	has := make(map[uint32]bool, len(m.ASNs))
	for _, a := range m.ASNs {
		has[a.ASN] = true
	}
	return sortedRoutes(m, func(a uint32) bool { return has[a] })
}

// sortedRoutes returns the routes of m whose ASN keep accepts, times in
// UTC, grouped by ASN in the order written: what AllRoutes reads back.
func sortedRoutes(m *store.Month, keep func(uint32) bool) []store.Route {
	var rs []store.Route
	for _, r := range m.Routes {
		if keep(r.ASN) {
			r.FirstSeen, r.LastSeen = r.FirstSeen.UTC(), r.LastSeen.UTC()
			rs = append(rs, r)
		}
	}
	slices.SortStableFunc(rs, func(a, b store.Route) int { return cmp.Compare(a.ASN, b.ASN) })
	return rs
}

// Options are the go-cmp options that encode the contract's equivalences:
// nil equals empty, times are equal instants and both in the same location
// (UTC once Expected has normalised the wanted side), evidence is
// equivalent JSON.
var Options = gocmp.Options{
	cmpopts.EquateEmpty(),
	cmpopts.EquateComparable(netip.Prefix{}),
	gocmp.Comparer(func(a, b time.Time) bool {
		return a.Equal(b) && a.Location() == b.Location()
	}),
	gocmp.FilterValues(func(a, b json.RawMessage) bool {
		return len(a) > 0 || len(b) > 0
	}, gocmp.Comparer(jsonEqual)),
}

// jsonEqual reports whether two JSON texts encode the same value.
func jsonEqual(a, b json.RawMessage) bool {
	if bytes.Equal(a, b) {
		return true
	}
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return false
	}
	return gocmp.Equal(va, vb)
}

// Diff returns the differences between want and got under the contract's
// equivalences (see Options), or "" when there are none.
func Diff(want, got any) string {
	return gocmp.Diff(want, got, Options)
}
