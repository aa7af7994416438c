package client_test

import (
	"context"
	"testing"

	"github.com/observatory-net/observatory/client"
)

// TestClient_Applications: submit anonymously, read and re-check with the
// applicant key it returns, list and reject with the secretariat's; the
// applicant key is refused the list, and an ASN of a participant the
// submission.
func TestClient_Applications(t *testing.T) {
	ctx := context.Background()
	anon, _ := newClient(t, srv, "")
	// AS1299 is not in the fixture month: its checks fail.
	a, err := anon.SubmitApplication(ctx, client.ApplicationInput{Organisation: "SDK Networks", Programme: "netops",
		ASNs: []client.ASN{1299}, Email: "noc@sdk.example", Areas: []string{"SE"}})
	if err != nil || a.ApplicantKey == "" || a.State != "checks-failed" || len(a.Checks) == 0 {
		t.Fatalf("SubmitApplication() = %+v, %v", a, err)
	}
	applicant, _ := newClient(t, srv, a.ApplicantKey)
	own, err := applicant.Application(ctx, a.ID)
	if err != nil || own.ID != a.ID || own.ApplicantKey != "" {
		t.Errorf("Application() with the applicant key = %+v, %v", own, err)
	}
	re, err := applicant.RecheckApplication(ctx, a.ID, client.ApplicationRecheck{Areas: []string{"SE", "NO"}, Comment: "served areas"})
	if err != nil || len(re.Areas) != 2 || len(re.Trail) != 3 {
		t.Errorf("RecheckApplication() = %+v, %v", re, err)
	}
	if _, err := applicant.Applications(ctx); !client.IsForbidden(err) {
		t.Errorf("Applications() with an applicant key: %v, want 403", err)
	}
	sec, _ := newClient(t, srv, "secretariat")
	list, err := sec.Applications(ctx)
	if err != nil || len(list) == 0 {
		t.Errorf("Applications() = %d, %v", len(list), err)
	}
	done, err := sec.ReviewApplication(ctx, a.ID, client.ApplicationReview{Decision: "rejected", Comment: "AS1299 not measured"})
	if err != nil || done.State != "rejected" {
		t.Errorf("ReviewApplication() = %+v, %v", done, err)
	}
	if _, err := anon.SubmitApplication(ctx, client.ApplicationInput{Organisation: "Not RIPE", Programme: "netops",
		ASNs: []client.ASN{3333}, Email: "a@b.example"}); !client.IsConflict(err) {
		t.Errorf("SubmitApplication() of a participant's ASN: %v, want 409", err)
	}
}
