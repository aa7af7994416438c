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

	"github.com/observatory-net/observatory/internal/httpapi"
	"github.com/observatory-net/observatory/internal/web"
)

func init() { register(newServeCmd) }

// serveOptions are the flags of serve.
type serveOptions struct {
	db, listen          string
	monthsTTL, keyTTL   time.Duration
	keyRate, anonRate   int
	accessLog           bool
	shutdownGracePeriod time.Duration
}

func newServeCmd() *cobra.Command {
	var o serveOptions
	cmd := &cobra.Command{
		Use:   "serve --db DSN [--listen 127.0.0.1:8080]",
		Short: "Serve the dashboard at /, the /api/v2 JSON API, /healthz and /metrics",
		Long: `serve answers the observatory's dashboard at / and its API v2 (the contract is served at
/api/v2/openapi.json) from a store: an SQLite file, or a postgres:// DSN.
Keys, the participants registry and feedback need a store that keeps them
(both do). It stops gracefully on SIGINT or SIGTERM.`,
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
	f.DurationVar(&o.monthsTTL, "months-ttl", 2*time.Second, "how long the list of stored months is trusted (how late a re-ingest shows)")
	f.DurationVar(&o.keyTTL, "key-cache", 10*time.Second, "how long a verified key is trusted (how late a revocation takes effect)")
	f.IntVar(&o.keyRate, "rate", 600, "requests a minute per key whose own rate is 0 (0: unlimited)")
	f.IntVar(&o.anonRate, "anonymous-rate", 300, "requests a minute per anonymous client address (0: unlimited)")
	f.BoolVar(&o.accessLog, "access-log", true, "log every request on standard error")
	f.DurationVar(&o.shutdownGracePeriod, "grace", 10*time.Second, "how long shutdown waits for requests in flight")
	return cmd
}

// serve runs the API until ctx ends, then shuts down gracefully. When
// ready is not nil it receives the address listened on.
func serve(ctx context.Context, o serveOptions, logTo io.Writer, ready chan<- string) error {
	log := slog.New(slog.NewTextHandler(logTo, nil))
	st, err := openStore(ctx, o.db)
	if err != nil {
		return err
	}
	defer st.Close()
	if isReadOnly(st) {
		log.Warn("the store is read-only: it is served, and key use, feedback, reviews and registry changes are refused", "store", redactDSN(o.db))
	}
	api, err := httpapi.New(httpapi.Options{Store: st, Logger: log, AccessLog: o.accessLog,
		MonthsTTL: o.monthsTTL, KeyCacheTTL: o.keyTTL, KeyRatePerMinute: o.keyRate, AnonymousRatePerMinute: o.anonRate})
	if err != nil {
		return err
	}
	defer api.Close()
	dash, err := web.New(web.Options{Store: st, API: api.Handler(), Generation: api.Generation, Logger: log, MonthsTTL: o.monthsTTL, KeyCacheTTL: o.keyTTL})
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
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return usageError(fmt.Errorf("--listen %s: %w", o.listen, err))
	}
	srv := &http.Server{Handler: dash.Handler(), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second,
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

// redactDSN hides a password in a postgres:// DSN for the log.
func redactDSN(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			return u.Redacted()
		}
	}
	return dsn
}
