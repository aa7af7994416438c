package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/observatory-net/observatory/internal/alert"
	"github.com/observatory-net/observatory/internal/asrel"
	"github.com/observatory-net/observatory/internal/bmp"
	"github.com/observatory-net/observatory/internal/live"
	"github.com/observatory-net/observatory/internal/rpki"
	"github.com/observatory-net/observatory/internal/rtr"
	"github.com/observatory-net/observatory/internal/store"
)

func init() { register(newLiveCmd) }

// liveOptions are the flags of the live command: watch's delivery flags
// and the feed's.
type liveOptions struct {
	watchOptions
	listen, metrics string
	db, rtr         string
	risLive         []string
	rtrVersion      int
	tick, poll      time.Duration
	drain, resync   time.Duration
}

func newLiveCmd() *cobra.Command {
	var o liveOptions
	cmd := &cobra.Command{
		Use:   "live --watch FILE --vrps FILE|--rtr HOST:PORT [--listen ADDR] [--metrics ADDR] [--db DSN] [--smtp HOST:PORT]",
		Short: "Run the alert engine on live BMP feeds and deliver the incidents of a watch list as they open and close",
		Long: `live runs a BMP station (as observatory bmp does, on --listen) and gives every
route a router exports, every withdrawal and every peer down to the alert
engine (internal/alert) with the watch list of --watch; routes are validated
(RFC 6811) against the VRPs of --vrps, reloaded when the file changes or on
SIGHUP (each reload a VRP update: ROA changes of watched prefixes, every kept
route validated again), or those of the RTR cache --rtr names (RFC 8210,
each End of Data a VRP update with the cache's change). It prints one line per incident opening or closing,
as observatory watch does, and delivers each to the watch list's webhooks and
(with --smtp) e-mail addresses, with the retries and deduplication of watch
--deliver (docs/alerts.md).

A peer down, or the end of a router's BMP session, withdraws that peer's
routes: an incident no other peer carries closes, and a watched prefix seen
by fewer than its min_peers peers opens a visibility loss once its hold has
passed. Stopping the command (SIGINT or SIGTERM) closes no incident: the
station stops, the engine applies what was queued, the deliveries queued are
made (for at most --drain), and a summary with the incidents still open is
printed.

--db DSN (an SQLite file or a PostgreSQL URL) records every incident as it
opens and closes, before its deliveries are queued, for the API and the
dashboard (/alerts), and every delivery made: a restarted process does not
make again a delivery an earlier run made. A run started on that store takes
over the incidents an earlier run left open, under their IDs: a route of one
that comes back (the routers send their tables again) opens nothing new, and
one whose routes do not come back within --resync of the first route is closed
then, marked endedUnseen; an opening alert the earlier run did not deliver is
delivered.

--metrics ADDR serves Prometheus metrics on http://ADDR/metrics: the alert
metrics and the station's (sessions, messages, damaged messages, routes). A
bare :PORT listens on 127.0.0.1. BMP has no authentication: --listen is
127.0.0.1:11019 by default.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runLive(ctx, cmd, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.watch, "watch", "", "watch list (YAML, docs/alerts.md)")
	f.StringVar(&o.vrps, "vrps", "", "VRP file (rpki-client/Routinator JSON or CSV, optionally compressed), reloaded when it changes or on SIGHUP")
	f.StringVar(&o.asrel, "asrel", "", "CAIDA AS relationships (serial-1), to detect route leaks")
	f.BoolVar(&o.skipInvalid, "skip-invalid", false, "skip undecodable VRP records (reported on stderr) instead of failing")
	f.StringVar(&o.listen, "listen", bmp.DefaultListen, "address to accept BMP sessions on")
	f.StringVar(&o.rtr, "rtr", "", "follow this RTR cache (HOST:PORT) for the VRPs instead of --vrps")
	f.StringArrayVar(&o.risLive, "ris-live", nil, "also read RIS Live messages, one JSON object a line, from this file or - (standard input, e.g. piped from a websocket client); repeatable")
	f.IntVar(&o.rtrVersion, "rtr-version", 2, "with --rtr: highest RTR version offered, 0, 1 or 2")
	f.StringVar(&o.db, "db", "", "record incidents and deliveries in this store (SQLite file or PostgreSQL URL)")
	f.StringVar(&o.metrics, "metrics", "", "serve Prometheus metrics on this address (HOST:PORT; :PORT is 127.0.0.1); default off")
	f.DurationVar(&o.tick, "tick", time.Second, "period of the engine's clock ticks, which fire visibility-loss holds")
	f.DurationVar(&o.poll, "vrps-poll", time.Second, "period of the checks of --vrps for a change")
	f.DurationVar(&o.drain, "drain", 30*time.Second, "at shutdown, the longest wait for the queued deliveries")
	f.DurationVar(&o.resync, "resync", 2*time.Minute, "with --db: how long the incidents a previous run left open wait, from the first route, to be seen again before they are closed")
	o.deliveryFlags(f, "SMTP server HOST:PORT for e-mail targets")
	return cmd
}

// checkLiveOptions rejects bad flags before anything starts.
func checkLiveOptions(o *liveOptions) error {
	switch {
	case o.watch == "":
		return errors.New("--watch is required")
	case o.vrps == "" && o.rtr == "":
		return errors.New("--vrps FILE or --rtr HOST:PORT is required")
	case o.vrps != "" && o.rtr != "":
		return errors.New("--vrps and --rtr: give one")
	case o.rtrVersion < 0 || o.rtrVersion > int(rtr.MaxVersion):
		return fmt.Errorf("--rtr-version %d: want 0, 1 or 2", o.rtrVersion)
	case o.attempts < 1 || o.backoff <= 0 || o.timeout <= 0:
		return errors.New("--attempts, --backoff and --timeout must be positive")
	case o.tick <= 0 || o.poll <= 0 || o.drain <= 0 || o.resync <= 0:
		return errors.New("--tick, --vrps-poll, --drain and --resync must be positive")
	}
	if _, _, err := net.SplitHostPort(o.listen); err != nil {
		return fmt.Errorf("--listen %q: %w", o.listen, err)
	}
	if o.rtr != "" {
		if _, _, err := net.SplitHostPort(o.rtr); err != nil {
			return fmt.Errorf("--rtr %q: %w", o.rtr, err)
		}
	}
	if o.metrics != "" {
		host, port, err := net.SplitHostPort(o.metrics)
		if err != nil {
			return fmt.Errorf("--metrics %q: %w", o.metrics, err)
		}
		if host == "" {
			o.metrics = net.JoinHostPort("127.0.0.1", port)
		}
	}
	return nil
}

func runLive(ctx context.Context, cmd *cobra.Command, o liveOptions) error {
	if err := checkLiveOptions(&o); err != nil {
		return usageError(err)
	}
	w, err := alert.LoadWatch(o.watch)
	if err != nil {
		return usageError(err)
	}
	if o.baseURL != "" {
		w.BaseURL = o.baseURL
	}
	if err := watchRegistry(ctx, w, o.watchOptions); err != nil {
		return err
	}
	stderr := cmd.ErrOrStderr()
	log := slog.New(slog.NewTextHandler(stderr, nil))
	m := alert.NewMetrics(nil)
	dopt := alert.DeliveryOptions{SMTP: o.smtp, From: o.from, Link: w.Link, Attempts: o.attempts, Backoff: o.backoff,
		Timeout: o.timeout, Logger: log, Metrics: m}
	if w.SecretEnv != "" {
		if dopt.Secret = os.Getenv(w.SecretEnv); dopt.Secret == "" {
			return usageError(fmt.Errorf("%s: webhook_secret_env names %s, which is not set", o.watch, w.SecretEnv))
		}
	}
	eopt := alert.Options{Metrics: m}
	if o.asrel != "" {
		if eopt.Graph, err = asrel.LoadFile(ctx, o.asrel, nil); err != nil {
			return usageError(fmt.Errorf("load AS relationships: %w", err))
		}
	}
	journal, closeJournal, err := openJournal(ctx, o.db)
	if err != nil {
		return err
	}
	defer closeJournal()
	dopt.Journal = journal
	vrps, first, err := liveVRPs(ctx, o, stderr, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return fmt.Errorf("live: BMP station: %w", err)
	}
	st := &bmp.Station{Logger: log}
	if o.metrics != "" {
		m.Registry().MustRegister(live.NewStationCollector(st))
		stopMetrics, err := serveMetrics(o.metrics, m.Handler(), log)
		if err != nil {
			ln.Close()
			return err
		}
		defer stopMetrics()
	}
	e := alert.NewEngine(w, first, eopt)
	var restored []alert.Event
	if journal != nil {
		incs, err := alert.OpenIncidents(ctx, journal)
		if err != nil {
			ln.Close()
			return fmt.Errorf("live: --db: %w", err)
		}
		restored = e.Restore(incs, o.resync)
		log.Info("live: took over the incidents left open", "open", len(incs), "taken_over", len(restored), "resync", o.resync)
	}
	return feedLive(ctx, cmd.OutOrStdout(), log, o, ln, st, e, vrps, dopt, journal, restored)
}

// openJournal opens the store of --db for the incidents and deliveries
// (nil, and a no-op close, without --db).
func openJournal(ctx context.Context, dsn string) (store.Alerts, func(), error) {
	if dsn == "" {
		return nil, func() {}, nil
	}
	st, err := openStore(ctx, dsn)
	if err != nil {
		return nil, nil, err
	}
	j, ok := st.(store.Alerts)
	if !ok {
		st.Close()
		return nil, nil, fmt.Errorf("--db: store %T keeps no alerts", st)
	}
	return j, func() { st.Close() }, nil
}

// liveVRPs returns the VRP source of the live command and the engine's
// first VRP set: the --vrps file, loaded now, or the RTR cache of --rtr,
// whose first End of Data will be the engine's baseline (nil until then:
// no route is invalid).
func liveVRPs(ctx context.Context, o liveOptions, stderr io.Writer, log *slog.Logger) (live.VRPSource, *rpki.Snapshot, error) {
	if o.rtr != "" {
		c := &rtr.Client{Addr: o.rtr, Version: rtr.Version(o.rtrVersion), Logger: log}
		return &live.RTRVRPs{Client: c}, nil, nil
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	f := &live.FileVRPs{Path: o.vrps, Interval: o.poll, Reload: hup, Logger: log,
		Load: func(ctx context.Context, path string) (*rpki.Snapshot, error) {
			return loadSnapshot(ctx, validateOptions{vrps: path, skipInvalid: o.skipInvalid}, stderr)
		}}
	first, err := f.First(ctx)
	if err != nil {
		return nil, nil, usageError(err)
	}
	return f, first, nil
}

// serveMetrics serves h on addr/metrics until the returned stop is called.
func serveMetrics(addr string, h http.Handler, log *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("live: --metrics: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln) //nolint:errcheck // ends with Close
	log.Info("metrics listening", "addr", ln.Addr().String())
	return func() { srv.Close() }, nil
}

// feedLive runs the feed until ctx ends, printing, recording (in j, when
// set) and delivering every event, then drains the deliveries and prints
// the summary.
func feedLive(ctx context.Context, stdout io.Writer, log *slog.Logger, o liveOptions, ln net.Listener, st *bmp.Station,
	e *alert.Engine, vrps live.VRPSource, dopt alert.DeliveryOptions, j store.Alerts, restored []alert.Event) error {
	rctx := context.WithoutCancel(ctx) // events applied after SIGTERM are recorded too
	dctx, cancelDeliveries := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelDeliveries()
	d := alert.NewDispatcher(dctx, dopt)
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	var werr error
	emit := func(ev alert.Event) {
		fmt.Fprintln(out, alert.Line(ev))
		if err := out.Flush(); err != nil && werr == nil {
			werr = err
		}
		if j != nil {
			if err := alert.Record(rctx, j, ev); err != nil {
				log.Error("alert not recorded in the store", "key", ev.IdempotencyKey(), "error", err.Error())
			}
		}
		d.Enqueue(ev)
	}
	for _, ev := range restored {
		d.Enqueue(ev) // what the previous process did not deliver; the journal skips the rest
	}
	routes, closeRoutes, err := risLiveFeeds(o.risLive, os.Stdin, log)
	if err != nil {
		return err
	}
	defer closeRoutes()
	f := &live.Feed{Station: st, Engine: e, VRPs: vrps, Routes: routes, Emit: emit, Tick: o.tick, Logger: log}
	err = f.Run(ctx, ln)
	log.Info("live: stopping", "deliveries_pending", d.Pending())
	res := drainDeliveries(d, o.drain, cancelDeliveries, log)
	writeWatchSummary(out, e)
	writeDeliveries(out, res)
	if err != nil {
		return fmt.Errorf("live: %w", err)
	}
	if werr != nil {
		return fmt.Errorf("live: writing output: %w", werr)
	}
	return nil
}

// drainDeliveries closes d, waiting at most limit for the queued
// deliveries before cancelling them.
func drainDeliveries(d *alert.Dispatcher, limit time.Duration, cancel func(), log *slog.Logger) map[string]alert.Result {
	done := make(chan map[string]alert.Result, 1)
	go func() { done <- d.Close() }()
	select {
	case r := <-done:
		return r
	case <-time.After(limit):
		log.Error("live: deliveries still pending after --drain, given up", "pending", d.Pending(), "drain", limit)
		cancel()
		return <-done
	}
}

// risLiveFeeds opens the --ris-live feeds: files, or - for in.
func risLiveFeeds(paths []string, in io.Reader, log *slog.Logger) ([]live.VRPSource, func(), error) {
	var feeds []live.VRPSource
	var closers []io.Closer
	closeAll := func() {
		for _, c := range closers {
			c.Close()
		}
	}
	for _, p := range paths {
		if p == "-" {
			feeds = append(feeds, &live.RISLive{R: in, Name: "stdin", Logger: log})
			continue
		}
		f, err := os.Open(p)
		if err != nil {
			closeAll()
			return nil, nil, usageError(fmt.Errorf("--ris-live: %w", err))
		}
		closers = append(closers, f)
		feeds = append(feeds, &live.RISLive{R: f, Name: p, Logger: log})
	}
	return feeds, closeAll, nil
}
