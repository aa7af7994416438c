package rpki

import (
	"cmp"
	"errors"
	"fmt"
	"net/netip"
	"slices"

	"github.com/observatory-net/observatory/internal/bgp"
)

// VRP is a Validated ROA Payload (RFC 6811 §2): the statement that ASN may
// originate Prefix and its more-specifics up to MaxLen bits.
type VRP struct {
	Prefix netip.Prefix // always masked (no host bits)
	MaxLen uint8        // maximum length, Prefix.Bits() ≤ MaxLen ≤ address bits
	ASN    bgp.ASN      // authorised origin; AS0 authorises nothing (RFC 6483 §4)
	TA     string       // trust anchor name as the source gives it; may be empty
}

// String renders "192.0.2.0/24-24 AS64496 (ta)", the notation used in
// logs and error messages.
func (v VRP) String() string {
	s := fmt.Sprintf("%s-%d %s", v.Prefix, v.MaxLen, v.ASN)
	if v.TA != "" {
		s += " (" + v.TA + ")"
	}
	return s
}

// Errors reported by VRP.Check, wrapped with the offending value.
var (
	errBadPrefix    = errors.New("bad prefix")
	errBadMaxLength = errors.New("bad maxLength")
)

// Check reports why v cannot be a VRP: an invalid or unmasked prefix, or a
// maxLength outside [prefix length, address bits] (RFC 6482 §3.3). Loaders
// and NewSnapshot refuse such VRPs rather than guessing what was meant.
func (v VRP) Check() error {
	if !v.Prefix.IsValid() {
		return fmt.Errorf("%w: invalid prefix", errBadPrefix)
	}
	if v.Prefix.Masked() != v.Prefix {
		return fmt.Errorf("%w: %s has host bits set", errBadPrefix, v.Prefix)
	}
	return checkMaxLen(v.Prefix, int(v.MaxLen))
}

// checkMaxLen validates a maxLength against its prefix; it takes an int so
// that loaders can check values that do not fit a uint8.
func checkMaxLen(p netip.Prefix, maxLen int) error {
	if maxLen < p.Bits() {
		return fmt.Errorf("%w: %d is shorter than prefix %s", errBadMaxLength, maxLen, p)
	}
	if maxLen > p.Addr().BitLen() {
		return fmt.Errorf("%w: %d exceeds the %d address bits of %s", errBadMaxLength, maxLen, p.Addr().BitLen(), p)
	}
	return nil
}

// Compare orders VRPs by prefix (address, then length), ASN, maxLength and
// trust anchor: the order of Snapshot.VRPs, which keeps the VRPs of one
// prefix together and sorted by origin.
func Compare(a, b VRP) int {
	if c := a.Prefix.Addr().Compare(b.Prefix.Addr()); c != 0 {
		return c
	}
	return cmp.Or(
		cmp.Compare(a.Prefix.Bits(), b.Prefix.Bits()),
		cmp.Compare(a.ASN, b.ASN),
		cmp.Compare(a.MaxLen, b.MaxLen),
		cmp.Compare(a.TA, b.TA),
	)
}

// ASPA is a validated ASPA payload: the set of ASes that Customer attests
// to be its providers (draft-ietf-sidrops-aspa-profile). Since profile
// version 1 the set is address-family agnostic; inputs that still split it
// by AFI (rpki-client 8.0–8.4) are merged into the union.
type ASPA struct {
	Customer bgp.ASN
	// Providers is sorted ascending without duplicates. AS0 is kept as
	// published: a set of just AS0 states that Customer has no provider.
	Providers []bgp.ASN
}

// mergeASPAs returns one ASPA per customer, sorted by customer, with the
// union of the provider sets given for it.
func mergeASPAs(in []ASPA) []ASPA {
	out := slices.Clone(in)
	slices.SortStableFunc(out, func(a, b ASPA) int { return cmp.Compare(a.Customer, b.Customer) })
	merged := out[:0]
	for _, a := range out {
		if n := len(merged); n > 0 && merged[n-1].Customer == a.Customer {
			merged[n-1].Providers = append(merged[n-1].Providers, a.Providers...)
			continue
		}
		merged = append(merged, ASPA{Customer: a.Customer, Providers: slices.Clone(a.Providers)})
	}
	for i := range merged {
		slices.Sort(merged[i].Providers)
		merged[i].Providers = slices.Compact(merged[i].Providers)
	}
	return slices.Clip(merged)
}
