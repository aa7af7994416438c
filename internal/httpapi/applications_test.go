package httpapi

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/store"
)

// TestApplications_Contract runs every application operation through a
// client that validates each answer against api/openapi.yaml: submit,
// read, re-check with an edit, list, reject; and refusals as problems.
// (The fixture's ASNs are documentation ones, refused: AS1299 and
// AS2914 are not measured in it, so their checks fail.)
func TestApplications_Contract(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		k := setupKeys(t, st)
		e := newEnv(t, st, Options{})
		body := fmt.Sprintf(`{"organisation":"Example NL","programme":"netops","asns":[%d],"email":"noc@example.nl","areas":["nl"]}`, 1299)
		resp, b := e.do("POST", "/api/v2/applications", body)
		var a wire.Application
		if resp.StatusCode != 201 || json.Unmarshal(b, &a) != nil || a.ApplicantKey == "" || len(a.Checks) != 5 || a.Areas[0] != "NL" {
			t.Fatalf("submit: %d %.400s", resp.StatusCode, b)
		}
		path := fmt.Sprintf("/api/v2/applications/%d", a.ID)
		var own wire.Application
		if b := e.get(path, 200, bearer(a.ApplicantKey)...); json.Unmarshal(b, &own) != nil || own.ApplicantKey != "" || own.ID != a.ID {
			t.Errorf("GET own: %.300s (the key is shown once)", b)
		}
		resp, b = e.do("POST", path+"/recheck", fmt.Sprintf(`{"asns":[%d, %d],"comment":"added one"}`, 1299, 2914), bearer(a.ApplicantKey)...)
		if resp.StatusCode != 200 || json.Unmarshal(b, &a) != nil || len(a.ASNs) != 2 || len(a.Trail) != 3 {
			t.Errorf("recheck: %d %.300s", resp.StatusCode, b)
		}
		var list wire.ApplicationList
		if b := e.get("/api/v2/applications", 200, bearer(k.sec)...); json.Unmarshal(b, &list) != nil || len(list.Items) != 1 {
			t.Errorf("list: %.300s", b)
		}
		resp, b = e.do("POST", path+"/review", `{"decision":"rejected","comment":"no contact"}`, bearer(k.sec)...)
		if resp.StatusCode != 200 || json.Unmarshal(b, &a) != nil || a.State != "rejected" {
			t.Errorf("review: %d %.300s", resp.StatusCode, b)
		}
		for _, c := range []struct {
			method, path, body string
			token              string
			want               int
		}{
			{"POST", path + "/review", `{"decision":"approved","comment":"changed my mind"}`, k.sec, 409},
			{"POST", path + "/review", `{"decision":"maybe","comment":"x"}`, k.sec, 400},
			{"POST", path + "/recheck", `{}`, a.ApplicantKey, 409},
			{"GET", "/api/v2/applications/99", "", k.sec, 404},
			{"GET", "/api/v2/applications/x", "", k.sec, 400},
			{"GET", "/api/v2/applications", "", k.partner, 403},
			{"GET", path, "", "", 401},
			{"POST", "/api/v2/applications", fmt.Sprintf(`{"organisation":"Taken","programme":"netops","asns":[%d],"email":"a@b.example"}`, asnRIPE), "", 409},
		} {
			var h []string
			if c.token != "" {
				h = bearer(c.token)
			}
			if resp, b := e.do(c.method, c.path, c.body, h...); resp.StatusCode != c.want {
				t.Errorf("%s %s: %d %.200s, want %d", c.method, c.path, resp.StatusCode, b, c.want)
			}
		}
	})
}
