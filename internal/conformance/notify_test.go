package conformance

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/store/sqlite"
	"github.com/observatory-net/observatory/internal/vocab"
)

// hook is a webhook on 127.0.0.1 that answers the statuses given in turn
// (then 200) and keeps what it received.
type hook struct {
	mu       sync.Mutex
	statuses []int
	bodies   [][]byte
	keys     []string
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.bodies = append(h.bodies, b)
	h.keys = append(h.keys, r.Header.Get("Idempotency-Key"))
	status := http.StatusOK
	if len(h.statuses) > 0 {
		status, h.statuses = h.statuses[0], h.statuses[1:]
	}
	w.WriteHeader(status)
}

func notifyFixture(t *testing.T) (*sqlite.Store, *wire.ConformanceFlags) {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "obs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	writeMonths(t, st, map[string][]store.ASN{
		"2024-01": {asnMonth(64500, vocab.Lagging, 0.1), asnMonth(64501, vocab.Lagging, 0.1)},
		"2024-02": {asnMonth(64500, vocab.Lagging, 0.1), asnMonth(64501, vocab.Lagging, 0.1)},
		"2024-03": {asnMonth(64500, vocab.Lagging, 0.1), asnMonth(64501, vocab.Lagging, 0.1)},
		"2024-04": {asnMonth(64500, vocab.Lagging, 0.1), asnMonth(64501, vocab.Ready, 1)},
	})
	reg := []store.Registered{{ID: 1, Participant: store.Participant{Organisation: "Alpha", Programme: "netops", ASNs: []uint32{64500, 64501}}}}
	r, err := Flags(t.Context(), Input{Store: st, Registry: reg, Month: month(t, "2024-03"), Spec: spec.Default})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Items) != 2 {
		t.Fatalf("fixture: %d flags in March, want 2", len(r.Items))
	}
	return st, r
}

func TestNotify_RetriesAndSendsOnce(t *testing.T) {
	st, r := notifyFixture(t)
	h := &hook{statuses: []int{http.StatusServiceUnavailable}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	opt := NotifyOptions{Webhook: srv.URL, Backoff: time.Millisecond}
	res, err := Notify(t.Context(), st, r, opt)
	if err != nil {
		t.Fatalf("Notify() = %v", err)
	}
	if !res.Sent || res.Attempts != 2 || res.Flags != 2 {
		t.Errorf("Notify() = %+v, want sent in 2 attempts with 2 flags", res)
	}
	if len(h.bodies) != 2 || h.keys[0] != res.Digest || h.keys[1] != res.Digest {
		t.Fatalf("webhook got %d posts with keys %q, want 2 with %s", len(h.bodies), h.keys, res.Digest)
	}
	var n Notice
	if err := json.Unmarshal(h.bodies[1], &n); err != nil {
		t.Fatal(err)
	}
	if n.Total != 2 || len(n.Flags) != 2 || n.Flags[0].ASN != 64500 || !n.Month.Equal(r.Month) || n.Digest != res.Digest {
		t.Errorf("notice = %+v", n)
	}
	rec, err := st.Notification(t.Context(), r.Month, r.Spec)
	if err != nil || rec.Digest != res.Digest {
		t.Fatalf("Notification() = %+v, %v", rec, err)
	}

	// Again: nothing is sent.
	res, err = Notify(t.Context(), st, r, opt)
	if err != nil || res.Sent || res.Already == nil {
		t.Errorf("second Notify() = %+v, %v; want not sent, already", res, err)
	}
	if len(h.bodies) != 2 {
		t.Errorf("the webhook got %d posts after the second Notify, want still 2", len(h.bodies))
	}
}

func TestNotify_Failures(t *testing.T) {
	st, r := notifyFixture(t)
	for _, tt := range []struct {
		name     string
		statuses []int
		attempts int
	}{
		{"a 4xx is not retried", []int{http.StatusBadRequest}, 1},
		{"5xx until the last attempt", []int{500, 502, 503}, 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := &hook{statuses: tt.statuses}
			srv := httptest.NewServer(h)
			defer srv.Close()
			res, err := Notify(t.Context(), st, r, NotifyOptions{Webhook: srv.URL, Attempts: 3, Backoff: time.Millisecond})
			if !errors.Is(err, ErrWebhook) || res.Sent || res.Attempts != tt.attempts || len(h.bodies) != tt.attempts {
				t.Errorf("Notify() = %+v, %v after %d posts; want ErrWebhook after %d", res, err, len(h.bodies), tt.attempts)
			}
			if _, err := st.Notification(t.Context(), r.Month, r.Spec); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("a failed delivery was recorded: %v", err)
			}
		})
	}
	if _, err := Notify(t.Context(), st, r, NotifyOptions{Webhook: "ftp://x"}); err == nil {
		t.Error("Notify() to an ftp URL = nil error")
	}
}
