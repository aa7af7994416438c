package live

import (
	"context"
	"time"

	"github.com/observatory-net/observatory/internal/alert"
	"github.com/observatory-net/observatory/internal/rpki"
	"github.com/observatory-net/observatory/internal/rtr"
)

// RTRVRPs follows an RTR cache (RFC 8210) with an rtr.Client: each End of
// Data the client commits is one VRPUpdate carrying the cache's change
// (Added, Removed), so that the engine re-validates its routes without
// comparing whole sets. The first update is the engine's baseline when it
// started without VRPs; data the client lets expire (RFC 8210 §6) arrive
// as an empty set, under which no route is invalid.
type RTRVRPs struct {
	// Client is the RTR client; Run sets its OnUpdate.
	Client *rtr.Client
	// Now is the clock of the updates; nil: time.Now.
	Now func() time.Time
}

// Run follows the cache until ctx ends, then returns nil; the client
// reconnects on its own when the cache goes away.
func (r *RTRVRPs) Run(ctx context.Context, out chan<- alert.Observation) error {
	now := r.Now
	if now == nil {
		now = time.Now
	}
	r.Client.OnUpdate = func(u rtr.Update) {
		added, removed := u.Added, u.Removed
		if added == nil && removed == nil {
			added = []rpki.VRP{} // no change: not "compute it"
		}
		select {
		case out <- alert.VRPUpdate{Time: now(), Snapshot: u.Snapshot, Added: added, Removed: removed}:
		case <-ctx.Done():
		}
	}
	if err := r.Client.Run(ctx); err != nil && ctx.Err() == nil {
		return err
	}
	return nil
}
