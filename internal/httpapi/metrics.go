package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/observatory-net/observatory/internal/accesslog"
)

// metrics are the server's Prometheus metrics, labelled by the ServeMux
// pattern that answered (never the raw path, whose values are unbounded).
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	handler  http.Handler

	// What the API asks of the store and what it refuses (finding 2 of
	// issue 17): tests and operators read them at /metrics.
	storeReads  *prometheus.CounterVec // by method and scope (month: the whole month)
	storeErrors *prometheus.CounterVec // by method and kind (corrupt, other)
	viewLoads   *prometheus.CounterVec // month views loaded, by result
	viewSeconds prometheus.Histogram
	views       prometheus.Gauge
	rejections  *prometheus.CounterVec // refused for load, by reason
	expensive   prometheus.Gauge       // expensive work in flight
	checkOK     prometheus.Gauge       // the last store check: 1 passed, 0 failed
	checkTime   prometheus.Gauge       // when it ended, Unix seconds
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "observatory_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "observatory_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route pattern and status.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
		}, []string{"route", "status"}),
	}
	m.storeReads = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "observatory_store_reads_total",
		Help: "Reads of month data the API made from the store, by method and scope (month: a whole month, part: an ASN or a scope).",
	}, []string{"method", "scope"})
	m.storeErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "observatory_store_read_errors_total",
		Help: "Failed reads of month data, by method and kind (corrupt: the store reported damage).",
	}, []string{"method", "kind"})
	m.viewLoads = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "observatory_month_view_loads_total",
		Help: "Month views (a month version's ASN records, indexed for the list endpoints) loaded from the store, by result.",
	}, []string{"result"})
	m.viewSeconds = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "observatory_month_view_load_seconds",
		Help:    "Time to load a month view from the store.",
		Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	})
	m.views = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "observatory_month_views",
		Help: "Month views held in memory.",
	})
	m.rejections = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "observatory_http_rejections_total",
		Help: "Requests refused to protect the server, by reason: rate_limited (429), client_busy (429), server_busy (503).",
	}, []string{"reason"})
	m.expensive = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "observatory_expensive_requests_in_flight",
		Help: "Expensive requests (list responses built, whole months read) holding a slot.",
	})
	m.checkOK = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "observatory_store_check_ok",
		Help: "1 when the last integrity check of the store passed, 0 when it found damage or could not run.",
	})
	m.checkTime = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "observatory_store_check_timestamp_seconds",
		Help: "When the last integrity check of the store ended, Unix time.",
	})
	for _, r := range []string{"rate_limited", "client_busy", "server_busy"} {
		m.rejections.WithLabelValues(r) // present at 0 from the start
	}
	for _, r := range []string{"ok", "error"} {
		m.viewLoads.WithLabelValues(r)
	}
	for _, method := range []string{"Months", "ASNs", "Incidents", "Routes", "ROAStats", "Aggregates", "Participants"} {
		for _, scope := range []string{"month", "part"} {
			m.storeReads.WithLabelValues(method, scope)
		}
	}
	reg.MustRegister(m.requests, m.latency, m.storeReads, m.storeErrors, m.viewLoads, m.viewSeconds, m.views,
		m.rejections, m.expensive, m.checkOK, m.checkTime)
	// Tests create many servers on the default registry's absence: the
	// process collectors go only on a registry of the server's own.
	_ = reg.Register(collectors.NewGoCollector())
	_ = reg.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.handler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})
	return m
}

func (m *metrics) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &accesslog.StatusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		route := r.Pattern
		if route == "" || route == "/" {
			route = "unmatched"
		}
		status := strconv.Itoa(sw.Status())
		m.requests.WithLabelValues(route, methodLabel(r.Method), status).Inc()
		m.latency.WithLabelValues(route, status).Observe(time.Since(start).Seconds())
	})
}

func (s *Server) serveMetrics(c *call) error {
	s.metrics.handler.ServeHTTP(c.w, c.r)
	return nil
}

// methodLabel bounds the method label: clients may send any token.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodOptions, http.MethodPatch:
		return m
	}
	return "OTHER"
}
