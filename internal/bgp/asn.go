package bgp

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
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
var ErrBadASN = errors.New("bad AS number")

// ParseASN accepts "123", "AS123", "as123" and the asdot form "1.10"
// (RFC 5396). Surrounding space is ignored.
func ParseASN(s string) (ASN, error) {
	t := strings.TrimSpace(s)
	if len(t) >= 2 && (t[0] == 'A' || t[0] == 'a') && (t[1] == 'S' || t[1] == 's') {
		t = t[2:]
	}
	if hi, lo, ok := strings.Cut(t, "."); ok {
		h, err1 := strconv.ParseUint(hi, 10, 16)
		l, err2 := strconv.ParseUint(lo, 10, 16)
		if err1 != nil || err2 != nil {
			return 0, badASN(s)
		}
		return ASN(h<<16 | l), nil
	}
	n, err := strconv.ParseUint(t, 10, 32)
	if err != nil || t == "" || t[0] == '+' {
		return 0, badASN(s)
	}
	return ASN(n), nil
}

// badASN is ParseASN's error. It quotes a copy of s, so that s does not
// escape and a caller's string([]byte) conversion need not allocate.
func badASN(s string) error { return fmt.Errorf("%w: %q", ErrBadASN, strings.Clone(s)) }
