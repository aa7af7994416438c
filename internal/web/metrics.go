package web

import (
	"html"
	"html/template"
	"strings"
)

// metricDoc explains one metric or score where a page shows it: its
// name, what it measures and where its formula is written down.
type metricDoc struct {
	ID      string // M7RPKI, routingInformationRPKI, roa4…
	Name    string
	Formula string // in words, one sentence
	Ref     string // the section of docs/measurement-framework.md (shared/docs) or the page that defines it
}

// metricDocs are the metrics (M1 … M8, measurement framework §3) and the
// scores and shares built on them, by ID.
var metricDocs = func() map[string]metricDoc {
	out := map[string]metricDoc{}
	for _, d := range []metricDoc{
		{"M1", "Route leaks (culprit)", "incident penalty of the leaks the network made; shown, not counted since January 2024", "measurement framework §3, §4.1"},
		{"M1C", "Route leaks (accomplice)", "incident penalty of customers' leaks the network propagated; shown, not counted", "measurement framework §3, §4.2"},
		{"M2", "Hijacks (culprit)", "incident penalty of routes the network originated without RPKI or IRR support", "measurement framework §3, §4.1"},
		{"M2C", "Hijacks (accomplice)", "incident penalty of a direct customer's hijacks the network propagated", "measurement framework §3, §4.2"},
		{"M3", "Bogon prefixes", "incident penalty of full-bogon prefixes the network announced", "measurement framework §3, §4.1"},
		{"M3C", "Bogon prefixes (accomplice)", "incident penalty of a direct customer's bogon prefixes the network propagated", "measurement framework §3, §4.2"},
		{"M4", "Bogon ASNs", "incident penalty of bogon ASNs in paths the network announced", "measurement framework §3, §4.1"},
		{"M4C", "Bogon ASNs (accomplice)", "incident penalty of a direct customer's bogon ASNs the network propagated", "measurement framework §3, §4.2"},
		{"M5", "Spoofing", "distinct prefixes that let spoofed packets out in CAIDA Spoofer tests, through the penalty curve score = 0.6^√(2·raw)", "measurement framework §3, §4.3"},
		{"M6", "IRR routing policy", "the aut-num has at least one import and one export in the IRR; not scored", "measurement framework §3"},
		{"M7IRR", "IRR coverage", "share of announced routes with a matching (exact or covering) IRR route object", "measurement framework §4.4"},
		{"M7RPKI", "RPKI coverage", "valid share − 10 × invalid share of announced routes, clamped to [0, 1]", "measurement framework §4.4"},
		{"M8", "Contact information", "1 when a technical or NOC contact is registered in PeeringDB or RIR whois; abuse contacts do not count", "measurement framework §3, §13.3"},
		{"filtering", "Filtering (Action 1)", "mean of M2, M2C, M3, M3C, M4, M4C, each incident penalty through the penalty curve", "measurement framework §4.1–4.3, §13.2"},
		{"antiSpoofing", "Anti-spoofing (Action 2)", "M5; no Spoofer test in the month means no data", "measurement framework §4.3"},
		{"coordination", "Coordination (Action 3)", "M8", "measurement framework §3, §13.3"},
		{"routingInformationIRR", "Global Validation, IRR (Action 4)", "M7IRR", "measurement framework §4.4"},
		{"routingInformationRPKI", "Global Validation, RPKI (Action 4)", "M7RPKI", "measurement framework §4.4"},
		{"roaValidShare", "Networks with a valid ROA", "networks with at least one RPKI-valid announcement, among those announcing anything", "the growth page"},
		{"rovFilteringShare", "Networks filtering RPKI-invalid routes", "networks never seen passing on an RPKI-invalid route, among those seen passing on at least 100 routes", "the growth page"},
		{"rovDeployedShare", "Networks inferred to deploy ROV", "networks never seen propagating an RPKI-invalid route and seen dropping their neighbours' ones, among those internal/rovinfer could judge", "vocab.ROVDeployedShare"},
		{"roa4", "IPv4 address space covered by ROAs", "RPKI-valid announced IPv4 space ÷ all announced IPv4 space (valid + invalid + not found)", "ROAST, measurement framework §6"},
		{"roa6", "IPv6 address space covered by ROAs", "RPKI-valid announced IPv6 space ÷ all announced IPv6 space (valid + invalid + not found)", "ROAST, measurement framework §6"},
		{"participantsWithROA", "Participants with valid ROAs", "participants with at least one RPKI-valid announcement in the month", "measurement framework §6 (ROAST)"},
	} {
		out[d.ID] = d
	}
	return out
}()

// metricTitle is the one-line explanation of a metric: "ID — name: formula (reference)".
func metricTitle(id string) string {
	d, ok := metricDocs[id]
	if !ok {
		return id
	}
	var b strings.Builder
	if strings.HasPrefix(d.ID, "M") {
		b.WriteString(d.ID + " — ")
	}
	b.WriteString(d.Name + ": " + d.Formula + " (" + d.Ref + ")")
	return b.String()
}

// metricAbbr shows label (the metric's name when empty) as an abbr whose
// title is the metric's explanation: {{metricAbbr "M7RPKI" ""}}.
func metricAbbr(id, label string) template.HTML {
	if label == "" {
		label = id
		if d, ok := metricDocs[id]; ok {
			label = d.Name
		}
	}
	return template.HTML(`<abbr class="metric" data-metric-help="` + html.EscapeString(id) + `" title="` +
		html.EscapeString(metricTitle(id)) + `">` + html.EscapeString(label) + `</abbr>`) //nolint:gosec // escaped above
}

// metricHelp is a details element explaining the metric, for the page
// that shows one metric: {{metricHelp "roa4"}}. Unknown IDs give nothing.
func metricHelp(id string) template.HTML {
	d, ok := metricDocs[id]
	if !ok {
		return ""
	}
	name := d.Name
	if strings.HasPrefix(d.ID, "M") {
		name = d.ID + " " + name
	}
	return template.HTML(`<details class="metric" data-metric-help="` + html.EscapeString(id) + `"><summary>How ` +
		html.EscapeString(name) + ` is computed</summary><p>` + html.EscapeString(d.Formula) + `. Defined in ` +
		html.EscapeString(d.Ref) + `.</p></details>`) //nolint:gosec // escaped above
}
