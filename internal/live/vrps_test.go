package live

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/alert"
	"github.com/observatory-net/observatory/internal/rpki"
)

func loadVRPs(ctx context.Context, path string) (*rpki.Snapshot, error) {
	d, err := rpki.Loader{}.Load(ctx, path)
	if err != nil {
		return nil, err
	}
	return d.Snapshot()
}

// nextUpdate returns the next VRP update within 2 s.
func nextUpdate(t *testing.T, out <-chan alert.Observation) alert.VRPUpdate {
	t.Helper()
	select {
	case o := <-out:
		return o.(alert.VRPUpdate)
	case <-time.After(2 * time.Second):
		t.Fatal("no VRP update within 2 s")
	}
	panic("unreachable")
}

// TestFileVRPs: the file is reloaded when it changes and on a signal; a
// file that does not load keeps the previous set and is not retried
// until it changes again.
func TestFileVRPs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vrps.csv")
	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	const header = "ASN,IP Prefix,Max Length\n"
	write(header + "AS3333,193.0.0.0/21,21\n")
	var logs syncLog
	reload := make(chan os.Signal, 1)
	at := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	f := &FileVRPs{Path: path, Load: loadVRPs, Interval: 5 * time.Millisecond, Reload: reload, Logger: logs.logger(),
		Now: func() time.Time { return at }}
	first, err := f.First(t.Context())
	if err != nil || first.Len() != 1 {
		t.Fatalf("first set: %v, %v", first, err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	out := make(chan alert.Observation, 4)
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx, out) }()

	time.Sleep(30 * time.Millisecond) // several checks of an unchanged file
	if len(out) != 0 {
		t.Fatalf("%d updates of an unchanged file", len(out))
	}
	write(header + "AS3333,193.0.0.0/21,21\nAS64511,193.0.0.0/24,24\n")
	if u := nextUpdate(t, out); u.Snapshot.Len() != 2 || !u.Time.Equal(at) {
		t.Errorf("update after a change: %d VRPs at %v", u.Snapshot.Len(), u.Time)
	}
	write("not a VRP file at all, and longer than the previous one\n")
	time.Sleep(30 * time.Millisecond)
	if len(out) != 0 {
		t.Fatalf("an update from a file that does not load")
	}
	if !strings.Contains(logs.String(), `msg="VRP reload failed, keeping the previous set"`) || strings.Count(logs.String(), "VRP reload failed") != 1 {
		t.Errorf("logs:\n%s", logs.String())
	}
	write(header + "AS3333,193.0.0.0/21,21\n")
	if u := nextUpdate(t, out); u.Snapshot.Len() != 1 {
		t.Errorf("update after the fix: %d VRPs", u.Snapshot.Len())
	}
	reload <- os.Interrupt // any signal
	if u := nextUpdate(t, out); u.Snapshot.Len() != 1 {
		t.Errorf("update on a signal: %d VRPs", u.Snapshot.Len())
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
	if n := strings.Count(logs.String(), `msg="VRPs reloaded"`); n != 3 {
		t.Errorf("%d reloads logged, want 3:\n%s", n, logs.String())
	}
}
