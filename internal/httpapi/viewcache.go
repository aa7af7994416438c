package httpapi

import (
	"strconv"
	"sync"
	"time"

	"github.com/observatory-net/observatory/internal/store"
)

// viewCache holds what is prepared of months (their ASN records, their
// aggregates), at most max of them, least recently used first out. A
// month's new version (a re-ingest, a review) replaces its old one at
// once. The first request for a month version loads it; the others wait
// for the same load (see slot).
type viewCache[T any] struct {
	mu    sync.Mutex
	max   int
	slots map[string]*viewSlot[T] // by month and spec
	clock uint64
}

// viewSlot is one month's value: being loaded until ready is closed, then
// v or err.
type viewSlot[T any] struct {
	version string
	ready   chan struct{}
	v       T
	err     error
	used    uint64
}

// viewKeys returns the key of m's slot and the version of its data: the
// month's ingest and the server's writes (gen).
func viewKeys(m *store.MonthMeta, gen uint64) (key, version string) {
	return m.Month.UTC().Format(time.RFC3339) + "\x00" + m.Spec,
		strconv.FormatInt(m.IngestedAt.UnixNano(), 10) + "/" + strconv.FormatUint(gen, 10)
}

// slot returns the slot of key at version, and whether the caller must
// load it (it is new). A slot of another version is replaced.
func (vc *viewCache[T]) slot(key, version string) (*viewSlot[T], bool) {
	vc.mu.Lock()
	defer vc.mu.Unlock()
	vc.clock++
	if sl := vc.slots[key]; sl != nil && sl.version == version {
		sl.used = vc.clock
		return sl, false
	}
	if vc.slots == nil {
		vc.slots = map[string]*viewSlot[T]{}
	}
	delete(vc.slots, key)
	for len(vc.slots) >= max(1, vc.max) {
		vc.evict()
	}
	sl := &viewSlot[T]{version: version, ready: make(chan struct{}), used: vc.clock}
	vc.slots[key] = sl
	return sl, true
}

// evict drops the least recently used slot. vc.mu must be held.
func (vc *viewCache[T]) evict() {
	var oldest string
	for k, sl := range vc.slots {
		if oldest == "" || sl.used < vc.slots[oldest].used {
			oldest = k
		}
	}
	delete(vc.slots, oldest)
}

// peek returns the value of key at version when it is loaded.
func (vc *viewCache[T]) peek(key, version string) (T, bool) {
	vc.mu.Lock()
	sl := vc.slots[key]
	vc.mu.Unlock()
	var zero T
	if sl == nil || sl.version != version {
		return zero, false
	}
	select {
	case <-sl.ready:
		return sl.v, sl.err == nil
	default:
		return zero, false
	}
}

// fill ends the load of sl with v or err, and forgets sl when it failed
// and is still key's slot.
func (vc *viewCache[T]) fill(key string, sl *viewSlot[T], v T, err error) {
	sl.v, sl.err = v, err
	if err != nil {
		vc.mu.Lock()
		if vc.slots[key] == sl {
			delete(vc.slots, key)
		}
		vc.mu.Unlock()
	}
	close(sl.ready)
}

func (vc *viewCache[T]) len() int {
	vc.mu.Lock()
	defer vc.mu.Unlock()
	return len(vc.slots)
}
