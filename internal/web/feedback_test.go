package web

import (
	"net/http"
	"net/url"
	"testing"
)

// TestFeedbackForm_SharesTheAPIView: the form records the claim through
// the view it shares with the API, so that the API's cached incident list
// shows the new trail at once, and it refuses as the API does.
func TestFeedbackForm_SharesTheAPIView(t *testing.T) {
	e := newEnv(t)
	type incidents struct {
		Items []struct {
			ID       string `json:"id"`
			Feedback []struct {
				Reason  string `json:"reason"`
				Verdict string `json:"verdict"`
			} `json:"feedback"`
		} `json:"items"`
	}
	var before incidents
	e.apiJSON(t, e.pRIPE, "/api/v2/incidents?asn=AS3333", &before) // now in the API's response cache
	if len(before.Items) != 1 || len(before.Items[0].Feedback) != 0 {
		t.Fatalf("before: %+v", before)
	}
	c := e.client(t, e.pRIPE)
	_, body := get(t, c, e.srv.URL, "/asn/AS3333")
	csrf := attr(body, `<body`, "data-csrf")
	flag := func(id, reason string) int {
		resp := postForm(t, c, e.srv.URL+"/incidents/"+id+"/feedback", url.Values{"reason": {reason}, "csrf": {csrf}})
		return resp.StatusCode
	}
	for _, tc := range []struct {
		id, reason string
		want       int
	}{
		{"15169-M2-1", "x", http.StatusForbidden}, // another participant's
		{"nope", "x", http.StatusNotFound},
		{"3333-M2-1", " ", http.StatusBadRequest},
	} {
		if got := flag(tc.id, tc.reason); got != tc.want {
			t.Errorf("flag %s %q: %d, want %d", tc.id, tc.reason, got, tc.want)
		}
	}
	if got := flag("3333-M2-1", "a planned move"); got != http.StatusSeeOther {
		t.Fatalf("flag: %d, want 303", got)
	}
	if got := flag("3333-M2-1", "again"); got != http.StatusConflict {
		t.Errorf("second pending flag: %d, want 409", got)
	}
	var after incidents
	e.apiJSON(t, e.pRIPE, "/api/v2/incidents?asn=AS3333", &after)
	if len(after.Items) != 1 || len(after.Items[0].Feedback) != 1 || after.Items[0].Feedback[0].Reason != "a planned move" {
		t.Errorf("the API's incident list after the dashboard's flag: %+v, want the pending claim", after)
	}
	partner := e.client(t, e.partner)
	_, body = get(t, partner, e.srv.URL, "/asn/AS3333")
	resp := postForm(t, partner, e.srv.URL+"/incidents/3333-M2-1/feedback",
		url.Values{"reason": {"x"}, "csrf": {attr(body, `<body`, "data-csrf")}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("a partner's flag: %d, want 403", resp.StatusCode)
	}
}
