package postgres

import (
	"testing"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/store/storetest"
)

func TestOutbox_Conformance(t *testing.T) {
	storetest.RunOutbox(t, func(t *testing.T) store.Outbox {
		s, _ := openTest(t)
		t.Cleanup(func() { s.Close() })
		return s
	})
}
