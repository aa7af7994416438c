package securitytest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/store/postgres"
	"github.com/observatory-net/observatory/internal/store/sqlite"
	"github.com/observatory-net/observatory/internal/testenv"
)

// Issue 13 item 1: applications to a programme, through the real binary
// on the fixture month (May 2014 ingested from the shared data, the
// participants Qualitynet AS9155, KDDI AS2516, RIPE NCC AS3333).

// applicantASN is measured in May 2014 with an RPKI score of 1, no IRR
// data and no contact (the fixture loads no PeeringDB): its checks fail
// on the real month.
const applicantASN = 15654

// appView is what these tests read of an application.
type appView struct {
	ID           int64  `json:"id"`
	State        string `json:"state"`
	ApplicantKey string `json:"applicantKey"`
	CheckedMonth string `json:"checkedMonth"`
	Checks       []struct {
		Check    string `json:"check"`
		Passed   bool   `json:"passed"`
		Evidence []struct {
			ASN    uint32 `json:"asn"`
			Passed bool   `json:"passed"`
			Detail string `json:"detail"`
		} `json:"evidence"`
	} `json:"checks"`
	Trail []struct {
		From, To, By, Comment string
		At                    time.Time
	} `json:"trail"`
	ParticipantID int64 `json:"participantId"`
}

func (a appView) check(name string) (passed bool, detail string, ok bool) {
	for _, c := range a.Checks {
		if c.Check == name {
			var ds []string
			for _, e := range c.Evidence {
				ds = append(ds, e.Detail)
			}
			return c.Passed, strings.Join(ds, "; "), true
		}
	}
	return false, "", false
}

func applicationBody(org string, asns ...uint32) string {
	b, _ := json.Marshal(map[string]any{"organisation": org, "programme": "netops", "asns": asns,
		"email": "noc@example.net", "areas": []string{"NL"}})
	return string(b)
}

func submit(t *testing.T, srv *server, token, body string) (response, appView) {
	t.Helper()
	r := srv.do(t, request{method: http.MethodPost, path: "/api/v2/applications", token: token, body: body})
	var a appView
	if r.status == http.StatusCreated {
		decode(t, r, &a)
	}
	return r, a
}

// applicationsOf returns the stored applications, as the CLI lists them.
func applicationsOf(t *testing.T, dsn string) string {
	t.Helper()
	return mustRun(t, "applications", "list", "--db", dsn)
}

// addPassingMonth writes June 2014 into the store, after the fixture's
// May: AS15654 now has a contact, full IRR and RPKI coverage and no
// incident, as if its operator had fixed them.
func addPassingMonth(t *testing.T, kind, dsn string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var (
		st  store.Store
		err error
	)
	if kind == "postgres" {
		st, err = postgres.Open(ctx, dsn)
	} else {
		st, err = sqlite.Open(ctx, dsn)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	june := time.Date(2014, 6, 1, 0, 0, 0, 0, time.UTC)
	one := func(id string) store.Metric {
		return store.Metric{ID: id, Raw: 1, Score: 1, HasData: true, Counted: true}
	}
	m := &store.Month{Meta: store.MonthMeta{Month: june, Spec: "netops@2024.1", IngestedAt: june.AddDate(0, 1, 0), Final: true},
		ASNs: []store.ASN{{ASN: applicantASN, Country: "NL", Peers: 30, Announced: 4,
			Metrics: []store.Metric{one("M8"), one("M7IRR"), one("M7RPKI")}}}}
	if err := st.WriteMonth(ctx, m); err != nil {
		t.Fatal(err)
	}
}

// TestApplications_EndToEnd: apply → automated checks on the real month
// (failed, with the evidence) → the operator fixes them (a new month) →
// re-check → awaiting review → approval → the participant appears in GET
// /api/v2/participants; the CLI shows the same trail.
func TestApplications_EndToEnd(t *testing.T) {
	eachStore(t, func(t *testing.T, kind string) {
		dsn := monthStore(t, kind)
		ids := participantIDs(t, dsn)
		_, sec := createKey(t, dsn, "--role", "secretariat")
		srv := start(t, dsn, noLimits...)

		r, a := submit(t, srv, "", applicationBody("Example Transit", applicantASN))
		if r.status != http.StatusCreated || a.ApplicantKey == "" || !strings.HasPrefix(a.ApplicantKey, "obs_") {
			t.Fatalf("submit: %d %.400s", r.status, r.body)
		}
		if a.State != "checks-failed" || !strings.HasPrefix(a.CheckedMonth, "2014-05") {
			t.Errorf("checked %s: state %s, want checks-failed on 2014-05", a.CheckedMonth, a.State)
		}
		for name, want := range map[string]bool{"measured": true, "routingInformationRPKI": true,
			"routingInformationIRR": false, "coordination": false, "filtering": true} {
			got, detail, ok := a.check(name)
			if !ok || got != want || detail == "" {
				t.Errorf("check %s: passed %v (%s), want %v", name, got, detail, want)
			}
		}
		key := a.ApplicantKey
		path := fmt.Sprintf("/api/v2/applications/%d", a.ID)

		// The applicant reads its own application; the key is not shown again.
		r = srv.get(t, path, key)
		var own appView
		decode(t, r, &own)
		if r.status != http.StatusOK || own.ApplicantKey != "" || len(own.Trail) != 2 {
			t.Errorf("GET own: %d, key shown %v, trail %d, want 200 without the key and 2 transitions", r.status, own.ApplicantKey != "", len(own.Trail))
		}
		// Approving failed checks is refused.
		r = srv.do(t, request{method: http.MethodPost, path: path + "/review", token: sec, body: `{"decision":"approved","comment":"ok"}`})
		if r.status != http.StatusConflict {
			t.Errorf("approve with failed checks: %d %.200s, want 409", r.status, r.body)
		}

		addPassingMonth(t, kind, dsn)
		r = srv.do(t, request{method: http.MethodPost, path: path + "/recheck", token: key, body: `{"comment":"contacts and route objects registered"}`})
		var re appView
		decode(t, r, &re)
		if r.status != http.StatusOK || re.State != "awaiting-review" || !strings.HasPrefix(re.CheckedMonth, "2014-06") {
			t.Fatalf("recheck: %d %.400s, want awaiting-review on 2014-06", r.status, r.body)
		}
		r = srv.do(t, request{method: http.MethodPost, path: path + "/review", token: sec, body: `{"decision":"approved","comment":"welcome to MANRS"}`})
		var done appView
		decode(t, r, &done)
		if r.status != http.StatusOK || done.State != "approved" || done.ParticipantID == 0 || len(done.Trail) != 4 {
			t.Fatalf("approve: %d %.400s", r.status, r.body)
		}
		last := done.Trail[3]
		if last.From != "awaiting-review" || last.To != "approved" || !strings.HasPrefix(last.By, "secretariat:") || last.Comment != "welcome to MANRS" || last.At.IsZero() {
			t.Errorf("the approval's trail entry = %+v", last)
		}

		r = srv.get(t, "/api/v2/participants?month=2014-05", "")
		if r.status != http.StatusOK || !strings.Contains(r.body, `"organisation":"Example Transit"`) || !strings.Contains(r.body, fmt.Sprintf(`"asns":[%d]`, applicantASN)) {
			t.Errorf("GET /participants after the approval: %d %.600s", r.status, r.body)
		}
		if now := participantIDs(t, dsn); len(now) != len(ids)+1 || now["Example Transit"] == "" {
			t.Errorf("registry after the approval: %v", now)
		}
		// The applicant still reads the verdict, and can change nothing.
		r = srv.get(t, path, key)
		if r.status != http.StatusOK || !strings.Contains(r.body, `"state":"approved"`) {
			t.Errorf("GET own after the approval: %d", r.status)
		}
		r = srv.do(t, request{method: http.MethodPost, path: path + "/recheck", token: key, body: `{}`})
		if r.status != http.StatusConflict {
			t.Errorf("recheck after the approval: %d, want 409", r.status)
		}
		// Another application for the ASN is now refused: it is a participant's.
		if r, _ := submit(t, srv, "", applicationBody("Someone Else", applicantASN)); r.status != http.StatusConflict ||
			r.header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("apply for a participant's ASN: %d %s", r.status, r.header.Get("Content-Type"))
		}
		out := mustRun(t, "applications", "show", "--db", dsn, fmt.Sprint(a.ID))
		for _, want := range []string{"approved", "welcome to MANRS", "contacts and route objects registered", "registered as participant"} {
			if !strings.Contains(out, want) {
				t.Errorf("applications show lacks %q:\n%s", want, out)
			}
		}
		// The new participant's report of the month is delivered to the
		// application's address, exactly once, though the first attempt
		// fails (no SMTP server yet).
		deliverOnce(t, dsn, "2014-06", "noc@example.net")
	})
}

// deliverOnce runs report send for month three times: with no SMTP
// server (the one mail queued stays pending), with Mailpit (sent), and
// again (nothing); Mailpit then holds exactly one message, to addr.
func deliverOnce(t *testing.T, dsn, month, addr string) {
	t.Helper()
	smtpPort, httpPort := testenv.FreePort(t), testenv.FreePort(t)
	send := func() result {
		return run(t, "report", "send", "--db", dsn, "--month", month, "--smtp", "127.0.0.1:"+smtpPort,
			"--from", "reports@observatory.example", "--timeout", "5s")
	}
	if r := send(); r.code != 1 || !strings.Contains(r.stdout, "queued 1,") || !strings.Contains(r.stdout, "failed 1") {
		t.Fatalf("report send, SMTP down: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	mailpit := testenv.StartMailpit(t, smtpPort, httpPort)
	if r := send(); r.code != 0 || !strings.Contains(r.stdout, "queued 0, 1 queued before") || !strings.Contains(r.stdout, "sent 1, failed 0") {
		t.Fatalf("report send, SMTP up: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := send(); r.code != 0 || !strings.Contains(r.stdout, "sent 0, failed 0") {
		t.Fatalf("report send again: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	msgs := mailpitMessages(t, mailpit)
	if msgs.Total != 1 || len(msgs.Messages) != 1 || len(msgs.Messages[0].To) != 1 || msgs.Messages[0].To[0].Address != addr ||
		!strings.Contains(msgs.Messages[0].Subject, month) {
		t.Errorf("Mailpit holds %d messages %+v; want one, to %s, of %s", msgs.Total, msgs.Messages, addr, month)
	}
}

// TestApplications_Authorization is the matrix of every application
// operation × role.
func TestApplications_Authorization(t *testing.T) {
	eachStore(t, func(t *testing.T, kind string) {
		dsn := monthStore(t, kind)
		ids := participantIDs(t, dsn)
		_, sec := createKey(t, dsn, "--role", "secretariat")
		_, partner := createKey(t, dsn, "--role", "partner")
		_, participant := createKey(t, dsn, "--role", "participant", "--participant", ids["Qualitynet"])
		revokedID, revoked := createKey(t, dsn, "--role", "partner")
		mustRun(t, "keys", "revoke", "--db", dsn, revokedID)
		srv := start(t, dsn, noLimits...)

		_, mine := submit(t, srv, "", applicationBody("Mine", applicantASN))
		_, theirs := submit(t, srv, "", applicationBody("Theirs", applicantASN))
		_, toReview := submit(t, srv, "", applicationBody("To review", applicantASN))
		if mine.ApplicantKey == "" || theirs.ApplicantKey == "" || toReview.ApplicantKey == "" {
			t.Fatal("the submissions failed")
		}
		roles := []struct{ name, token string }{
			{"anonymous", ""}, {"applicant", mine.ApplicantKey}, {"other applicant", theirs.ApplicantKey},
			{"participant", participant}, {"partner", partner}, {"revoked", revoked}, {"secretariat", sec},
		}
		on := func(id int64, suffix string) string { return fmt.Sprintf("/api/v2/applications/%d%s", id, suffix) }
		ops := []struct {
			name   string
			rq     func(token string) request
			status map[string]int
		}{
			{"submit", func(tok string) request {
				return request{method: http.MethodPost, path: "/api/v2/applications", token: tok, body: applicationBody("By "+tok, applicantASN)}
			}, map[string]int{"anonymous": 201, "applicant": 201, "other applicant": 201, "participant": 201, "partner": 201, "revoked": 401, "secretariat": 201}},
			{"list", func(tok string) request { return request{path: "/api/v2/applications", token: tok} },
				map[string]int{"anonymous": 401, "applicant": 403, "other applicant": 403, "participant": 403, "partner": 403, "revoked": 401, "secretariat": 200}},
			{"get", func(tok string) request { return request{path: on(mine.ID, ""), token: tok} },
				map[string]int{"anonymous": 401, "applicant": 200, "other applicant": 403, "participant": 403, "partner": 403, "revoked": 401, "secretariat": 200}},
			{"recheck", func(tok string) request {
				return request{method: http.MethodPost, path: on(mine.ID, "/recheck"), token: tok, body: `{}`}
			}, map[string]int{"anonymous": 401, "applicant": 200, "other applicant": 403, "participant": 403, "partner": 403, "revoked": 401, "secretariat": 200}},
			{"review", func(tok string) request {
				return request{method: http.MethodPost, path: on(toReview.ID, "/review"), token: tok, body: `{"decision":"rejected","comment":"no route objects"}`}
			}, map[string]int{"anonymous": 401, "applicant": 403, "other applicant": 403, "participant": 403, "partner": 403, "revoked": 401, "secretariat": 200}},
		}
		for _, op := range ops {
			for _, role := range roles {
				r := srv.do(t, op.rq(role.token))
				if want := op.status[role.name]; r.status != want {
					t.Errorf("%s as %s: %d %.200s, want %d", op.name, role.name, r.status, r.body, want)
				}
				if r.status >= 400 && r.header.Get("Content-Type") != "application/problem+json" {
					t.Errorf("%s as %s: %d with Content-Type %q, want problem+json", op.name, role.name, r.status, r.header.Get("Content-Type"))
				}
			}
		}
		// The other applicant's key reads its own, not mine; the list shows none of the refused reads' effects.
		if r := srv.get(t, on(theirs.ID, ""), theirs.ApplicantKey); r.status != http.StatusOK {
			t.Errorf("the other applicant on its own: %d", r.status)
		}
		// An applicant key sees no more than anonymous callers elsewhere.
		if r := srv.get(t, fmt.Sprintf("/api/v2/scores/details?month=%s&asn=%d", month, ownASN), mine.ApplicantKey); r.status == http.StatusOK &&
			strings.Contains(r.body, `"routes"`) && strings.Contains(r.body, `"prefix"`) {
			t.Errorf("an applicant key reads a participant's route evidence: %.300s", r.body)
		}
		if r := srv.get(t, "/api/v2/feedback", mine.ApplicantKey); r.status == http.StatusOK && strings.Contains(r.body, `"incidentId"`) {
			t.Errorf("an applicant key lists feedback: %.300s", r.body)
		}
		// Nor on the programme's other new operations: no conformance flag
		// (it is no participant), no outreach targets, no participant's
		// report, the public growth.
		if r := srv.get(t, "/api/v2/conformance/flags?month="+month, mine.ApplicantKey); r.status != http.StatusOK || strings.Contains(r.body, `"asn"`) {
			t.Errorf("conformance flags as an applicant: %d %.300s, want 200 with no flag", r.status, r.body)
		}
		if r := srv.get(t, "/api/v2/outreach?month="+month, mine.ApplicantKey); r.status != http.StatusForbidden {
			t.Errorf("outreach as an applicant: %d %.200s, want 403", r.status, r.body)
		}
		if r := srv.get(t, "/api/v2/reports/"+ids["Qualitynet"]+"?month="+month, mine.ApplicantKey); r.status != http.StatusForbidden {
			t.Errorf("a participant's report as an applicant: %d %.200s, want 403", r.status, r.body)
		}
		if r := srv.get(t, "/api/v2/growth", mine.ApplicantKey); r.status != http.StatusOK {
			t.Errorf("growth as an applicant: %d %.200s, want 200 (public)", r.status, r.body)
		}
	})
}

// TestApplications_BadInput: every refused submission is a 4xx
// problem+json and writes nothing.
func TestApplications_BadInput(t *testing.T) {
	eachStore(t, func(t *testing.T, kind string) {
		dsn := monthStore(t, kind)
		srv := start(t, dsn, noLimits...)
		before := applicationsOf(t, dsn)
		long := strings.Repeat("x", 201)
		for name, c := range map[string]struct {
			body   string
			status int
		}{
			"reserved ASN":          {applicationBody("Example", 64512), 400},
			"AS0":                   {applicationBody("Example", 0), 400},
			"unknown ASN form":      {`{"organisation":"Example","programme":"netops","asns":["AS-X"],"email":"noc@example.net"}`, 400},
			"another participant's": {applicationBody("Example", ownASN), 409},
			"oversize organisation": {applicationBody(long, applicantASN), 400},
			"HTML in the name":      {applicationBody(`<script>alert(1)</script>`, applicantASN), 400},
			"bad e-mail":            {`{"organisation":"Example","programme":"netops","asns":[15654],"email":"noc at example"}`, 400},
			"named e-mail":          {`{"organisation":"Example","programme":"netops","asns":[15654],"email":"NOC <noc@example.net>"}`, 400},
			"unknown programme":     {`{"organisation":"Example","programme":"isp","asns":[15654],"email":"noc@example.net"}`, 400},
			"unknown economy":       {`{"organisation":"Example","programme":"netops","asns":[15654],"email":"noc@example.net","areas":["XX"]}`, 400},
			"unknown field":         {`{"organisation":"Example","programme":"netops","asns":[15654],"email":"noc@example.net","state":"approved"}`, 400},
			"too many ASNs":         {applicationBody("Example", make([]uint32, 101)...), 400},
			"oversize body":         {`{"organisation":"` + strings.Repeat("x", 70<<10) + `"}`, 413},
		} {
			r := srv.do(t, request{method: http.MethodPost, path: "/api/v2/applications", body: c.body})
			var p struct {
				Status int    `json:"status"`
				Detail string `json:"detail"`
			}
			if r.status == c.status {
				decode(t, r, &p)
			}
			if r.status != c.status || r.header.Get("Content-Type") != "application/problem+json" || p.Detail == "" {
				t.Errorf("%s: %d %s %.200s, want %d problem+json with a detail", name, r.status, r.header.Get("Content-Type"), r.body, c.status)
			}
		}
		if after := applicationsOf(t, dsn); after != before {
			t.Errorf("refused submissions wrote:\n%s", after)
		}
		// The dashboard's form: same rules, and a cross-site post is refused.
		f := url.Values{"organisation": {"<b>Example</b>"}, "programme": {"netops"}, "asns": {"AS15654"}, "email": {"noc@example.net"}}
		if r := srv.form(t, "/apply", f); r.status != http.StatusBadRequest || !strings.Contains(r.body, "plain text") {
			t.Errorf("POST /apply with HTML: %d %.300s", r.status, r.body)
		}
		f.Set("organisation", "Example Web")
		r := srv.do(t, request{method: http.MethodPost, path: "/apply", body: f.Encode(), contentType: "application/x-www-form-urlencoded",
			header: map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}})
		if r.status != http.StatusForbidden {
			t.Errorf("cross-site POST /apply: %d, want 403", r.status)
		}
		if after := applicationsOf(t, dsn); after != before {
			t.Errorf("refused forms wrote:\n%s", after)
		}
		r = srv.form(t, "/apply", f)
		if r.status != http.StatusCreated || !strings.Contains(r.body, `id="applicant-key">obs_`) || !strings.Contains(r.body, `data-check="measured" data-passed="true"`) {
			t.Errorf("POST /apply: %d %.600s", r.status, r.body)
		}
	})
}
