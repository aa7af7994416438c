package rtr

import (
	"encoding/binary"
	"errors"
	"fmt"
	"iter"
	"net/netip"
	"strconv"

	"github.com/observatory-net/observatory/internal/bgp"
)

// Version is an RTR protocol version: 0 (RFC 6810), 1 (RFC 8210) or 2
// (draft-ietf-sidrops-8210bis-10, as stayrtr 0.5.1 speaks it).
type Version uint8

// The protocol versions this package speaks.
const (
	Version0 Version = 0
	Version1 Version = 1
	Version2 Version = 2
	// MaxVersion is the highest version decoded; PDUs of a higher one
	// fail with ErrVersion.
	MaxVersion = Version2
)

// Type is a PDU type (RFC 8210 §5; type 11 from draft-ietf-sidrops-8210bis-10).
type Type uint8

// The PDU types. Type 5 is reserved and never sent.
const (
	TypeSerialNotify  Type = 0
	TypeSerialQuery   Type = 1
	TypeResetQuery    Type = 2
	TypeCacheResponse Type = 3
	TypeIPv4Prefix    Type = 4
	TypeIPv6Prefix    Type = 6
	TypeEndOfData     Type = 7
	TypeCacheReset    Type = 8
	TypeRouterKey     Type = 9
	TypeErrorReport   Type = 10
	TypeASPA          Type = 11
)

var typeNames = [...]string{
	TypeSerialNotify: "Serial Notify", TypeSerialQuery: "Serial Query", TypeResetQuery: "Reset Query",
	TypeCacheResponse: "Cache Response", TypeIPv4Prefix: "IPv4 Prefix", TypeIPv6Prefix: "IPv6 Prefix",
	TypeEndOfData: "End of Data", TypeCacheReset: "Cache Reset", TypeRouterKey: "Router Key",
	TypeErrorReport: "Error Report", TypeASPA: "ASPA",
}

// String returns the RFC's name of the type, or "type N" for an unknown one.
func (t Type) String() string {
	if int(t) < len(typeNames) && typeNames[t] != "" {
		return typeNames[t]
	}
	return "type " + strconv.Itoa(int(t))
}

// ErrorCode is the code of an Error Report (RFC 8210 §12).
type ErrorCode uint16

// The error codes of RFC 8210 §12.
const (
	CodeCorruptData           ErrorCode = 0
	CodeInternalError         ErrorCode = 1
	CodeNoData                ErrorCode = 2
	CodeInvalidRequest        ErrorCode = 3
	CodeUnsupportedVersion    ErrorCode = 4
	CodeUnsupportedType       ErrorCode = 5
	CodeWithdrawUnknown       ErrorCode = 6
	CodeDuplicateAnnouncement ErrorCode = 7
	CodeUnexpectedVersion     ErrorCode = 8
)

var codeNames = [...]string{
	CodeCorruptData: "Corrupt Data", CodeInternalError: "Internal Error", CodeNoData: "No Data Available",
	CodeInvalidRequest: "Invalid Request", CodeUnsupportedVersion: "Unsupported Protocol Version",
	CodeUnsupportedType: "Unsupported PDU Type", CodeWithdrawUnknown: "Withdrawal of Unknown Record",
	CodeDuplicateAnnouncement: "Duplicate Announcement Received", CodeUnexpectedVersion: "Unexpected Protocol Version",
}

// String returns the RFC's name of the code, or "error code N".
func (c ErrorCode) String() string {
	if int(c) < len(codeNames) {
		return codeNames[c]
	}
	return "error code " + strconv.Itoa(int(c))
}

// HeaderLen is the length of the header every PDU starts with: version,
// type, a 16-bit field (session id, error code or zero) and the length.
const HeaderLen = 8

// MaxPDULen bounds the length a PDU may declare. The largest valid PDU is
// an ASPA of 65,535 providers (262,156 bytes); anything longer is taken for
// a framing error rather than buffered.
const MaxPDULen = 1 << 20

// Fixed lengths of the PDUs that have one (RFC 8210 §5).
const (
	lenSerial     = 12 // Serial Notify, Serial Query, End of Data v0
	lenShort      = 8  // Reset Query, Cache Response, Cache Reset
	lenIPv4       = 20
	lenIPv6       = 32
	lenEndOfData1 = 24
	lenRouterKey  = 32 // without the SPKI
	lenErrorMin   = 16 // with an empty PDU and text
	lenASPAMin    = 16 // without providers
)

// Decoding errors, wrapped in a *DecodeError. ErrVersion and ErrType are
// answered with their own Error Report codes (see Code), the others with
// Corrupt Data.
var (
	ErrTruncated = errors.New("truncated PDU")
	ErrLength    = errors.New("bad PDU length")
	ErrVersion   = errors.New("unsupported protocol version")
	ErrType      = errors.New("unsupported PDU type")
	ErrCorrupt   = errors.New("corrupt PDU")
)

// DecodeError is a malformed PDU: its offset in the stream (0 for
// PDU.Decode on its own), its type as the header gives it, and why.
type DecodeError struct {
	Offset int64
	Type   Type
	Err    error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("rtr: PDU at offset %d (%s): %v", e.Offset, e.Type, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// Code returns the Error Report code a router sends back for err (RFC 8210
// §12): Unsupported Protocol Version, Unsupported PDU Type, or Corrupt Data.
func Code(err error) ErrorCode {
	switch {
	case errors.Is(err, ErrVersion):
		return CodeUnsupportedVersion
	case errors.Is(err, ErrType):
		return CodeUnsupportedType
	}
	return CodeCorruptData
}

// FlagAnnounce is bit 0 of the flags of the IPv4 Prefix, IPv6 Prefix,
// Router Key and ASPA PDUs: set for an announcement, clear for a withdrawal.
const FlagAnnounce = 1

// AFIIPv6 is bit 0 of the ASPA PDU's AFI flags in draft-10: set when the
// record is for IPv6, clear for IPv4.
const AFIIPv6 = 1

// PDU is one decoded PDU of any type. Only the fields of its Type are
// meaningful. Data and Text alias the decoded bytes (see Reader.Next).
type PDU struct {
	Version Version
	Type    Type
	// Session is the session id of Serial Notify, Serial Query, Cache
	// Response and End of Data.
	Session uint16
	// Flags of the IPv4 Prefix, IPv6 Prefix, Router Key and ASPA PDUs;
	// see FlagAnnounce.
	Flags uint8
	// Prefix and MaxLen of the IPv4 and IPv6 Prefix PDUs; Prefix is
	// masked.
	Prefix netip.Prefix
	MaxLen uint8
	// ASN is the origin of a prefix, the AS of a router key and the
	// customer of an ASPA.
	ASN bgp.ASN
	// Serial of Serial Notify, Serial Query and End of Data.
	Serial uint32
	// Refresh, Retry and Expire are End of Data's intervals in seconds
	// (version 1 and later; RFC 8210 §6).
	Refresh, Retry, Expire uint32
	// Code is an Error Report's error code.
	Code ErrorCode
	// AFIFlags is the ASPA PDU's AFI flags byte; see AFIIPv6.
	AFIFlags uint8
	// SKI is a Router Key's subject key identifier.
	SKI [20]byte
	// Data is an Error Report's encapsulated PDU, a Router Key's subject
	// public key info, or an ASPA's providers (4 bytes each; see
	// Providers and EncodeProviders).
	Data []byte
	// Text is an Error Report's diagnostic text (UTF-8).
	Text []byte
}

// Announce reports whether a prefix, router key or ASPA PDU announces
// (rather than withdraws) its record.
func (p *PDU) Announce() bool { return p.Flags&FlagAnnounce != 0 }

// NumProviders returns the number of an ASPA's providers.
func (p *PDU) NumProviders() int { return len(p.Data) / 4 }

// Providers yields an ASPA's provider ASNs in PDU order.
func (p *PDU) Providers() iter.Seq[bgp.ASN] {
	return func(yield func(bgp.ASN) bool) {
		for i := 0; i+4 <= len(p.Data); i += 4 {
			if !yield(bgp.ASN(binary.BigEndian.Uint32(p.Data[i:]))) {
				return
			}
		}
	}
}

// EncodeProviders returns asns in the wire form of PDU.Data for an ASPA.
func EncodeProviders(asns []bgp.ASN) []byte {
	b := make([]byte, 0, 4*len(asns))
	for _, a := range asns {
		b = binary.BigEndian.AppendUint32(b, uint32(a))
	}
	return b
}

// String renders the PDU for logs and test failures.
func (p *PDU) String() string {
	s := fmt.Sprintf("v%d %s", p.Version, p.Type)
	switch p.Type {
	case TypeSerialNotify, TypeSerialQuery, TypeEndOfData:
		s += fmt.Sprintf(" session %d serial %d", p.Session, p.Serial)
	case TypeCacheResponse:
		s += fmt.Sprintf(" session %d", p.Session)
	case TypeIPv4Prefix, TypeIPv6Prefix:
		s += fmt.Sprintf(" flags %d %s-%d %s", p.Flags, p.Prefix, p.MaxLen, p.ASN)
	case TypeASPA:
		s += fmt.Sprintf(" flags %d afi %d customer %s providers %d", p.Flags, p.AFIFlags, p.ASN, p.NumProviders())
	case TypeErrorReport:
		s += fmt.Sprintf(" %s: %q", p.Code, p.Text)
	}
	return s
}

// Decode decodes the PDU at the start of b and returns its length. b may
// hold more bytes after it. Data and Text alias b. Errors are
// *DecodeError values with Offset 0.
func (p *PDU) Decode(b []byte) (int, error) {
	if len(b) < HeaderLen {
		return 0, &DecodeError{Err: fmt.Errorf("%w: %d bytes, want a %d-byte header", ErrTruncated, len(b), HeaderLen)}
	}
	length, err := checkHeader(b)
	if err != nil {
		return 0, err
	}
	if len(b) < int(length) {
		return 0, &DecodeError{Type: Type(b[1]), Err: fmt.Errorf("%w: %d of %d bytes", ErrTruncated, len(b), length)}
	}
	*p = PDU{Version: Version(b[0]), Type: Type(b[1])}
	if err := p.decodeBody(b[:length]); err != nil {
		return 0, &DecodeError{Type: p.Type, Err: err}
	}
	return int(length), nil
}

// checkHeader validates the version and the declared length, which is all
// a reader needs to frame the stream, and returns the length.
func checkHeader(b []byte) (uint32, error) {
	length := binary.BigEndian.Uint32(b[4:8])
	if Version(b[0]) > MaxVersion {
		return 0, &DecodeError{Type: Type(b[1]), Err: fmt.Errorf("%w %d", ErrVersion, b[0])}
	}
	if length < HeaderLen || length > MaxPDULen {
		return 0, &DecodeError{Type: Type(b[1]), Err: fmt.Errorf("%w %d", ErrLength, length)}
	}
	return length, nil
}

// decodeBody decodes a whole PDU of a known length by type.
func (p *PDU) decodeBody(b []byte) error {
	field := binary.BigEndian.Uint16(b[2:4])
	switch p.Type {
	case TypeSerialNotify, TypeSerialQuery:
		if err := wantLen(b, lenSerial); err != nil {
			return err
		}
		p.Session, p.Serial = field, binary.BigEndian.Uint32(b[8:])
	case TypeResetQuery, TypeCacheReset:
		return wantLen(b, lenShort)
	case TypeCacheResponse:
		p.Session = field
		return wantLen(b, lenShort)
	case TypeIPv4Prefix, TypeIPv6Prefix:
		return p.decodePrefix(b)
	case TypeEndOfData:
		return p.decodeEndOfData(b, field)
	case TypeRouterKey:
		return p.decodeRouterKey(b)
	case TypeErrorReport:
		p.Code = ErrorCode(field)
		return p.decodeErrorReport(b)
	case TypeASPA:
		return p.decodeASPA(b)
	default:
		return fmt.Errorf("%w %d", ErrType, p.Type)
	}
	return nil
}

// wantLen checks the length of a fixed-length PDU.
func wantLen(b []byte, n int) error {
	if len(b) != n {
		return fmt.Errorf("%w %d, want %d", ErrLength, len(b), n)
	}
	return nil
}

// decodePrefix decodes an IPv4 or IPv6 Prefix PDU (RFC 8210 §5.6, §5.7):
// flags, prefix length, max length, zero, prefix, ASN.
func (p *PDU) decodePrefix(b []byte) error {
	n, bits := lenIPv4, 32
	if p.Type == TypeIPv6Prefix {
		n, bits = lenIPv6, 128
	}
	if err := wantLen(b, n); err != nil {
		return err
	}
	p.Flags, p.MaxLen = b[8], b[10]
	plen := int(b[9])
	var addr netip.Addr
	if bits == 32 {
		addr = netip.AddrFrom4([4]byte(b[12:16]))
	} else {
		addr = netip.AddrFrom16([16]byte(b[12:28]))
	}
	p.ASN = bgp.ASN(binary.BigEndian.Uint32(b[n-4:]))
	if plen > bits {
		return fmt.Errorf("%w: prefix length %d at offset 9 exceeds %d", ErrCorrupt, plen, bits)
	}
	if int(p.MaxLen) < plen || int(p.MaxLen) > bits {
		return fmt.Errorf("%w: max length %d at offset 10 outside [%d, %d]", ErrCorrupt, p.MaxLen, plen, bits)
	}
	p.Prefix = netip.PrefixFrom(addr, plen)
	if p.Prefix.Masked() != p.Prefix {
		return fmt.Errorf("%w: prefix %s at offset 12 has host bits set", ErrCorrupt, p.Prefix)
	}
	return nil
}

// decodeEndOfData decodes End of Data: 12 bytes in version 0, 24 with the
// refresh, retry and expire intervals in later versions (RFC 8210 §5.8).
func (p *PDU) decodeEndOfData(b []byte, session uint16) error {
	want := lenEndOfData1
	if p.Version == Version0 {
		want = lenSerial
	}
	if err := wantLen(b, want); err != nil {
		return err
	}
	p.Session, p.Serial = session, binary.BigEndian.Uint32(b[8:])
	if want == lenEndOfData1 {
		p.Refresh = binary.BigEndian.Uint32(b[12:])
		p.Retry = binary.BigEndian.Uint32(b[16:])
		p.Expire = binary.BigEndian.Uint32(b[20:])
	}
	return nil
}

// decodeRouterKey decodes a Router Key (RFC 8210 §5.10): flags and zero in
// the header, SKI, ASN, then the subject public key info to the end.
func (p *PDU) decodeRouterKey(b []byte) error {
	if p.Version == Version0 {
		return fmt.Errorf("%w %d in version 0", ErrType, p.Type)
	}
	if len(b) < lenRouterKey {
		return fmt.Errorf("%w %d, want at least %d", ErrLength, len(b), lenRouterKey)
	}
	p.Flags = b[2]
	p.SKI = [20]byte(b[8:28])
	p.ASN = bgp.ASN(binary.BigEndian.Uint32(b[28:]))
	p.Data = b[32:]
	return nil
}

// decodeErrorReport decodes an Error Report (RFC 8210 §5.11): the length
// of the erroneous PDU and the PDU, the length of the text and the text,
// which together fill the declared length exactly.
func (p *PDU) decodeErrorReport(b []byte) error {
	if len(b) < lenErrorMin {
		return fmt.Errorf("%w %d, want at least %d", ErrLength, len(b), lenErrorMin)
	}
	n := binary.BigEndian.Uint32(b[8:])
	if uint64(n) > uint64(len(b)-lenErrorMin) {
		return fmt.Errorf("%w: encapsulated PDU length %d at offset 8 exceeds the %d bytes left", ErrCorrupt, n, len(b)-lenErrorMin)
	}
	p.Data = b[12 : 12+n]
	rest := b[12+n:]
	t := binary.BigEndian.Uint32(rest)
	if uint64(t) != uint64(len(rest)-4) {
		return fmt.Errorf("%w: error text length %d at offset %d, but %d bytes are left", ErrCorrupt, t, 12+n, len(rest)-4)
	}
	p.Text = rest[4:]
	return nil
}

// decodeASPA decodes draft-ietf-sidrops-8210bis-10's ASPA PDU (version 2
// only): flags, AFI flags, provider count, customer ASN, providers.
func (p *PDU) decodeASPA(b []byte) error {
	if p.Version < Version2 {
		return fmt.Errorf("%w %d in version %d", ErrType, p.Type, p.Version)
	}
	if len(b) < lenASPAMin {
		return fmt.Errorf("%w %d, want at least %d", ErrLength, len(b), lenASPAMin)
	}
	p.Flags, p.AFIFlags = b[8], b[9]
	count := int(binary.BigEndian.Uint16(b[10:]))
	p.ASN = bgp.ASN(binary.BigEndian.Uint32(b[12:]))
	if len(b) != lenASPAMin+4*count {
		return fmt.Errorf("%w %d for %d providers (count at offset 10), want %d", ErrLength, len(b), count, lenASPAMin+4*count)
	}
	p.Data = b[16:]
	return nil
}
