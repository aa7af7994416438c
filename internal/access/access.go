// Package access decides who a request acts for and what it may see, by
// the roles of issue 4 (as the MANRS Observatory has them): anonymous
// callers see aggregates and public scores; a participant key sees the
// details and evidence of its own participant's ASNs only; a partner key
// sees all details, read-only; a secretariat key sees all and manages.
//
// The feedback trail of an incident (the participant's claim that it is
// a false positive and the secretariat's verdict) is part of the
// incident's evidence: whoever may see an ASN's details sees its trail
// (SeesTrail), in the incident lists and in the feedback list alike.
// Only the secretariat reviews.
//
// The API (internal/httpapi) and the dashboard (internal/web) both decide
// through this package, so that the two can never disagree on who sees a
// network's evidence.
package access

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/observatory-net/observatory/internal/apikey"
	"github.com/observatory-net/observatory/internal/store"
)

// ErrBadKey is every unusable token: malformed, unknown, wrong secret,
// expired or revoked, or a participant key whose participant is gone. Callers answer them all alike, so that nobody can
// tell an unknown key from a wrong secret.
var ErrBadKey = errors.New("the API key is unknown, expired or revoked")

// Principal is who a request acts for: no key (anonymous) or a verified
// key, with its participant's ASNs for a participant key.
type Principal struct {
	Key  *store.APIKey // nil: anonymous
	ASNs []uint32      // a participant key's ASNs, sorted
	// Application is an applicant key's application (applicant.go).
	Application int64
}

// Anonymous is the principal of every request without a key.
var Anonymous = Principal{}

// Role is the key's role, "" for anonymous.
func (p *Principal) Role() store.Role {
	if p.Key == nil {
		return ""
	}
	return p.Key.Role
}

// Owns reports whether a participant key covers asn.
func (p *Principal) Owns(asn uint32) bool {
	_, ok := slices.BinarySearch(p.ASNs, asn)
	return ok && p.Role() == store.RoleParticipant
}

// SeesAll reports whether the key may read every ASN's details.
func (p *Principal) SeesAll() bool {
	return p.Role() == store.RolePartner || p.Role() == store.RoleSecretariat
}

// SeesDetails reports whether the principal may read asn's metrics,
// routes, incidents and evidence.
func (p *Principal) SeesDetails(asn uint32) bool { return p.SeesAll() || p.Owns(asn) }

// SeesTrail reports whether the principal may read the feedback trail of
// asn's incidents: the trail is part of the evidence, so it is exactly
// SeesDetails. Every list of feedback, alone or inside incidents, in the
// API or on the dashboard, is filtered through it.
func (p *Principal) SeesTrail(asn uint32) bool { return p.SeesDetails(asn) }

// TrailScope says which feedback the principal may list, for a store
// query: all of it (partner, secretariat), or that of the ASNs returned
// (a participant: its own, none when it has none). Anonymous callers may
// list none.
func (p *Principal) TrailScope() (asns []uint32, all bool) {
	if p.SeesAll() {
		return nil, true
	}
	if p.Role() == store.RoleParticipant {
		return p.ASNs, false
	}
	return nil, false
}

// Verify checks a token at now: its form (apikey.Parse), the stored key,
// the secret (apikey.Verify), that it is usable and of a known role; and,
// for a participant key, that the participant it was made for is still
// registered under the same UID (a deleted participant's key is refused,
// even if a new participant has its ID), whose ASNs it then sees.
// Unusable tokens are ErrBadKey; other errors are the store's.
func Verify(ctx context.Context, svc store.Service, token string, now time.Time) (Principal, error) {
	if svc == nil {
		return Principal{}, ErrBadKey
	}
	id, err := apikey.Parse(token)
	if err != nil {
		return Principal{}, ErrBadKey
	}
	k, err := svc.Key(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return applicant(ctx, svc, id, token)
	}
	if err != nil {
		return Principal{}, fmt.Errorf("look up key: %w", err)
	}
	if !apikey.Verify(k, token) {
		return Principal{}, ErrBadKey
	}
	return principalOf(ctx, svc, k, now)
}

// ForKey is the principal of the stored key id at now, for a caller that
// authenticated the holder another way (a dashboard session, whose cookie
// is not the key): the key must exist, be usable and of a known role
// (ErrBadKey otherwise); a participant key's ASNs are read as by Verify.
func ForKey(ctx context.Context, svc store.Service, id string, now time.Time) (Principal, error) {
	if svc == nil {
		return Principal{}, ErrBadKey
	}
	k, err := svc.Key(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return applicant(ctx, svc, id, "")
	}
	if err != nil {
		return Principal{}, fmt.Errorf("look up key: %w", err)
	}
	return principalOf(ctx, svc, k, now)
}

// principalOf is the principal of an authenticated key k at now: Verify
// and ForKey share it, so that a session sees what its key sees.
func principalOf(ctx context.Context, svc store.Service, k *store.APIKey, now time.Time) (Principal, error) {
	if !k.Usable(now) || !k.Role.Valid() {
		return Principal{}, ErrBadKey
	}
	p := Principal{Key: k}
	if k.Role == store.RoleParticipant {
		reg, err := svc.RegisteredParticipant(ctx, k.ParticipantID)
		if errors.Is(err, store.ErrNotFound) {
			return Principal{}, ErrBadKey
		}
		if err != nil {
			return Principal{}, fmt.Errorf("look up participant %d: %w", k.ParticipantID, err)
		}
		if k.ParticipantUID == "" || reg.UID != k.ParticipantUID {
			return Principal{}, ErrBadKey // made for a participant that is gone
		}
		p.ASNs = slices.Clone(reg.ASNs)
		slices.Sort(p.ASNs)
	}
	return p, nil
}
