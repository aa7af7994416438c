package web

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestApplicationPage_Review: one application's page shows its checks and
// trail to the secretariat and to its applicant, no one else; the
// secretariat's review form records the decision through the view the API
// uses, and refuses what the API refuses.
func TestApplicationPage_Review(t *testing.T) {
	e := newEnv(t)
	resp, err := http.Post(e.srv.URL+"/api/v2/applications", "application/json",
		strings.NewReader(`{"organisation":"Example Transit","programme":"netops","asns":[13335],"email":"noc@example.net"}`))
	if err != nil {
		t.Fatal(err)
	}
	var app struct {
		ID           int64  `json:"id"`
		State        string `json:"state"`
		ApplicantKey string `json:"applicantKey"`
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err := json.Unmarshal(b, &app); err != nil || resp.StatusCode != http.StatusCreated || app.ApplicantKey == "" {
		t.Fatalf("submit: %d %s", resp.StatusCode, b)
	}
	if app.State != "checks-failed" { // AS13335 is not in the fixture month
		t.Fatalf("state %s, want checks-failed", app.State)
	}
	path := fmt.Sprintf("/applications/%d", app.ID)
	for name, tc := range map[string]struct {
		token string
		want  int
	}{"anonymous": {"", 401}, "partner": {e.partner, 403}, "participant": {e.pRIPE, 403}, "applicant": {app.ApplicantKey, 200}, "secretariat": {e.sec, 200}} {
		code, body := get(t, e.client(t, tc.token), e.srv.URL, path)
		if code != tc.want {
			t.Errorf("%s: %d, want %d", name, code, tc.want)
		}
		if code == 200 && (!strings.Contains(body, "Example Transit") || !strings.Contains(body, `id="checks"`) || !strings.Contains(body, `id="trail"`)) {
			t.Errorf("%s: the page lacks the name, the checks or the trail", name)
		}
		if form := strings.Contains(body, `id="review-form"`); form != (name == "secretariat") {
			t.Errorf("%s: review form shown %v", name, form)
		}
	}
	if code, _ := get(t, e.client(t, e.sec), e.srv.URL, "/applications/x"); code != http.StatusBadRequest {
		t.Errorf("/applications/x: %d, want 400", code)
	}
	if code, _ := get(t, e.client(t, e.sec), e.srv.URL, "/applications/999"); code != http.StatusNotFound {
		t.Errorf("/applications/999: %d, want 404", code)
	}

	sec := e.client(t, e.sec)
	_, body := get(t, sec, e.srv.URL, path)
	csrf := attr(body, `<body`, "data-csrf")
	review := func(c *http.Client, decision, token string) int {
		return postForm(t, c, e.srv.URL+path+"/review", url.Values{"decision": {decision}, "comment": {"no route objects"}, "csrf": {token}}).StatusCode
	}
	partner := e.client(t, e.partner)
	_, pbody := get(t, partner, e.srv.URL, "/")
	for name, got := range map[string]int{
		"no CSRF token":   review(sec, "rejected", ""),
		"a bad decision":  review(sec, "maybe", csrf),
		"a partner":       review(partner, "rejected", attr(pbody, `<body`, "data-csrf")),
		"anonymous":       review(e.client(t, ""), "rejected", ""),
		"approve, failed": review(sec, "approved", csrf),
	} {
		want := map[string]int{"no CSRF token": 403, "a bad decision": 400, "a partner": 403, "anonymous": 401, "approve, failed": 409}[name]
		if got != want {
			t.Errorf("review by %s: %d, want %d", name, got, want)
		}
	}
	if got := review(sec, "rejected", csrf); got != http.StatusSeeOther {
		t.Fatalf("reject: %d, want 303", got)
	}
	var after struct {
		State string `json:"state"`
		Trail []struct {
			To, Comment string
		} `json:"trail"`
	}
	e.apiJSON(t, e.sec, fmt.Sprintf("/api/v2/applications/%d", app.ID), &after)
	if last := after.Trail[len(after.Trail)-1]; after.State != "rejected" || last.To != "rejected" || last.Comment != "no route objects" {
		t.Errorf("the API after the dashboard's review: %+v", after)
	}
	if _, body := get(t, sec, e.srv.URL, path+"?reviewed=1"); !strings.Contains(body, `id="reviewed"`) || strings.Contains(body, `id="review-form"`) {
		t.Error("after the review the page does not say so, or still offers the form")
	}
}
