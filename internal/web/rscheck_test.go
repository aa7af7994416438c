package web

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/store"
)

// rsReport is a hand-written route-server report in the shape rs-check
// --format json writes: two members with findings of every reason, one
// without.
const rsReport = `{"ixp":"EXAMPLE-IX","files":[{"name":"rib.mrt","routes":10,"noOrigin":1,"memberFromPath":0,"rejectable":4,"rpkiInvalid":2,"bogonPrefix":1,"bogonASN":1,"irrUnregistered":1}],
"irrChecked":true,"total":{"routes":10,"noOrigin":1,"memberFromPath":0,"rejectable":4,"rpkiInvalid":2,"bogonPrefix":1,"bogonASN":1,"irrUnregistered":1},
"members":[{"asn":64500,"routes":3,"noOrigin":0,"memberFromPath":0,"rejectable":1,"rpkiInvalid":1,"bogonPrefix":0,"bogonASN":0,"irrUnregistered":1},
{"asn":64501,"routes":5,"noOrigin":1,"memberFromPath":0,"rejectable":3,"rpkiInvalid":1,"bogonPrefix":1,"bogonASN":1,"irrUnregistered":0},
{"asn":64502,"routes":2,"noOrigin":0,"memberFromPath":0,"rejectable":0,"rpkiInvalid":0,"bogonPrefix":0,"bogonASN":0,"irrUnregistered":0}],
"findings":[
{"member":64500,"peerIP":"192.0.2.1","prefix":"198.51.100.0/24","origin":64510,"path":"64500 64510","reasons":["rpki-invalid","irr-unregistered"],"rpki":"invalid-asn",
 "vrps":[{"prefix":"198.51.100.0/22","maxLength":24,"asn":64511,"ta":"ripe"}],"irr":{"match":"none","objects":[]}},
{"member":64501,"peerIP":"192.0.2.2","prefix":"10.0.0.0/8","origin":64501,"path":"64501","reasons":["bogon-prefix"],"rpki":"not-found","bogon":{"kind":"full","reason":"RFC 1918 private use"}},
{"member":64501,"peerIP":"192.0.2.2","prefix":"203.0.113.0/24","origin":64501,"path":"64501 64512 64501","reasons":["bogon-asn"],"rpki":"not-found","bogonASNs":[{"asn":64512,"kind":"administrative","reason":"private use"}]},
{"member":64501,"peerIP":"192.0.2.2","prefix":"2001:db8::/32","origin":64501,"path":"64501","reasons":["rpki-invalid"],"rpki":"invalid-length","vrps":[{"prefix":"2001:db8::/32","maxLength":32,"asn":64502}]}]}`

// TestWeb_RSChecks: the Route servers pages for participant, partner and
// secretariat keys, their counts and findings equal to GET
// /api/v2/rs-checks/{id}, the filters, and bad input refused.
func TestWeb_RSChecks(t *testing.T) {
	e := newEnv(t)
	_, empty := get(t, e.client(t, e.sec), e.srv.URL, "/rs-checks")
	if !strings.Contains(empty, `id="empty"`) {
		t.Errorf("GET /rs-checks of a store without checks: want the how-to")
	}
	id, err := e.st.RecordRSCheck(t.Context(), &store.RSCheck{IXP: "EXAMPLE-IX", CheckedAt: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC),
		Routes: 10, Rejectable: 4, Report: []byte(rsReport)})
	if err != nil {
		t.Fatal(err)
	}
	page := "/rs-checks/" + strconv.FormatInt(id, 10)
	for _, c := range []struct {
		who, token string
		want       int
	}{{"anonymous", "", 401}, {"participant", e.pRIPE, 200}, {"partner", e.partner, 200}, {"secretariat", e.sec, 200}} {
		for _, p := range []string{"/rs-checks", page} {
			status, body := get(t, e.client(t, c.token), e.srv.URL, p)
			if status != c.want {
				t.Errorf("%s GET %s: %d, want %d", c.who, p, status, c.want)
			}
			if status != 200 && strings.Contains(body, "EXAMPLE-IX") {
				t.Errorf("%s GET %s: a refusal names the IXP", c.who, p)
			}
		}
	}
	cl := e.client(t, e.partner)
	_, list := get(t, cl, e.srv.URL, "/rs-checks")
	if !strings.Contains(list, `<tr data-id="`+strconv.FormatInt(id, 10)+`">`) || !strings.Contains(list, "40.0") {
		t.Errorf("GET /rs-checks: no row of check %d with its 40 %% share", id)
	}
	var api wire.RSCheck
	e.apiJSON(t, e.partner, "/api/v2/rs-checks/"+strconv.FormatInt(id, 10), &api)
	_, body := get(t, cl, e.srv.URL, page)
	if got := attr(body, `id="finding-count"`, "data-findings"); got != strconv.Itoa(len(api.Result.Findings)) {
		t.Errorf("page findings %s, API %d", got, len(api.Result.Findings))
	}
	if got := attr(body, `<strong data-rejectable`, "data-rejectable"); got != strconv.Itoa(api.Result.Total.Rejectable) {
		t.Errorf("page rejectable %s, API %d", got, api.Result.Total.Rejectable)
	}
	// Members with routes to reject, most first; the clean one counted.
	if i, j := strings.Index(body, `<tr data-member="64501">`), strings.Index(body, `<tr data-member="64500">`); i < 0 || j < 0 || i > j ||
		strings.Contains(body, `<tr data-member="64502">`) || !strings.Contains(body, "1 members without") {
		t.Errorf("members table: want AS64501 (3) before AS64500 (1), AS64502 counted as clean")
	}
	for _, evidence := range []string{"VRP 198.51.100.0/22-24 AS64511 (ripe)", "bogon prefix (full): RFC 1918 private use",
		"AS64512: private use", "IRR none", "RPKI invalid-length"} {
		if !strings.Contains(body, evidence) {
			t.Errorf("page lacks the evidence %q", evidence)
		}
	}
	for q, want := range map[string]int{"?reason=rpki-invalid": 2, "?member=AS64501": 3, "?reason=bogon-asn&member=64500": 0, "?reason=irr-unregistered": 1} {
		_, b := get(t, cl, e.srv.URL, page+q)
		if got := attr(b, `id="finding-count"`, "data-findings"); got != strconv.Itoa(want) {
			t.Errorf("GET %s%s: %s findings, want %d", page, q, got, want)
		}
	}
	for bad, want := range map[string]int{"/rs-checks/x": 400, "/rs-checks/0": 400, "/rs-checks/999": 404,
		page + "?reason=spam": 400, page + "?member=ASX": 400} {
		if status, _ := get(t, cl, e.srv.URL, bad); status != want {
			t.Errorf("GET %s: %d, want %d", bad, status, want)
		}
	}
}
