package store

import (
	"context"
	"time"
)

// Notification records that a month's minimum-conformance flags were
// sent to the secretariat (internal/conformance.Notify), so that the same
// month's flags are never sent twice.
type Notification struct {
	Month  time.Time // first instant of the month, UTC
	Spec   string    // "netops@2024.1"
	SentAt time.Time
	Digest string // SHA-256 of what was sent, hex
}

// Notifications is the record of sent notifications; both backends
// implement it beside Service (store/storetest RunNotifications).
type Notifications interface {
	// Notification returns the record of month and spec (ErrNotFound if
	// none).
	Notification(ctx context.Context, month time.Time, spec string) (*Notification, error)
	// RecordNotification stores n; a second record of the same month and
	// spec is ErrConflict, and a record without month, spec or digest is
	// ErrInvalid.
	RecordNotification(ctx context.Context, n *Notification) error
}

// ValidateNotification checks a notification before it is stored.
func ValidateNotification(n *Notification) error {
	switch {
	case n == nil:
		return invalid("nil notification")
	case n.Month.IsZero() || n.Spec == "" || n.Digest == "":
		return invalid("notification without month, spec or digest")
	}
	return nil
}
