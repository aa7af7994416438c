package storetest

import (
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/store"
)

// Incidents of fullMonth the feedback tests use.
const (
	incident3333 = "3333-M1-1"  // AS3333, in every month the tests write
	excluded     = "64500-M2-1" // already excluded
	marchOnly    = "march-only" // AS3333, only in March
)

// marchMonth is fullMonth of March with one more incident.
func marchMonth(spec string) *store.Month {
	m := fullMonth(march, spec)
	m.Incidents = append(m.Incidents, store.Incident{ID: marchOnly, ASN: 3333, Metric: "M4", Weight: 1, Score: 2,
		Start: march.Add(time.Hour), End: march.Add(3 * time.Hour)})
	return m
}

// feedbackOn returns a pending feedback on an incident of March, spec A.
func feedbackOn(incident string, asn uint32, h int) store.Feedback {
	return store.Feedback{IncidentID: incident, Month: march, Spec: specA, ASN: asn,
		Reason: "our customer's prefix; ROA “pending”", SubmittedBy: "key1", SubmittedAt: t0.Add(time.Duration(h) * time.Hour)}
}

// addFeedback adds f and returns its ID.
func addFeedback(t *testing.T, s store.Service, f store.Feedback) int64 {
	t.Helper()
	id, err := s.AddFeedback(t.Context(), &f)
	noErr(t, "AddFeedback("+f.IncidentID+")", err)
	return id
}

// testFindIncident checks that an incident is found in its newest month,
// the greatest specification within a month.
func testFindIncident(t *testing.T, s store.Service) {
	ctx := t.Context()
	write(t, s, marchMonth(specA))
	write(t, s, fullMonth(april, specA))
	check := func(id string, month time.Time, spec string) {
		t.Helper()
		in, m, sp, err := s.FindIncident(ctx, id)
		noErr(t, "FindIncident("+id+")", err)
		if !m.Equal(month) || m.Location() != time.UTC || sp != spec {
			t.Errorf("FindIncident(%s) month %v spec %q, want %v %q", id, m, sp, month, spec)
		}
		all, err := s.Incidents(ctx, month, spec, in.ASN)
		noErr(t, "Incidents()", err)
		for _, want := range all {
			if want.ID == id {
				if diff := Diff(want, *in); diff != "" {
					t.Errorf("FindIncident(%s) mismatch (-want +got):\n%s", id, diff)
				}
				return
			}
		}
		t.Errorf("FindIncident(%s) returned an incident Incidents() does not have", id)
	}
	check(incident3333, april, specA)
	check(marchOnly, march, specA)
	write(t, s, fullMonth(april, specB))
	check(incident3333, april, specB)
	_, _, _, err := s.FindIncident(ctx, "no-such-incident")
	wantErr(t, "FindIncident(unknown)", err, store.ErrNotFound)
}

// testFeedbackAdd checks that feedback round-trips as pending, that the
// store records the incident's ASN, and that one incident takes one
// pending feedback per month.
func testFeedbackAdd(t *testing.T, s store.Service) {
	ctx := t.Context()
	write(t, s, marchMonth(specA))
	write(t, s, fullMonth(april, specA))
	f := feedbackOn(incident3333, 0, 0) // ASN left to the store
	id := addFeedback(t, s, f)
	got, err := s.Feedback(ctx, id)
	noErr(t, "Feedback()", err)
	want := f
	want.ID, want.ASN, want.Verdict, want.SubmittedAt = id, 3333, store.VerdictPending, utc(f.SubmittedAt)
	if diff := Diff(want, *got); diff != "" {
		t.Errorf("Feedback(%d) mismatch (-want +got):\n%s", id, diff)
	}
	again := feedbackOn(incident3333, 3333, 1)
	_, err = s.AddFeedback(ctx, &again)
	wantErr(t, "AddFeedback(second pending)", err, store.ErrConflict)
	// The same incident ID in another month is another incident.
	april := feedbackOn(incident3333, 3333, 1)
	april.Month = april.Month.AddDate(0, 1, 0)
	if id2 := addFeedback(t, s, april); id2 == id {
		t.Errorf("AddFeedback(April) = %d, the ID of the March feedback", id2)
	}
	_, err = s.Feedback(ctx, id+1000)
	wantErr(t, "Feedback(unknown)", err, store.ErrNotFound)
}

// testFeedbackRefused checks the feedback a store refuses, and that it
// stores none of it.
func testFeedbackRefused(t *testing.T, s store.Service) {
	ctx := t.Context()
	write(t, s, marchMonth(specA))
	cases := []struct {
		name   string
		mutate func(*store.Feedback)
		want   error
	}{
		{"unknown incident", func(f *store.Feedback) { f.IncidentID = "nope" }, store.ErrNotFound},
		{"unknown month", func(f *store.Feedback) { f.Month = april }, store.ErrNotFound},
		{"unknown spec", func(f *store.Feedback) { f.Spec = specB }, store.ErrNotFound},
		{"excluded incident", func(f *store.Feedback) { f.IncidentID, f.ASN = excluded, 64500 }, store.ErrConflict},
		{"another ASN", func(f *store.Feedback) { f.ASN = 64500 }, store.ErrInvalid},
		{"no submitter", func(f *store.Feedback) { f.SubmittedBy = "" }, store.ErrInvalid},
		{"not a month", func(f *store.Feedback) { f.Month = march.Add(time.Hour) }, store.ErrInvalid},
		{"no incident", func(f *store.Feedback) { f.IncidentID = "" }, store.ErrInvalid},
	}
	for _, c := range cases {
		f := feedbackOn(incident3333, 3333, 0)
		c.mutate(&f)
		_, err := s.AddFeedback(ctx, &f)
		wantErr(t, "AddFeedback("+c.name+")", err, c.want)
	}
	got, err := s.Feedbacks(ctx, store.FeedbackFilter{})
	noErr(t, "Feedbacks()", err)
	if len(got) != 0 {
		t.Errorf("Feedbacks() after refused feedback = %+v, want none", got)
	}
}

// testFeedbackFilters checks the order of Feedbacks and each filter.
func testFeedbackFilters(t *testing.T, s store.Service) {
	ctx := t.Context()
	write(t, s, marchMonth(specA))
	write(t, s, fullMonth(april, specA))
	a := addFeedback(t, s, feedbackOn(incident3333, 3333, 2))
	b := addFeedback(t, s, feedbackOn("15169-M1-1", 15169, 5))
	c := addFeedback(t, s, feedbackOn(marchOnly, 3333, 1))
	inApril := feedbackOn("15169-M1-1", 15169, 3)
	inApril.Month = april
	d := addFeedback(t, s, inApril)
	noErr(t, "Review(reject)", s.Review(ctx, &store.Review{FeedbackID: c, Verdict: store.VerdictRejected,
		ReviewedBy: "sec1", ReviewedAt: t0.Add(6 * time.Hour), Note: "the ROA came later"}))
	for _, tt := range []struct {
		name string
		f    store.FeedbackFilter
		want []int64
	}{
		{"all, newest first", store.FeedbackFilter{}, []int64{b, d, a, c}},
		{"by ASN", store.FeedbackFilter{ASNs: []uint32{3333}}, []int64{a, c}},
		{"by ASNs", store.FeedbackFilter{ASNs: []uint32{15169, 3333, 1}}, []int64{b, d, a, c}},
		{"unknown ASN", store.FeedbackFilter{ASNs: []uint32{1}}, nil},
		{"pending", store.FeedbackFilter{Verdict: store.VerdictPending}, []int64{b, d, a}},
		{"rejected", store.FeedbackFilter{Verdict: store.VerdictRejected}, []int64{c}},
		{"accepted", store.FeedbackFilter{Verdict: store.VerdictAccepted}, nil},
		{"April", store.FeedbackFilter{Month: april}, []int64{d}},
		{"March of AS15169, pending", store.FeedbackFilter{Month: march, ASNs: []uint32{15169}, Verdict: store.VerdictPending}, []int64{b}},
	} {
		got, err := s.Feedbacks(ctx, tt.f)
		noErr(t, "Feedbacks("+tt.name+")", err)
		var ids []int64
		for _, f := range got {
			ids = append(ids, f.ID)
		}
		if diff := Diff(tt.want, ids); diff != "" {
			t.Errorf("Feedbacks(%s) IDs mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
}
