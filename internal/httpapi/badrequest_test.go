package httpapi

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/internal/store"
)

// hostile are values aimed at SQL, C strings and text handling.
var hostile = []string{"' OR 1=1--", ";DROP TABLE asns;--", "\x00", "AS3333' OR '1'='1", "☃\u202eNL", "%", "1e9999", "-1", "AS", strings.Repeat("9", 300)}

// TestBadRequests sends malformed values, unknown months, unknown
// parameters, bad bodies and hostile values in every parameter: each gets
// its documented 4xx (the validating client checks the contract and that
// nothing is a 500), and the store holds the same afterwards.
func TestBadRequests(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		k := setupKeys(t, st)
		e := newEnv(t, st, Options{})
		before := dump(t, st)
		sec, own := bearer(k.sec), bearer(k.pRIPE)

		for _, c := range []struct {
			path string
			want int
		}{
			{"/api/v2/ases/AS-1", 400}, {"/api/v2/ases/ASN3333", 400}, {"/api/v2/ases/4294967296", 400}, {"/api/v2/ases/0x10", 400},
			{"/api/v2/ases/AS65000", 404}, {"/api/v2/ases/AS3333?month=2019-01", 404}, {"/api/v2/ases/AS3333?month=2026-13", 400},
			{"/api/v2/ases/AS3333?month=yesterday", 400}, {"/api/v2/ases/AS3333?spec=netops@1999.1", 404},
			{"/api/v2/ases?color=blue", 422}, {"/api/v2/ases?month=2026-10&month=2026-09", 400},
			{"/api/v2/ases?pageSize=0", 400}, {"/api/v2/ases?pageSize=1001", 400}, {"/api/v2/ases?pageToken=abc", 400},
			{"/api/v2/ases?economies=NLD", 400}, {"/api/v2/scores/details", 400}, {"/api/v2/scores/details?asn=AS65000", 404},
			{"/api/v2/roas/economy/NLD", 400}, {"/api/v2/roas/economy/ZZ", 404}, {"/api/v2/specs/netops/1999.1", 404},
			{"/api/v2/feedback?verdict=maybe", 400}, {"/api/v2/nope", 404}, {"/api/v2/asns?%zz", 400},
		} {
			e.get(c.path, c.want, sec...)
		}
		if resp, _ := e.do("PATCH", "/api/v2/asns", ""); resp.StatusCode != 405 || resp.Header.Get("Allow") == "" {
			t.Errorf("PATCH: %d Allow %q, want 405 with Allow", resp.StatusCode, resp.Header.Get("Allow"))
		}

		// Bodies: too big, malformed, wrong type, unknown field, no body.
		big := `{"reason":"` + strings.Repeat("x", MaxBodyBytes) + `"}`
		for _, b := range []struct {
			method, path, body string
			hdr                []string
			want               int
		}{
			{"POST", "/api/v2/incidents/3333-M2-1/feedback", big, own, 413},
			{"POST", "/api/v2/incidents/3333-M2-1/feedback", `{"reason":`, own, 400},
			{"POST", "/api/v2/incidents/3333-M2-1/feedback", `{"reason":7}`, own, 400},
			{"POST", "/api/v2/incidents/3333-M2-1/feedback", `{"reason":"x","asn":15169}`, own, 400},
			{"POST", "/api/v2/incidents/3333-M2-1/feedback", `{"reason":"  "}`, own, 400},
			{"POST", "/api/v2/incidents/3333-M2-1/feedback", `{"reason":"x"} {}`, own, 400},
			{"POST", "/api/v2/incidents/3333-M2-1/feedback", `{"reason":"x"}}`, own, 400},
			{"POST", "/api/v2/incidents/3333-M2-1/feedback", `{"reason":"x"} ]`, own, 400},
			{"POST", "/api/v2/incidents/3333-M2-1/feedback", "{\"reason\":\"x\"}\n\x00", own, 400},
			{"POST", "/api/v2/participants", `{"organisation":"X","programme":"ixp","asns":[1]}}`, sec, 400},
			{"POST", "/api/v2/participants", `{"organisation":"X","programme":"ixp","asns":[3333]}`, sec, 409}, // RIPE NCC's
			{"POST", "/api/v2/incidents/3333-M2-1/feedback", "", own, 400},
			{"POST", "/api/v2/participants", big, sec, 413},
			{"POST", "/api/v2/participants", `{"organisation":"X","programme":"isp","asns":[1]}`, sec, 400},
			{"POST", "/api/v2/participants", `{"organisation":"X","programme":"ixp","asns":[-1]}`, sec, 400},
			{"POST", "/api/v2/participants", `{"organisation":"","programme":"ixp","asns":[1]}`, sec, 400},
			{"PUT", "/api/v2/participants/99999", `{"organisation":"X","programme":"ixp","asns":[1]}`, sec, 404},
			{"DELETE", "/api/v2/participants/99999", "", sec, 404},
			{"POST", "/api/v2/feedback/1/review", `{"verdict":"perhaps"}`, sec, 400},
			{"POST", "/api/v2/feedback/99999/review", `{"verdict":"rejected"}`, sec, 404},
		} {
			resp, body := e.do(b.method, b.path, b.body, b.hdr...)
			if resp.StatusCode != b.want {
				t.Errorf("%s %s %.40s: %d, want %d: %.300s", b.method, b.path, b.body, resp.StatusCode, b.want, body)
			}
		}

		// Hostile values in every parameter of every read endpoint.
		for _, v := range hostile {
			esc, pe := url.QueryEscape(v), url.PathEscape(v)
			for _, c := range []struct {
				path string
				want []int
			}{
				{"/api/v2/ases/" + pe, []int{400, 404}}, {"/api/v2/roas/asn/" + pe, []int{400, 404}},
				{"/api/v2/roas/economy/" + pe, []int{400, 404}}, {"/api/v2/specs/" + pe + "/" + pe, []int{400, 404}},
				{"/api/v2/asns?month=" + esc, []int{400}}, {"/api/v2/asns?spec=" + esc, []int{400}},
				{"/api/v2/asns?pageToken=" + esc, []int{400}}, {"/api/v2/asns?pageSize=" + esc, []int{400}},
				{"/api/v2/ases?economies=" + esc, []int{200, 400}}, {"/api/v2/ases?region=" + esc, []int{200, 400}},
				{"/api/v2/scores/summary?region=" + esc, []int{400, 404}}, {"/api/v2/scores/details?asn=" + esc, []int{400, 404}},
				{"/api/v2/incidents?asn=" + esc, []int{400, 404}}, {"/api/v2/feedback?verdict=" + esc, []int{400}},
				{"/api/v2/participants?month=" + esc, []int{400}}, {"/api/v2/asns?" + esc + "=1", []int{400, 422}},
			} {
				resp, body := e.do("GET", c.path, "", sec...)
				if !containsInt(c.want, resp.StatusCode) {
					t.Errorf("GET %s: %d, want one of %v: %.200s", c.path, resp.StatusCode, c.want, body)
				}
				if resp.StatusCode == 200 && strings.Contains(string(body), `"asn"`) {
					t.Errorf("GET %s matched records: %.200s", c.path, body)
				}
			}
			for _, w := range []struct{ method, path, body string }{
				{"POST", "/api/v2/incidents/" + pe + "/feedback", `{"reason":"x"}`},
				{"POST", "/api/v2/feedback/" + pe + "/review", `{"verdict":"rejected"}`},
				{"PUT", "/api/v2/participants/" + pe, `{"organisation":"X","programme":"ixp","asns":[1]}`},
				{"DELETE", "/api/v2/participants/" + pe, ""},
			} {
				hdr := sec
				if strings.Contains(w.path, "incidents") {
					hdr = own
				}
				resp, body := e.do(w.method, w.path, w.body, hdr...)
				if resp.StatusCode != 400 && resp.StatusCode != 404 {
					t.Errorf("%s %s: %d, want 400 or 404: %.200s", w.method, w.path, resp.StatusCode, body)
				}
			}
		}
		if after := dump(t, st); after != before {
			t.Errorf("the store changed under bad requests")
		}
	})
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// TestNotFoundMonth: without any month stored, month endpoints are 404.
func TestNotFoundMonth(t *testing.T) {
	st := storeKinds[0].open(t)
	t.Cleanup(func() { st.Close() })
	e := newEnv(t, st, Options{})
	for _, p := range []string{"/api/v2/asns", "/api/v2/ases", "/api/v2/scores/summary", "/api/v2/participants"} {
		e.get(p, http.StatusNotFound)
	}
}
