package storetest

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/observatory-net/observatory/internal/store"
)

// versionSizes is the number of ASN records of each version the
// concurrency test writes: distinct, so that a mix shows in the counts.
var versionSizes = map[string]int{"v1": 20, "v2": 30}

// testConcurrentReaders rewrites a month over and over while readers check
// that every call sees one whole version, never a mix of two.
func testConcurrentReaders(t *testing.T, s store.Store) {
	versions := []*store.Month{
		versionMonth(march, specA, 1, versionSizes["v1"]),
		versionMonth(march, specA, 2, versionSizes["v2"]),
	}
	write(t, s, versions[0])
	var done atomic.Bool
	var reads atomic.Int64
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			for !done.Load() {
				if err := checkVersion(t, s); err != nil {
					t.Error(err)
					return
				}
				reads.Add(1)
			}
		})
	}
	const writes = 20
	for i := range writes {
		if err := s.WriteMonth(t.Context(), versions[(i+1)%2]); err != nil {
			t.Errorf("WriteMonth(version %d) = %v", (i+1)%2+1, err)
			break
		}
	}
	done.Store(true)
	wg.Wait()
	t.Logf("%d writes, %d consistent read rounds", writes, reads.Load())
}

// checkVersion reads the month once through every method and checks that
// each call returned one whole version.
func checkVersion(t *testing.T, s store.Store) error {
	ctx := t.Context()
	asns, err := s.ASNs(ctx, march, specA, store.Filter{})
	if err != nil {
		return fmt.Errorf("ASNs() = %v", err)
	}
	var tags []string
	for _, a := range asns {
		if len(a.Metrics) != 2 || len(a.Scores) != 1 {
			return fmt.Errorf("ASNs: AS%d has %d metrics and %d scores, want 2 and 1", a.ASN, len(a.Metrics), len(a.Scores))
		}
		tags = append(tags, a.Holder, fmt.Sprintf("v%g", a.Metrics[0].Raw), fmt.Sprintf("v%g", a.Metrics[1].Raw), a.Scores[0].Level)
	}
	if err := sameVersion("ASNs", len(asns), tags); err != nil {
		return err
	}
	incidents, err := s.Incidents(ctx, march, specA, 0)
	if err != nil {
		return fmt.Errorf("Incidents() = %v", err)
	}
	tags = tags[:0]
	for _, in := range incidents {
		tags = append(tags, in.Metric)
	}
	if err := sameVersion("Incidents", len(incidents), tags); err != nil {
		return err
	}
	routes, err := s.Routes(ctx, march, specA, 1)
	if err != nil {
		return fmt.Errorf("Routes() = %v", err)
	}
	tags = tags[:0]
	for _, r := range routes {
		tags = append(tags, r.RPKI)
	}
	return sameVersion("Routes", len(routes), tags)
}

// sameVersion checks that every tag names the same version and that there
// are n records, as many as that version has.
func sameVersion(what string, n int, tags []string) error {
	for _, tag := range tags {
		if tag != tags[0] {
			return fmt.Errorf("%s: records of %s and %s in one read", what, tags[0], tag)
		}
	}
	if len(tags) == 0 {
		return fmt.Errorf("%s: no records", what)
	}
	if want := versionSizes[tags[0]]; n != want {
		return fmt.Errorf("%s: %d records of version %q, want %d", what, n, tags[0], want)
	}
	return nil
}
