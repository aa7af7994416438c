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
// It is re-read when older than MonthsTTL, like the list of months, so
// that `observatory participants import` in another process shows too.
type registryASNs struct {
	mu      sync.Mutex
	asns    map[uint32]bool
	version string // changes with any registry change; part of cache keys
	readAt  time.Time
}

// registered returns the registry's ASNs and its version.
func (s *Server) registered(ctx context.Context) (map[uint32]bool, string, error) {
	if s.svc == nil {
		return nil, "", nil
	}
	r := &s.registry
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.asns != nil && time.Since(r.readAt) < s.opt.MonthsTTL {
		return r.asns, r.version, nil
	}
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
	r.asns, r.version, r.readAt = asns, hex.EncodeToString(h.Sum(nil)[:8]), time.Now()
	return asns, r.version, nil
}

// forgetRegistry makes the next request re-read the registry.
func (s *Server) forgetRegistry() {
	s.registry.mu.Lock()
	s.registry.asns = nil
	s.registry.mu.Unlock()
}
