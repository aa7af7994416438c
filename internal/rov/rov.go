package rov

import (
	"net/netip"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/rpki"
)

// State is the origin validation state of a route.
type State uint8

// The validation states. The zero State is NotFound.
const (
	// NotFound: no VRP covers the route (RFC 6811 §2 "NotFound").
	NotFound State = iota
	// Valid: a covering VRP names the route's origin and allows its length.
	Valid
	// InvalidASN: VRPs cover the route but none names its origin.
	InvalidASN
	// InvalidLength: a covering VRP names the origin, but every such VRP
	// has a maxLength shorter than the route.
	InvalidLength
)

var stateNames = [...]string{
	NotFound:      "not-found",
	Valid:         "valid",
	InvalidASN:    "invalid-asn",
	InvalidLength: "invalid-length",
}

// String returns "valid", "invalid-asn", "invalid-length" or "not-found".
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "unknown"
}

// Invalid reports whether s is InvalidASN or InvalidLength, RFC 6811's
// single Invalid state.
func (s State) Invalid() bool { return s == InvalidASN || s == InvalidLength }

// NoOrigin stands for the origin of a route whose AS_PATH ends in an
// AS_SET (RFC 6811 §2: "NONE"). It is AS0, which RFC 7607 forbids as an
// origin and which therefore never matches a VRP.
const NoOrigin bgp.ASN = 0

// Validate returns the RFC 6811 validation state of the route p originated
// by origin. A route is Valid when a covering VRP (prefix containing p and
// not longer) names origin with a maxLength at least p's length; otherwise
// it is InvalidLength when a covering VRP names origin, InvalidASN when
// VRPs cover it but none names origin, and NotFound when none covers it.
// AS0 VRPs (RFC 6483 §4) never match. p need not be masked; a nil
// snapshot covers nothing. Validate does not allocate.
func Validate(s *rpki.Snapshot, p netip.Prefix, origin bgp.ASN) State {
	maxLen, covered := s.MaxLength(p, origin)
	switch {
	case !covered:
		return NotFound
	case maxLen >= p.Bits():
		return Valid
	case maxLen >= 0:
		return InvalidLength
	}
	return InvalidASN
}
