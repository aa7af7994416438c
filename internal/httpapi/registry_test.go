package httpapi

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/internal/store"
)

// TestParticipants_DeleteRevokes: deleting a participant revokes its keys
// at once; the next participant gets another ID and UID, and the deleted
// participant's key does not see it.
func TestParticipants_DeleteRevokes(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		k := setupKeys(t, st)
		e := newEnv(t, st, Options{})
		e.get("/api/v2/scores/details?asn=3333", 200, bearer(k.pRIPE)...)
		before, err := k.svc.RegisteredParticipant(t.Context(), k.ripe)
		if err != nil {
			t.Fatal(err)
		}
		if resp, b := e.do("DELETE", fmt.Sprintf("/api/v2/participants/%d", k.ripe), "", bearer(k.sec)...); resp.StatusCode != 204 {
			t.Fatalf("DELETE: %d: %s", resp.StatusCode, b)
		}
		e.get("/api/v2/scores/details?asn=3333", 401, bearer(k.pRIPE)...)
		resp, b := e.do("POST", "/api/v2/participants", `{"organisation":"RIPE NCC","programme":"netops","asns":[3333]}`, bearer(k.sec)...)
		var got registeredJSON
		if resp.StatusCode != 201 || json.Unmarshal(b, &got) != nil {
			t.Fatalf("POST: %d: %s", resp.StatusCode, b)
		}
		if got.ID == before.ID || got.UID == before.UID || !store.ValidUID(got.UID) {
			t.Errorf("new participant: ID %d UID %q, want an ID other than %d and a new UID (not %s)", got.ID, got.UID, before.ID, before.UID)
		}
		e.get("/api/v2/scores/details?asn=3333", 401, bearer(k.pRIPE)...)
		e.get("/api/v2/feedback", 401, bearer(k.pRIPE)...)
		var table participantTable
		if err := json.Unmarshal(e.get("/api/v2/participants", 200), &table); err != nil {
			t.Fatal(err)
		}
		for _, r := range table.Items {
			if r.Organisation == "RIPE NCC" && (r.ID != got.ID || r.UID != got.UID) {
				t.Errorf("participants table row %+v, want ID %d and UID %s", r, got.ID, got.UID)
			}
		}
	})
}

// TestParticipants_ASNConflict: an ASN another participant holds is a 409
// naming the ASN and the holder, on create and on replace, and changes
// nothing.
func TestParticipants_ASNConflict(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		k := setupKeys(t, st)
		e := newEnv(t, st, Options{})
		before := dump(t, st)
		for _, c := range []struct{ method, path, body string }{
			{"POST", "/api/v2/participants", `{"organisation":"Imposter","programme":"netops","asns":[64500,3333]}`},
			{"PUT", fmt.Sprintf("/api/v2/participants/%d", k.google), `{"organisation":"Google","programme":"cdn","asns":[15169,3333]}`},
		} {
			resp, b := e.do(c.method, c.path, c.body, bearer(k.sec)...)
			if resp.StatusCode != 409 || !strings.Contains(string(b), `AS3333 is registered to \"RIPE NCC\"`) ||
				resp.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s %s: %d %s: %s, want a 409 problem naming AS3333 and RIPE NCC", c.method, c.path,
					resp.StatusCode, resp.Header.Get("Content-Type"), b)
			}
		}
		if after := dump(t, st); after != before {
			t.Errorf("the store changed under refused writes")
		}
	})
}
