package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/observatory-net/observatory/internal/forwarded"
	"github.com/observatory-net/observatory/internal/ratelimit"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/view"
)

// Options configure a Server. Store is required; the rest may be zero.
type Options struct {
	// Store holds the months, the same as the API's.
	Store store.Store
	// Service verifies keys and holds the participants registry and the
	// feedback trail. When nil and Store implements store.Service, Store
	// is used; without one, signing in always fails.
	Service store.Service
	// API, when set, is the /api/v2 handler: Handler sends /api/v2/,
	// /healthz and /metrics to it, acting for the session's key
	// (httpapi.WithPrincipal).
	API http.Handler
	// View, when set, is the view of the store shared with the API: the
	// month list, the registry and the feedback trail, and the count of
	// writes made through either. When nil and API carries one (the
	// handler of httpapi.Server does), that one is used; else the
	// dashboard makes its own.
	View *view.View
	// Generation, when set, counts writes that change month data without
	// a re-ingest (a review re-scores a month): what the pages computed
	// of a month is recomputed when it changes. serve passes the API's
	// (httpapi.Server.Generation).
	Generation func() uint64
	// Logger receives internal errors.
	Logger *slog.Logger
	// MonthsTTL is how long the list of stored months and the registry
	// are trusted before they are read again.
	MonthsTTL time.Duration
	// KeyCacheTTL is how long a verified session and its key are trusted:
	// how late a sign-out or revocation by another process takes effect.
	KeyCacheTTL time.Duration
	// SessionTTL is how long a sign-in lasts (default DefaultSessionTTL);
	// SessionIdle how long it lasts unused (default DefaultSessionIdle;
	// negative: no idle timeout).
	SessionTTL, SessionIdle time.Duration
	// PageRatePerMinute limits the pages each client address may load
	// (static files aside); zero or less: unlimited.
	PageRatePerMinute int
	// SignInRate limits each client address's failed sign-ins; the zero
	// Rate is unlimited. serve allows 5 per 15 minutes.
	SignInRate ratelimit.Rate
	// Now returns the time (default time.Now).
	Now func() time.Time
}

// Server serves the dashboard. It is safe for concurrent use.
type Server struct {
	opt   Options
	st    store.Store
	svc   store.Service
	log   *slog.Logger
	mux   *http.ServeMux
	pages map[string]*template.Template

	shared     *view.View // shared with the API
	sessions   sessionCache
	pageLimits *ratelimit.Limiter // pages, per client address
	signIns    *ratelimit.Limiter // failed sign-ins, per client address
	cacheMu    sync.Mutex
	cache      map[string]*monthView // by monthKey
}

// New returns a dashboard for opt.
func New(opt Options) (*Server, error) {
	// The view's defaults are the dashboard's: the same store, logger and
	// clock as the API's.
	vo := view.Options{Store: opt.Store, Service: opt.Service, Logger: opt.Logger, Now: opt.Now, MonthsTTL: opt.MonthsTTL}
	if err := vo.Fill(); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	opt.Service, opt.Logger, opt.Now = vo.Service, vo.Logger, vo.Now
	if opt.SessionTTL <= 0 {
		opt.SessionTTL = DefaultSessionTTL
	}
	switch {
	case opt.SessionIdle == 0:
		opt.SessionIdle = DefaultSessionIdle
	case opt.SessionIdle < 0:
		opt.SessionIdle = 0
	}
	if opt.View == nil {
		if h, ok := opt.API.(interface{ View() *view.View }); ok {
			opt.View = h.View()
		}
	}
	if opt.View == nil {
		v, err := view.New(vo)
		if err != nil {
			return nil, err
		}
		opt.View = v
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	s := &Server{opt: opt, st: opt.Store, svc: opt.Service, shared: opt.View, log: opt.Logger, mux: http.NewServeMux(),
		pages: pages, cache: map[string]*monthView{}, pageLimits: ratelimit.New(opt.Now), signIns: ratelimit.New(opt.Now)}
	s.routes()
	return s, nil
}

func (s *Server) routes() {
	s.mux.Handle("GET /static/", staticHandler())
	s.page("GET /{$}", s.overview)
	s.page("GET /map", s.worldMap)
	s.page("GET /asn/{$}", s.asnJump)
	s.page("GET /asn/{asn}", s.asnPage)
	s.page("GET /participants", s.participants)
	s.page("GET /participants.csv", s.participantsCSV)
	s.page("GET /compare", s.compare)
	s.page("GET /specs", s.specs)
	s.page("GET /specs/diff", s.specDiff)
	s.page("GET /signin", s.signInForm)
	s.page("POST /signin", s.signIn)
	s.page("POST /signout", s.signOut)
	s.page("POST /incidents/{id}/feedback", s.feedbackForm)
	s.page("GET /conformance", s.conformance)
	s.page("GET /conformance.csv", s.conformanceCSV)
	s.page("GET /outreach", s.outreachPage)
	s.page("GET /outreach.csv", s.outreachCSV)
	s.page("GET /audit", s.auditPageHandler)
	s.page("GET /audit/sectors", s.sectorsPageHandler)
	s.page("GET /rs-checks", s.rsChecksHandler)
	s.page("GET /rs-checks/{id}", s.rsCheckHandler)
	s.page("GET /alerts", s.alertsHandler)
	s.page("GET /alerts/{id}", s.alertHandler)
	s.page("GET /report", s.reportHTML)
	s.page("GET /report.pdf", s.reportPDF)
	s.page("GET /growth", s.growthPage)
	s.page("GET /apply", s.applyForm)
	s.page("POST /apply", s.apply)
	s.page("GET /applications", s.applications)
	s.page("GET /applications/{id}", s.application)
	s.page("POST /applications/{id}/review", s.reviewApplication)
	s.page("GET /events", s.eventsHandler)
	s.page("GET /events.csv", s.eventsCSV)
	s.page("GET /events.atom", s.eventsAtom)
	s.page("GET /events/{id}", s.eventHandler)
	s.page("GET /events/{id}/paths.csv", s.eventPathsCSV)
	s.page("GET /feedback", s.feedbackList)
	s.page("POST /feedback/{id}/review", s.reviewFeedbackForm)
	s.page("GET /charts", s.charts)
	s.page("/", func(*request) error { return notFound("no such page") })
}

// Handler returns the dashboard; with Options.API, the API too.
func (s *Server) Handler() http.Handler {
	if s.opt.API == nil {
		return s.mux
	}
	api := s.bridge(s.opt.API)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if strings.HasPrefix(p, "/api/") || p == "/healthz" || p == "/metrics" {
			api.ServeHTTP(w, r)
			return
		}
		s.mux.ServeHTTP(w, r)
	})
}

// Warm computes what the pages need of the newest months, so that the
// first visitor does not wait for it. serve calls it in the background.
func (s *Server) Warm(ctx context.Context) error {
	// Read apart from the list the view caches, as the API's Warm does:
	// a list read before the first month is ingested (observatory run)
	// must not be answered, to the API too, for MonthsTTL.
	metas, err := s.st.Months(ctx)
	if err != nil {
		return fmt.Errorf("list months: %w", err)
	}
	// Newest first, as far back as an ASN's history reaches: a visitor
	// switching months, or reading a trend, finds them computed too.
	for i := range metas[:min(len(metas), warmMonths)] {
		if _, err := s.view(ctx, &metas[i]); err != nil {
			return err
		}
	}
	return nil
}

// warmMonths is how many of the newest months Warm computes: the twelve
// months of an ASN's history and the one before, for its trend.
const warmMonths = 13

// request is one page being served.
type request struct {
	s   *Server
	w   http.ResponseWriter
	r   *http.Request
	who *principal
}

func (q *request) ctx() context.Context { return q.r.Context() }

// page registers a handler whose errors become error pages. Each client
// address may load PageRatePerMinute pages, checked before anything else.
func (s *Server) page(pattern string, h func(*request) error) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		q := &request{s: s, w: w, r: r, who: anonymous}
		if retry, ok := s.pageLimits.Allow("page:"+forwarded.ClientAddr(r), ratelimit.PerMinute(s.opt.PageRatePerMinute)); !ok {
			s.fail(q, tooMany(retry, "more than %d pages a minute from your address; try again in %s",
				s.opt.PageRatePerMinute, retryText(retry)))
			return
		}
		q.who = s.identify(r)
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.fail(q, fmt.Errorf("panic: %v", v))
			}
		}()
		if err := h(q); err != nil {
			s.fail(q, err)
		}
	})
}

// httpError is an error shown to the visitor with its status.
type httpError struct {
	status int
	msg    string
	retry  time.Duration // for 429: sent as Retry-After
}

func (e *httpError) Error() string { return e.msg }

func notFound(format string, a ...any) error {
	return &httpError{status: http.StatusNotFound, msg: fmt.Sprintf(format, a...)}
}

func badRequest(format string, a ...any) error {
	return &httpError{status: http.StatusBadRequest, msg: fmt.Sprintf(format, a...)}
}

func forbidden(format string, a ...any) error {
	return &httpError{status: http.StatusForbidden, msg: fmt.Sprintf(format, a...)}
}

// tooMany is a 429 whose Retry-After is retry.
func tooMany(retry time.Duration, format string, a ...any) error {
	return &httpError{status: http.StatusTooManyRequests, msg: fmt.Sprintf(format, a...), retry: retry}
}

// fail renders an error page; internal errors are logged, not shown.
func (s *Server) fail(q *request, err error) {
	var he *httpError
	switch {
	case errors.As(err, &he):
	case store.IsReadOnly(err):
		// Served from a store it may not write: sign-in and feedback
		// cannot be kept; say so rather than "internal error".
		he = &httpError{status: http.StatusServiceUnavailable, msg: "this server's store is read-only: signing in and flagging incidents are not available here"}
	default:
		s.log.Error("render page", "path", q.r.URL.Path, "err", err)
		he = &httpError{status: http.StatusInternalServerError, msg: "internal error; it has been logged"}
	}
	if he.retry > 0 {
		q.w.Header().Set("Retry-After", strconv.Itoa(ratelimit.Seconds(he.retry)))
	}
	q.render(he.status, "error", errorPage{Status: he.status, Title: http.StatusText(he.status), Message: he.msg})
}

type errorPage struct {
	Status         int
	Title, Message string
}
