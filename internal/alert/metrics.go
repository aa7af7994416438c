package alert

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the alerting's Prometheus metrics (docs/alerts.md lists
// them). One Metrics serves an Engine and a Dispatcher; Handler exposes
// them in the text exposition format.
type Metrics struct {
	reg          *prometheus.Registry
	observations *prometheus.CounterVec
	open         *prometheus.GaugeVec
	opened       *prometheus.CounterVec
	closed       *prometheus.CounterVec
	deliveries   *prometheus.CounterVec
	retries      *prometheus.CounterVec
	dropped      prometheus.Counter
	queue        prometheus.Gauge
}

// Channels are the delivery channels, as the metrics label them.
var Channels = []string{"webhook", "email"}

// Delivery results, as the metrics label them.
const (
	ResultDelivered = "delivered" // accepted by the receiver
	ResultFailed    = "failed"    // refused (4xx, 5xx SMTP) or given up after the last attempt
	ResultDuplicate = "duplicate" // already delivered: not sent again
)

// NewMetrics registers the metrics on reg (a new registry when nil).
func NewMetrics(reg *prometheus.Registry) *Metrics {
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	m := &Metrics{reg: reg,
		observations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "observatory_alert_observations_total",
			Help: "Observations given to the alert engine, by type (announce, withdraw, peer_down, vrp_update, tick).",
		}, []string{"type"}),
		open: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "observatory_alert_incidents_open",
			Help: "Incidents open now, by kind.",
		}, []string{"kind"}),
		opened: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "observatory_alert_incidents_opened_total",
			Help: "Incidents opened, by kind.",
		}, []string{"kind"}),
		closed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "observatory_alert_incidents_closed_total",
			Help: "Incidents closed, by kind (roa-change incidents close as they open).",
		}, []string{"kind"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "observatory_alert_deliveries_total",
			Help: "Alert deliveries (one event to one target) ended, by channel and result (delivered, failed, duplicate).",
		}, []string{"channel", "result"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "observatory_alert_delivery_retries_total",
			Help: "Delivery attempts that failed and were retried, by channel.",
		}, []string{"channel"}),
		dropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "observatory_alert_queue_dropped_total",
			Help: "Deliveries refused because the queue was full.",
		}),
		queue: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "observatory_alert_queue_depth",
			Help: "Deliveries waiting in the queue or being attempted.",
		}),
	}
	for _, t := range []string{"announce", "withdraw", "peer_down", "vrp_update", "tick"} {
		m.observations.WithLabelValues(t)
	}
	for _, k := range Kinds {
		m.open.WithLabelValues(string(k))
		m.opened.WithLabelValues(string(k))
		m.closed.WithLabelValues(string(k))
	}
	for _, c := range Channels {
		m.retries.WithLabelValues(c)
		for _, r := range []string{ResultDelivered, ResultFailed, ResultDuplicate} {
			m.deliveries.WithLabelValues(c, r)
		}
	}
	reg.MustRegister(m.observations, m.open, m.opened, m.closed, m.deliveries, m.retries, m.dropped, m.queue)
	return m
}

// Handler serves the metrics in the Prometheus text exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Registry returns the registry the metrics are on.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

func (m *Metrics) observed(o Observation) {
	t := "tick"
	switch o.(type) {
	case Announce, *Announce:
		t = "announce"
	case Withdraw:
		t = "withdraw"
	case PeerDown:
		t = "peer_down"
	case VRPUpdate:
		t = "vrp_update"
	}
	m.observations.WithLabelValues(t).Inc()
}

func (m *Metrics) incident(ev Event) {
	k := string(ev.Incident.Kind)
	switch {
	case ev.Incident.Kind == ROAChange:
		m.opened.WithLabelValues(k).Inc()
		m.closed.WithLabelValues(k).Inc()
	case ev.Type == EventOpen:
		m.opened.WithLabelValues(k).Inc()
		m.open.WithLabelValues(k).Inc()
	case ev.Type == EventClose:
		m.closed.WithLabelValues(k).Inc()
		m.open.WithLabelValues(k).Dec()
	}
}

func (m *Metrics) delivered(channel, result string) {
	if m != nil {
		m.deliveries.WithLabelValues(channel, result).Inc()
	}
}

func (m *Metrics) retried(channel string) {
	if m != nil {
		m.retries.WithLabelValues(channel).Inc()
	}
}

func (m *Metrics) queued(delta float64) {
	if m != nil {
		m.queue.Add(delta)
	}
}

func (m *Metrics) drop() {
	if m != nil {
		m.dropped.Inc()
	}
}
