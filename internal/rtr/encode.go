package rtr

import (
	"encoding/binary"
	"fmt"
)

// AppendBinary appends the PDU's wire form to b (encoding.BinaryAppender).
// It fails for an unknown type, a version above MaxVersion, a prefix that
// is invalid, unmasked or of the other family than the type, and data too
// long for the PDU; a PDU that Decode returned always encodes back to the
// same bytes.
func (p *PDU) AppendBinary(b []byte) ([]byte, error) {
	if p.Version > MaxVersion {
		return b, fmt.Errorf("rtr: encode %s: %w %d", p.Type, ErrVersion, p.Version)
	}
	start := len(b)
	b = append(b, byte(p.Version), byte(p.Type), 0, 0, 0, 0, 0, 0)
	var err error
	switch p.Type {
	case TypeSerialNotify, TypeSerialQuery:
		binary.BigEndian.PutUint16(b[start+2:], p.Session)
		b = binary.BigEndian.AppendUint32(b, p.Serial)
	case TypeResetQuery, TypeCacheReset:
	case TypeCacheResponse:
		binary.BigEndian.PutUint16(b[start+2:], p.Session)
	case TypeIPv4Prefix, TypeIPv6Prefix:
		b, err = p.appendPrefix(b)
	case TypeEndOfData:
		b = p.appendEndOfData(b, start)
	case TypeRouterKey:
		b[start+2] = p.Flags
		b = append(b, p.SKI[:]...)
		b = binary.BigEndian.AppendUint32(b, uint32(p.ASN))
		b = append(b, p.Data...)
	case TypeErrorReport:
		binary.BigEndian.PutUint16(b[start+2:], uint16(p.Code))
		b = binary.BigEndian.AppendUint32(b, uint32(len(p.Data)))
		b = append(b, p.Data...)
		b = binary.BigEndian.AppendUint32(b, uint32(len(p.Text)))
		b = append(b, p.Text...)
	case TypeASPA:
		b, err = p.appendASPA(b)
	default:
		err = fmt.Errorf("%w %d", ErrType, p.Type)
	}
	if err == nil && len(b)-start > MaxPDULen {
		err = fmt.Errorf("%w %d exceeds %d", ErrLength, len(b)-start, MaxPDULen)
	}
	if err != nil {
		return b[:start], fmt.Errorf("rtr: encode %s: %w", p.Type, err)
	}
	binary.BigEndian.PutUint32(b[start+4:], uint32(len(b)-start))
	return b, nil
}

// appendPrefix appends the body of an IPv4 or IPv6 Prefix PDU.
func (p *PDU) appendPrefix(b []byte) ([]byte, error) {
	want4 := p.Type == TypeIPv4Prefix
	switch {
	case !p.Prefix.IsValid():
		return b, fmt.Errorf("%w: invalid prefix", ErrCorrupt)
	case p.Prefix.Addr().Is4() != want4 || p.Prefix.Addr().Is4In6():
		return b, fmt.Errorf("%w: prefix %s of the wrong family", ErrCorrupt, p.Prefix)
	case p.Prefix.Masked() != p.Prefix:
		return b, fmt.Errorf("%w: prefix %s has host bits set", ErrCorrupt, p.Prefix)
	case int(p.MaxLen) < p.Prefix.Bits() || int(p.MaxLen) > p.Prefix.Addr().BitLen():
		return b, fmt.Errorf("%w: max length %d for %s", ErrCorrupt, p.MaxLen, p.Prefix)
	}
	b = append(b, p.Flags, byte(p.Prefix.Bits()), p.MaxLen, 0)
	b = append(b, p.Prefix.Addr().AsSlice()...)
	return binary.BigEndian.AppendUint32(b, uint32(p.ASN)), nil
}

// appendEndOfData appends End of Data's serial, and its intervals from
// version 1 on.
func (p *PDU) appendEndOfData(b []byte, start int) []byte {
	binary.BigEndian.PutUint16(b[start+2:], p.Session)
	b = binary.BigEndian.AppendUint32(b, p.Serial)
	if p.Version == Version0 {
		return b
	}
	b = binary.BigEndian.AppendUint32(b, p.Refresh)
	b = binary.BigEndian.AppendUint32(b, p.Retry)
	return binary.BigEndian.AppendUint32(b, p.Expire)
}

// appendASPA appends the body of a draft-10 ASPA PDU.
func (p *PDU) appendASPA(b []byte) ([]byte, error) {
	if len(p.Data)%4 != 0 || len(p.Data)/4 > 0xffff {
		return b, fmt.Errorf("%w: %d bytes of providers", ErrLength, len(p.Data))
	}
	b = append(b, p.Flags, p.AFIFlags)
	b = binary.BigEndian.AppendUint16(b, uint16(len(p.Data)/4))
	b = binary.BigEndian.AppendUint32(b, uint32(p.ASN))
	return append(b, p.Data...), nil
}
