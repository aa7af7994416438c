package store

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"maps"
	"slices"
)

// This file holds the registry rules both stores apply in their write
// transactions: participant UIDs and one participant per ASN.

// NewUID returns a random UUID of version 4 (RFC 9562 §5.4) in its
// canonical lower-case text form, the UID of a new registered
// participant. Its 122 random bits come from crypto/rand, so that a UID
// never recurs: a key bound to a deleted participant's UID can never name
// another.
func NewUID() string {
	var b [16]byte
	// crypto/rand.Read never fails (Go 1.24+).
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // variant 10 (RFC 9562 §4.1)
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// ValidUID reports whether s is a UUID in canonical lower-case text form
// (8-4-4-4-12 hexadecimal digits), as NewUID makes them and PostgreSQL
// prints them.
func ValidUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
				return false
			}
		}
	}
	return true
}

// Holding is one ASN listed by one registered participant, as a store
// reads them to check that no ASN has two holders.
type Holding struct {
	ASN          uint32
	ID           int64 // the participant's
	Organisation string
}

// CheckHoldings returns an *ASNConflictError when an ASN of hs has two
// holders and one of them is among written, the IDs of the participants
// just written in the calling transaction: the error names a written one
// as the claimant and, when there is one, a participant not written as
// the holder. Two holders of which none was written (a registry that
// predates the rule) are left alone. hs may be in any order.
func CheckHoldings(hs []Holding, written []int64) error {
	byASN := map[uint32][]Holding{}
	for _, h := range hs {
		byASN[h.ASN] = append(byASN[h.ASN], h)
	}
	asns := slices.Sorted(maps.Keys(byASN)) // the same error whatever the order of hs
	for _, a := range asns {
		held := byASN[a]
		if len(held) < 2 {
			continue
		}
		slices.SortFunc(held, func(x, y Holding) int { return cmp.Compare(x.ID, y.ID) })
		wrote := func(h Holding) bool { return slices.Contains(written, h.ID) }
		holder := held[0]
		if i := slices.IndexFunc(held, func(h Holding) bool { return !wrote(h) }); i >= 0 {
			holder = held[i]
		}
		i := slices.IndexFunc(held, func(h Holding) bool { return wrote(h) && h.ID != holder.ID })
		if i < 0 {
			continue
		}
		return &ASNConflictError{ASN: a, Holder: holder.Organisation, Claimant: held[i].Organisation}
	}
	return nil
}
