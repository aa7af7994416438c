package postgres

import (
	"testing"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/store/storetest"
)

func TestAlerts_Conformance(t *testing.T) {
	storetest.RunAlerts(t, func(t *testing.T) store.Alerts {
		s, _ := openTest(t)
		t.Cleanup(func() { s.Close() })
		return s
	})
}
