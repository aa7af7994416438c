package main

import (
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/spf13/pflag"

	"github.com/observatory-net/observatory/internal/ingest"
	"github.com/observatory-net/observatory/internal/monthjob"
)

// cacheFlags are the partial cache flags of ingest and run
// (docs/incremental.md).
type cacheFlags struct {
	dir   string
	prune int // days; 0: never
}

func (c *cacheFlags) register(f *pflag.FlagSet, dirHelp string, prune int) {
	f.StringVar(&c.dir, "cache", "", dirHelp)
	f.IntVar(&c.prune, "cache-prune", prune, "after a month, remove the partials it did not use that are older than this many days (0: never)")
}

// check refuses bad values and makes the directory, before any input is
// read.
func (c *cacheFlags) check() error {
	if c.prune < 0 {
		return usageError(fmt.Errorf("--cache-prune %d: want a number of days, 0 for never", c.prune))
	}
	if c.dir == "" {
		return nil
	}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return usageError(fmt.Errorf("--cache: %w", err))
	}
	return nil
}

// job sets the job's cache; the stats it returns count its use.
func (c *cacheFlags) job(j *monthjob.Job) *ingest.CacheStats {
	if c.dir == "" {
		return nil
	}
	st := &ingest.CacheStats{}
	j.Cache, j.CacheStats = c.dir, st
	return st
}

// done prunes the cache after a month and says what the cache did: "N of
// M MRT files from the partial cache".
func (c *cacheFlags) done(st *ingest.CacheStats, log *slog.Logger) string {
	if st == nil {
		return ""
	}
	hits, misses := st.Hits.Load(), st.Misses.Load()
	line := fmt.Sprintf("%d of %d MRT files from the partial cache %s (%d stored", hits, hits+misses, c.dir, st.Stored.Load())
	if bad := st.Bad.Load(); bad > 0 {
		line += fmt.Sprintf(", %d damaged entries read again", bad)
	}
	if c.prune > 0 {
		n, err := ingest.PruneCache(c.dir, st, time.Duration(c.prune)*24*time.Hour)
		if err != nil {
			log.Warn("partial cache not pruned", "dir", c.dir, "err", err)
		}
		line += fmt.Sprintf(", %d pruned", n)
	}
	return line + ")"
}
