package access

import (
	"context"
	"errors"
	"fmt"

	"github.com/observatory-net/observatory/internal/apikey"
	"github.com/observatory-net/observatory/internal/store"
)

// An applicant key (store.RoleApplicant) is minted for one application
// when it is submitted (internal/application) and kept with it, not among
// the API keys: Verify and ForKey look a key ID up among the applications
// when no API key has it. Its principal sees that application and nothing
// more than an anonymous caller otherwise: it owns no ASN and sees no
// details. The key stays usable after the decision, read-only (the use
// case refuses every change of a decided application).

// applicant is the principal of the applicant key id: verified against
// token, or, when token is empty, authenticated by the caller (ForKey).
func applicant(ctx context.Context, svc store.Service, id, token string) (Principal, error) {
	a, err := svc.ApplicationByKey(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, ErrBadKey
	}
	if err != nil {
		return Principal{}, fmt.Errorf("look up the application of key %s: %w", id, err)
	}
	k := &store.APIKey{ID: a.KeyID, Hash: a.KeyHash, Name: fmt.Sprintf("applicant of application %d", a.ID),
		Role: store.RoleApplicant, CreatedAt: a.CreatedAt}
	if token != "" && !apikey.Verify(k, token) {
		return Principal{}, ErrBadKey
	}
	return Principal{Key: k, Application: a.ID}, nil
}

// OwnsApplication reports whether the principal is the applicant key of
// application id.
func (p *Principal) OwnsApplication(id int64) bool {
	return p.Role() == store.RoleApplicant && p.Application == id
}

// SeesApplication reports whether the principal may read application id:
// the secretariat reads all, an applicant its own.
func (p *Principal) SeesApplication(id int64) bool {
	return p.Role() == store.RoleSecretariat || p.OwnsApplication(id)
}
