package securitytest

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Findings 1, 8 and 10 of issue 17: the participants registry, request
// bodies and who reads feedback trails.

// noLimits lifts the rate limits: these tests send many requests.
var noLimits = []string{"--rate", "0", "--anonymous-rate", "0"}

// incidentView is what these tests read of an incident.
type incidentView struct {
	ID       string            `json:"id"`
	ASN      uint32            `json:"asn"`
	Feedback []json.RawMessage `json:"feedback"`
}

// feedbackView is what these tests read of a feedback; Raw is all of it.
type feedbackView struct {
	ID         int64  `json:"id"`
	IncidentID string `json:"incidentId"`
	ASN        uint32 `json:"asn"`
	Raw        string `json:"-"`
}

// registry returns `participants list --format json` as printed.
func registry(t *testing.T, dsn string) string {
	t.Helper()
	return mustRun(t, "participants", "list", "--db", dsn, "--format", "json")
}

// keyStatus returns the status `keys list` shows for a key.
func keyStatus(t *testing.T, dsn, id string) string {
	t.Helper()
	var keys []struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	out := mustRun(t, "keys", "list", "--db", dsn, "--format", "json")
	if err := json.Unmarshal([]byte(out), &keys); err != nil {
		t.Fatalf("keys list: %v\n%s", err, out)
	}
	for _, k := range keys {
		if k.ID == id {
			return k.Status
		}
	}
	t.Fatalf("keys list lacks key %s:\n%s", id, out)
	return ""
}

// incidents lists every incident of the month the token may list (asn 0:
// without asn), following the pages.
func incidents(t *testing.T, srv *server, token string, asn uint32) []incidentView {
	t.Helper()
	var all []incidentView
	q := url.Values{"month": {month}, "pageSize": {"1000"}}
	if asn != 0 {
		q.Set("asn", fmt.Sprint(asn))
	}
	for {
		r := srv.get(t, "/api/v2/incidents?"+q.Encode(), token)
		if r.status != http.StatusOK {
			t.Fatalf("GET /api/v2/incidents?%s: %d %.300s", q.Encode(), r.status, r.body)
		}
		var page struct {
			Next  string         `json:"nextPageToken"`
			Items []incidentView `json:"items"`
		}
		decode(t, r, &page)
		all = append(all, page.Items...)
		if page.Next == "" {
			return all
		}
		q.Set("pageToken", page.Next)
	}
}

// feedbackList returns GET /api/v2/feedback for the token: its status
// and, on 200, the items.
func feedbackList(t *testing.T, srv *server, token string) (int, []feedbackView) {
	t.Helper()
	r := srv.get(t, "/api/v2/feedback?pageSize=1000", token)
	if r.status != http.StatusOK {
		return r.status, nil
	}
	var page struct {
		Items []json.RawMessage `json:"items"`
	}
	decode(t, r, &page)
	out := make([]feedbackView, len(page.Items))
	for i, raw := range page.Items {
		if err := json.Unmarshal(raw, &out[i]); err != nil {
			t.Fatal(err)
		}
		out[i].Raw = string(raw)
	}
	return r.status, out
}

// trails returns the feedback carried by incidents, by feedback ID.
func trails(t *testing.T, incs []incidentView) map[int64]string {
	t.Helper()
	out := map[int64]string{}
	for _, in := range incs {
		for _, raw := range in.Feedback {
			var f feedbackView
			if err := json.Unmarshal(raw, &f); err != nil {
				t.Fatal(err)
			}
			out[f.ID] = string(raw)
		}
	}
	return out
}

// byID indexes a feedback list by ID.
func byID(fs []feedbackView) map[int64]string {
	out := map[int64]string{}
	for _, f := range fs {
		out[f.ID] = f.Raw
	}
	return out
}

// unregisteredASN returns an ASN with incidents in the month that no
// registered participant holds, and one of its incidents.
func unregisteredASN(t *testing.T, srv *server, secretariat string) (uint32, string) {
	t.Helper()
	for _, in := range incidents(t, srv, secretariat, 0) {
		if in.ASN != ownASN && in.ASN != otherASN && in.ASN != 3333 {
			return in.ASN, in.ID
		}
	}
	t.Fatal("the month has no incident of an ASN outside the registry")
	return 0, ""
}

// TestFinding1_DeletedParticipantKey replays the attack: a key minted for
// a participant that the secretariat then deletes must not act for the
// participant registered next (on SQLite that one used to get the deleted
// participant's ID, and with it its keys). The key is revoked with the
// delete, the new participant gets another ID, and the key reads and
// flags nothing of it: 401.
func TestFinding1_DeletedParticipantKey(t *testing.T) {
	eachStore(t, func(t *testing.T, kind string) {
		dsn := monthStore(t, kind)
		_, sec := createKey(t, dsn, "--role", "secretariat")
		srv := start(t, dsn, noLimits...)
		target, incident := unregisteredASN(t, srv, sec)

		r := srv.do(t, request{method: "POST", path: "/api/v2/participants", token: sec,
			body: `{"organisation":"Doomed Networks","programme":"netops","asns":[64512]}`})
		var doomed struct {
			ID  int64  `json:"id"`
			UID string `json:"uid"`
		}
		if r.status != http.StatusCreated {
			t.Fatalf("create Doomed Networks: %d %s", r.status, r.body)
		}
		decode(t, r, &doomed)
		keyID, token := createKey(t, dsn, "--role", "participant", "--participant", fmt.Sprint(doomed.ID))
		if r := srv.get(t, "/api/v2/feedback", token); r.status != http.StatusOK {
			t.Fatalf("the new key before the delete: %d %s", r.status, r.body)
		}
		if r := srv.do(t, request{method: "DELETE", path: fmt.Sprintf("/api/v2/participants/%d", doomed.ID), token: sec}); r.status != http.StatusNoContent {
			t.Fatalf("delete Doomed Networks: %d %s", r.status, r.body)
		}
		if st := keyStatus(t, dsn, keyID); st != "revoked" {
			t.Errorf("keys list: the deleted participant's key is %q, want revoked", st)
		}

		body := fmt.Sprintf(`{"organisation":"Newcomer","programme":"netops","asns":[%d]}`, target)
		r = srv.do(t, request{method: "POST", path: "/api/v2/participants", token: sec, body: body})
		var newcomer struct {
			ID  int64  `json:"id"`
			UID string `json:"uid"`
		}
		if r.status != http.StatusCreated {
			t.Fatalf("create Newcomer: %d %s", r.status, r.body)
		}
		decode(t, r, &newcomer)
		if newcomer.ID == doomed.ID {
			t.Errorf("the new participant got ID %d, the deleted participant's", newcomer.ID)
		}
		if newcomer.UID == "" || newcomer.UID == doomed.UID {
			t.Errorf("UIDs: deleted %q, new %q: want a UID each, distinct", doomed.UID, newcomer.UID)
		}
		if r := srv.get(t, fmt.Sprintf("/api/v2/scores/details?asn=%d", target), token); r.status != http.StatusUnauthorized {
			t.Errorf("the deleted participant's key on the new participant's AS%d details: %d %.200s, want 401", target, r.status, r.body)
		}
		r = srv.do(t, request{method: "POST", path: "/api/v2/incidents/" + url.PathEscape(incident) + "/feedback", token: token,
			body: `{"reason":"not ours"}`})
		if r.status != http.StatusUnauthorized {
			t.Errorf("the deleted participant's key flagging incident %s of AS%d: %d %.200s, want 401", incident, target, r.status, r.body)
		}
		if _, fs := feedbackList(t, srv, sec); len(fs) != 0 {
			t.Errorf("feedback stored: %+v, want none", fs)
		}
	})
}

// TestFinding1_CLIDeleteRevokesKeys: `participants delete` revokes the
// participant's keys with it, and only its keys.
func TestFinding1_CLIDeleteRevokesKeys(t *testing.T) {
	eachStore(t, func(t *testing.T, kind string) {
		dsn := monthStore(t, kind)
		ids := participantIDs(t, dsn)
		gone, goneToken := createKey(t, dsn, "--role", "participant", "--participant", ids["Qualitynet"])
		stays, staysToken := createKey(t, dsn, "--role", "participant", "--participant", ids["KDDI"])
		if res := run(t, "participants", "delete", "--db", dsn, ids["Qualitynet"]); res.code != 0 {
			t.Fatalf("participants delete: exit %d\n%s", res.code, res.stderr)
		}
		if st := keyStatus(t, dsn, gone); st != "revoked" {
			t.Errorf("keys list: the deleted participant's key is %q, want revoked", st)
		}
		if st := keyStatus(t, dsn, stays); st != "active" {
			t.Errorf("keys list: another participant's key is %q, want active", st)
		}
		srv := start(t, dsn, noLimits...)
		if r := srv.get(t, fmt.Sprintf("/api/v2/scores/details?asn=%d", ownASN), goneToken); r.status != http.StatusUnauthorized {
			t.Errorf("the deleted participant's key: %d, want 401", r.status)
		}
		if r := srv.get(t, fmt.Sprintf("/api/v2/scores/details?asn=%d", otherASN), staysToken); r.status != http.StatusOK {
			t.Errorf("another participant's key: %d, want 200", r.status)
		}
	})
}

// TestFinding8_ASNConflict: an ASN another participant holds is refused
// through the API (409 problem naming the ASN and the holder) and through
// `participants import` (exit 2 naming the record), and so is a file that
// lists one ASN under two organisations; nothing is written.
func TestFinding8_ASNConflict(t *testing.T) {
	eachStore(t, func(t *testing.T, kind string) {
		dsn := monthStore(t, kind)
		ids := participantIDs(t, dsn)
		_, sec := createKey(t, dsn, "--role", "secretariat")
		before := registry(t, dsn)
		srv := start(t, dsn, noLimits...)
		for _, rq := range []request{
			{method: "POST", path: "/api/v2/participants", token: sec,
				body: fmt.Sprintf(`{"organisation":"Imposter","programme":"netops","asns":[64512,%d]}`, ownASN)},
			{method: "PUT", path: "/api/v2/participants/" + ids["KDDI"], token: sec,
				body: fmt.Sprintf(`{"organisation":"KDDI","programme":"netops","asns":[%d,%d]}`, otherASN, ownASN)},
		} {
			r := srv.do(t, rq)
			if r.status != http.StatusConflict || r.header.Get("Content-Type") != "application/problem+json" ||
				!strings.Contains(r.body, fmt.Sprintf("AS%d", ownASN)) || !strings.Contains(r.body, "Qualitynet") {
				t.Errorf("%s %s giving Qualitynet's AS%d: %d %s %s, want a 409 problem naming AS%d and Qualitynet",
					rq.method, rq.path, ownASN, r.status, r.header.Get("Content-Type"), r.body, ownASN)
			}
		}
		if after := registry(t, dsn); after != before {
			t.Errorf("the registry changed under refused API writes:\nbefore %s\nafter %s", before, after)
		}

		dir := t.TempDir()
		for _, f := range []struct {
			name, content string
			want          []string // in the message
		}{
			{"taken.csv", fmt.Sprintf("organisation,programme,asns\nNewcomer,netops,AS64512\nImposter,netops,AS%d\n", ownASN),
				[]string{"taken.csv: record 3", fmt.Sprintf("AS%d", ownASN), "Qualitynet", "nothing was imported"}},
			{"twice.csv", "organisation,programme,asns\nNewcomer,netops,AS64512\nOther,ixp,AS64513 AS64512\n",
				[]string{"twice.csv: record 3", "AS64512", "Newcomer", "Other"}},
		} {
			path := filepath.Join(dir, f.name)
			if err := os.WriteFile(path, []byte(f.content), 0o600); err != nil {
				t.Fatal(err)
			}
			res := run(t, "participants", "import", "--db", dsn, path)
			if res.code != 2 || slices.ContainsFunc(f.want, func(w string) bool { return !strings.Contains(res.stderr, w) }) {
				t.Errorf("participants import %s: exit %d, stderr %q: want exit 2 naming %q", f.name, res.code, res.stderr, f.want)
			}
			if after := registry(t, dsn); after != before {
				t.Errorf("the registry changed under the refused import of %s:\nbefore %s\nafter %s", f.name, before, after)
			}
		}
	})
}

// TestFinding8_TrailingJSON: a body with anything but white space after
// its JSON value is a 400 problem, and nothing is stored.
func TestFinding8_TrailingJSON(t *testing.T) {
	eachStore(t, func(t *testing.T, kind string) {
		dsn := monthStore(t, kind)
		ids := participantIDs(t, dsn)
		_, own := createKey(t, dsn, "--role", "participant", "--participant", ids["Qualitynet"])
		_, sec := createKey(t, dsn, "--role", "secretariat")
		before := registry(t, dsn)
		srv := start(t, dsn, noLimits...)
		incs := incidents(t, srv, own, ownASN)
		if len(incs) == 0 {
			t.Fatalf("AS%d has no incident in %s", ownASN, month)
		}
		path := "/api/v2/incidents/" + url.PathEscape(incs[0].ID) + "/feedback"
		for _, body := range []string{`{"reason":"x"}}`, `{"reason":"x"} ]`, "{\"reason\":\"x\"}\n,", `{"reason":"x"}{}`} {
			r := srv.do(t, request{method: "POST", path: path, token: own, body: body})
			if r.status != http.StatusBadRequest || r.header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("POST %s %q: %d %s, want a 400 problem", path, body, r.status, r.body)
			}
		}
		r := srv.do(t, request{method: "POST", path: "/api/v2/participants", token: sec,
			body: `{"organisation":"Trailer","programme":"netops","asns":[64512]}}`})
		if r.status != http.StatusBadRequest {
			t.Errorf("POST /api/v2/participants with a trailing }: %d %s, want 400", r.status, r.body)
		}
		if _, fs := feedbackList(t, srv, sec); len(fs) != 0 {
			t.Errorf("feedback stored from refused bodies: %+v, want none", fs)
		}
		if after := registry(t, dsn); after != before {
			t.Errorf("the registry changed under a refused body:\nbefore %s\nafter %s", before, after)
		}
		// White space after the value is no trailing data.
		r = srv.do(t, request{method: "POST", path: path, token: own, body: "{\"reason\":\"x\"} \r\n\t"})
		if r.status != http.StatusCreated {
			t.Errorf("POST %s with trailing white space: %d %s, want 201", path, r.status, r.body)
		}
	})
}

// TestFinding10_FeedbackTrails: the feedback trail of an incident is part
// of its evidence. A partner lists all feedback (GET /api/v2/feedback,
// 200), and exactly the trails it sees in the incidents; a participant its
// own ASNs' only, again as in its incidents; only the secretariat reviews.
func TestFinding10_FeedbackTrails(t *testing.T) {
	eachStore(t, func(t *testing.T, kind string) {
		dsn := monthStore(t, kind)
		ids := participantIDs(t, dsn)
		_, own := createKey(t, dsn, "--role", "participant", "--participant", ids["Qualitynet"])
		_, other := createKey(t, dsn, "--role", "participant", "--participant", ids["KDDI"])
		_, partner := createKey(t, dsn, "--role", "partner")
		srv := start(t, dsn, noLimits...)
		for _, f := range []struct {
			token string
			asn   uint32
		}{{own, ownASN}, {other, otherASN}} {
			incs := incidents(t, srv, f.token, f.asn)
			if len(incs) == 0 {
				t.Fatalf("AS%d has no incident in %s", f.asn, month)
			}
			r := srv.do(t, request{method: "POST", path: "/api/v2/incidents/" + url.PathEscape(incs[0].ID) + "/feedback",
				token: f.token, body: fmt.Sprintf(`{"reason":"a planned move of AS%d"}`, f.asn)})
			if r.status != http.StatusCreated {
				t.Fatalf("flag %s: %d %s", incs[0].ID, r.status, r.body)
			}
		}

		status, listed := feedbackList(t, srv, partner)
		if status != http.StatusOK {
			t.Fatalf("GET /api/v2/feedback with a partner key: %d, want 200", status)
		}
		shown := trails(t, incidents(t, srv, partner, 0))
		if got, want := byID(listed), shown; len(got) != 2 || !maps.Equal(got, want) {
			t.Errorf("partner: /feedback lists %v, the incidents show %v: want the same two trails", got, want)
		}
		details := srv.get(t, fmt.Sprintf("/api/v2/scores/details?asn=%d&month=%s", otherASN, month), partner)
		var d struct {
			Incidents []incidentView `json:"incidents"`
		}
		decode(t, details, &d)
		for id, raw := range trails(t, d.Incidents) {
			if shown[id] != raw {
				t.Errorf("partner: /scores/details shows feedback %d as %s, /incidents as %s", id, raw, shown[id])
			}
		}

		_, mine := feedbackList(t, srv, own)
		ownShown := trails(t, incidents(t, srv, own, 0))
		if len(mine) != 1 || mine[0].ASN != ownASN || !maps.Equal(byID(mine), ownShown) {
			t.Errorf("participant: /feedback lists %+v, its incidents show %v: want its own AS%d trail only", mine, ownShown, ownASN)
		}

		for _, f := range listed {
			r := srv.do(t, request{method: "POST", path: fmt.Sprintf("/api/v2/feedback/%d/review", f.ID), token: partner,
				body: `{"verdict":"accepted"}`})
			if r.status != http.StatusForbidden {
				t.Errorf("partner reviewing feedback %d: %d %s, want 403", f.ID, r.status, r.body)
			}
		}

		// The dashboard follows the same rule: the partner sees KDDI's
		// trail on its page, Qualitynet's key does not.
		page := func(token string) string {
			in := signIn(t, srv, token, "", nil)
			if in.status != http.StatusSeeOther || len(in.cookies) == 0 {
				t.Fatalf("sign in: %d %.200s", in.status, in.body)
			}
			r := srv.do(t, request{path: fmt.Sprintf("/asn/AS%d?month=%s", otherASN, month), cookies: in.cookies})
			if r.status != http.StatusOK {
				t.Fatalf("GET /asn/AS%d: %d", otherASN, r.status)
			}
			return r.body
		}
		reason := fmt.Sprintf("a planned move of AS%d", otherASN)
		if !strings.Contains(page(partner), reason) {
			t.Errorf("dashboard: the partner does not see KDDI's trail on /asn/AS%d", otherASN)
		}
		if strings.Contains(page(own), reason) {
			t.Errorf("dashboard: Qualitynet's key sees KDDI's trail on /asn/AS%d", otherASN)
		}
	})
}
