package report

import (
	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/vocab"
)

// The kinds of incident findings, by the metric pairs of Action 1
// (measurement-framework.md §3, §4.1): the ASN's own and its customers'.
const (
	KindRouteLeak   = "routeLeak"
	KindHijack      = "hijack"
	KindBogonPrefix = "bogonPrefix"
	KindBogonASN    = "bogonAsn"
)

var incidentKinds = []string{KindRouteLeak, KindHijack, KindBogonPrefix, KindBogonASN}

func incidentKind(metric string) string {
	switch vocab.MetricID(metric) {
	case vocab.M1, vocab.M1C:
		return KindRouteLeak
	case vocab.M2, vocab.M2C:
		return KindHijack
	case vocab.M3, vocab.M3C:
		return KindBogonPrefix
	}
	return KindBogonASN
}

// laggingKind is the finding of a score at the lagging level.
func laggingKind(score vocab.ScoreID) string { return "lagging:" + string(score) }

// Advice is the fixed advice of each kind of finding, citing the MANRS
// Action (measurement-framework.md §1.1, the Network Operators' Actions).
var Advice = map[string]string{
	KindRouteLeak: "MANRS Action 1 (Filtering): the network, or a customer, propagated routes it should not have (a route leak). " +
		"Filter your customers' announcements against an explicit prefix list built from their IRR objects or RPKI, and apply the " +
		"RFC 8212 default-deny policy on eBGP sessions.",
	KindHijack: "MANRS Action 1 (Filtering): prefixes of another network were originated by you or a customer (a possible hijack). " +
		"Check the origins in your configuration, filter customer announcements by prefix lists, and drop RPKI-invalid routes (ROV).",
	KindBogonPrefix: "MANRS Action 1 (Filtering): bogon prefixes (private, reserved or unallocated space) were announced. " +
		"Apply a bogon prefix filter to your own and your customers' announcements.",
	KindBogonASN: "MANRS Action 1 (Filtering): routes with bogon AS numbers in their path were announced. " +
		"Filter routes whose AS path holds private or reserved AS numbers.",
	KindRPKIInvalid: "MANRS Action 4 (Global validation): prefixes became RPKI-invalid: the ROAs do not cover the origin or the " +
		"prefix length announced. Create or correct the ROAs at your RIR, or stop the announcement.",
	KindIRRLost: "MANRS Action 4 (Global validation): prefixes lost their IRR coverage. Register route (route6) objects for them " +
		"with your origin AS in an IRR database, and keep them up to date.",
	laggingKind(vocab.Filtering): "MANRS Action 1 (Filtering) is lagging: see the incidents above and filter your and your customers' announcements.",
	laggingKind(vocab.AntiSpoofing): "MANRS Action 2 (Anti-spoofing) is lagging: enable source address validation (BCP 38, uRPF) " +
		"for single-homed customers and your own infrastructure, and test it with the CAIDA Spoofer client.",
	laggingKind(vocab.Coordination): "MANRS Action 3 (Coordination) is lagging: publish up-to-date contact information " +
		"(PeeringDB, your RIR's whois abuse contact and your IRR objects).",
	laggingKind(vocab.RoutingInformationIRR): "MANRS Action 4 (Global validation, IRR) is lagging: register route objects " +
		"for all the prefixes you originate.",
	laggingKind(vocab.RoutingInformationRPKI): "MANRS Action 4 (Global validation, RPKI) is lagging: create ROAs for all " +
		"the prefixes you originate.",
}

func finding(kind string, action, n int) wire.ReportFinding {
	return wire.ReportFinding{Kind: kind, Action: action, Count: n, Advice: Advice[kind]}
}
