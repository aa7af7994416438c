package view

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/observatory-net/observatory/internal/store"
)

// Registry is the participants registry as the visibility rules see it:
// an ASN listed there is a participant whatever its month says, so that a
// network that joins is covered at once, not from the next ingest.
type Registry struct {
	List []store.Registered
	ASNs map[uint32]bool
	// Version changes with any change of the registry: part of cache keys.
	Version string
}

// registry is the cached Registry. Like the list of months it is re-read
// when older than MonthsTTL, in the background, so that `observatory
// participants import` in another process shows too while no request
// waits for the store; a change made through the view (ForgetRegistry) is
// read before the next answer.
type registry struct {
	mu         sync.Mutex
	r          *Registry
	readAt     time.Time
	refreshing bool
	forgotten  uint64 // bumped by ForgetRegistry: older reads are stale
}

// Registry returns the participants registry; empty without a Service.
func (v *View) Registry(ctx context.Context) (*Registry, error) {
	if v.opt.Service == nil {
		return &Registry{}, nil
	}
	c := &v.reg
	c.mu.Lock()
	r := c.r
	if r != nil && v.opt.MonthsTTL > 0 {
		if time.Since(c.readAt) >= v.opt.MonthsTTL && !c.refreshing {
			c.refreshing = true
			gen := c.forgotten
			v.wg.Go(func() { v.refreshRegistry(gen) })
		}
		c.mu.Unlock()
		return r, nil
	}
	gen := c.forgotten
	c.mu.Unlock()
	r, err := v.readRegistry(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if gen == c.forgotten {
		c.r, c.readAt = r, time.Now()
	}
	c.mu.Unlock()
	return r, nil
}

// refreshRegistry re-reads the registry in the background; on failure the
// old one stays, and is tried again after MonthsTTL.
func (v *View) refreshRegistry(gen uint64) {
	ctx, cancel := context.WithTimeout(context.Background(), refreshTimeout)
	defer cancel()
	r, err := v.readRegistry(ctx)
	c := &v.reg
	c.mu.Lock()
	defer c.mu.Unlock()
	c.refreshing, c.readAt = false, time.Now()
	if err != nil {
		v.opt.Logger.Warn("re-read the participants registry", "err", err)
		return
	}
	if gen == c.forgotten { // a change made meanwhile wins
		c.r = r
	}
}

func (v *View) readRegistry(ctx context.Context) (*Registry, error) {
	list, err := v.opt.Service.RegisteredParticipants(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the participants registry: %w", err)
	}
	return &Registry{List: list, ASNs: store.RegisteredASNs(list), Version: RegistryVersion(list)}, nil
}

// RegistryVersion names one state of the registry list: it changes when
// a participant is added, changed or removed.
func RegistryVersion(list []store.Registered) string {
	h := sha256.New()
	for _, p := range list {
		h.Write(binary.BigEndian.AppendUint64(nil, uint64(p.ID)))
		h.Write(binary.BigEndian.AppendUint64(nil, uint64(p.UpdatedAt.UnixNano())))
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// ForgetRegistry makes the next call re-read the registry, and moves the
// generation on: what depends on the registry is stale.
func (v *View) ForgetRegistry() {
	v.reg.mu.Lock()
	v.reg.r = nil
	v.reg.forgotten++
	v.reg.mu.Unlock()
	v.Changed()
}
