package metric

import (
	"fmt"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/score"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// Facts is what is known of one ASN when its metrics are computed: plain
// values that ingest collects from the month's routes, the detectors'
// events and the reference data. A unit reads the part it names in its
// Inputs.
type Facts struct {
	ASN  bgp.ASN
	Spec *spec.Spec
	// From and To bound the month (or, for test data of another period,
	// the span of the routes): incidents are clipped to them, tests
	// outside them do not count.
	From, To time.Time
	Routes   Routes
	// Events are the detectors' events charged to the ASN, per metric.
	Events map[vocab.MetricID][]Event
	// Spoofer are the ASN's Spoofer tests, of any time.
	Spoofer  []SpooferTest
	Contacts Contacts
}

// Routes counts the routes the ASN originated, by their RPKI and IRR
// states (§4.4).
type Routes struct {
	Announced int
	Valid     int // RPKI-valid
	Invalid   int // RPKI-invalid, for any reason
	// IRRExact have a route object of the same prefix and origin;
	// IRRCovered only a covering, less specific one of the same origin.
	IRRExact, IRRCovered int
}

// Event is one detector event charged to the ASN, with its evidence.
type Event struct {
	Event    score.Event
	Evidence map[string]any
}

// SpooferTest is one Spoofer test session of a client in the ASN (§4.3).
type SpooferTest struct {
	Time      time.Time
	Prefix    netip.Prefix // the client's block
	Spoofable bool         // a spoofed packet got out
	NAT       bool         // the client was behind a NAT: not a valid test (§9)
}

// Result is what a unit computes for one ASN: the metric, and the
// incidents behind it when it is an incident metric.
type Result struct {
	Metric    store.Metric
	Incidents []store.Incident
}

// Unit is one metric: its id, what it reads, what its evidence holds and
// its formula.
type Unit struct {
	ID vocab.MetricID
	// Inputs says which Facts the formula reads.
	Inputs string
	// Evidence describes the shape of the evidence the unit stores: in
	// store.Metric.Evidence, or in its incidents' store.Incident.Evidence.
	Evidence string
	// Formula computes the metric of one ASN. It reads nothing but f.
	Formula func(f *Facts) Result
}

var (
	registry []Unit
	sorted   = sync.OnceValue(func() []Unit {
		out := slices.Clone(registry)
		slices.SortFunc(out, func(a, b Unit) int { return order(a.ID) - order(b.ID) })
		return out
	})
)

// register adds a unit; each unit's file calls it from init. A unit whose
// id is not in vocab.Metrics, or registered twice, is a programming error.
func register(u Unit) {
	if order(u.ID) < 0 || slices.ContainsFunc(registry, func(r Unit) bool { return r.ID == u.ID }) {
		panic(fmt.Sprintf("metric: unit %q unknown to vocab.Metrics or registered twice", u.ID))
	}
	registry = append(registry, u)
}

func order(id vocab.MetricID) int { return slices.Index(vocab.Metrics, id) }

// All returns every registered unit in vocab.Metrics order, the order of
// an ASN's stored metrics. The slice is shared: do not modify it.
func All() []Unit { return sorted() }

// Lookup returns the unit of a metric id.
func Lookup(id vocab.MetricID) (Unit, bool) {
	i := slices.IndexFunc(All(), func(u Unit) bool { return u.ID == id })
	if i < 0 {
		return Unit{}, false
	}
	return All()[i], true
}
