package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/store"
)

// RunNotifications checks the record of sent notifications
// (store.Notifications): read back as written, one a month and
// specification even when two writers race, bad records refused.
func RunNotifications(t *testing.T, open func(t *testing.T) store.Notifications) {
	t.Run("roundtrip", func(t *testing.T) {
		s := open(t)
		march := time.Date(2024, time.March, 1, 0, 0, 0, 0, time.UTC)
		if _, err := s.Notification(t.Context(), march, "netops@2024.1"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Notification() before any = %v, want ErrNotFound", err)
		}
		want := store.Notification{Month: march, Spec: "netops@2024.1", SentAt: time.Date(2024, 4, 2, 3, 4, 5, 6000, time.UTC), Digest: "abc"}
		if err := s.RecordNotification(t.Context(), &want); err != nil {
			t.Fatalf("RecordNotification() = %v", err)
		}
		got, err := s.Notification(t.Context(), march, "netops@2024.1")
		if err != nil || *got != want {
			t.Fatalf("Notification() = %+v, %v; want %+v", got, err, want)
		}
		if _, err := s.Notification(t.Context(), march, "netops@2025.1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Notification() of another spec = %v, want ErrNotFound", err)
		}
		again := want
		again.Digest = "def"
		if err := s.RecordNotification(t.Context(), &again); !errors.Is(err, store.ErrConflict) {
			t.Errorf("second RecordNotification() = %v, want ErrConflict", err)
		}
		if err := s.RecordNotification(t.Context(), &store.Notification{Month: march, Spec: "x"}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("RecordNotification() without digest = %v, want ErrInvalid", err)
		}
	})
	t.Run("race", func(t *testing.T) {
		s := open(t)
		april := time.Date(2024, time.April, 1, 0, 0, 0, 0, time.UTC)
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Go(func() {
				errs[i] = s.RecordNotification(t.Context(), &store.Notification{Month: april, Spec: "netops@2024.1", SentAt: april, Digest: "d"})
			})
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, store.ErrConflict):
				t.Errorf("racing RecordNotification() = %v", err)
			}
		}
		if ok != 1 {
			t.Errorf("%d racing records succeeded, want 1", ok)
		}
	})
}
