package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/apikey"
	"github.com/observatory-net/observatory/internal/store"
)

// keyed is a fixture store with a registry (RIPE NCC: AS3333, Google:
// AS15169) and one key per role.
type keyed struct {
	svc                          store.Service
	ripe, google                 int64 // participant IDs
	pRIPE, pGoogle, partner, sec string
	revoked, expired, unknown    string
}

// mintKey stores a key and returns its token.
func mintKey(t testing.TB, svc store.Service, role store.Role, participant int64, mod func(*store.APIKey)) string {
	t.Helper()
	token, k, err := apikey.New(role, apikey.Options{Name: string(role), ParticipantID: participant})
	if err != nil {
		t.Fatal(err)
	}
	if mod != nil {
		mod(&k)
	}
	if err := svc.CreateKey(context.Background(), &k); err != nil {
		t.Fatalf("create key: %v", err)
	}
	return token
}

func setupKeys(t testing.TB, st store.Store) *keyed {
	t.Helper()
	svc, ok := st.(store.Service)
	if !ok {
		t.Fatalf("%T does not implement store.Service", st)
	}
	ctx := context.Background()
	k := &keyed{svc: svc}
	var err error
	for _, p := range []struct {
		id   *int64
		name string
		asn  uint32
	}{{&k.ripe, "RIPE NCC", asnRIPE}, {&k.google, "Google", asnGoogle}} {
		*p.id, err = svc.PutParticipant(ctx, &store.Registered{Participant: store.Participant{
			Organisation: p.name, Programme: "netops", ASNs: []uint32{p.asn}}, UpdatedAt: time.Now().UTC()})
		if err != nil {
			t.Fatal(err)
		}
	}
	k.pRIPE = mintKey(t, svc, store.RoleParticipant, k.ripe, nil)
	k.pGoogle = mintKey(t, svc, store.RoleParticipant, k.google, nil)
	k.partner = mintKey(t, svc, store.RolePartner, 0, nil)
	k.sec = mintKey(t, svc, store.RoleSecretariat, 0, nil)
	k.revoked = mintKey(t, svc, store.RolePartner, 0, func(a *store.APIKey) { a.RevokedAt = time.Now().Add(-time.Minute) })
	k.expired = mintKey(t, svc, store.RolePartner, 0, func(a *store.APIKey) { a.ExpiresAt = time.Now().Add(-time.Minute) })
	k.unknown = "obs_aaaaaaaaaaaa_" + strings.Repeat("A", 43)
	return k
}

func bearer(token string) []string {
	if token == "" {
		return nil
	}
	return []string{"Authorization", "Bearer " + token}
}

// TestAuthorization_Matrix walks each role × endpoint × own/other ASN on a
// running server and checks statuses, then that no response to a
// participant key carries another network's details or evidence.
func TestAuthorization_Matrix(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		k := setupKeys(t, st)
		e := newEnv(t, st, Options{})
		type role struct {
			name, token string
			own         uint32 // 0: none
		}
		roles := []role{{"anonymous", "", 0}, {"participant", k.pRIPE, asnRIPE}, {"partner", k.partner, 0}, {"secretariat", k.sec, 0}}
		// Want per role: anonymous, participant(own|other), partner, secretariat.
		type cell struct{ anon, own, other, partner, sec int }
		detail := cell{401, 200, 403, 200, 200}
		public := cell{200, 200, 200, 200, 200}
		cases := []struct {
			path string // %d: the ASN
			want cell
		}{
			{"/api/v2/ases/AS%d", public},
			{"/api/v2/roas/asn/AS%d", cell{404, 404, 404, 404, 404}}, // only AS3333 has ROA statistics: see below
			{"/api/v2/scores/details?asn=AS%d", detail},
			{"/api/v2/incidents?asn=%d", detail},
		}
		bodies := map[string][]string{} // role → bodies
		for _, r := range roles {
			for _, c := range cases {
				for _, asn := range []uint32{asnRIPE, asnGoogle, asnNL} {
					want := map[string]int{"anonymous": c.want.anon, "partner": c.want.partner, "secretariat": c.want.sec}[r.name]
					if r.name == "participant" {
						want = c.want.other
						if asn == r.own {
							want = c.want.own
						}
					}
					if strings.Contains(c.path, "roas") && asn == asnRIPE {
						want = 200
					}
					path := fmt.Sprintf(c.path, asn)
					bodies[r.name] = append(bodies[r.name], string(e.get(path, want, bearer(r.token)...)))
				}
			}
			for _, p := range []struct {
				path string
				want []int // anonymous, participant, partner, secretariat
			}{
				{"/api/v2/asns", []int{200, 200, 200, 200}},
				{"/api/v2/ases", []int{200, 200, 200, 200}},
				{"/api/v2/scores/summary", []int{200, 200, 200, 200}},
				{"/api/v2/participants", []int{200, 200, 200, 200}},
				{"/api/v2/incidents", []int{401, 200, 200, 200}},
				{"/api/v2/feedback", []int{401, 200, 200, 200}}, // a trail is evidence: the partner reads it
				// Every participant's readiness (TestAuthorization_ParticipantReadiness).
				{"/api/v2/conformance/flags", []int{401, 200, 200, 200}},
				{"/api/conformance/net-ops", []int{200, 200, 200, 200}},
			} {
				i := map[string]int{"anonymous": 0, "participant": 1, "partner": 2, "secretariat": 3}[r.name]
				bodies[r.name] = append(bodies[r.name], string(e.get(p.path, p.want[i], bearer(r.token)...)))
			}
		}

		// Feedback: only the participant of the incident's ASN may flag it.
		for _, f := range []struct {
			token, incident string
			want            int
		}{
			{"", "3333-M2-1", 401}, {k.partner, "3333-M2-1", 403}, {k.sec, "3333-M2-1", 403},
			{k.pRIPE, "15169-M2-1", 403}, {k.pRIPE, "no-such-incident", 404},
			{k.pRIPE, "3333-M2-1", 201}, {k.pRIPE, "3333-M2-1", 409}, {k.pGoogle, "15169-M2-1", 201},
		} {
			resp, b := e.do("POST", "/api/v2/incidents/"+f.incident+"/feedback", `{"reason":"our own prefix, a planned move"}`, bearer(f.token)...)
			if resp.StatusCode != f.want {
				t.Errorf("flag %s: %d, want %d: %s", f.incident, resp.StatusCode, f.want, b)
			}
		}
		// Trails and feedback lists after the flags.
		bodies["participant"] = append(bodies["participant"],
			string(e.get("/api/v2/feedback", 200, bearer(k.pRIPE)...)),
			string(e.get("/api/v2/incidents", 200, bearer(k.pRIPE)...)),
			string(e.get("/api/v2/scores/details?asn=3333", 200, bearer(k.pRIPE)...)),
			string(e.get("/api/v2/ases", 200, bearer(k.pRIPE)...)))
		if all := string(e.get("/api/v2/feedback", 200, bearer(k.sec)...)); !strings.Contains(all, "15169-M2-1") || !strings.Contains(all, "3333-M2-1") {
			t.Errorf("secretariat's feedback list lacks a feedback: %s", all)
		}
		if d := string(e.get("/api/v2/scores/details?asn=3333", 200, bearer(k.partner)...)); !strings.Contains(d, "our own prefix") {
			t.Errorf("details lack the feedback trail: %s", d)
		}

		// Registry management: secretariat only.
		body := `{"organisation":"Example IX","programme":"ixp","asns":[64500]}`
		for _, tok := range []string{"", k.pRIPE, k.partner} {
			want := 403
			if tok == "" {
				want = 401
			}
			for _, m := range []struct{ method, path string }{{"POST", "/api/v2/participants"}, {"PUT", fmt.Sprintf("/api/v2/participants/%d", k.ripe)}, {"DELETE", fmt.Sprintf("/api/v2/participants/%d", k.ripe)}} {
				if resp, b := e.do(m.method, m.path, body, bearer(tok)...); resp.StatusCode != want {
					t.Errorf("%s %s: %d, want %d: %s", m.method, m.path, resp.StatusCode, want, b)
				}
			}
			if resp, b := e.do("POST", "/api/v2/feedback/1/review", `{"verdict":"rejected"}`, bearer(tok)...); resp.StatusCode != want {
				t.Errorf("review: %d, want %d: %s", resp.StatusCode, want, b)
			}
		}

		// No participant response carries another network's details.
		leaks := []string{"15169-M2-1", "64500-M2-1", "64501-M2-1", "10.65.0.0/16", "10.244.0.0/16", "10.245.0.0/16",
			"8.8.8.0/24", "192.0.2.0/24", "198.51.100.0/24", `"metrics"`}
		for _, b := range bodies["participant"] {
			for _, l := range leaks {
				if l == `"metrics"` && strings.Contains(b, `"asn":3333,`) {
					continue // its own details
				}
				if strings.Contains(b, l) {
					t.Errorf("participant AS3333 sees %s in %.300s", l, b)
				}
			}
		}
		for _, b := range bodies["anonymous"] {
			for _, l := range append(leaks, "3333-M2-1", "10.5.0.0/16", "193.0.0.0/21") {
				if strings.Contains(b, l) {
					t.Errorf("anonymous sees %s in %.300s", l, b)
				}
			}
		}
	})
}

// TestAuthorization_Visibility checks which scores each role sees.
func TestAuthorization_Visibility(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		k := setupKeys(t, st)
		e := newEnv(t, st, Options{})
		for _, c := range []struct {
			token     string
			asn       uint32
			filtering bool
		}{
			{"", asnRIPE, false}, {"", asnNL, true}, {k.pRIPE, asnRIPE, true}, {k.pRIPE, asnGoogle, false},
			{k.partner, asnGoogle, true}, {k.sec, asnRIPE, true},
		} {
			var a asRecord
			decode(t, e.get(fmt.Sprintf("/api/v2/ases/%d", c.asn), 200, bearer(c.token)...), &a)
			got := false
			for _, s := range a.Scores {
				got = got || s.ID == "filtering"
			}
			if got != c.filtering {
				t.Errorf("AS%d with key %.12s: filtering shown %v, want %v", c.asn, c.token, got, c.filtering)
			}
		}
	})
}

// TestAuthorization_RegistryJoins: a network the registry lists is a
// participant at once, though its month was computed before it joined:
// anonymous callers lose its non-public scores, and the list of
// participant ASNs gains it, even through the response cache.
func TestAuthorization_RegistryJoins(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		k := setupKeys(t, st)
		e := newEnv(t, st, Options{})
		filtering := func() (shown, participant bool) {
			var a asRecord
			decode(t, e.get(fmt.Sprintf("/api/v2/ases/%d", asnNL), 200), &a)
			for _, s := range a.Scores {
				shown = shown || s.ID == "filtering"
			}
			return shown, a.Participant
		}
		if shown, p := filtering(); !shown || p {
			t.Fatalf("before joining: filtering shown %v, participant %v", shown, p)
		}
		body := fmt.Sprintf(`{"organisation":"Example NL","programme":"netops","asns":[%d]}`, asnNL)
		if resp, b := e.do("POST", "/api/v2/participants", body, bearer(k.sec)...); resp.StatusCode != 201 {
			t.Fatalf("register: %d: %s", resp.StatusCode, b)
		}
		if shown, p := filtering(); shown || !p {
			t.Errorf("after joining: filtering shown %v, participant %v; want hidden, participant", shown, p)
		}
		if l := string(e.get("/api/v2/asns", 200)); !strings.Contains(l, fmt.Sprint(asnNL)) {
			t.Errorf("participant ASNs lack the new member: %s", l)
		}
	})
}

// TestAuthorization_BadKeys: every unusable key is a 401, never anonymous.
func TestAuthorization_BadKeys(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		k := setupKeys(t, st)
		e := newEnv(t, st, Options{})
		wrongSecret := k.partner[:len(k.partner)-4] + "0000"
		for _, h := range []string{"Bearer " + k.revoked, "Bearer " + k.expired, "Bearer " + k.unknown, "Bearer " + wrongSecret,
			"Bearer ", "Basic dXNlcjpwYXNz", "Bearer obs_", "Bearer ' OR 1=1--", "Bearer obs_x'--_y", "Bearer obs_%00_\u2603"} {
			e.get("/api/v2/scores/summary", 401, "Authorization", h)
		}
		e.get("/api/v2/scores/summary", 200, bearer(k.partner)...)
		// Revocation takes effect at once without a key cache.
		if err := k.svc.RevokeKey(context.Background(), strings.Split(k.partner, "_")[1], time.Now()); err != nil {
			t.Fatal(err)
		}
		e.get("/api/v2/scores/summary", 401, bearer(k.partner)...)
	})
}

// TestRateLimit: a key over its rate gets 429 with Retry-After, and its
// bucket refills with time; other callers are not affected.
func TestRateLimit(t *testing.T) {
	st := openFixture(t, storeKinds[0])
	k := setupKeys(t, st)
	now := time.Date(2026, 11, 5, 12, 0, 0, 0, time.UTC)
	slow := mintKey(t, k.svc, store.RolePartner, 0, func(a *store.APIKey) { a.RatePerMinute = 4 })
	e := newEnv(t, st, Options{Now: func() time.Time { return now }, AnonymousRatePerMinute: 8})
	// From the cache, each request costs one token (see TestRateLimit_Costs).
	e.get("/api/v2/asns", 200, bearer(k.partner)...)
	e.get("/api/v2/asns", 200, bearer(slow)...)
	resp, _ := e.do("GET", "/api/v2/asns", "", bearer(slow)...)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "15" {
		t.Errorf("second request: %d Retry-After %q, want 429 and 15", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	e.get("/api/v2/asns", 200, bearer(k.partner)...)
	for range 2 {
		e.get("/api/v2/asns", 200)
	}
	e.get("/api/v2/asns", 429)
	now = now.Add(15 * time.Second)
	e.get("/api/v2/asns", 200, bearer(slow)...)
	e.get("/api/v2/asns", 200)
}
