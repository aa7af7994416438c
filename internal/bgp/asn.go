package bgp

import (
	"strconv"

	"github.com/observatory-net/observatory/internal/vocab"
)

// ASN is a 32-bit autonomous system number (RFC 6793). Its canonical text
// form is "AS" followed by the asplain number (RFC 5396).
type ASN uint32

// ASTrans is AS_TRANS, the 2-octet placeholder for a 4-octet ASN (RFC 6793).
const ASTrans ASN = 23456

// String returns the canonical form "AS123".
func (a ASN) String() string { return "AS" + strconv.FormatUint(uint64(a), 10) }

// Plain returns the asplain number without the "AS" prefix, as bgpdump and
// rpki-client print it.
func (a ASN) Plain() string { return strconv.FormatUint(uint64(a), 10) }

// ErrBadASN is returned by ParseASN for text that is not an AS number.
var ErrBadASN = vocab.ErrBadASN

// ParseASN accepts "123", "AS123", "as123" and the asdot form "1.10"
// (RFC 5396). Surrounding space is ignored. It is vocab.ParseASN, the
// one parser, typed.
func ParseASN(s string) (ASN, error) {
	n, err := vocab.ParseASN(s)
	return ASN(n), err
}
