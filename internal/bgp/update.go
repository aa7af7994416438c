package bgp

import (
	"errors"
	"fmt"
)

// Message types (RFC 4271 §4.1).
const (
	MsgOpen         = 1
	MsgUpdate       = 2
	MsgNotification = 3
	MsgKeepalive    = 4
)

// HeaderLen is the size of the BGP message header: marker, length, type.
const HeaderLen = 19

// ErrBadMessage reports a malformed BGP message.
var ErrBadMessage = errors.New("malformed BGP message")

// SplitMessage checks the 19-octet header of a BGP message (RFC 4271 §4.1)
// and returns its type and body. The marker is not checked: MRT archives
// hold messages whose marker some implementations did not fill.
func SplitMessage(b []byte) (typ uint8, body []byte, err error) {
	if len(b) < HeaderLen {
		return 0, nil, fmt.Errorf("%w: %d bytes, shorter than the header", ErrBadMessage, len(b))
	}
	l := int(be16(b[16:]))
	if l < HeaderLen || l > len(b) {
		return 0, nil, fmt.Errorf("%w: length field %d, %d bytes available", ErrBadMessage, l, len(b))
	}
	return b[18], b[HeaderLen:l], nil
}

// Update is an UPDATE message body split into its three fields
// (RFC 4271 §4.3). The slices alias the message.
type Update struct {
	Withdrawn []byte // IPv4 unicast withdrawn routes
	Attrs     []byte // path attributes
	NLRI      []byte // IPv4 unicast NLRI
}

// SplitUpdate splits an UPDATE body.
func SplitUpdate(b []byte) (Update, error) {
	if len(b) < 2 {
		return Update{}, fmt.Errorf("%w: UPDATE of %d bytes", ErrBadMessage, len(b))
	}
	wl := int(be16(b))
	if len(b) < 2+wl+2 {
		return Update{}, fmt.Errorf("%w: withdrawn length %d overruns UPDATE", ErrBadMessage, wl)
	}
	al := int(be16(b[2+wl:]))
	if len(b) < 4+wl+al {
		return Update{}, fmt.Errorf("%w: attribute length %d overruns UPDATE", ErrBadMessage, al)
	}
	return Update{Withdrawn: b[2 : 2+wl], Attrs: b[4+wl : 4+wl+al], NLRI: b[4+wl+al:]}, nil
}
