package store

import (
	"context"
	"time"
)

// MailState is the state of an outbox entry.
type MailState string

// The states of an outbox entry: pending until delivered (a failed
// attempt leaves it pending, with one more attempt and the error), sent
// once the SMTP server accepted it, failed when the sender gave up.
const (
	MailPending MailState = "pending"
	MailSent    MailState = "sent"
	MailFailed  MailState = "failed"
)

// Mail is one e-mail of the outbox: a participant's monthly conformance
// report (internal/report) to one recipient. (Month, Participant,
// Recipient) is unique, so that a report is never queued twice.
type Mail struct {
	ID             int64 // assigned by the store
	Month          time.Time
	Participant    int64
	Recipient      string
	Subject        string
	Body           string // the text part
	Attachment     []byte // the rendered PDF
	AttachmentName string
	State          MailState
	Attempts       int
	LastError      string
	QueuedAt       time.Time
	SentAt         time.Time // zero until sent
}

// Outbox is the queue of e-mails; both backends implement it beside
// Service (store/storetest RunOutbox).
type Outbox interface {
	// QueueMail stores m as pending, with a new ID, and reports true; when
	// its month, participant and recipient have an entry already, in any
	// state, it stores nothing and reports false. A mail without month,
	// participant, recipient or subject is ErrInvalid.
	QueueMail(ctx context.Context, m *Mail) (bool, error)
	// Mails lists the entries of a month (every month for the zero
	// time) in the state given ("" for all), by ID.
	Mails(ctx context.Context, month time.Time, state MailState) ([]Mail, error)
	// ClaimMail takes entry id for one delivery attempt, in its own
	// transaction: when it is pending and no other sender holds it (its
	// claim ran out before now), attempts+1 and it is held until
	// now+lease; true. False when it is not pending or is held.
	// ErrNotFound if none.
	ClaimMail(ctx context.Context, id int64, now time.Time, lease time.Duration) (bool, error)
	// MarkMailSent records that entry id was delivered at t, in its own
	// transaction; ErrNotFound if none, ErrConflict if it is not pending.
	MarkMailSent(ctx context.Context, id int64, t time.Time) error
	// MarkMailFailed records the error of the claimed attempt and
	// releases the claim: the entry stays pending, for the next run,
	// unless giveUp, then it is failed. ErrNotFound if none, ErrConflict
	// if it is not pending.
	MarkMailFailed(ctx context.Context, id int64, msg string, giveUp bool) error
}

// ValidateMail checks a mail before it is queued.
func ValidateMail(m *Mail) error {
	switch {
	case m == nil:
		return invalid("nil mail")
	case m.Month.IsZero() || m.Participant <= 0 || m.Recipient == "" || m.Subject == "":
		return invalid("mail without month, participant, recipient or subject")
	}
	return nil
}
