package alert

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"
)

// sendMail delivers one alert over SMTP (RFC 5321) through a connection
// with a deadline. A 5xx reply is a permanent refusal; anything else is
// retried. internal/report's sender works on its outbox's records, a
// layer above this package, so this is its small twin.
func sendMail(ctx context.Context, o DeliveryOptions, to string, ev Event, link string) error {
	dl := net.Dialer{Timeout: o.Timeout}
	conn, err := dl.DialContext(ctx, "tcp", o.SMTP)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", o.SMTP, err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(o.Timeout)); err != nil {
		return err
	}
	host, _, _ := net.SplitHostPort(o.SMTP)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return smtpErr(err)
	}
	defer c.Close()
	if err := c.Mail(o.From); err != nil {
		return smtpErr(err)
	}
	if err := c.Rcpt(to); err != nil {
		return smtpErr(err)
	}
	w, err := c.Data()
	if err != nil {
		return smtpErr(err)
	}
	if _, err := w.Write(Message(o.From, to, ev, link)); err != nil {
		return smtpErr(err)
	}
	if err := w.Close(); err != nil {
		return smtpErr(err)
	}
	return smtpErr(c.Quit())
}

// smtpErr marks a 5xx reply permanent.
func smtpErr(err error) error {
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 {
		return fmt.Errorf("%w: SMTP %w", errPermanent, err)
	}
	return err
}

// Message is the alert as an RFC 5322 text mail. Its Message-ID is
// derived from the idempotency key, so that a mail sent twice (an attempt
// that timed out after the server took it) is recognisably the same.
func Message(from, to string, ev Event, link string) []byte {
	var b bytes.Buffer
	h := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	h("From", from)
	h("To", to)
	h("Subject", mime.QEncoding.Encode("utf-8", "[observatory] "+Summary(ev)))
	h("Date", ev.Time.UTC().Format(time.RFC1123Z))
	h("Message-ID", "<"+strings.ReplaceAll(ev.IdempotencyKey(), ":", ".")+"@observatory>")
	h("MIME-Version", "1.0")
	h("Content-Type", "text/plain; charset=utf-8")
	h("Content-Transfer-Encoding", "base64")
	b.WriteString("\r\n")
	s := base64.StdEncoding.EncodeToString([]byte(Text(ev, link)))
	for len(s) > 76 {
		b.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	b.WriteString(s + "\r\n")
	return b.Bytes()
}
