package storetest

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// readAll reads back a whole month and fails the test on error.
func readAll(t *testing.T, s store.Store, month time.Time, spec string) *store.Month {
	t.Helper()
	m, err := ReadMonth(t.Context(), s, month, spec)
	noErr(t, "ReadMonth()", err)
	return m
}

// checkSame fails the test if the month differs from before.
func checkSame(t *testing.T, s store.Store, before *store.Month, when string) {
	t.Helper()
	after := readAll(t, s, before.Meta.Month, before.Meta.Spec)
	if diff := Diff(before, after); diff != "" {
		t.Errorf("month %s %q %s mismatch (-before +after):\n%s", before.Meta.Month.Format(vocab.MonthLayout), before.Meta.Spec, when, diff)
	}
}

// rescored returns what a re-scoring of AS3333 without incident3333 could
// give: the record with other metric and score values (and holder, which
// must be replaced too), and aggregates for two existing keys and one new.
func rescored() (*store.ASN, []store.Aggregate) {
	a := fullASNs()[1]
	a.Holder = "RIPE-NCC-AS re-scored"
	a.Metrics = slices.Clone(a.Metrics[:4])
	a.Metrics[0].Raw, a.Metrics[0].Score = 0, 1
	a.Scores = slices.Clone(a.Scores)
	a.Scores[0] = store.Score{ID: "filtering", Value: 1, HasData: true, Level: "ready"}
	aggs := []store.Aggregate{
		{Scope: "world", Key: "", Score: "filtering", Value: 0.71, Ready: 40001, Aspire: 19999, Lag: 10000, NoData: 5000},
		{Scope: "region", Key: "Europe", Score: "filtering", Value: 0.5, Ready: 1, Lag: 2},
		{Scope: "economy", Key: "DE", Score: "filtering", Value: 0.25, Lag: 1},
	}
	return &a, aggs
}

// accepted returns the review accepting feedback id with rescored().
func accepted(id int64) *store.Review {
	a, aggs := rescored()
	return &store.Review{FeedbackID: id, Verdict: store.VerdictAccepted, ReviewedBy: "sec1",
		ReviewedAt: t0.Add(24 * time.Hour), Note: "route object existed", ASN: a, Aggregates: aggs}
}

// testReviewAccepted checks everything an accepted review changes, and
// that it changes nothing else: other ASNs, routes, ROA statistics, other
// aggregates, participants, the other specification's month.
func testReviewAccepted(t *testing.T, s store.Service) {
	ctx := t.Context()
	write(t, s, marchMonth(specA))
	write(t, s, marchMonth(specB))
	otherSpec := readAll(t, s, march, specB)
	before := readAll(t, s, march, specA)
	id := addFeedback(t, s, feedbackOn(incident3333, 3333, 0))
	r := accepted(id)
	noErr(t, "Review(accepted)", s.Review(ctx, r))

	want := before
	for i := range want.Incidents {
		if want.Incidents[i].ID == incident3333 {
			want.Incidents[i].Excluded = true
		}
	}
	for i := range want.ASNs {
		if want.ASNs[i].ASN == 3333 {
			want.ASNs[i] = *r.ASN
		}
	}
	for i, a := range want.Aggregates {
		if a.Scope == "world" && a.Score == "filtering" {
			want.Aggregates[i] = r.Aggregates[0]
		}
		if a.Scope == "region" && a.Key == "Europe" {
			want.Aggregates[i] = r.Aggregates[1]
		}
	}
	want.Aggregates = append(want.Aggregates, r.Aggregates[2])
	checkSame(t, s, want, "after an accepted review")
	checkSame(t, s, otherSpec, "after a review in the other specification")

	got, err := s.Feedback(ctx, id)
	noErr(t, "Feedback()", err)
	if got.Verdict != store.VerdictAccepted || got.ReviewedBy != "sec1" || !got.ReviewedAt.Equal(r.ReviewedAt) ||
		got.ReviewedAt.Location() != time.UTC || got.ReviewNote != r.Note {
		t.Errorf("Feedback() after review = %+v, want accepted by sec1 at %v with the note", got, r.ReviewedAt)
	}
	// The incident is excluded: no new feedback on it.
	f := feedbackOn(incident3333, 3333, 1)
	_, err = s.AddFeedback(ctx, &f)
	wantErr(t, "AddFeedback(excluded incident)", err, store.ErrConflict)
}

// testReviewRejected checks that a rejection records the verdict only,
// and that the incident takes new feedback afterwards.
func testReviewRejected(t *testing.T, s store.Service) {
	ctx := t.Context()
	write(t, s, marchMonth(specA))
	before := readAll(t, s, march, specA)
	id := addFeedback(t, s, feedbackOn(incident3333, 3333, 0))
	a, aggs := rescored() // ignored when rejected
	noErr(t, "Review(rejected)", s.Review(ctx, &store.Review{FeedbackID: id, Verdict: store.VerdictRejected,
		ReviewedBy: "sec2", ReviewedAt: t0, Note: "a real hijack", ASN: a, Aggregates: aggs}))
	checkSame(t, s, before, "after a rejection")
	got, err := s.Feedback(ctx, id)
	noErr(t, "Feedback()", err)
	if got.Verdict != store.VerdictRejected || got.ReviewedBy != "sec2" || got.ReviewNote != "a real hijack" {
		t.Errorf("Feedback() after rejection = %+v", got)
	}
	addFeedback(t, s, feedbackOn(incident3333, 3333, 1))
}

// testReviewNotPending checks that a decided feedback cannot be reviewed
// again, either way, and that the attempt changes nothing.
func testReviewNotPending(t *testing.T, s store.Service) {
	ctx := t.Context()
	write(t, s, marchMonth(specA))
	id := addFeedback(t, s, feedbackOn(marchOnly, 3333, 0))
	noErr(t, "Review(rejected)", s.Review(ctx, &store.Review{FeedbackID: id, Verdict: store.VerdictRejected,
		ReviewedBy: "sec1", ReviewedAt: t0}))
	before := readAll(t, s, march, specA)
	fb, err := s.Feedback(ctx, id)
	noErr(t, "Feedback()", err)
	wantErr(t, "Review(accept a rejected feedback)", s.Review(ctx, accepted(id)), store.ErrConflict)
	wantErr(t, "Review(reject again)", s.Review(ctx, &store.Review{FeedbackID: id, Verdict: store.VerdictRejected,
		ReviewedBy: "sec2", ReviewedAt: t0.Add(time.Hour)}), store.ErrConflict)
	checkSame(t, s, before, "after refused reviews")
	after, err := s.Feedback(ctx, id)
	noErr(t, "Feedback()", err)
	if diff := Diff(fb, after); diff != "" {
		t.Errorf("Feedback() after refused reviews mismatch (-want +got):\n%s", diff)
	}
}

// testReviewUnknown checks that reviewing unknown feedback is ErrNotFound.
func testReviewUnknown(t *testing.T, s store.Service) {
	write(t, s, marchMonth(specA))
	wantErr(t, "Review(unknown feedback)", s.Review(t.Context(), accepted(12345)), store.ErrNotFound)
}

// testReviewFailed checks that a review refused before or after its
// verdict would be written leaves the feedback pending and the month
// unchanged: an invalid review, a record of another ASN, NaN values, and
// an incident a re-ingest of the month removed.
func testReviewFailed(t *testing.T, s store.Service) {
	ctx := t.Context()
	write(t, s, marchMonth(specA))
	id := addFeedback(t, s, feedbackOn(incident3333, 3333, 0))
	fb, err := s.Feedback(ctx, id)
	noErr(t, "Feedback()", err)
	before := readAll(t, s, march, specA)
	for name, c := range map[string]struct {
		mutate func(*store.Review)
		want   error
	}{
		"no verdict":      {func(r *store.Review) { r.Verdict = "" }, store.ErrInvalid},
		"pending verdict": {func(r *store.Review) { r.Verdict = store.VerdictPending }, store.ErrInvalid},
		"no reviewer":     {func(r *store.Review) { r.ReviewedBy = "" }, store.ErrInvalid},
		"no record":       {func(r *store.Review) { r.ASN = nil }, store.ErrInvalid},
		"another ASN":     {func(r *store.Review) { r.ASN.ASN = 64500 }, store.ErrInvalid},
		"NaN score":       {func(r *store.Review) { r.ASN.Scores[1].Value = math.NaN() }, store.ErrInvalid},
		"NaN aggregate":   {func(r *store.Review) { r.Aggregates[2].Value = math.NaN() }, store.ErrInvalid},
	} {
		r := accepted(id)
		c.mutate(r)
		wantErr(t, "Review("+name+")", s.Review(ctx, r), c.want)
	}
	checkSame(t, s, before, "after invalid reviews")
	// A re-ingest without the incident: the verdict cannot be applied.
	m := marchMonth(specA)
	m.Incidents = slices.DeleteFunc(m.Incidents, func(in store.Incident) bool { return in.ID == incident3333 })
	write(t, s, m)
	before = readAll(t, s, march, specA)
	wantErr(t, "Review(incident gone)", s.Review(ctx, accepted(id)), store.ErrNotFound)
	checkSame(t, s, before, "after a review of a vanished incident")
	after, err := s.Feedback(ctx, id)
	noErr(t, "Feedback()", err)
	if diff := Diff(fb, after); diff != "" {
		t.Errorf("Feedback() after failed reviews mismatch (-want +got):\n%s", diff)
	}
}
