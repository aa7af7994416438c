package live

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/observatory-net/observatory/internal/alert"
	"github.com/observatory-net/observatory/internal/rpki"
)

// VRPSource keeps the engine's VRP set current. Run sends an
// alert.VRPUpdate on out for every new set until ctx ends, then returns
// nil; a set that cannot be read is logged and the previous one kept.
// FileVRPs is one; an RTR client (RFC 8210) delivering its snapshots and
// serial deltas (VRPUpdate.Added and Removed) is the other.
type VRPSource interface {
	Run(ctx context.Context, out chan<- alert.Observation) error
}

// FileVRPs reloads a VRP file when it changes (its size or modification
// time, checked every Interval) or when Reload receives (SIGHUP). A
// change is loaded once the file has stood still for one check, so that
// a file rewritten in place is not read half-written (renaming a complete
// file into place, as rpki-client does, is safer still).
type FileVRPs struct {
	Path string
	// Load reads the file (rpki.Loader, with the command's options).
	Load func(ctx context.Context, path string) (*rpki.Snapshot, error)
	// Interval between checks of the file; default 1 s.
	Interval time.Duration
	// Reload, when set, forces a reload on each receive.
	Reload <-chan os.Signal
	Logger *slog.Logger
	// Now is the clock of the updates; nil: time.Now.
	Now func() time.Time

	stamp fileStamp // of the file last loaded (or failed to load)
	seen  fileStamp // at the last check
}

// fileStamp is what tells a changed file: size and modification time.
type fileStamp struct {
	size int64
	mod  time.Time
}

func stampOf(path string) (fileStamp, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return fileStamp{}, err
	}
	return fileStamp{fi.Size(), fi.ModTime()}, nil
}

// First loads the file for the engine's first VRP set, noting its stamp
// so that Run reloads it only once it changes.
func (f *FileVRPs) First(ctx context.Context) (*rpki.Snapshot, error) {
	st, err := stampOf(f.Path)
	if err != nil {
		return nil, fmt.Errorf("load VRPs: %w", err)
	}
	s, err := f.Load(ctx, f.Path)
	if err != nil {
		return nil, err
	}
	f.stamp, f.seen = st, st
	return s, nil
}

// Run watches the file until ctx ends.
func (f *FileVRPs) Run(ctx context.Context, out chan<- alert.Observation) error {
	interval := f.Interval
	if interval <= 0 {
		interval = time.Second
	}
	now := f.Now
	if now == nil {
		now = time.Now
	}
	log := f.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		why := ""
		select {
		case <-ctx.Done():
			return nil
		case <-f.Reload:
			why = "signal"
		case <-t.C:
			st, err := stampOf(f.Path)
			if err != nil || st == f.stamp {
				continue // a file being replaced may be missing for a moment
			}
			if st != f.seen {
				// Changed since the last check: perhaps still being
				// written. Load it once it has stood still for a check.
				f.seen = st
				continue
			}
			why = "file changed"
		}
		st, _ := stampOf(f.Path)
		f.seen = st
		s, err := f.Load(ctx, f.Path)
		if err != nil {
			f.stamp = st // not again until it changes again
			log.Error("VRP reload failed, keeping the previous set", "file", f.Path, "reason", why, "error", err.Error())
			continue
		}
		f.stamp = st
		log.Info("VRPs reloaded", "file", f.Path, "reason", why, "vrps", s.Len())
		select {
		case out <- alert.VRPUpdate{Time: now(), Snapshot: s}:
		case <-ctx.Done():
			return nil
		}
	}
}
