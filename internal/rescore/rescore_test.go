package rescore_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/dataset"
	"github.com/observatory-net/observatory/internal/ingest"
	"github.com/observatory-net/observatory/internal/participants"
	"github.com/observatory-net/observatory/internal/rescore"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/store/sqlite"
	"github.com/observatory-net/observatory/internal/store/storetest"
	"github.com/observatory-net/observatory/internal/testenv"
	"github.com/observatory-net/observatory/internal/vocab"
)

// may2014 is the month of the small real data set.
var may2014 = time.Date(2014, 5, 1, 0, 0, 0, 0, time.UTC)

// computed is the real month, computed once for every test.
var computed struct {
	once  sync.Once
	month *store.Month
	err   error
}

// realMonth computes the month of two real update files of 2014-05 with
// real reference data, and participants, as cmd/observatory's engine test
// ingests it, with LACNIC's delegated statistics only. It is computed once
// per test binary.
func realMonth(t *testing.T) *store.Month {
	t.Helper()
	root := testenv.SharedData(t)
	computed.once.Do(func() { computed.month, computed.err = compute(root) })
	if computed.err != nil {
		t.Fatalf("compute the real month: %v", computed.err)
	}
	return computed.month
}

func compute(root string) (*store.Month, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "rescore-data")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	for _, rel := range []string{
		"mrt/updates/ris.rrc06.updates.1401488100.gz",
		"mrt/updates/routeviews.route-views.jinx.updates.1401493500.bz2",
		"rpki/rpki-client-prepdev-20230504.json.gz",
		"irr",
		"as-relationships/20140101.as-rel.txt",
		"rir-delegated/2014/delegated-lacnic-latest", // the smallest: 4,000 ASNs measured, not 40,000
		"bogons",
	} {
		if err := os.Symlink(filepath.Join(root, rel), filepath.Join(dir, filepath.Base(rel))); err != nil {
			return nil, err
		}
	}
	files, err := dataset.Discover(ctx, dir)
	if err != nil {
		return nil, err
	}
	set, err := dataset.Load(ctx, files, dataset.Options{})
	if err != nil {
		return nil, err
	}
	parts, err := participants.Read(strings.NewReader(
		"organisation,programme,asns\nRIPE NCC,netops,AS3333\nExample Transit,netops,AS174 AS6939\nExample IX,ixp,AS6939\n"),
		"participants.csv")
	if err != nil {
		return nil, err
	}
	s, err := spec.Get(spec.Default)
	if err != nil {
		return nil, err
	}
	return ingest.Compute(ctx, ingest.Config{Month: may2014, Spec: s, Data: set, Participants: parts, Workers: 2})
}

// stored writes the real month to a new SQLite store and returns it.
func stored(t *testing.T) store.Service {
	t.Helper()
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "obs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.WriteMonth(t.Context(), realMonth(t)); err != nil {
		t.Fatal(err)
	}
	return s
}

func defaultSpec(t *testing.T) *spec.Spec {
	t.Helper()
	s, err := spec.Get(spec.Default)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// scoreAggregates keeps the aggregates of the specification's scores.
func scoreAggregates(s *spec.Spec, aggs []store.Aggregate) []store.Aggregate {
	return slices.DeleteFunc(slices.Clone(aggs), func(a store.Aggregate) bool {
		return !slices.ContainsFunc(s.Actions, func(act spec.Action) bool { return act.Score == a.Score })
	})
}

// readMonth reads back what a review may change, and ROA statistics and
// participants, which it must not: storetest.ReadMonth would also read the
// routes, one query per ASN.
func readMonth(ctx context.Context, svc store.Service, ref string) (*store.Month, error) {
	m := &store.Month{}
	var err error
	if m.ASNs, err = svc.ASNs(ctx, may2014, ref, store.Filter{}); err != nil {
		return nil, err
	}
	if m.Incidents, err = svc.Incidents(ctx, may2014, ref, 0); err != nil {
		return nil, err
	}
	if m.ROAStats, err = svc.ROAStats(ctx, may2014, ref, ""); err != nil {
		return nil, err
	}
	if m.Aggregates, err = svc.Aggregates(ctx, may2014, ref, ""); err != nil {
		return nil, err
	}
	m.Participants, err = svc.Participants(ctx, may2014, ref)
	return m, err
}

// byASN groups incidents by ASN.
func byASN(incidents []store.Incident) map[uint32][]store.Incident {
	out := map[uint32][]store.Incident{}
	for _, in := range incidents {
		out[in.ASN] = append(out[in.ASN], in)
	}
	return out
}

// TestASN_Unmodified checks that re-scoring every ASN record of a real
// stored month, and its score aggregates, gives back exactly what ingest
// stored.
func TestASN_Unmodified(t *testing.T) {
	svc, s := stored(t), defaultSpec(t)
	ctx := t.Context()
	asns, err := svc.ASNs(ctx, may2014, s.Ref(), store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	all, err := svc.Incidents(ctx, may2014, s.Ref(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) == 0 || len(asns) == 0 {
		t.Fatalf("real month has %d ASNs and %d incidents: want both", len(asns), len(all))
	}
	incidents := byASN(all)
	for i := range asns {
		got := rescore.ASN(s, &asns[i], incidents[asns[i].ASN])
		if diff := storetest.Diff(asns[i], got); diff != "" {
			t.Fatalf("ASN(AS%d) of an unmodified month mismatch (-stored +rescored):\n%s", asns[i].ASN, diff)
		}
	}
	parts, err := svc.Participants(ctx, may2014, s.Ref())
	if err != nil {
		t.Fatal(err)
	}
	aggs, err := svc.Aggregates(ctx, may2014, s.Ref(), "")
	if err != nil {
		t.Fatal(err)
	}
	want := scoreAggregates(s, aggs)
	if !slices.ContainsFunc(want, func(a store.Aggregate) bool { return a.Scope == string(vocab.ScopeParticipants) }) {
		t.Error("no participants aggregate in the real month: the test does not cover programmes")
	}
	if diff := storetest.Diff(want, rescore.Aggregates(asns, parts)); diff != "" {
		t.Errorf("Aggregates() of an unmodified month mismatch (-stored +rescored):\n%s", diff)
	}
	t.Logf("%d ASNs, %d incidents, %d score aggregates reproduced", len(asns), len(all), len(want))
}

// TestASN_ExcludeNeverLowers checks, for every incident of the real month,
// that excluding it lowers or keeps its metric's raw penalty, raises or
// keeps every metric score, and changes no other metric.
func TestASN_ExcludeNeverLowers(t *testing.T) {
	m, s := realMonth(t), defaultSpec(t)
	recs := map[uint32]*store.ASN{}
	for i := range m.ASNs {
		recs[m.ASNs[i].ASN] = &m.ASNs[i]
	}
	incidents := byASN(m.Incidents)
	raised := 0
	for _, in := range m.Incidents {
		rec := recs[in.ASN]
		own := slices.Clone(incidents[in.ASN])
		for i := range own {
			own[i].Excluded = own[i].ID == in.ID
		}
		got := rescore.ASN(s, rec, own)
		for j, before := range rec.Metrics {
			after := got.Metrics[j]
			switch {
			case before.ID != in.Metric && !sameMetric(after, before):
				t.Fatalf("excluding %s changed AS%d metric %s: %+v → %+v", in.ID, in.ASN, before.ID, before, after)
			case after.Raw > before.Raw || after.Score < before.Score:
				t.Fatalf("excluding %s made AS%d metric %s worse: %+v → %+v", in.ID, in.ASN, before.ID, before, after)
			case after.Score > before.Score:
				raised++
			}
		}
		for j := range rec.Scores {
			if got.Scores[j].HasData && got.Scores[j].Value < rec.Scores[j].Value {
				t.Fatalf("excluding %s lowered AS%d score %s: %+v → %+v", in.ID, in.ASN, rec.Scores[j].ID, rec.Scores[j], got.Scores[j])
			}
		}
	}
	if raised == 0 {
		t.Errorf("excluding any of %d incidents raised no score: the test checks nothing", len(m.Incidents))
	}
}

// pickIncident returns the incident of the real month with the greatest
// score, so that accepting feedback on it changes its ASN's scores.
func pickIncident(t *testing.T, m *store.Month) store.Incident {
	t.Helper()
	var best store.Incident
	for _, in := range m.Incidents {
		if in.Score > best.Score {
			best = in
		}
	}
	if best.ID == "" {
		t.Fatal("no incident with a score in the real month")
	}
	return best
}

// TestAccept checks the whole path on a real month: feedback, acceptance,
// and a month whose records are what re-scoring without the incident
// gives, other ASNs and ROA statistics untouched.
func TestAccept(t *testing.T) {
	svc, s := stored(t), defaultSpec(t)
	ctx := t.Context()
	m := realMonth(t)
	in := pickIncident(t, m)
	before, err := readMonth(ctx, svc, s.Ref())
	if err != nil {
		t.Fatal(err)
	}
	id, err := svc.AddFeedback(ctx, &store.Feedback{IncidentID: in.ID, Month: may2014, Spec: s.Ref(),
		Reason: "announced on our behalf", SubmittedBy: "key1", SubmittedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	if err := rescore.Decide(ctx, svc, id, store.VerdictAccepted, "sec1", "checked", now); err != nil {
		t.Fatalf("Decide(accepted) = %v", err)
	}
	after, err := readMonth(ctx, svc, s.Ref())
	if err != nil {
		t.Fatal(err)
	}
	want := expectAccepted(t, s, before, in)
	if diff := storetest.Diff(want, after); diff != "" {
		t.Errorf("month after Accept mismatch (-want +got):\n%s", diff)
	}
	fb, err := svc.Feedback(ctx, id)
	if err != nil || fb.Verdict != store.VerdictAccepted || !fb.ReviewedAt.Equal(now) {
		t.Errorf("Feedback() = %+v, %v: want accepted at %v", fb, err, now)
	}
	err = rescore.Decide(ctx, svc, id, store.VerdictAccepted, "sec1", "again", now)
	if !errors.Is(err, store.ErrConflict) {
		t.Errorf("Decide(accepted, again) = %v, want ErrConflict", err)
	}
}

// expectAccepted returns the month before with the incident excluded, its
// ASN re-scored and the score aggregates recomputed.
func expectAccepted(t *testing.T, s *spec.Spec, before *store.Month, in store.Incident) *store.Month {
	t.Helper()
	want := *before
	want.Incidents = slices.Clone(before.Incidents)
	for i := range want.Incidents {
		if want.Incidents[i].ID == in.ID {
			want.Incidents[i].Excluded = true
		}
	}
	want.ASNs = slices.Clone(before.ASNs)
	i := slices.IndexFunc(want.ASNs, func(a store.ASN) bool { return a.ASN == in.ASN })
	old := want.ASNs[i]
	want.ASNs[i] = rescore.ASN(s, &old, want.Incidents)
	if storetest.Diff(old, want.ASNs[i]) == "" {
		t.Fatalf("excluding %s changes nothing of AS%d: pick another incident", in.ID, in.ASN)
	}
	fresh := rescore.Aggregates(want.ASNs, want.Participants)
	want.Aggregates = slices.Clone(before.Aggregates)
	for j, a := range want.Aggregates {
		k := slices.IndexFunc(fresh, func(f store.Aggregate) bool {
			return f.Scope == a.Scope && f.Key == a.Key && f.Score == a.Score
		})
		if k >= 0 {
			want.Aggregates[j] = fresh[k]
		}
	}
	return &want
}

// TestReject checks that a rejection leaves the month as it was.
func TestReject(t *testing.T) {
	svc, s := stored(t), defaultSpec(t)
	ctx := t.Context()
	in := pickIncident(t, realMonth(t))
	before, err := readMonth(ctx, svc, s.Ref())
	if err != nil {
		t.Fatal(err)
	}
	id, err := svc.AddFeedback(ctx, &store.Feedback{IncidentID: in.ID, Month: may2014, Spec: s.Ref(), SubmittedBy: "key1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := rescore.Decide(ctx, svc, id, store.VerdictRejected, "sec1", "real", time.Now()); err != nil {
		t.Fatalf("Decide(rejected) = %v", err)
	}
	after, err := readMonth(ctx, svc, s.Ref())
	if err != nil {
		t.Fatal(err)
	}
	if diff := storetest.Diff(before, after); diff != "" {
		t.Errorf("month after a rejection mismatch (-before +after):\n%s", diff)
	}
	if err := rescore.Decide(ctx, svc, id, "maybe", "sec1", "", time.Now()); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("Decide(maybe) = %v, want ErrInvalid", err)
	}
	if err := rescore.Decide(ctx, svc, id+100, store.VerdictAccepted, "sec1", "", time.Now()); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Decide(unknown) = %v, want ErrNotFound", err)
	}
}

// TestApply checks that a re-computed month gets the accepted exclusions
// as Accept applies them to a stored month, and that no exclusion
// changes nothing.
func TestApply(t *testing.T) {
	s, real := defaultSpec(t), realMonth(t)
	clone := func() *store.Month {
		m := *real
		m.ASNs, m.Incidents, m.Aggregates = slices.Clone(real.ASNs), slices.Clone(real.Incidents), slices.Clone(real.Aggregates)
		return &m
	}
	m := clone()
	if n := rescore.Apply(s, m, []string{"no-such-incident"}); n != 0 {
		t.Errorf("Apply(unknown incident) = %d, want 0", n)
	}
	if diff := storetest.Diff(real, m); diff != "" {
		t.Errorf("Apply(unknown incident) changed the month (-before +after):\n%s", diff)
	}
	in := pickIncident(t, real)
	want := expectAccepted(t, s, clone(), in)
	if n := rescore.Apply(s, m, []string{in.ID, "no-such-incident", in.ID}); n != 1 {
		t.Errorf("Apply(%s) = %d, want 1", in.ID, n)
	}
	if diff := storetest.Diff(want, m); diff != "" {
		t.Errorf("Apply(%s) mismatch (-want +got):\n%s", in.ID, diff)
	}
}

// sameMetric reports whether two metrics are equal, evidence byte for byte.
func sameMetric(a, b store.Metric) bool {
	return a.ID == b.ID && a.Raw == b.Raw && a.Score == b.Score && a.HasData == b.HasData &&
		a.Counted == b.Counted && bytes.Equal(a.Evidence, b.Evidence)
}
