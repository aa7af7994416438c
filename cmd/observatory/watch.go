package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/observatory-net/observatory/internal/alert"
	"github.com/observatory-net/observatory/internal/asrel"
	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/mrt"
	"github.com/observatory-net/observatory/internal/report"
	"github.com/observatory-net/observatory/internal/rislive"
	"github.com/observatory-net/observatory/internal/rpki"
)

func init() { register(newWatchCmd) }

// watchOptions are the flags of the watch command.
type watchOptions struct {
	watch, vrps, asrel  string
	mrt, risLive        []string
	skipInvalid         bool
	webhookTest         bool
	deliver             bool
	smtp, from, baseURL string
	registry, contacts  string
	attempts            int
	backoff, timeout    time.Duration
}

func newWatchCmd() *cobra.Command {
	var o watchOptions
	cmd := &cobra.Command{
		Use:   "watch --watch FILE --vrps FILE (--mrt FILE… | --ris-live FILE…) [--asrel FILE] [--webhook-test] [--deliver]",
		Short: "Replay MRT updates through the alert engine and show the incidents of a watch list as they open and close",
		Long: `watch replays the BGP4MP updates (and RIB entries) of the MRT files in time
order through the alert engine (internal/alert) with the watch list of
--watch and the VRPs of --vrps, and prints one line per incident opening or
closing: time, OPEN or CLOSE, kind, prefix, origin, peers (the most at
once), the duration of a closed incident and the watch entries concerned.
A summary per kind follows, then the incidents still open at the end.

Incident kinds: origin-hijack, subprefix-hijack, rpki-invalid,
visibility-loss, route-leak (with --asrel, CAIDA relationships) and
roa-change; docs/alerts.md gives their rules and the watch file format.

--webhook-test first sends a test alert to every webhook of the watch list,
with the retries of real alerts, and fails when one is not delivered;
without --mrt it only does that. --deliver also delivers the replayed
incidents to their webhooks and (with --smtp) e-mail addresses, and waits
for the deliveries to end. --registry also watches every ASN of the store's
participants registry, alerts e-mailed to the addresses --contacts gives
(lines "ID ADDRESS", as report send reads them). The webhooks' HMAC secret is read from the
environment variable the watch file names (webhook_secret_env).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runWatch(cmd, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.watch, "watch", "", "watch list (YAML, docs/alerts.md)")
	f.StringVar(&o.vrps, "vrps", "", "VRP file (rpki-client/Routinator JSON or CSV, optionally compressed)")
	f.StringArrayVar(&o.mrt, "mrt", nil, "MRT updates or RIB file, repeatable; replayed merged in time order")
	f.StringArrayVar(&o.risLive, "ris-live", nil, "RIS Live messages, one JSON object a line (a websocket's replay), repeatable; merged with the MRT files in time order")
	f.StringVar(&o.asrel, "asrel", "", "CAIDA AS relationships (serial-1), to detect route leaks")
	f.BoolVar(&o.skipInvalid, "skip-invalid", false, "skip undecodable VRP records (reported on stderr) instead of failing")
	f.BoolVar(&o.webhookTest, "webhook-test", false, "send a test alert to every webhook of the watch list first")
	f.BoolVar(&o.deliver, "deliver", false, "deliver the replayed incidents to the watch list's targets")
	o.deliveryFlags(f, "SMTP server HOST:PORT for e-mail targets (with --deliver)")
	return cmd
}

// deliveryFlags registers the flags of the delivery and the registry's
// watches, which watch and live share; smtpUsage is --smtp's help.
func (o *watchOptions) deliveryFlags(f *pflag.FlagSet, smtpUsage string) {
	f.StringVar(&o.smtp, "smtp", "", smtpUsage)
	f.StringVar(&o.from, "from", "observatory@localhost", "sender address of alert e-mails")
	f.StringVar(&o.registry, "registry", "", "also watch the ASNs of the participants registry of this store (DSN)")
	f.StringVar(&o.contacts, "contacts", "", "with --registry: lines \"ID ADDRESS\", the participants' alert addresses")
	f.IntVar(&o.attempts, "attempts", 8, "delivery attempts of one alert to one target, in all")
	f.DurationVar(&o.backoff, "backoff", time.Second, "wait after the first failed attempt, doubled after each (at most 5m)")
	f.DurationVar(&o.timeout, "timeout", 10*time.Second, "time limit of one delivery attempt")
	f.StringVar(&o.baseURL, "base-url", "", "replaces {base} in the watch list's evidence_url (default: its base_url)")
}

func runWatch(cmd *cobra.Command, o watchOptions) error {
	if o.watch == "" {
		return usageError(errors.New("--watch is required"))
	}
	replay := len(o.mrt) + len(o.risLive)
	if replay > 0 && o.vrps == "" {
		return usageError(errors.New("--vrps is required with --mrt or --ris-live"))
	}
	if replay == 0 && !o.webhookTest {
		return usageError(errors.New("give at least one --mrt or --ris-live, or --webhook-test"))
	}
	if o.attempts < 1 || o.backoff <= 0 || o.timeout <= 0 {
		return usageError(errors.New("--attempts, --backoff and --timeout must be positive"))
	}
	if o.smtp != "" && !o.deliver {
		return usageError(errors.New("--smtp needs --deliver"))
	}
	w, err := alert.LoadWatch(o.watch)
	if err != nil {
		return usageError(err)
	}
	if o.baseURL != "" {
		w.BaseURL = o.baseURL
	}
	ctx := cmd.Context()
	if err := watchRegistry(ctx, w, o); err != nil {
		return err
	}
	stderr := cmd.ErrOrStderr()
	dopt := alert.DeliveryOptions{SMTP: o.smtp, From: o.from, Link: w.Link, Attempts: o.attempts, Backoff: o.backoff, Timeout: o.timeout,
		Logger: slog.New(slog.NewTextHandler(stderr, nil))}
	if w.SecretEnv != "" {
		if dopt.Secret = os.Getenv(w.SecretEnv); dopt.Secret == "" {
			return usageError(fmt.Errorf("%s: webhook_secret_env names %s, which is not set", o.watch, w.SecretEnv))
		}
	}
	out := bufio.NewWriter(cmd.OutOrStdout())
	defer out.Flush()
	if o.webhookTest {
		if err := webhookTest(ctx, out, w, dopt); err != nil {
			return err
		}
	}
	if replay == 0 {
		return nil
	}
	s, err := loadSnapshot(ctx, validateOptions{vrps: o.vrps, skipInvalid: o.skipInvalid}, stderr)
	if err != nil {
		return err
	}
	return replayWatch(ctx, out, stderr, w, s, o, dopt)
}

// watchRegistry adds the registry's participants to the watch list.
func watchRegistry(ctx context.Context, w *alert.Watch, o watchOptions) error {
	if o.registry == "" {
		if o.contacts != "" {
			return usageError(errors.New("--contacts needs --registry"))
		}
		return nil
	}
	contacts := report.Contacts{}
	if o.contacts != "" {
		f, err := os.Open(o.contacts)
		if err != nil {
			return usageError(fmt.Errorf("--contacts: %w", err))
		}
		defer f.Close()
		if contacts, err = report.ParseContacts(f, o.contacts); err != nil {
			return usageError(err)
		}
	}
	svc, err := openService(ctx, o.registry)
	if err != nil {
		return err
	}
	defer svc.Close()
	ps, err := svc.RegisteredParticipants(ctx)
	if err != nil {
		return fmt.Errorf("read the participants registry: %w", err)
	}
	w.AddParticipants(ps, contacts)
	return nil
}

// webhookTest sends a test alert to every webhook and reports each.
func webhookTest(ctx context.Context, out *bufio.Writer, w *alert.Watch, dopt alert.DeliveryOptions) error {
	urls := map[string]bool{}
	var list []string
	for _, t := range watchTargets(w) {
		for _, u := range t.Webhooks {
			if !urls[u] {
				urls[u] = true
				list = append(list, u)
			}
		}
	}
	if len(list) == 0 {
		return usageError(fmt.Errorf("%s: --webhook-test: the watch list names no webhook", w.File))
	}
	d := alert.NewDispatcher(ctx, dopt)
	defer d.Close()
	ev := alert.TestEvent(time.Now().UTC(), w)
	failed := 0
	for _, u := range list {
		r := d.Deliver(ctx, ev, "webhook", u)
		if r.Err != nil {
			failed++
			fmt.Fprintf(out, "webhook-test %s: not delivered after %d attempts: %v\n", u, r.Attempts, r.Err)
			continue
		}
		fmt.Fprintf(out, "webhook-test %s: delivered (attempt %d)\n", u, r.Attempts)
	}
	if failed > 0 {
		out.Flush()
		return &exitError{code: 1, err: fmt.Errorf("--webhook-test: %d of %d webhooks did not take the test alert", failed, len(list))}
	}
	return nil
}

func watchTargets(w *alert.Watch) []alert.Targets {
	var out []alert.Targets
	for _, p := range w.Prefixes {
		out = append(out, p.Targets)
	}
	for _, a := range w.ASNs {
		out = append(out, a.Targets)
	}
	return out
}

// replayWatch replays the MRT files through the engine and prints the
// terminal view and the summary.
func replayWatch(ctx context.Context, out *bufio.Writer, stderr io.Writer, w *alert.Watch, s *rpki.Snapshot, o watchOptions, dopt alert.DeliveryOptions) error {
	var opt alert.Options
	if o.asrel != "" {
		g, err := asrel.LoadFile(ctx, o.asrel, nil)
		if err != nil {
			return usageError(fmt.Errorf("load AS relationships: %w", err))
		}
		opt.Graph = g
	}
	var srcs []iter.Seq[alert.Observation]
	var scanners []*mrt.Scanner
	for _, path := range o.mrt {
		dr, err := decompress.Open(path)
		if err != nil {
			return usageError(fmt.Errorf("open MRT file: %w", err))
		}
		defer dr.Close()
		warn := func(err error) { fmt.Fprintln(stderr, "observatory watch: skipped:", err) }
		sc := mrt.NewScanner(mrt.NewReader(dr, path, mrt.Options{Resync: true, Warn: warn}), false)
		scanners = append(scanners, sc)
		srcs = append(srcs, alert.MRTObservations(sc, ""))
	}
	var feeds []*alert.RISLiveSource
	for _, path := range o.risLive {
		dr, err := decompress.Open(path)
		if err != nil {
			return usageError(fmt.Errorf("open RIS Live file: %w", err))
		}
		defer dr.Close()
		src := alert.NewRISLiveSource(rislive.NewReader(dr, path), "")
		feeds = append(feeds, src)
		srcs = append(srcs, src.All())
	}
	var d *alert.Dispatcher
	if o.deliver {
		d = alert.NewDispatcher(ctx, dopt)
	}
	e := alert.NewEngine(w, s, opt)
	var evs []alert.Event
	for obs := range alert.Merge(srcs...) {
		evs = e.Observe(evs[:0], obs)
		for _, ev := range evs {
			if _, err := fmt.Fprintln(out, alert.Line(ev)); err != nil {
				return err
			}
			if d != nil {
				d.Enqueue(ev)
			}
		}
	}
	for i, sc := range scanners {
		if err := sc.Err(); err != nil {
			return usageError(fmt.Errorf("read MRT file %s: %w", o.mrt[i], err))
		}
	}
	for _, f := range feeds {
		if err := f.Err(); err != nil {
			return usageError(fmt.Errorf("read RIS Live file: %w", err))
		}
	}
	writeWatchSummary(out, e)
	if d != nil {
		writeDeliveries(out, d.Close())
	}
	return nil
}

func writeWatchSummary(out *bufio.Writer, e *alert.Engine) {
	st := e.Stats()
	open := e.Open()
	opened, closed := 0, 0
	for _, k := range alert.Kinds {
		opened += st.Opened[k]
		closed += st.Closed[k]
	}
	fmt.Fprintf(out, "# %d observations, %d routes kept; %d incidents opened, %d closed, %d open at the end\n",
		st.Observations, st.Routes, opened, closed, len(open))
	for _, k := range alert.Kinds {
		if st.Opened[k] > 0 {
			fmt.Fprintf(out, "# %-16s opened %d, closed %d, open %d\n", k, st.Opened[k], st.Closed[k], st.Open[k])
		}
	}
	end := e.Now()
	for _, in := range open {
		fmt.Fprintf(out, "# open: %s %s since %s (%s) peers=%d id=%s\n", in.Kind, in.Subject(),
			in.Opened.UTC().Format(time.RFC3339), end.Sub(in.Opened), in.Evidence.Peers, in.ID)
	}
}

func writeDeliveries(out *bufio.Writer, res map[string]alert.Result) {
	ok, failed := 0, 0
	for _, r := range res {
		if r.Err != nil {
			failed++
		} else {
			ok++
		}
	}
	fmt.Fprintf(out, "# deliveries: %d delivered, %d failed\n", ok, failed)
}
