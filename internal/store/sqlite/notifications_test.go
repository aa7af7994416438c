package sqlite

import (
	"testing"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/store/storetest"
)

func TestNotifications_Conformance(t *testing.T) {
	storetest.RunNotifications(t, func(t *testing.T) store.Notifications {
		s, _ := openTest(t)
		t.Cleanup(func() { s.Close() })
		return s
	})
}
