package storetest

import (
	"bytes"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/store"
)

// RunOutbox checks the outbox of e-mails (store.Outbox): read back as
// queued, one entry a month, participant and recipient even when two
// writers race, one claim of an entry at a time (even racing), a failed
// attempt stays pending and is released, a sent entry can be claimed,
// marked or failed no more, bad entries refused.
func RunOutbox(t *testing.T, open func(t *testing.T) store.Outbox) {
	march := time.Date(2024, time.March, 1, 0, 0, 0, 0, time.UTC)
	queued := time.Date(2024, 4, 2, 3, 4, 5, 6000, time.UTC)
	mail := func(p int64, to string) *store.Mail {
		return &store.Mail{Month: march, Participant: p, Recipient: to, Subject: "report", Body: "body",
			Attachment: []byte("%PDF-1.3 \x00\xff"), AttachmentName: "r.pdf", QueuedAt: queued}
	}
	t.Run("lifecycle", func(t *testing.T) {
		s := open(t)
		ctx := t.Context()
		m := mail(1, "noc@example.net")
		ok, err := s.QueueMail(ctx, m)
		if err != nil || !ok || m.ID == 0 {
			t.Fatalf("QueueMail() = %v, %v, ID %d", ok, err, m.ID)
		}
		if ok, err := s.QueueMail(ctx, mail(1, "noc@example.net")); err != nil || ok {
			t.Fatalf("second QueueMail() = %v, %v; want false, nil", ok, err)
		}
		m2 := mail(1, "ops@example.net")
		if ok, err := s.QueueMail(ctx, m2); err != nil || !ok {
			t.Fatalf("QueueMail() to another recipient = %v, %v", ok, err)
		}
		got, err := s.Mails(ctx, march, store.MailPending)
		if err != nil || len(got) != 2 {
			t.Fatalf("Mails(pending) = %d, %v; want 2", len(got), err)
		}
		g := got[0]
		if g.ID != m.ID || g.Recipient != m.Recipient || g.Subject != "report" || g.Body != "body" ||
			!bytes.Equal(g.Attachment, m.Attachment) || g.AttachmentName != "r.pdf" || g.State != store.MailPending ||
			g.Attempts != 0 || !g.QueuedAt.Equal(queued) || !g.SentAt.IsZero() || !g.Month.Equal(march) {
			t.Fatalf("Mails()[0] = %+v; want %+v pending", g, m)
		}
		now := queued.Add(time.Minute)
		if ok, err := s.ClaimMail(ctx, m.ID, now, time.Minute); err != nil || !ok {
			t.Fatalf("ClaimMail() = %v, %v", ok, err)
		}
		if ok, err := s.ClaimMail(ctx, m.ID, now.Add(30*time.Second), time.Minute); err != nil || ok {
			t.Fatalf("ClaimMail() of a held mail = %v, %v; want false", ok, err)
		}
		if err := s.MarkMailFailed(ctx, m.ID, "connection refused", false); err != nil {
			t.Fatalf("MarkMailFailed() = %v", err)
		}
		got, _ = s.Mails(ctx, time.Time{}, store.MailPending)
		if len(got) != 2 || got[0].Attempts != 1 || got[0].LastError != "connection refused" {
			t.Fatalf("after a failure: %+v; want pending, 1 attempt", got)
		}
		if ok, err := s.ClaimMail(ctx, m.ID, now.Add(time.Second), time.Minute); err != nil || !ok {
			t.Fatalf("ClaimMail() after a failure released it = %v, %v; want true", ok, err)
		}
		sent := queued.Add(time.Hour)
		if err := s.MarkMailSent(ctx, m.ID, sent); err != nil {
			t.Fatalf("MarkMailSent() = %v", err)
		}
		if err := s.MarkMailSent(ctx, m.ID, sent); !errors.Is(err, store.ErrConflict) {
			t.Errorf("second MarkMailSent() = %v, want ErrConflict", err)
		}
		if err := s.MarkMailFailed(ctx, m.ID, "x", false); !errors.Is(err, store.ErrConflict) {
			t.Errorf("MarkMailFailed() of a sent mail = %v, want ErrConflict", err)
		}
		if ok, err := s.ClaimMail(ctx, m.ID, sent.Add(time.Hour), time.Minute); err != nil || ok {
			t.Errorf("ClaimMail() of a sent mail = %v, %v; want false", ok, err)
		}
		if _, err := s.ClaimMail(ctx, 1<<40, sent, time.Minute); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ClaimMail() of no mail = %v, want ErrNotFound", err)
		}
		if err := s.MarkMailSent(ctx, 1<<40, sent); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("MarkMailSent() of no mail = %v, want ErrNotFound", err)
		}
		got, _ = s.Mails(ctx, march, store.MailSent)
		if len(got) != 1 || got[0].ID != m.ID || !got[0].SentAt.Equal(sent) || got[0].Attempts != 2 {
			t.Fatalf("Mails(sent) = %+v", got)
		}
		if ok, err := s.QueueMail(ctx, mail(1, "noc@example.net")); err != nil || ok {
			t.Errorf("QueueMail() of a sent mail = %v, %v; want false, nil", ok, err)
		}
		if err := s.MarkMailFailed(ctx, m2.ID, "550 no such user", true); err != nil {
			t.Fatalf("MarkMailFailed(giveUp) = %v", err)
		}
		if got, _ := s.Mails(ctx, march, store.MailFailed); len(got) != 1 || got[0].Attempts != 0 || got[0].LastError != "550 no such user" {
			t.Errorf("Mails(failed) = %+v", got)
		}
		if got, _ := s.Mails(ctx, march.AddDate(0, 1, 0), ""); len(got) != 0 {
			t.Errorf("Mails() of another month = %+v", got)
		}
		if _, err := s.QueueMail(ctx, &store.Mail{Month: march, Participant: 1}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("QueueMail() without recipient = %v, want ErrInvalid", err)
		}
	})
	t.Run("race", func(t *testing.T) {
		s := open(t)
		var wg sync.WaitGroup
		oks := make([]bool, 4)
		errs := make([]error, 4)
		for i := range errs {
			wg.Go(func() { oks[i], errs[i] = s.QueueMail(t.Context(), mail(2, "noc@example.org")) })
		}
		wg.Wait()
		n := 0
		for i := range errs {
			if errs[i] != nil {
				t.Errorf("racing QueueMail() = %v", errs[i])
			}
			if oks[i] {
				n++
			}
		}
		got, _ := s.Mails(t.Context(), march, "")
		if n != 1 || len(got) != 1 {
			t.Fatalf("%d racing queues succeeded, %d stored; want 1", n, len(got))
		}
		for i := range errs {
			wg.Go(func() { oks[i], errs[i] = s.ClaimMail(t.Context(), got[0].ID, queued, time.Minute) })
		}
		wg.Wait()
		n = 0
		for i := range errs {
			if errs[i] != nil {
				t.Errorf("racing ClaimMail() = %v", errs[i])
			}
			if oks[i] {
				n++
			}
		}
		if got, _ := s.Mails(t.Context(), march, ""); n != 1 || got[0].Attempts != 1 {
			t.Errorf("%d racing claims succeeded, attempts %d; want 1 and 1", n, got[0].Attempts)
		}
	})
}
