package httpapi

import "context"

// registered returns the participants registry's ASNs and its version
// (view.View.Registry): an ASN listed there is a participant whatever its
// month says.
func (s *Server) registered(ctx context.Context) (map[uint32]bool, string, error) {
	if s.svc == nil {
		return nil, "", nil
	}
	r, err := s.view.Registry(ctx)
	if err != nil {
		return nil, "", err
	}
	return r.ASNs, r.Version, nil
}

// registryChanged drops what depends on the registry: cached responses
// and the participant ASNs of cached keys.
func (s *Server) registryChanged() {
	s.view.ForgetRegistry()
	s.keys.Clear()
}
