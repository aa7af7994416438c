package live

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/observatory-net/observatory/internal/bmp"
)

// StationCollector exposes a station's counters (bmp.Station.Stats) as
// Prometheus metrics, read at each scrape.
type StationCollector struct {
	st    *bmp.Station
	descs [6]*prometheus.Desc
}

// NewStationCollector returns the collector of st; register it beside
// the alert metrics (alert.Metrics.Registry).
func NewStationCollector(st *bmp.Station) *StationCollector {
	d := func(name, help string) *prometheus.Desc { return prometheus.NewDesc(name, help, nil, nil) }
	return &StationCollector{st: st, descs: [6]*prometheus.Desc{
		d("observatory_bmp_sessions", "BMP sessions open now."),
		d("observatory_bmp_sessions_total", "BMP sessions accepted."),
		d("observatory_bmp_sessions_failed_total", "BMP sessions ended by damaged framing or a connection cut in the middle of a message."),
		d("observatory_bmp_messages_total", "BMP messages read, all sessions."),
		d("observatory_bmp_damaged_total", "Well-framed BMP messages that did not decode, skipped."),
		d("observatory_bmp_routes", "Routes in the station's tables (all routers, peers and RIBs) now."),
	}}
}

// Describe sends the metrics' descriptions.
func (c *StationCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
}

// Collect reads the station's counters.
func (c *StationCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.st.Stats()
	gauge, counter := prometheus.GaugeValue, prometheus.CounterValue
	for i, v := range []struct {
		t prometheus.ValueType
		n int64
	}{{gauge, s.Sessions}, {counter, s.SessionsTotal}, {counter, s.SessionsFailed}, {counter, s.Messages}, {counter, s.Damaged}, {gauge, s.Routes}} {
		ch <- prometheus.MustNewConstMetric(c.descs[i], v.t, float64(v.n))
	}
}
