package httpapi

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/access"
	"github.com/observatory-net/observatory/internal/forwarded"
)

// TestWithPrincipal: a principal put in the context in process acts as
// its key; nothing the request carries can do that.
func TestWithPrincipal(t *testing.T) {
	st := openFixture(t, storeKinds[0])
	k := setupKeys(t, st)
	s, err := New(Options{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	p, err := access.Verify(context.Background(), k.svc, k.pRIPE, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		ctx  context.Context
		hdr  map[string]string
		want int
	}{
		{"verified principal", WithPrincipal(context.Background(), p), nil, 200},
		{"anonymous principal", WithPrincipal(context.Background(), access.Anonymous), nil, 401},
		{"no principal", context.Background(), nil, 401},
		{"a cookie is no key", context.Background(), map[string]string{"Cookie": "obs_session=" + k.pRIPE + "; obs_key=" + k.pRIPE}, 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequestWithContext(tc.ctx, "GET", "/api/v2/scores/details?asn=AS3333", nil)
			for h, v := range tc.hdr {
				req.Header.Set(h, v)
			}
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			if rec.Code != tc.want {
				t.Errorf("details: %d, want %d: %.200s", rec.Code, tc.want, rec.Body)
			}
		})
	}
}

// TestClientIP_Forwarded: behind a trusted proxy anonymous callers are
// limited by the address it forwards, not by the proxy's.
func TestClientIP_Forwarded(t *testing.T) {
	st := openFixture(t, storeKinds[0])
	s, err := New(Options{Store: st, AnonymousRatePerMinute: 4}) // a burst of 1
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	proxies, _ := forwarded.ParseProxies("192.0.2.0/24") // httptest's peer is 192.0.2.1
	h := proxies.Handler(s.Handler())
	for i, tc := range []struct {
		from string
		want int
	}{{"203.0.113.1", 200}, {"203.0.113.2", 200}, {"203.0.113.1", 429}, {"6.6.6.6, 203.0.113.2", 429}} {
		req := httptest.NewRequest("GET", "/api/v2/specs", nil)
		req.Header.Set("X-Forwarded-For", tc.from)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tc.want {
			t.Errorf("request %d from %s: %d, want %d", i, tc.from, rec.Code, tc.want)
		}
	}
	if got := clientIP(httptest.NewRequest("GET", "/", nil)); got != "192.0.2.1" {
		t.Errorf("clientIP without a front handler = %q, want the peer 192.0.2.1", got)
	}
}
