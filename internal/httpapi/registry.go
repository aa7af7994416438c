package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"sync"
	"time"
)

// registryASNs is the participants registry as the visibility rules see
// it: an ASN listed there is a participant whatever its month says, so
// that a network that joins is covered at once, not from the next ingest.
// Like the list of months it is re-read when older than MonthsTTL, in the
// background, so that `observatory participants import` in another process
// shows too while no request waits for the store; a change made through
// this server (forgetRegistry) is read before the next answer.
type registryASNs struct {
	mu         sync.Mutex
	asns       map[uint32]bool
	version    string // changes with any registry change; part of cache keys
	readAt     time.Time
	refreshing bool
	forgotten  uint64         // bumped by forgetRegistry: older reads are stale
	wg         sync.WaitGroup // the refresh in flight, for Close
}

// registered returns the registry's ASNs and its version.
func (s *Server) registered(ctx context.Context) (map[uint32]bool, string, error) {
	if s.svc == nil {
		return nil, "", nil
	}
	r := &s.registry
	r.mu.Lock()
	asns, version := r.asns, r.version
	if asns != nil && s.opt.MonthsTTL > 0 {
		if time.Since(r.readAt) >= s.opt.MonthsTTL && !r.refreshing {
			r.refreshing = true
			gen := r.forgotten
			r.wg.Go(func() { s.refreshRegistry(gen) })
		}
		r.mu.Unlock()
		return asns, version, nil
	}
	gen := r.forgotten
	r.mu.Unlock()
	asns, version, err := s.readRegistry(ctx)
	if err != nil {
		return nil, "", err
	}
	r.mu.Lock()
	if gen == r.forgotten {
		r.asns, r.version, r.readAt = asns, version, time.Now()
	}
	r.mu.Unlock()
	return asns, version, nil
}

// refreshRegistry re-reads the registry in the background; on failure the
// old view stays, and is tried again after MonthsTTL.
func (s *Server) refreshRegistry(gen uint64) {
	ctx, cancel := context.WithTimeout(context.Background(), monthsRefreshTimeout)
	defer cancel()
	asns, version, err := s.readRegistry(ctx)
	r := &s.registry
	r.mu.Lock()
	defer r.mu.Unlock()
	r.refreshing, r.readAt = false, time.Now()
	if err != nil {
		s.log.Warn("re-read the participants registry", "err", err)
		return
	}
	if gen == r.forgotten { // a change made meanwhile wins
		r.asns, r.version = asns, version
	}
}

func (s *Server) readRegistry(ctx context.Context) (map[uint32]bool, string, error) {
	reg, err := s.svc.RegisteredParticipants(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("read the participants registry: %w", err)
	}
	asns := map[uint32]bool{}
	h := sha256.New()
	for _, p := range reg {
		h.Write(binary.BigEndian.AppendUint64(nil, uint64(p.ID)))
		h.Write(binary.BigEndian.AppendUint64(nil, uint64(p.UpdatedAt.UnixNano())))
		for _, a := range p.ASNs {
			asns[a] = true
		}
	}
	return asns, hex.EncodeToString(h.Sum(nil)[:8]), nil
}

// forgetRegistry makes the next request re-read the registry.
func (s *Server) forgetRegistry() {
	s.registry.mu.Lock()
	s.registry.asns = nil
	s.registry.forgotten++
	s.registry.mu.Unlock()
}
