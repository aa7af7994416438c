package web

import (
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// freshness is what every page says of the month it shows: which month,
// under which specification, when it was computed, and what it rests on.
// It is the month's inputs (GET /api/v2/inputs) counted.
type freshness struct {
	Month      string // YYYY-MM
	Spec       string
	IngestedAt time.Time
	Final      bool // the month had ended when it was computed
	Files      int  // inputs read, every kind
	MRTFiles   int
	Collectors []string // named in the MRT files' paths (rrc00, route-views2…), sorted
	Peers      int
	Routes     int64
	Warnings   int
}

// collectorName finds a RIS or RouteViews collector named in a path, as a
// directory (rrc00/, route-views2/, route-views-chicago-…/) or within a
// file name (ris.rrc06.updates…, routeviews.route-views.jinx.ribs…).
var collectorName = regexp.MustCompile(`\b(rrc\d\d|route-views(?:\d+|[.-][a-z][a-z0-9]*)?)\b`)

// freshnessOf counts a month's inputs.
func freshnessOf(m *store.MonthMeta) *freshness {
	f := &freshness{Month: m.Month.Format(vocab.MonthLayout), Spec: m.Spec, IngestedAt: m.IngestedAt.UTC(), Final: m.Final,
		Files: len(m.Inputs), Peers: m.Stats.Peers, Routes: m.Stats.Routes, Warnings: len(m.Warnings)}
	for _, in := range m.Inputs {
		if in.Kind != "mrt" {
			continue
		}
		f.MRTFiles++
		for _, m := range collectorName.FindAllStringSubmatch(path.Clean(strings.ReplaceAll(in.Path, "\\", "/")), -1) {
			if !slices.Contains(f.Collectors, m[1]) {
				f.Collectors = append(f.Collectors, m[1])
			}
		}
	}
	slices.Sort(f.Collectors)
	return f
}

// freshness returns the freshness of the month the request shows (its
// ?month=, or the newest), or nil when there is none: no month stored,
// or a month asked for that is not.
func (q *request) freshness() *freshness {
	m, err := q.month()
	if err != nil {
		return nil
	}
	return freshnessOf(m)
}
