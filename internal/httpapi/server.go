package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/observatory-net/observatory/internal/accesslog"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/view"
)

// MaxBodyBytes caps request bodies; larger ones get 413.
const MaxBodyBytes = 64 << 10

// Options configure a Server. Zero values are usable: no key caching, the
// month list re-read on every request, no rate limits.
type Options struct {
	// Store holds the months. Required.
	Store store.Store
	// Service, when set, adds keys, the registry and feedback. Without it
	// every key is refused and the write endpoints answer 503. When Store
	// implements store.Service and Service is nil, Store is used.
	Service store.Service
	// Logger receives the access log and internal errors.
	Logger *slog.Logger
	// AccessLog logs one line per request at Info.
	AccessLog bool
	// MonthsTTL is how long the list of stored months is trusted before it
	// is read again: how late a re-ingest by another process shows.
	MonthsTTL time.Duration
	// KeyCacheTTL is how long a verified key and its participant's ASNs are
	// trusted: how late a revocation by another process takes effect.
	KeyCacheTTL time.Duration
	// KeyRatePerMinute is the rate limit of keys whose RatePerMinute is 0;
	// AnonymousRatePerMinute that of each anonymous client address. Zero
	// or less: unlimited.
	KeyRatePerMinute       int
	AnonymousRatePerMinute int
	// CacheBytes bounds the cache of encoded month responses (default 64 MiB).
	CacheBytes int
	// Now returns the time (default time.Now); tests move it.
	Now func() time.Time
	// Registry receives the metrics (default: a registry of the server's own).
	Registry *prometheus.Registry
	// MonthViews is how many month versions' ASN records are kept in
	// memory for the list endpoints (default 4; about 10 MB for a month
	// of 40,000 ASNs).
	MonthViews int
	// ExpensivePerClient and ExpensiveTotal bound the expensive requests
	// (list responses not in the cache, whole months read) in flight per
	// caller and in all (defaults 2 and GOMAXPROCS−1, at least 1: a core
	// stays free for the cheap requests). Beyond them a request
	// waits up to two seconds, then gets 429 or 503 with Retry-After.
	ExpensivePerClient int
	ExpensiveTotal     int
	// CheckInterval is how often the store's integrity check
	// (store.Checker) runs in the background; zero or less: never (the
	// caller may run CheckStore itself).
	CheckInterval time.Duration
}

// Server serves the API. Create it with New; it is safe for concurrent use.
type Server struct {
	opt     Options
	st      store.Store
	svc     store.Service
	log     *slog.Logger
	mux     *http.ServeMux
	routes  []route
	view    *view.View // months, registry, generation, feedback trail
	cache   respCache
	keys    view.Cache[cachedKey] // verified keys by token
	limits  *limiter
	metrics *metrics
	touch   toucher
	closeMu sync.Once
	counted *countedStore         // st, which counts the reads
	views   viewCache[*monthView] // month views of the list endpoints
	aggs    viewCache[*aggView]   // months' aggregates, indexed
	work    *workLimiter          // expensive requests in flight
	checker store.Checker         // the store's integrity check, when it has one
	checks  storeHealth           // what /healthz knows of the store
	bg      context.Context       // the server's own work: ends with Close
	stopBG  context.CancelFunc    // ends bg
}

// route is one operation: method and ServeMux path, the query parameters
// it takes, and its handler.
type route struct {
	method, path string
	params       []string
	h            func(*call) error
}

// New returns a server for opt.
func New(opt Options) (*Server, error) {
	vo := view.Options{Store: opt.Store, Service: opt.Service, Logger: opt.Logger, Now: opt.Now, MonthsTTL: opt.MonthsTTL}
	if err := vo.Fill(); err != nil {
		return nil, fmt.Errorf("httpapi: %w", err)
	}
	opt.Service, opt.Logger, opt.Now = vo.Service, vo.Logger, vo.Now
	if opt.CacheBytes == 0 {
		opt.CacheBytes = 64 << 20
	}
	if opt.Registry == nil {
		opt.Registry = prometheus.NewRegistry()
	}
	if opt.MonthViews <= 0 {
		opt.MonthViews = defaultMonthViews
	}
	if opt.ExpensivePerClient <= 0 {
		opt.ExpensivePerClient = defaultExpensivePerClient
	}
	if opt.ExpensiveTotal <= 0 {
		// One core stays free for the cheap requests.
		opt.ExpensiveTotal = max(1, runtime.GOMAXPROCS(0)-1)
	}
	s := &Server{opt: opt, svc: opt.Service, log: opt.Logger, mux: http.NewServeMux()}
	s.checker, _ = opt.Store.(store.Checker)
	s.cache.max = opt.CacheBytes
	s.metrics = newMetrics(opt.Registry)
	s.counted = &countedStore{Store: opt.Store, m: s.metrics, corrupt: s.noteCorrupt}
	s.st = s.counted
	vo.Store, vo.Refreshed = s.counted, s.refreshed // the view's reads are counted too
	var err error
	if s.view, err = view.New(vo); err != nil {
		return nil, err
	}
	s.limits = newLimiter(opt.Now)
	s.limits.refused = s.metrics.rejections.WithLabelValues("rate_limited").Inc
	s.views.max = opt.MonthViews
	s.aggs.max = 4 * opt.MonthViews // small: a month's aggregates are a few thousand rows
	s.work = newWorkLimiter(opt.ExpensiveTotal, opt.ExpensivePerClient)
	s.work.refused = func(reason string) { s.metrics.rejections.WithLabelValues(reason).Inc() }
	s.work.inFlight = s.metrics.expensive.Add
	s.bg, s.stopBG = context.WithCancel(context.Background())
	s.startChecks(opt.CheckInterval)
	s.touch.init(s)
	s.routes = s.table()
	s.register()
	s.registerPreflight()
	return s, nil
}

// Close flushes the record of key use and waits for a re-read of the
// months in flight. It does not close the store.
func (s *Server) Close() error {
	s.closeMu.Do(func() {
		s.touch.stop()
		s.stopBG()
		s.checks.wg.Wait()
		s.view.Close()
	})
	return nil
}

// Handler returns the HTTP handler of the whole API. It carries the
// server's View (its View method): the dashboard in front of it shares it.
func (s *Server) Handler() http.Handler {
	return viewHandler{s.metrics.wrap(s.logRequests(s.recoverPanics(s.mux))), s.view}
}

// viewHandler is the API's handler with the View it serves from.
type viewHandler struct {
	http.Handler
	v *view.View
}

// View returns the View the API serves from.
func (h viewHandler) View() *view.View { return h.v }

// View returns the server's view of the store: the months, the registry,
// the generation of writes and the feedback trail (internal/view).
func (s *Server) View() *view.View { return s.view }

// table lists every operation; api/openapi.yaml must have each of them.
func (s *Server) table() []route {
	month := []string{"month", "spec"}
	paged := []string{"pageSize", "pageToken"}
	with := func(a ...[]string) []string { return slices.Concat(a...) }
	return []route{
		{"GET", "/api/v2/asns", with(month, paged), s.listASNs},
		{"GET", "/api/v2/ases", with(month, paged, []string{"economies", "region"}), s.listASes},
		{"GET", "/api/v2/ases/{asn}", month, s.getAS},
		{"GET", "/api/v2/scores/summary", with(month, []string{"region", "asns", "economies"}), s.scoreSummary},
		{"GET", "/api/v2/scores/details", with(month, []string{"asn"}), s.scoreDetails},
		{"GET", "/api/v2/incidents", with(month, paged, []string{"asn"}), s.listIncidents},
		{"POST", "/api/v2/incidents/{id}/feedback", nil, s.flagIncident},
		{"GET", "/api/v2/feedback", with(paged, []string{"verdict"}), s.listFeedback},
		{"POST", "/api/v2/feedback/{id}/review", nil, s.reviewFeedback},
		{"GET", "/api/v2/roas/asn/{asn}", month, s.roasOfASN},
		{"GET", "/api/v2/roas/economy/{cc}", month, s.roasOfEconomy},
		{"GET", "/api/v2/participants", with(month, paged, []string{"asn"}), s.participantTable},
		{"POST", "/api/v2/participants", nil, s.createParticipant},
		{"PUT", "/api/v2/participants/{id}", nil, s.replaceParticipant},
		{"DELETE", "/api/v2/participants/{id}", nil, s.deleteParticipant},
		{"GET", "/api/v2/inputs", month, s.monthInputsHandler},
		{"GET", "/api/v2/specs", nil, s.listSpecs},
		{"GET", "/api/v2/specs/{id}/{version}", nil, s.getSpec},
		{"GET", "/api/v2/openapi.json", nil, s.openAPI},
		{"GET", "/healthz", nil, s.health},
		{"GET", "/metrics", nil, s.serveMetrics},
		{"GET", "/api/v2/conformance/flags", month, s.conformanceFlags},
		{"GET", "/api/v2/outreach", with(month, paged, []string{"region", "economy"}), s.listOutreach},
		{"GET", "/api/v2/growth", nil, s.getGrowth},
		{"GET", "/api/v2/applications", nil, s.listApplications},
		{"POST", "/api/v2/applications", nil, s.submitApplication},
		{"GET", "/api/v2/applications/{id}", nil, s.getApplication},
		{"POST", "/api/v2/applications/{id}/recheck", nil, s.recheckApplication},
		{"POST", "/api/v2/applications/{id}/review", nil, s.reviewApplication},
		{"GET", "/api/v2/reports/{participant}", with(month, []string{"format"}), s.getReport},
		{"GET", "/api/v2/audits", with(month, []string{"asn", "prefix", "org"}), s.getAudit},
		{"POST", "/api/v2/audits/sectors", month, s.auditSectors},
		{"GET", "/api/v2/rs-checks", nil, s.listRSChecks},
		{"GET", "/api/v2/rs-checks/{id}", nil, s.getRSCheck},
		{"GET", "/api/v2/alerts", []string{"open", "limit"}, s.listAlerts},
		{"GET", "/api/v2/alerts/{id}", nil, s.getAlert},
		{"GET", "/api/v2/events", with(month, paged, []string{"type", "asn", "prefix", "since"}), s.listEvents},
		{"GET", "/api/v2/events/{id}", month, s.getEvent},
		{"GET", "/api/asns", month, v1(s.v1ASNs, "/api/v2/asns")},
		{"GET", "/api/asns/info", month, v1(s.v1ASInfoList, "/api/v2/ases")},
		{"GET", "/api/asns/info/{id}", month, v1(s.v1ASInfo, "/api/v2/ases/{id}")},
		{"GET", "/api/ixps/info", month, v1(s.v1Programme("ixp", false), "/api/v2/participants")},
		{"GET", "/api/roas/asn/{asn}", month, v1(s.v1ROAsOfASN, "/api/v2/roas/asn/{asn}")},
		{"GET", "/api/roas/country/{cc}", month, v1(s.v1ROAsOfCountry, "/api/v2/roas/economy/{cc}")},
		{"GET", "/api/conformance/net-ops", with(month, []string{"format"}), v1(s.v1Programme("netops", true), "/api/v2/participants")},
		{"GET", "/api/conformance/cdns", with(month, []string{"format"}), v1(s.v1Programme("cdn", true), "/api/v2/participants")},
		{"GET", "/api/conformance/ixps", month, v1(s.v1Programme("ixp", false), "/api/v2/participants")},
		{"GET", "/api/conformance/vendors", month, v1(s.v1Programme("vendor", false), "/api/v2/participants")},
	}
}

// register adds the routes to the mux, with a 405 for the other methods
// of each path and a problem+json 404 for unknown paths.
func (s *Server) register() {
	methods := map[string][]string{}
	var paths []string
	for _, rt := range s.routes {
		s.mux.Handle(rt.method+" "+rt.path, s.operation(rt))
		if methods[rt.path] == nil {
			paths = append(paths, rt.path)
		}
		methods[rt.path] = append(methods[rt.path], rt.method)
	}
	for _, p := range paths {
		allow := methods[p]
		if slices.Contains(allow, "GET") {
			allow = append(allow, "HEAD")
		}
		s.mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeProblem(w, r, s.log, problem(http.StatusMethodNotAllowed, "method-not-allowed",
				"%s is not allowed here; allowed: %s", quote(r.Method), strings.Join(allow, ", ")))
		})
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, r, s.log, notFound("no such endpoint %s", quote(r.URL.Path)))
	})
}

// call is one request being served.
type call struct {
	s   *Server
	w   http.ResponseWriter
	r   *http.Request
	q   url.Values
	who *principal
	// reg is the participants registry's ASNs, set by serveMonth.
	reg map[uint32]bool
	// heavy marks a response that may need a whole month: built, it takes
	// a slot of expensive work (workLimiter). Set by the handler.
	heavy bool
}

func (c *call) ctx() context.Context { return c.r.Context() }

// operation wraps a route's handler: query parameter check, caller
// identification, rate limit, then the handler; errors become problems.
func (s *Server) operation(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &call{s: s, w: w, r: r}
		allowOrigin(w, r, rt)
		if err := s.prepare(c, rt); err != nil {
			writeProblem(w, r, s.log, err)
			return
		}
		if err := rt.h(c); err != nil {
			writeProblem(w, r, s.log, err)
		}
	})
}

func (s *Server) prepare(c *call, rt route) error {
	q, err := url.ParseQuery(c.r.URL.RawQuery)
	if err != nil {
		return badRequest("malformed query string")
	}
	c.q = q
	if !cleanText(c.r.URL.Path) {
		return badRequest("the path must be UTF-8 text without NUL")
	}
	who, authErr := s.identify(c.r)
	if authErr != nil {
		// Failed attempts count against the client's address.
		if err := s.limits.allow("ip:"+clientIP(c.r), s.opt.AnonymousRatePerMinute); err != nil {
			return err
		}
		return authErr
	}
	c.who = who
	if !unlimited[rt.path] {
		if err := s.limits.allow(who.bucket(c.r), who.rate(s.opt)); err != nil {
			return err
		}
	}
	if who.Key != nil {
		s.touch.note(who.Key.ID)
	}
	return checkParams(q, rt.params)
}

// unlimited are the paths outside the rate limit: probes of load
// balancers and scrapers, which poll from one address and cost no read of
// month data.
var unlimited = map[string]bool{"/healthz": true, "/metrics": true}

// recoverPanics answers 500 for a handler panic rather than dropping the
// connection, and logs it.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				writeProblem(w, r, s.log, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// logRequests writes the access log (internal/accesslog), when asked:
// serve writes it in front of the dashboard and the API instead.
func (s *Server) logRequests(next http.Handler) http.Handler {
	if !s.opt.AccessLog {
		return next
	}
	return accesslog.Handler(s.log, next)
}
