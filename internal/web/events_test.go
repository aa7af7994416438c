package web

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/api/wire"
)

// eventsTable is the events table of an Events page.
func eventsTable(t *testing.T, body string) string {
	t.Helper()
	i, j := strings.Index(body, `<table class="data" id="events">`), strings.Index(body, "</table>")
	if i < 0 || j < i {
		t.Fatalf("no events table in\n%.600s", body)
	}
	return body[i:j]
}

// TestWeb_EventsSameForEveryone checks that the Events page lists the
// API's events and is the same for anonymous visitors, a participant and
// the secretariat, and that the Atom feed has an entry per event linking
// to its page.
func TestWeb_EventsSameForEveryone(t *testing.T) {
	e := newEnv(t)
	var l wire.EventList
	e.apiJSON(t, "", "/api/v2/events?month=2026-10", &l)
	if len(l.Items) == 0 {
		t.Fatal("the fixture has no event")
	}
	var first string
	for _, tok := range []string{"", e.pRIPE, e.sec} {
		status, body := get(t, e.client(t, tok), e.srv.URL, "/events?month=2026-10")
		if status != 200 {
			t.Fatalf("GET /events: %d", status)
		}
		table := eventsTable(t, body)
		for _, it := range l.Items {
			if !strings.Contains(table, `data-id="`+it.ID+`"`) {
				t.Errorf("the page lacks the API's event %s", it.ID)
			}
		}
		if first == "" {
			first = table
		} else if table != first {
			t.Errorf("a signed-in visitor sees another table")
		}
	}
	status, body := get(t, e.client(t, ""), e.srv.URL, "/events.atom?month=2026-10&type=hijack")
	var f struct {
		Entries []struct {
			ID    string `xml:"id"`
			Title string `xml:"title"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal([]byte(body), &f); status != 200 || err != nil || len(f.Entries) != len(l.Items) {
		t.Fatalf("Atom: %d, %v, %d entries, want %d:\n%.400s", status, err, len(f.Entries), len(l.Items), body)
	}
	if !strings.HasSuffix(f.Entries[0].ID, "/events/"+l.Items[0].ID+"?month=2026-10") || !strings.HasPrefix(f.Entries[0].Title, "hijack by AS") {
		t.Errorf("Atom entry %+v", f.Entries[0])
	}
	for _, bad := range []string{"/events?type=moas", "/events?since=x", "/events/nope?month=2026-10", "/events.atom?asn=ASx"} {
		if status, _ := get(t, e.client(t, ""), e.srv.URL, bad); status != 400 && status != 404 {
			t.Errorf("GET %s: %d, want 400 or 404", bad, status)
		}
	}
}
