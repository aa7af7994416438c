package runner

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/vocab"
)

// fakeClock jumps to the end of every wait at once.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

// mrtDir is a data directory with one (empty) MRT file.
func mrtDir(t *testing.T) string {
	dir := t.TempDir()
	hdr := []byte{
		0x5e, 0x00, 0x00, 0x00, // timestamp 2020-01-22 (RFC 6396 §2)
		0x00, 0x0d, // type 13, TABLE_DUMP_V2
		0x00, 0x01, // subtype PEER_INDEX_TABLE
		0x00, 0x00, 0x00, 0x00, // length 0
	}
	if err := os.WriteFile(filepath.Join(dir, "rib.mrt"), hdr, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestRunner_Pass_NoRoutesKeepsTheMonth(t *testing.T) {
	called := false
	r := New(Config{Data: t.TempDir(), Ingest: func(context.Context, Work) error { called = true; return nil }})
	err := r.Pass(context.Background(), time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC))
	if !errors.Is(err, ErrNoRoutes) || called {
		t.Errorf("Pass without MRT files: %v, ingest called %t; want ErrNoRoutes and no ingest", err, called)
	}
}

func TestRunner_Run_Schedule(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 10, 30, 10, 0, 0, 0, time.UTC)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var got []string
	ingest := func(_ context.Context, w Work) error {
		got = append(got, clock.Now().Format("01-02 15:04")+" "+w.Month.Format(vocab.MonthLayout))
		if len(got) == 5 {
			cancel()
		}
		return nil
	}
	r := New(Config{Data: mrtDir(t), Ingest: ingest, Clock: clock})
	if err := r.Run(ctx); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"10-30 10:00 2026-10", // at start: the current month
		"10-31 02:00 2026-10", // every day at 02:00
		"11-01 02:00 2026-10", // on the 1st: the previous month, finalised
		"11-01 02:00 2026-11", // then the new current month
		"11-02 02:00 2026-11",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("passes mismatch (-want +got):\n%s", diff)
	}
}

func TestRunner_Run_FailedPassIsNotFatal(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 10, 30, 10, 0, 0, 0, time.UTC)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	ingest := func(context.Context, Work) error {
		if n++; n == 2 {
			cancel()
		}
		return context.DeadlineExceeded // any error
	}
	if err := New(Config{Data: mrtDir(t), Ingest: ingest, Clock: clock}).Run(ctx); err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("%d passes, want 2: a failed pass must not stop the schedule", n)
	}
}

func TestRunner_Run_FinalisesMissedMonth(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 11, 5, 10, 0, 0, 0, time.UTC)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var got []string
	ingest := func(_ context.Context, w Work) error {
		got = append(got, w.Month.Format(vocab.MonthLayout))
		if len(got) == 2 {
			cancel()
		}
		return nil
	}
	final := func(_ context.Context, m time.Time) (bool, error) {
		return !m.Equal(time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)), nil
	}
	if err := New(Config{Data: mrtDir(t), Ingest: ingest, Clock: clock, Final: final}).Run(ctx); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"2026-10", "2026-11"}, got); diff != "" {
		t.Errorf("passes mismatch (-want +got):\n%s", diff)
	}
}
