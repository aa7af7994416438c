package alert

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// restart returns a second engine over the same watch that took over the
// incidents e left open, through their JSON documents as the store keeps
// them.
func restart(t *testing.T, e *Engine, text string, resync time.Duration) (*Engine, []Incident) {
	t.Helper()
	var docs []Incident
	for _, in := range e.Open() {
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		var back Incident
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, back)
	}
	vrps := snap(t, "192.0.2.0/24-24 AS64496")
	e2 := NewEngine(mustWatch(t, text), vrps, Options{})
	opens := e2.Restore(docs, resync)
	if len(opens) != len(docs) {
		t.Fatalf("Restore took over %d of %d incidents", len(opens), len(docs))
	}
	for i, ev := range opens {
		if ev.Type != EventOpen || ev.Incident.ID != docs[i].ID || !ev.Time.Equal(docs[i].Opened) || len(ev.Incident.Targets.Webhooks) != 1 {
			t.Errorf("Restore's event %d: %s %s at %v targets %v, want the opening of %s", i, ev.Type, ev.Incident.ID, ev.Time, ev.Incident.Targets, docs[i].ID)
		}
	}
	return e2, docs
}

func TestEngine_restoreAlertsNothingTwice(t *testing.T) {
	vrps := snap(t, "192.0.2.0/24-24 AS64496")
	e := NewEngine(mustWatch(t, hijackWatch), vrps, Options{})
	first := feed(e,
		ann(1, 1, "192.0.2.128/25", 3356, 64511), // sub-prefix hijack and RPKI-invalid
		ann(2, 2, "192.0.2.0/24", 3356, 64510),   // origin hijack and RPKI-invalid
	)
	if len(first) != 4 {
		t.Fatalf("%d events before the restart, want 4: %+v", len(first), briefs(first))
	}
	// The process stops with the four open. The next one is told of
	// them; its peers send their tables again, but the origin hijack is
	// gone by then.
	e2, docs := restart(t, e, hijackWatch, 60*time.Second)
	got := feed(e2,
		ann(100, 1, "192.0.2.128/25", 3356, 64511), // back: attaches, opens nothing
		Tick{Time: at(159)},
		Tick{Time: at(160)}, // the resync period has passed: the origin hijack is closed
		wd(200, 1, "192.0.2.128/25"),
	)
	want := []brief{
		{EventClose, 160, OriginHijack, "192.0.2.0/24", 64510, 0, 1, 2, 158 * time.Second},
		{EventClose, 160, RPKIInvalid, "192.0.2.0/24", 64510, 0, 1, 2, 158 * time.Second},
		{EventClose, 200, SubPrefixHijack, "192.0.2.128/25", 64511, 0, 1, 1, 199 * time.Second},
		{EventClose, 200, RPKIInvalid, "192.0.2.128/25", 64511, 0, 1, 1, 199 * time.Second},
	}
	if diff := cmp.Diff(want, briefs(got)); diff != "" {
		t.Errorf("events after the restart (-want +got):\n%s", diff)
	}
	ids := map[string]bool{}
	for _, in := range docs {
		ids[in.ID] = true
	}
	for _, ev := range got {
		if !ids[ev.Incident.ID] {
			t.Errorf("%s %s: ID %s is not one the first process opened", ev.Type, ev.Incident.Key, ev.Incident.ID)
		}
		if ended := ev.Incident.Evidence.EndedUnseen; ended != (ev.Incident.Prefix.Bits() == 24) {
			t.Errorf("%s: endedUnseen %t", ev.Incident.Key, ended)
		}
		if len(ev.Incident.Targets.Webhooks) != 1 {
			t.Errorf("%s: targets %v, want the watch's webhook", ev.Incident.Key, ev.Incident.Targets)
		}
	}
	if n := len(e2.Open()); n != 0 {
		t.Errorf("%d incidents still open", n)
	}
}

func TestEngine_restoreSkipsWhatItCannotMatch(t *testing.T) {
	e := NewEngine(mustWatch(t, hijackWatch), nil, Options{})
	in := Incident{ID: "roa-change-1", Key: "roa-change|192.0.2.0/24|1|1|00", Kind: ROAChange}
	bad := Incident{ID: "origin-hijack-1", Key: "origin-hijack|192.0.2.0/24|AS1", Kind: OriginHijack} // key of no prefix
	closed := Incident{ID: "x", Kind: OriginHijack, Closed: at(1)}
	if evs := e.Restore([]Incident{in, bad, closed}, time.Minute); len(evs) != 0 {
		t.Errorf("Restore took over %d incidents, want 0", len(evs))
	}
}
