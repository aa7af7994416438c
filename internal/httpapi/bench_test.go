package httpapi

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkCached measures cached month data over loopback with parallel
// clients: the summary anonymously, the details with a partner key.
func BenchmarkCached(b *testing.B) {
	for _, k := range storeKinds {
		st := openFixture(b, k)
		keys := setupKeys(b, st)
		s, err := New(Options{Store: st, MonthsTTL: 2e9, KeyCacheTTL: 10e9})
		if err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(s.Handler())
		tr := &http.Transport{MaxIdleConnsPerHost: 64}
		for _, path := range []string{"/api/v2/scores/summary", "/api/v2/scores/details?asn=AS3333"} {
			b.Run(k.name+path, func(b *testing.B) {
				b.SetParallelism(8)
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						req, _ := http.NewRequest("GET", srv.URL+path, nil)
						req.Header.Set("Authorization", "Bearer "+keys.partner)
						resp, err := tr.RoundTrip(req)
						if err != nil {
							b.Error(err)
							return
						}
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode != 200 {
							b.Errorf("status %d", resp.StatusCode)
							return
						}
					}
				})
			})
		}
		srv.Close()
		s.Close()
	}
}
