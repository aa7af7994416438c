package client_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/observatory-net/observatory/client"
	"github.com/observatory-net/observatory/internal/testenv"
)

// TestPostgres starts serve on PostgreSQL and on a fresh SQLite file with
// the same month, keys and participants, and checks the SDK reads the same
// from both.
func TestPostgres(t *testing.T) {
	dsn := testenv.Postgres(t)
	ctx := context.Background()
	pg, err := startServer(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pg.stop)
	lite, err := startServer(ctx, filepath.Join(t.TempDir(), "obs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(lite.stop)
	want, got := readAll(t, lite), readAll(t, pg)
	// UIDs are random, made afresh by each store.
	noUID := cmpopts.IgnoreFields(client.ParticipantRow{}, "UID")
	if diff := cmp.Diff(want, got, noUID); diff != "" {
		t.Errorf("PostgreSQL mismatch with SQLite (-sqlite +postgres):\n%s", diff)
	}
	// Refusals are the same too.
	ripe, _ := newClient(t, pg, "ripe")
	if _, err := ripe.ScoresDetails(ctx, 15169, nil); !client.IsForbidden(err) {
		t.Errorf("ScoresDetails(another's ASN) on PostgreSQL: %v, want 403", err)
	}
}

// readAll reads every month endpoint of s as a partner and anonymously.
func readAll(t *testing.T, s *server) map[string]any {
	ctx := context.Background()
	partner, _ := newClient(t, s, "partner")
	anon, _ := newClient(t, s, "")
	out := map[string]any{}
	get := func(name string, v any, err error) {
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = v
	}
	for _, m := range []client.MonthOptions{{}, {Month: september}} {
		k := m.Month.Format("2006-01") + " "
		v1, err := anon.ScoresSummary(ctx, &client.SummaryOptions{MonthOptions: m})
		get(k+"summary", v1, err)
		v2, err := anon.ScoresSummary(ctx, &client.SummaryOptions{MonthOptions: m, Region: "Europe"})
		get(k+"summary Europe", v2, err)
		get(k+"ases", collect(t, anon.ASes(ctx, &client.ASesOptions{MonthOptions: m, PageOptions: client.PageOptions{PageSize: 50}})), nil)
		get(k+"ases partner", collect(t, partner.ASes(ctx, &client.ASesOptions{MonthOptions: m, Region: "Americas"})), nil)
		get(k+"asns", collect(t, anon.ASNs(ctx, &client.ASNsOptions{MonthOptions: m})), nil)
		get(k+"incidents", collect(t, partner.Incidents(ctx, &client.IncidentsOptions{MonthOptions: m, PageOptions: client.PageOptions{PageSize: 3}})), nil)
		get(k+"participants", collect(t, anon.Participants(ctx, &client.ParticipantsOptions{MonthOptions: m})), nil)
		for _, asn := range []client.ASN{3333, 15169, 64500, 64501, 65001} {
			d, err := partner.ScoresDetails(ctx, asn, &m)
			get(k+"details "+asn.String(), d, err)
			a, err := anon.AS(ctx, asn, &m)
			get(k+"as "+asn.String(), a, err)
		}
		r, err := anon.ROAsByASN(ctx, 3333, &m)
		get(k+"roas AS3333", r, err)
		e, err := anon.ROAsByEconomy(ctx, "NL", &m)
		get(k+"roas NL", e, err)
	}
	return out
}
