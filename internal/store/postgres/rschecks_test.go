package postgres

import (
	"testing"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/store/storetest"
)

func TestRSChecks_Conformance(t *testing.T) {
	storetest.RunRSChecks(t, func(t *testing.T) store.RSChecks {
		s, _ := openTest(t)
		t.Cleanup(func() { s.Close() })
		return s
	})
}
