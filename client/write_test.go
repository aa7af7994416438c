package client_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/observatory-net/observatory/client"
)

// TestClient_retry429 exhausts the throttled key's bucket (30 a minute,
// a burst of 7) and checks the client waits Retry-After and then
// succeeds; a policy whose MaxDelay is below Retry-After, and a context
// that ends first, give up at once.
func TestClient_retry429(t *testing.T) {
	ctx := context.Background()
	once, n1 := newClient(t, srv, "throttled", client.WithRetryPolicy(client.RetryPolicy{MaxAttempts: 1}))
	var rl *client.Error
	for range 20 {
		_, err := once.ScoresSummary(ctx, nil)
		if errors.As(err, &rl) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if rl == nil || !client.IsRateLimited(rl) || rl.RetryAfter < time.Second {
		t.Fatalf("no 429 with Retry-After ≥ 1 s after %d requests: %v", n1.count(), rl)
	}

	short, n2 := newClient(t, srv, "throttled", client.WithRetryPolicy(client.RetryPolicy{MaxAttempts: 5, MaxDelay: 100 * time.Millisecond}))
	if _, err := short.ScoresSummary(ctx, nil); !client.IsRateLimited(err) || n2.count() != 1 {
		t.Errorf("Retry-After over MaxDelay: error %v after %d attempts, want 429 after 1", err, n2.count())
	}

	cctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	patient, _ := newClient(t, srv, "throttled")
	start := time.Now()
	if _, err := patient.ScoresSummary(cctx, nil); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > time.Second {
		t.Errorf("context ending during the wait: error %v after %v", err, time.Since(start))
	}

	retrying, n3 := newClient(t, srv, "throttled")
	start = time.Now()
	sum, err := retrying.ScoresSummary(ctx, nil)
	if err != nil || sum.Scope != "world" {
		t.Fatalf("ScoresSummary with retries: %v", err)
	}
	if n3.count() < 2 || time.Since(start) < 900*time.Millisecond {
		t.Errorf("ScoresSummary succeeded after %d attempts in %v: want a 429 first and its Retry-After (≥ 1 s) waited", n3.count(), time.Since(start))
	}
}

// TestClient_retryTransport checks that a GET is retried when no server
// answers and a POST is not.
func TestClient_retryTransport(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := &server{url: "http://" + ln.Addr().String()}
	ln.Close()
	cl, n := newClient(t, down, "", client.WithRetryPolicy(client.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond}))
	ctx := context.Background()
	if _, err := cl.Healthz(ctx); err == nil || client.StatusCode(err) != 0 || n.count() != 3 {
		t.Errorf("GET on a closed port: %v after %d attempts, want a transport error after 3", err, n.count())
	}
	if _, err := cl.FlagIncident(ctx, "x", "y"); err == nil || n.count() != 4 {
		t.Errorf("POST on a closed port: %v, %d attempts, want 1", err, n.count()-3)
	}
}

// TestClient_retry503 checks that a POST the server answered 503 to (so
// did not act on) is retried to the policy's bound. The real server has no
// state in which it answers 503 to a review (accepting re-scores the month,
// which the shared fixture's other tests must not see), so this one
// answers from a handler of its own.
func TestClient_retry503(t *testing.T) {
	var attempts atomic.Int32
	h := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		attempts.Add(1)
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"type":"about:blank","title":"Service Unavailable","status":503,"detail":"busy"}`))
	}))
	defer h.Close()
	cl, err := client.New(h.URL, client.WithAPIKey("obs_x_y"), client.WithRetryPolicy(client.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = cl.ReviewFeedback(context.Background(), 1, client.Review{Verdict: client.VerdictAccepted})
	if client.StatusCode(err) != http.StatusServiceUnavailable || attempts.Load() != 3 {
		t.Errorf("ReviewFeedback on a 503 server = %v after %d attempts, want 503 after 3", err, attempts.Load())
	}
}

// TestClient_feedback flags an incident as a participant, lists and
// reviews it as the secretariat, and checks every refusal on the way.
func TestClient_feedback(t *testing.T) {
	ctx := context.Background()
	google, _ := newClient(t, srv, "google")
	ripe, _ := newClient(t, srv, "ripe")
	sec, _ := newClient(t, srv, "secretariat")
	partner, _ := newClient(t, srv, "partner")

	if _, err := ripe.FlagIncident(ctx, "15169-M2-1", "not ours"); !client.IsForbidden(err) {
		t.Errorf("FlagIncident(another's incident) error = %v, want 403", err)
	}
	if _, err := google.FlagIncident(ctx, "no-such-incident", "x"); !client.IsNotFound(err) {
		t.Errorf("FlagIncident(unknown) error = %v, want 404", err)
	}
	fb, err := google.FlagIncident(ctx, "15169-M2-1", "announced for a customer, see ticket 42")
	if err != nil {
		t.Fatal(err)
	}
	if fb.ID == 0 || fb.Verdict != client.VerdictPending || fb.ASN != 15169 || !fb.Month.Equal(october) || fb.SubmittedAt.IsZero() {
		t.Errorf("FlagIncident() = %+v", fb)
	}
	if _, err := google.FlagIncident(ctx, "15169-M2-1", "again"); !client.IsConflict(err) {
		t.Errorf("second FlagIncident() error = %v, want 409", err)
	}

	pending := collect(t, sec.Feedback(ctx, &client.FeedbackOptions{Verdict: client.VerdictPending, PageOptions: client.PageOptions{PageSize: 1}}))
	if !slices.ContainsFunc(pending, func(f client.Feedback) bool { return f.ID == fb.ID }) {
		t.Errorf("Feedback(pending) = %+v, want #%d", pending, fb.ID)
	}
	if own := collect(t, ripe.Feedback(ctx, nil)); slices.ContainsFunc(own, func(f client.Feedback) bool { return f.ID == fb.ID }) {
		t.Errorf("RIPE NCC's key sees Google's feedback: %+v", own)
	}
	incs := collect(t, partner.Incidents(ctx, &client.IncidentsOptions{ASN: 15169}))
	if len(incs) != 1 || len(incs[0].Feedback) != 1 || incs[0].Feedback[0].Reason != fb.Reason {
		t.Errorf("Incidents(15169) trail = %+v", incs)
	}

	if _, err := google.ReviewFeedback(ctx, fb.ID, client.Review{Verdict: client.VerdictRejected}); !client.IsForbidden(err) {
		t.Errorf("ReviewFeedback by a participant: error = %v, want 403", err)
	}
	got, err := sec.ReviewFeedback(ctx, fb.ID, client.Review{Verdict: client.VerdictRejected, Note: "the customer has no ROA"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Verdict != client.VerdictRejected || got.ReviewNote != "the customer has no ROA" || got.ReviewedAt.IsZero() || got.ReviewedBy == "" {
		t.Errorf("ReviewFeedback() = %+v", got)
	}
	if _, err := sec.ReviewFeedback(ctx, fb.ID, client.Review{Verdict: client.VerdictRejected}); !client.IsConflict(err) {
		t.Errorf("second ReviewFeedback() error = %v, want 409", err)
	}
	if _, err := sec.ReviewFeedback(ctx, 999999, client.Review{Verdict: client.VerdictRejected}); !client.IsNotFound(err) {
		t.Errorf("ReviewFeedback(unknown) error = %v, want 404", err)
	}
}

// TestClient_participants registers, replaces and removes a participant
// as the secretariat and reads the public table meanwhile.
func TestClient_participants(t *testing.T) {
	ctx := context.Background()
	sec, _ := newClient(t, srv, "secretariat")
	anon, _ := newClient(t, srv, "")
	in := client.ParticipantInput{Organisation: "Example Exchange", Programme: client.ProgrammeIXP,
		ASNs: []client.ASN{64500}, Approved: time.Date(2018, 6, 1, 0, 0, 0, 0, time.UTC), Areas: []string{"NL"}}
	p, err := sec.CreateParticipant(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if p.ID == 0 || p.Programme != client.ProgrammeIXP || !p.Approved.Equal(in.Approved) || p.UpdatedAt.IsZero() {
		t.Errorf("CreateParticipant() = %+v", p)
	}
	if _, err := sec.CreateParticipant(ctx, in); !client.IsConflict(err) {
		t.Errorf("second CreateParticipant() error = %v, want 409", err)
	}
	if _, err := sec.CreateParticipant(ctx, client.ParticipantInput{Organisation: "Y", Programme: "isp"}); !client.IsBadRequest(err) {
		t.Errorf("CreateParticipant(programme isp) error = %v, want 400", err)
	}
	rows := collect(t, anon.Participants(ctx, &client.ParticipantsOptions{PageOptions: client.PageOptions{PageSize: 1}}))
	i := slices.IndexFunc(rows, func(r client.ParticipantRow) bool { return r.Organisation == in.Organisation })
	if len(rows) != 3 || i < 0 || rows[i].ID != p.ID || rows[i].Coordination.Level != client.LevelReady {
		t.Errorf("Participants() = %+v", rows)
	}
	page, err := anon.ParticipantsPage(ctx, nil)
	if err != nil || page.Source != "registry" || !page.Month.Equal(october) {
		t.Errorf("ParticipantsPage() = %+v, %v", page, err)
	}

	in.ASNs = append(in.ASNs, 64501)
	up, err := sec.UpdateParticipant(ctx, p.ID, in)
	if err != nil || len(up.ASNs) != 2 || up.ID != p.ID {
		t.Errorf("UpdateParticipant() = %+v, %v", up, err)
	}
	if _, err := sec.UpdateParticipant(ctx, 999999, in); !client.IsNotFound(err) {
		t.Errorf("UpdateParticipant(unknown) error = %v, want 404", err)
	}
	if err := sec.DeleteParticipant(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if err := sec.DeleteParticipant(ctx, p.ID); !client.IsNotFound(err) {
		t.Errorf("second DeleteParticipant() error = %v, want 404", err)
	}
}
