package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/report"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

func init() { register(newReportCmd) }

type reportOptions struct {
	monthFlags
	participant int64
	format, out string
}

func newReportCmd() *cobra.Command {
	var o reportOptions
	cmd := &cobra.Command{
		Use:   "report --db DSN --participant ID [--month YYYY-MM] [--format json|html|pdf] [-o FILE]",
		Short: "A participant's monthly conformance report; `report send` e-mails them",
		Long: `report writes the monthly conformance report of a registered participant
(its ID in "participants list"): the five scores of each of its ASNs, the change
since the previous stored month and why (the month's incidents, the prefixes that
became RPKI-invalid or lost their IRR coverage), and what to do about each
finding. -o writes a file, whole or not at all.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !slices.Contains(report.Formats, o.format) {
				return usageError(fmt.Errorf("--format %q: want json, html or pdf", o.format))
			}
			if o.participant <= 0 {
				return usageError(errors.New("--participant: want the participant's registry ID"))
			}
			r, err := readReport(cmd.Context(), o.monthFlags, o.participant)
			if err != nil {
				return err
			}
			var b bytes.Buffer
			if err := renderReport(&b, r, o.format); err != nil {
				return err
			}
			return writeOutput(cmd, o.out, b.Bytes())
		},
	}
	o.monthFlags.register(cmd)
	f := cmd.Flags()
	f.Int64Var(&o.participant, "participant", 0, "the participant's registry ID")
	f.StringVar(&o.format, "format", report.FormatJSON, "json, html or pdf")
	f.StringVarP(&o.out, "output", "o", "", "write to FILE instead of the standard output")
	cmd.AddCommand(newReportSendCmd())
	return cmd
}

// readReport builds the report of participant id in the month.
func readReport(ctx context.Context, o monthFlags, id int64) (*wire.Report, error) {
	st, m, err := openMonth(ctx, o.db, o.month, o.spec)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	svc, ok := st.(store.Service)
	if !ok {
		return nil, fmt.Errorf("store %T keeps no registry", st)
	}
	p, err := svc.RegisteredParticipant(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, usageError(fmt.Errorf("--participant %d: no such participant in the registry", id))
	}
	if err != nil {
		return nil, err
	}
	r, err := report.Build(ctx, report.Input{Store: st, Participant: *p, Month: vocab.MonthOf(m), Spec: o.spec})
	if errors.Is(err, report.ErrNoMonth) {
		return nil, usageError(err)
	}
	return r, err
}

func renderReport(w io.Writer, r *wire.Report, format string) error {
	switch format {
	case report.FormatHTML:
		return report.HTML(w, r)
	case report.FormatPDF:
		return report.PDF(w, r)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

type reportSendOptions struct {
	monthFlags
	smtp, from, contacts string
	maxAttempts          int
	timeout              time.Duration
}

func newReportSendCmd() *cobra.Command {
	var o reportSendOptions
	cmd := &cobra.Command{
		Use:   "send --db DSN --month YYYY-MM --smtp HOST:PORT --from ADDR [--contacts FILE]",
		Short: "Queue the month's report of every participant with a contact, and deliver the pending ones",
		Long: `send queues one e-mail, the report as PDF, per participant and recipient into
the store's outbox: the contact address of every participant approved through an
application, and those of the contacts file (lines "ID ADDRESS": the registry
keeps no e-mail address). Each is queued once (month, participant and recipient are unique there), then
delivers the month's pending e-mails over SMTP, each marked sent in its own
transaction. A failed delivery stays pending, with one more attempt and the error,
and is retried on the next run (exit status 1 until then); after --max-attempts it
is failed. A sent e-mail is never sent again.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.month == "" {
				return usageError(errors.New("--month is required"))
			}
			if err := report.CheckAddr(o.smtp); err != nil {
				return usageError(err)
			}
			if a, err := mail.ParseAddress(o.from); err != nil || a.Name != "" {
				return usageError(fmt.Errorf("--from %q: want an e-mail address", o.from))
			}
			return runReportSend(cmd.Context(), cmd.OutOrStdout(), o)
		},
	}
	o.monthFlags.register(cmd)
	f := cmd.Flags()
	f.StringVar(&o.smtp, "smtp", "", "the SMTP server, HOST:PORT")
	f.StringVar(&o.from, "from", "", "the sender's e-mail address")
	f.StringVar(&o.contacts, "contacts", "", `more recipients: a file of lines "PARTICIPANT-ID ADDRESS"`)
	f.IntVar(&o.maxAttempts, "max-attempts", 10, "give an e-mail up after so many failed deliveries (0: never)")
	f.DurationVar(&o.timeout, "timeout", 30*time.Second, "per delivery")
	return cmd
}

// contactsFile reads the --contacts file; none is no contact.
func contactsFile(path string) (report.Contacts, error) {
	if path == "" {
		return report.Contacts{}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, usageError(err)
	}
	defer f.Close()
	c, err := report.ParseContacts(f, path)
	if err != nil {
		return nil, usageError(err)
	}
	return c, nil
}

func runReportSend(ctx context.Context, out io.Writer, o reportSendOptions) error {
	contacts, err := contactsFile(o.contacts)
	if err != nil {
		return err
	}
	st, m, err := openMonth(ctx, o.db, o.month, o.spec)
	if err != nil {
		return err
	}
	defer st.Close()
	if isReadOnly(st) {
		return errors.New("the store is read-only: nothing can be queued or marked sent")
	}
	svc, ok1 := st.(store.Service)
	ob, ok2 := st.(store.Outbox)
	if !ok1 || !ok2 {
		return fmt.Errorf("store %T keeps no registry or outbox", st)
	}
	reg, err := svc.RegisteredParticipants(ctx)
	if err != nil {
		return err
	}
	for id := range contacts {
		if !slices.ContainsFunc(reg, func(p store.Registered) bool { return p.ID == id }) {
			return usageError(fmt.Errorf("%s: participant %d is not in the registry", o.contacts, id))
		}
	}
	apps, err := svc.ApplicationList(ctx)
	if err != nil {
		return err
	}
	contacts.Merge(report.ApplicantContacts(apps))
	month := vocab.MonthOf(m)
	q, err := report.Queue(ctx, report.QueueInput{Store: st, Outbox: ob, Registry: reg, Contacts: contacts,
		Month: month, Spec: o.spec, Now: time.Now().UTC()})
	if errors.Is(err, report.ErrNoMonth) {
		return usageError(err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s: queued %d, %d queued before, %d participants without a contact\n", month, q.Queued, q.Already, q.NoContact)
	d, err := report.Deliver(ctx, ob, month, report.DeliverOptions{Addr: o.smtp, From: o.from, MaxAttempts: o.maxAttempts, Timeout: o.timeout})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s: sent %d, failed %d (%d given up), %d held by another run\n", month, d.Sent, d.Failed, d.GaveUp, d.Held)
	for _, e := range d.Errors {
		fmt.Fprintln(out, "  "+e)
	}
	if d.Failed > 0 {
		return &exitError{code: 1, err: errors.New(strconv.Itoa(d.Failed) + " deliveries failed; those not given up stay pending for the next run")}
	}
	return nil
}
