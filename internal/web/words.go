package web

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/vocab"
)

// What the pages say in words rather than as identifiers: metric names,
// registry names, readiness thresholds and why a metric is not counted.

// metricNames are the metrics in words (measurement-framework.md §3).
var metricNames = map[string]string{
	string(vocab.M1):     "Route leaks caused",
	string(vocab.M1C):    "Customers' route leaks passed on",
	string(vocab.M2):     "Hijacks (mis-originations)",
	string(vocab.M2C):    "Customers' hijacks passed on",
	string(vocab.M3):     "Bogon prefixes announced",
	string(vocab.M3C):    "Customers' bogon prefixes passed on",
	string(vocab.M4):     "Bogon ASNs announced",
	string(vocab.M4C):    "Customers' bogon ASNs passed on",
	string(vocab.M5):     "Spoofable prefixes (CAIDA Spoofer)",
	string(vocab.M7IRR):  "Routes with a matching IRR route object",
	string(vocab.M7RPKI): "RPKI coverage of the announced routes",
	string(vocab.M8):     "Contact information registered",
}

// metricWords is a metric's name in words; an unknown id is its own name.
func metricWords(id string) string {
	if n, ok := metricNames[id]; ok {
		return n
	}
	return id
}

// rawUnit says what a metric's raw value counts.
func rawUnit(id string) string {
	switch {
	case slices.Contains(vocab.IncidentMetrics, vocab.MetricID(id)):
		return "incident penalty"
	case id == string(vocab.M5):
		return "spoofable prefixes"
	case id == string(vocab.M7RPKI):
		return "RPKI-invalid routes"
	case id == string(vocab.M7IRR):
		return "routes without an IRR route object"
	case id == string(vocab.M8):
		return "1 when a contact is found"
	}
	return ""
}

// rawText prints a raw value: an integral value as an integer with
// thousands separators, any other with three decimals.
func rawText(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return num(int64(v))
	}
	return strconv.FormatFloat(v, 'f', 3, 64)
}

// metricRole says whether the specification counts metric id in an
// Action's score, which Action, and, when it does not, why.
type metricRole struct {
	Action  string // the Action's name, "" when no Action shows it
	Counted bool
	Why     string // why it is not counted
}

func roleOf(sp *spec.Spec, id string) metricRole {
	if sp == nil {
		return metricRole{Why: "the month's specification is unknown"}
	}
	for _, a := range sp.Actions {
		name := "Action " + strconv.Itoa(a.Action) + " " + a.Name
		if slices.Contains(a.Counted, id) {
			return metricRole{Action: name, Counted: true}
		}
		if slices.Contains(a.Shown, id) {
			why := "shown for information only: " + sp.Ref() + " does not count it in " + name
			if a.Note != "" {
				why += " (" + a.Note + ")"
			}
			return metricRole{Action: name, Why: why}
		}
	}
	return metricRole{Why: "not part of any Action's score in " + sp.Ref()}
}

// rirNames are the registries as people write them; the delegated
// statistics and some inputs use lower-case ids.
var rirNames = map[string]string{
	"afrinic": "AFRINIC", "apnic": "APNIC", "arin": "ARIN", "lacnic": "LACNIC",
	"ripencc": "RIPE NCC", "ripe ncc": "RIPE NCC", "ripe": "RIPE NCC", "iana": "IANA", "nro": "NRO", "ietf": "IETF",
}

// rirName is a registry's display name: "ripencc" is "RIPE NCC".
func rirName(k string) string {
	if n, ok := rirNames[strings.ToLower(strings.TrimSpace(k))]; ok {
		return n
	}
	return k
}

// thresholds describes the readiness levels of sp: "ready ≥ 0.90,
// aspiring ≥ 0.80".
func thresholds(sp *spec.Spec) string {
	if sp == nil {
		return ""
	}
	return "ready ≥ " + strconv.FormatFloat(sp.Readiness.Ready, 'f', 2, 64) + ", aspiring ≥ " +
		strconv.FormatFloat(sp.Readiness.Aspiring, 'f', 2, 64) + ", lagging below (" + sp.Ref() + ")"
}
