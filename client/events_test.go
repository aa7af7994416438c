package client_test

import (
	"context"
	"testing"

	"github.com/observatory-net/observatory/client"
)

func TestClient_events(t *testing.T) {
	ctx := context.Background()
	anon, _ := newClient(t, srv, "")
	all := collect(t, anon.Events(ctx, &client.EventsOptions{PageOptions: client.PageOptions{PageSize: 1}}))
	if len(all) != 4 {
		t.Fatalf("Events() = %d events, want the fixture's 4 hijacks", len(all))
	}
	one, err := anon.Event(ctx, all[0].ID, nil)
	if err != nil || one.ID != all[0].ID || one.Type != "hijack" {
		t.Errorf("Event(%s) = %+v, %v", all[0].ID, one, err)
	}
	p, err := anon.EventsPage(ctx, &client.EventsOptions{ASN: "AS3333"})
	if err != nil || p.Total != 1 || p.Items[0].Culprit != 3333 {
		t.Errorf("EventsPage(AS3333) = %+v, %v", p, err)
	}
	if _, err := anon.EventsPage(ctx, &client.EventsOptions{Type: "moas"}); !client.IsBadRequest(err) {
		t.Errorf("EventsPage(moas) error = %v, want 400", err)
	}
	if _, err := anon.Event(ctx, "nope", nil); !client.IsNotFound(err) {
		t.Errorf("Event(nope) error = %v, want 404", err)
	}
}
