package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/application"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/store/sqlite"
)

// TestSpecDiff_ParticipationCriteria: netops@2025.1 differs from
// netops@2024.1 by its RPKI minimum for applications.
func TestSpecDiff_ParticipationCriteria(t *testing.T) {
	code, out := runCLI(t, "spec", "diff", "netops@2024.1", "netops@2025.1")
	if code != 0 || !strings.Contains(out, "participation.minRPKI\n  - 0.5\n  + 0.9") {
		t.Errorf("spec diff: exit %d:\n%s", code, out)
	}
}

// TestApplications_CLI checks an application again under both versions'
// criteria and rejects it from the command line.
func TestApplications_CLI(t *testing.T) {
	db := filepath.Join(t.TempDir(), "obs.db")
	ctx := context.Background()
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	month := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	metric := func(id string, v float64) store.Metric { return store.Metric{ID: id, Raw: v, Score: v, HasData: true} }
	m := &store.Month{Meta: store.MonthMeta{Month: month, Spec: "netops@2024.1", IngestedAt: month.AddDate(0, 1, 0)},
		ASNs: []store.ASN{{ASN: 3333, Country: "NL", Peers: 10, Announced: 3,
			Metrics: []store.Metric{metric("M8", 1), metric("M7IRR", 1), metric("M7RPKI", 0.8)}}}}
	if err := st.WriteMonth(ctx, m); err != nil {
		t.Fatal(err)
	}
	a, _, err := (&application.Workflow{Svc: st}).Submit(ctx, application.Input{Organisation: "RIPE NCC", Programme: "netops",
		ASNs: []uint32{3333}, Email: "noc@ripe.net"}, "anonymous")
	st.Close()
	if err != nil || a.State != store.AppAwaitingReview {
		t.Fatalf("Submit() = %+v, %v", a, err)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"applications", "list", "--db", db}, 0, "awaiting-review  netops     RIPE NCC"},
		{[]string{"applications", "check", "1", "--db", db, "--criteria", "netops@2025.1"}, 0, "checks-failed"},
		{[]string{"applications", "show", "1", "--db", db}, 0, "M7RPKI 0.800 in 2026-10 (minimum 0.9)"},
		{[]string{"applications", "review", "1", "--db", db, "--approve", "--comment", "ok"}, 2, ""},
		{[]string{"applications", "review", "1", "--db", db, "--comment", "x"}, 2, ""},
		{[]string{"applications", "review", "1", "--db", db, "--reject"}, 2, ""},
		{[]string{"applications", "check", "7", "--db", db}, 2, ""},
		{[]string{"applications", "review", "1", "--db", db, "--reject", "--comment", "RPKI below 2025.1's minimum"}, 0, "rejected"},
	} { // refusals (exit 2) are said on stderr
		code, out := runCLI(t, c.args...)
		if code != c.code || !strings.Contains(out, c.want) {
			t.Errorf("%v: exit %d, want %d with %q:\n%s", c.args, code, c.code, c.want, out)
		}
	}
}
