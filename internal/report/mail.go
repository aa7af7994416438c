package report

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// Contacts are the report recipients of each participant, by registry ID.
// The registry keeps no e-mail address (store.Participant has none): a
// participant approved through an application is reached at the
// application's address (ApplicantContacts), and the secretariat gives
// the others in a file (ParseContacts).
type Contacts map[int64][]string

// ApplicantContacts returns the contact address of every participant
// registered by the approval of an application.
func ApplicantContacts(apps []store.Application) Contacts {
	out := Contacts{}
	for _, a := range apps {
		if a.State == store.AppApproved && a.ParticipantID > 0 && a.Email != "" {
			out.Add(a.ParticipantID, a.Email)
		}
	}
	return out
}

// Add gives participant id the address addr, once.
func (c Contacts) Add(id int64, addr string) {
	if !slices.Contains(c[id], addr) {
		c[id] = append(c[id], addr)
	}
}

// Merge adds every address of other.
func (c Contacts) Merge(other Contacts) {
	for id, addrs := range other {
		for _, a := range addrs {
			c.Add(id, a)
		}
	}
}

// ParseContacts reads a contacts file: one "ID ADDRESS" a line (the
// participant's registry ID, an e-mail address), blank lines and lines
// starting with # ignored. A participant may have several lines.
func ParseContacts(r io.Reader, name string) (Contacts, error) {
	out := Contacts{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, addr, ok := strings.Cut(line, " ")
		pid, err := strconv.ParseInt(id, 10, 64)
		if !ok || err != nil || pid <= 0 {
			return nil, fmt.Errorf("%s:%d: want a participant ID and an e-mail address", name, n)
		}
		a, err := mail.ParseAddress(strings.TrimSpace(addr))
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %q: %w", name, n, strings.TrimSpace(addr), err)
		}
		out.Add(pid, a.Address)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

// QueueInput is what Queue needs.
type QueueInput struct {
	Store    store.Store
	Outbox   store.Outbox
	Registry []store.Registered
	Contacts Contacts
	Month    vocab.Month
	Spec     string
	Now      time.Time
}

// QueueResult counts what Queue did.
type QueueResult struct {
	Queued    int // new entries
	Already   int // entries that were in the outbox already
	NoContact int // participants without an address
}

// Queue puts the month's report of every registered participant with a
// contact address into the outbox, one entry per recipient, rendered as
// PDF; an entry already there (sent or not) is left alone.
func Queue(ctx context.Context, in QueueInput) (QueueResult, error) {
	var res QueueResult
	metas, err := in.Store.Months(ctx)
	if err != nil {
		return res, err
	}
	for _, p := range in.Registry {
		to := in.Contacts[p.ID]
		if len(to) == 0 {
			res.NoContact++
			continue
		}
		r, err := Build(ctx, Input{Store: in.Store, Months: metas, Participant: p, Month: in.Month, Spec: in.Spec})
		if err != nil {
			return res, err
		}
		var pdf bytes.Buffer
		if err := PDF(&pdf, r); err != nil {
			return res, err
		}
		for _, addr := range to {
			m := &store.Mail{Month: in.Month.Start(), Participant: p.ID, Recipient: addr, Subject: Title(r),
				Body: Text(r), Attachment: pdf.Bytes(), AttachmentName: FileName(r, FormatPDF), QueuedAt: in.Now}
			ok, err := in.Outbox.QueueMail(ctx, m)
			if err != nil {
				return res, err
			}
			if ok {
				res.Queued++
			} else {
				res.Already++
			}
		}
	}
	return res, nil
}

// FileName is the report's file name in a format.
func FileName(r *wire.Report, format string) string {
	return fmt.Sprintf("manrs-report-%d-%s.%s", r.Participant, vocab.MonthOf(r.Month), format)
}

// Text is the report in short, as the e-mail's text: each ASN's scores
// and the number of findings; the PDF attached has the rest.
func Text(r *wire.Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\nParticipant %d (%s), month %s, specification %s.\n", Title(r), r.Participant, r.Programme,
		vocab.MonthOf(r.Month), r.Spec)
	for _, a := range r.ASNs {
		fmt.Fprintf(&b, "\n%s %s\n", a.ASN, a.Holder)
		for _, s := range a.Scores {
			fmt.Fprintf(&b, "  Action %d %-24s %8s  %-9s change %s\n", s.Action, s.ID, FormatScore(s.Value), s.Level, FormatChange(s.Change))
		}
		fmt.Fprintf(&b, "  %d findings, %d incidents, %d prefixes that got worse\n", len(a.Findings), len(a.Incidents), len(a.Became))
	}
	b.WriteString("\nThe attached PDF has the details and what to do about each finding.\n")
	return b.String()
}

// DeliverOptions say where and how Deliver sends.
type DeliverOptions struct {
	Addr        string // the SMTP server, HOST:PORT
	From        string
	MaxAttempts int           // a mail is failed after so many attempts; 0: never given up
	Timeout     time.Duration // per delivery; 0: 30s
	Now         func() time.Time
}

// DeliverResult counts what Deliver did.
type DeliverResult struct {
	Sent, Failed, GaveUp int
	Held                 int      // claimed by another run at the same time: left to it
	Errors               []string // of the failed attempts, one a mail
}

// Deliver sends the month's pending mails of the outbox (every month's
// for the zero month) over SMTP, one after the other: each is claimed
// first (attempts+1, held for twice the timeout and a minute, so that two
// runs at once never send the same mail), then marked sent, in its own
// transaction, when the server accepted it; a failed attempt is recorded
// (the error) and the mail released, pending for the next run, unless it
// reached MaxAttempts. A mail is marked sent
// only after the server accepted it: should the process die between the
// two, the next run sends it again, with the same Message-ID so that the
// receiver can tell.
func Deliver(ctx context.Context, ob store.Outbox, month vocab.Month, o DeliverOptions) (DeliverResult, error) {
	var res DeliverResult
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	var t time.Time
	if !month.IsZero() {
		t = month.Start()
	}
	pending, err := ob.Mails(ctx, t, store.MailPending)
	if err != nil {
		return res, err
	}
	lease := 2*o.Timeout + time.Minute
	for _, m := range pending {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		ok, err := ob.ClaimMail(ctx, m.ID, o.Now().UTC(), lease)
		if err != nil {
			return res, err
		}
		if !ok {
			res.Held++ // another run sends it, or has sent it since
			continue
		}
		m.Attempts++
		err = send(ctx, o, &m)
		if err == nil {
			if err := ob.MarkMailSent(ctx, m.ID, o.Now().UTC()); err != nil {
				return res, fmt.Errorf("mail %d was delivered, but could not be marked sent: %w", m.ID, err)
			}
			res.Sent++
			continue
		}
		giveUp := o.MaxAttempts > 0 && m.Attempts >= o.MaxAttempts
		msg := err.Error()
		if len(msg) > 1000 {
			msg = msg[:1000]
		}
		if err := ob.MarkMailFailed(ctx, m.ID, msg, giveUp); err != nil {
			return res, err
		}
		res.Failed++
		if giveUp {
			res.GaveUp++
		}
		res.Errors = append(res.Errors, fmt.Sprintf("mail %d to %s: %s", m.ID, m.Recipient, msg))
	}
	return res, nil
}

// send delivers one mail: net/smtp over a connection with a deadline.
func send(ctx context.Context, o DeliverOptions, m *store.Mail) error {
	d := net.Dialer{Timeout: o.Timeout}
	conn, err := d.DialContext(ctx, "tcp", o.Addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(o.Timeout)); err != nil {
		return err
	}
	host, _, _ := net.SplitHostPort(o.Addr)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Mail(o.From); err != nil {
		return err
	}
	if err := c.Rcpt(m.Recipient); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(message(o.From, m)); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// message is the mail as RFC 5322 text: a text part and the PDF.
func message(from string, m *store.Mail) []byte {
	const boundary = "observatory-report-boundary"
	var b bytes.Buffer
	h := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	h("From", from)
	h("To", m.Recipient)
	h("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	h("Date", m.QueuedAt.Format(time.RFC1123Z))
	h("Message-ID", fmt.Sprintf("<report-%d-%s-%d@observatory>", m.Participant, vocab.MonthOf(m.Month), m.ID))
	h("MIME-Version", "1.0")
	h("Content-Type", "multipart/mixed; boundary="+boundary)
	b.WriteString("\r\n--" + boundary + "\r\n")
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	wrap64(&b, []byte(m.Body))
	if len(m.Attachment) > 0 {
		b.WriteString("--" + boundary + "\r\n")
		fmt.Fprintf(&b, "Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=%q\r\n\r\n", m.AttachmentName)
		wrap64(&b, m.Attachment)
	}
	b.WriteString("--" + boundary + "--\r\n")
	return b.Bytes()
}

func wrap64(b *bytes.Buffer, data []byte) {
	s := base64.StdEncoding.EncodeToString(data)
	for len(s) > 76 {
		b.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	b.WriteString(s + "\r\n")
}

// CheckAddr checks an SMTP server address, HOST:PORT.
func CheckAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || host == "" || port == "" {
		return errors.New("--smtp: want HOST:PORT")
	}
	return nil
}
