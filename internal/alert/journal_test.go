package alert

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/store/sqlite"
)

// TestJournal_restartDeliversOnce: a delivery made by one dispatcher is
// recorded in the store, and a second dispatcher on the same store (a
// restarted process) does not make it again; the incident recorded open,
// then closed, reads back with its networks and document.
func TestJournal_restartDeliversOnce(t *testing.T) {
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "alerts.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rc := newReceiver(t, []int{200})
	log, logs := testLogger()
	ev := hijackEvent(t, Targets{Webhooks: []string{rc.srv.URL}})
	if err := Record(t.Context(), st, ev); err != nil {
		t.Fatal(err)
	}
	for run := range 2 {
		o := fastOptions(log, NewMetrics(nil))
		o.Journal = st
		d := NewDispatcher(context.Background(), o)
		d.Enqueue(ev)
		d.Close()
		if got := len(rc.requests()); got != 1 {
			t.Fatalf("run %d: the receiver got %d requests, want 1 in all:\n%s", run+1, got, logs)
		}
	}
	got, err := st.AlertIncident(t.Context(), ev.Incident.ID)
	if err != nil || got.Kind != string(OriginHijack) || !got.Closed.IsZero() || got.Origin != 64511 {
		t.Fatalf("stored incident %+v, %v: want the open origin hijack of AS64511", got, err)
	}
	closing := ev
	closing.Type, closing.Time = EventClose, ev.Time.Add(90e9)
	closing.Incident.Closed, closing.Incident.Duration = closing.Time, Duration(90e9)
	if err := Record(t.Context(), st, closing); err != nil {
		t.Fatal(err)
	}
	got, err = st.AlertIncident(t.Context(), ev.Incident.ID)
	if err != nil || !got.Closed.Equal(closing.Time.UTC()) {
		t.Fatalf("closed incident %+v, %v", got, err)
	}
	var doc Incident
	if err := json.Unmarshal(got.Doc, &doc); err != nil || doc.ID != ev.Incident.ID || doc.Duration != Duration(90e9) {
		t.Errorf("stored document %s: %v", got.Doc, err)
	}
	if want := AlertASNs(&ev.Incident); len(got.ASNs) == 0 || len(got.ASNs) != len(want) {
		t.Errorf("stored ASNs %v, want %v", got.ASNs, want)
	}
	list, err := st.AlertIncidents(t.Context(), store.AlertFilter{ASNs: []uint32{64511}})
	if err != nil || len(list) != 1 {
		t.Errorf("incidents of AS64511: %d, %v", len(list), err)
	}
}
