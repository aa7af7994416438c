package httpapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/store"
)

// blockingMonths is a store whose Months blocks, after the first call,
// until release is closed.
type blockingMonths struct {
	store.Store
	calls   atomic.Int32
	release chan struct{}
}

func (b *blockingMonths) Months(ctx context.Context) ([]store.MonthMeta, error) {
	if b.calls.Add(1) > 1 {
		<-b.release
	}
	return b.Store.Months(ctx)
}

// TestMonthList_refreshInBackground checks that once the months are
// known, an expired list is re-read off the request path: requests are
// answered while the store's Months blocks, and the new list shows after.
func TestMonthList_refreshInBackground(t *testing.T) {
	st := &blockingMonths{Store: openFixture(t, storeKinds[0]), release: make(chan struct{})}
	s, err := New(Options{Store: st, MonthsTTL: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	hc := &http.Client{Timeout: 2 * time.Second}
	get := func() {
		t.Helper()
		resp, err := hc.Get(srv.URL + "/api/v2/scores/summary")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("summary: %s", resp.Status)
		}
	}
	get() // the first read, on the request path
	time.Sleep(30 * time.Millisecond)
	for range 5 {
		get() // answered from the old list while the re-read blocks
	}
	if n := st.calls.Load(); n != 2 {
		t.Errorf("Months called %d times, want 2: one re-read at a time", n)
	}

	nov := fixtureMonth(october.AddDate(0, 1, 0), 0)
	if err := st.WriteMonth(context.Background(), nov); err != nil {
		t.Fatal(err)
	}
	close(st.release)
	deadline := time.Now().Add(2 * time.Second)
	for {
		metas, err := s.monthList(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if metas[0].Month.Equal(nov.Meta.Month) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("newest month still %s after 2 s", metas[0].Month.Format("2006-01"))
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.Close()
}
