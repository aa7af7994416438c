package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/store/sqlite"
)

// TestServe starts serve on an SQLite file with one small month, reads
// the summary and the contract over loopback, and stops it as a signal
// would.
func TestServe(t *testing.T) {
	db := filepath.Join(t.TempDir(), "obs.db")
	ctx := context.Background()
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	month := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	m := &store.Month{Meta: store.MonthMeta{Month: month, Spec: "netops@2024.1", IngestedAt: month.AddDate(0, 1, 0)},
		ASNs:       []store.ASN{{ASN: 3333, Country: "NL", Region: "Europe", Scores: []store.Score{{ID: "filtering", Value: 1, HasData: true, Level: "ready"}}}},
		Aggregates: []store.Aggregate{{Scope: "world", Key: "world", Score: "filtering", Value: 1, Ready: 1}}}
	if err := st.WriteMonth(ctx, m); err != nil {
		t.Fatal(err)
	}
	st.Close()

	sctx, cancel := context.WithCancel(ctx)
	ready, done := make(chan string, 1), make(chan error, 1)
	var logs strings.Builder // slog handlers serialise their writes
	go func() {
		done <- serve(sctx, serveOptions{db: db, listen: "127.0.0.1:0", accessLog: true, shutdownGracePeriod: 5 * time.Second}, &logs, ready)
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("serve: %v", err)
	}
	for _, c := range []struct {
		path, want string
		status     int
	}{
		{"/healthz", `"status":"ok"`, 200},
		{"/api/v2/scores/summary", `"id":"filtering","value":1`, 200},
		{"/api/v2/openapi.json", `"openapi":"3.1.0"`, 200},
		{"/api/v2/ases/ASX", `"status":400`, 400},
		{"/", `<span data-score="filtering" data-value="1">1.000</span>`, 200},
		{"/asn/AS3333", `data-asn="3333"`, 200},
		{"/static/app.css", `--ready`, 200},
	} {
		resp, err := http.Get("http://" + addr + c.path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status || !strings.Contains(string(b), c.want) {
			t.Errorf("GET %s: %d %.200s, want %d with %s", c.path, resp.StatusCode, b, c.status, c.want)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	if !strings.Contains(logs.String(), "route=\"GET /api/v2/scores/summary\"") {
		t.Errorf("no access log line for the summary:\n%s", logs.String())
	}
}
