package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/observatory-net/observatory/internal/accesslog"
	"github.com/observatory-net/observatory/internal/forwarded"
	"github.com/observatory-net/observatory/internal/httpapi"
	"github.com/observatory-net/observatory/internal/ratelimit"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/web"
)

func init() { register(newServeCmd) }

// serveOptions are the flags of serve.
type serveOptions struct {
	db, listen          string
	monthsTTL, keyTTL   time.Duration
	keyRate, anonRate   int
	pageRate            int // < 0: anonRate
	signInFailures      int // per signInWindow
	trustedProxies      string
	accessLog           bool
	shutdownGracePeriod time.Duration
	checkInterval       time.Duration
}

// signInWindow is the period of --signin-failures.
const signInWindow = 15 * time.Minute

func newServeCmd() *cobra.Command {
	var o serveOptions
	cmd := &cobra.Command{
		Use:   "serve --db DSN [--listen 127.0.0.1:8080]",
		Short: "Serve the dashboard at /, the /api/v2 JSON API, /healthz and /metrics",
		Long: `serve answers the observatory's dashboard at / and its API v2 (the contract is served at
/api/v2/openapi.json) from a store: an SQLite file, or a postgres:// DSN.
Keys, the participants registry and feedback need a store that keeps them
(both do). It stops gracefully on SIGINT or SIGTERM.

Before it listens, serve checks the store's integrity (SQLite: PRAGMA
quick_check over the whole file; PostgreSQL: the database's count of data
checksum failures) and refuses to start on a damaged store, naming it. It
checks again every --check-interval: damage found then, or reads failing
with damage, turn /healthz to 503 with the reason.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return serve(ctx, o, os.Stderr, nil)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.db, "db", "", "store: an SQLite file or a postgres:// DSN")
	f.StringVar(&o.listen, "listen", "127.0.0.1:8080", "address to listen on")
	o.flags(f)
	return cmd
}

// flags defines serve's settings but the store and the address, for
// serve and for run alike.
func (o *serveOptions) flags(f *pflag.FlagSet) {
	f.DurationVar(&o.monthsTTL, "months-ttl", 2*time.Second, "how long the list of stored months is trusted (how late a re-ingest shows)")
	f.DurationVar(&o.keyTTL, "key-cache", 10*time.Second, "how long a verified key is trusted (how late a revocation takes effect)")
	f.IntVar(&o.keyRate, "rate", 600, "requests a minute per key whose own rate is 0 (0: unlimited)")
	f.IntVar(&o.anonRate, "anonymous-rate", 300, "requests a minute per anonymous client address (0: unlimited)")
	f.IntVar(&o.pageRate, "page-rate", -1, "dashboard pages a minute per client address (default: --anonymous-rate; 0: unlimited)")
	f.IntVar(&o.signInFailures, "signin-failures", 5, "failed dashboard sign-ins per client address per 15 minutes before 429 (0: unlimited)")
	f.StringVar(&o.trustedProxies, "trusted-proxy", "", "CIDR[,CIDR]: reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (default: none)")
	f.BoolVar(&o.accessLog, "access-log", true, "log every request (pages, static files, sign-in, API) on standard error")
	f.DurationVar(&o.shutdownGracePeriod, "grace", 10*time.Second, "how long shutdown waits for requests in flight")
	f.DurationVar(&o.checkInterval, "check-interval", 10*time.Minute, "how often the store's integrity is checked in the background (0: at start only)")
}

// serve runs the API until ctx ends, then shuts down gracefully. When
// ready is not nil it receives the address listened on.
func serve(ctx context.Context, o serveOptions, logTo io.Writer, ready chan<- string) error {
	log := slog.New(slog.NewTextHandler(logTo, nil))
	proxies, err := forwarded.ParseProxies(o.trustedProxies)
	if err != nil {
		return usageError(fmt.Errorf("--trusted-proxy: %w", err))
	}
	if o.signInFailures < 0 {
		return usageError(fmt.Errorf("--signin-failures %d: want 0 or more", o.signInFailures))
	}
	if o.pageRate < 0 {
		o.pageRate = o.anonRate
	}
	st, err := openStore(ctx, o.db)
	if err != nil {
		return err
	}
	defer st.Close()
	if o.checkInterval < 0 {
		return usageError(fmt.Errorf("--check-interval %v: want a duration of zero or more", o.checkInterval))
	}
	if isReadOnly(st) {
		log.Warn("the store is read-only: it is served, and key use, feedback, reviews and registry changes are refused", "store", redactDSN(o.db))
	}
	// The access log is written in front of everything (handler below),
	// not by the API alone.
	api, err := httpapi.New(httpapi.Options{Store: st, Logger: log,
		MonthsTTL: o.monthsTTL, KeyCacheTTL: o.keyTTL, KeyRatePerMinute: o.keyRate, AnonymousRatePerMinute: o.anonRate,
		CheckInterval: o.checkInterval})
	if err != nil {
		return err
	}
	defer api.Close()
	if err := checkStore(ctx, api, o.db, log); err != nil {
		return err
	}
	signIns := ratelimit.Rate{N: float64(o.signInFailures), Per: signInWindow, Burst: float64(o.signInFailures)}
	dash, err := web.New(web.Options{Store: st, API: api.Handler(), Generation: api.Generation, Logger: log,
		MonthsTTL: o.monthsTTL, KeyCacheTTL: o.keyTTL, PageRatePerMinute: o.pageRate, SignInRate: signIns})
	if err != nil {
		return err
	}
	var warm sync.WaitGroup
	defer warm.Wait()
	warm.Go(func() {
		// The newest month's pages are computed before the first visitor.
		if err := dash.Warm(ctx); err != nil && ctx.Err() == nil {
			log.Warn("prepare the dashboard", "err", err)
		}
	})
	warm.Go(func() {
		// And its records for the API's list queries.
		if err := api.Warm(ctx); err != nil && ctx.Err() == nil {
			log.Warn("prepare the month view", "err", err)
		}
	})
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return usageError(fmt.Errorf("--listen %s: %w", o.listen, err))
	}
	srv := &http.Server{Handler: frontHandler(dash.Handler(), proxies, o.accessLog, log), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("serving", "addr", ln.Addr().String(), "store", redactDSN(o.db))
	if ready != nil {
		ready <- ln.Addr().String()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), o.shutdownGracePeriod)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// frontHandler is what every request meets first: the client's address
// and scheme decided by the trusted proxies, then the access log.
func frontHandler(h http.Handler, proxies forwarded.Proxies, accessLog bool, log *slog.Logger) http.Handler {
	if accessLog {
		h = accesslog.Handler(log, h)
	}
	return proxies.Handler(h)
}

// checkStore runs the store's integrity check before serve listens: a
// damaged store is refused, naming it; a check that cannot run is logged
// and serving goes on (the periodic check tries again).
func checkStore(ctx context.Context, api *httpapi.Server, dsn string, log *slog.Logger) error {
	start := time.Now()
	err := api.CheckStore(ctx)
	switch {
	case errors.Is(err, store.ErrCorrupt):
		return fmt.Errorf("the store %s is damaged: %w; restore it from a backup, or ingest its months into a new store", redactDSN(dsn), err)
	case err != nil && ctx.Err() != nil:
		return err
	case err != nil:
		log.Warn("could not check the store", "store", redactDSN(dsn), "err", err)
	default:
		log.Info("checked the store", "store", redactDSN(dsn), "result", "ok", "elapsed", time.Since(start))
	}
	return nil
}

// redactDSN hides a password in a postgres:// DSN for the log.
func redactDSN(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			return u.Redacted()
		}
	}
	return dsn
}
