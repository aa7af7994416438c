package client_test

import (
	"context"
	"testing"

	"github.com/observatory-net/observatory/client"
)

func TestClient_outreach(t *testing.T) {
	ctx := context.Background()
	partner, _ := newClient(t, srv, "partner")
	targets := collect(t, partner.Outreach(ctx, &client.OutreachOptions{PageOptions: client.PageOptions{PageSize: 1}}))
	if len(targets) == 0 {
		t.Fatal("Outreach() ranks no network")
	}
	for i, it := range targets {
		if it.Rank != i+1 || it.ASN == 3333 || it.ASN == 15169 {
			t.Errorf("target %d = %+v: want rank %d and no participant", i, it, i+1)
		}
	}
	one, err := partner.OutreachPage(ctx, &client.OutreachOptions{Economy: "NL"})
	if err != nil || one.Economy != "NL" || one.Total == 0 {
		t.Errorf("OutreachPage(NL) = %+v, %v", one, err)
	}
	if _, err := partner.OutreachPage(ctx, &client.OutreachOptions{Economy: "NLD"}); !client.IsBadRequest(err) {
		t.Errorf("OutreachPage(NLD) error = %v, want 400", err)
	}
	ripe, _ := newClient(t, srv, "ripe")
	if _, err := ripe.OutreachPage(ctx, nil); !client.IsForbidden(err) {
		t.Errorf("participant OutreachPage() error = %v, want 403", err)
	}
	anon, _ := newClient(t, srv, "")
	if _, err := anon.OutreachPage(ctx, nil); !client.IsUnauthorized(err) {
		t.Errorf("anonymous OutreachPage() error = %v, want 401", err)
	}
	g, err := anon.Growth(ctx)
	if err != nil || g.Source != "registry" || len(g.Shares) != 2 {
		t.Errorf("Growth() = %+v, %v", g, err)
	}
}
