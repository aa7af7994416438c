package audit

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// The MANRS+ controls an audit checks per network (docs/audit.md).
const (
	OriginValidation = "originValidation"
	LeakProtection   = "leakProtection"
	ROACoverage      = "roaCoverage"
	Coordination     = "coordination"
)

// Controls lists the controls in the order reports show them.
var Controls = []string{OriginValidation, LeakProtection, ROACoverage, Coordination}

// The results of a control.
const (
	Pass    = "pass"
	Fail    = "fail"
	Unknown = "unknown"
)

// Risk levels: a provider's risk (weight × share of controls not passed)
// at or above HighRisk is high, at or above MediumRisk medium.
const (
	HighRisk   = 0.25
	MediumRisk = 0.05
)

// controls judges a's four controls from its record n (docs/audit.md).
func (m *Month) controls(a uint32, n *wire.AuditNetwork) []wire.AuditControl {
	return []wire.AuditControl{m.originValidation(n), m.leakProtection(a, n), roaCoverage(n), coordination(n)}
}

func record(n *wire.AuditNetwork) wire.AuditEvidence {
	return wire.AuditEvidence{Kind: "record", Text: n.ASN.String() + "'s month record", Link: n.Record}
}

// originValidation: the ROV deployment inferred from the paths
// (internal/rovinfer): deploys passes, partial and does-not fail, no
// verdict or not enough evidence is unknown.
func (m *Month) originValidation(n *wire.AuditNetwork) wire.AuditControl {
	c := wire.AuditControl{ID: OriginValidation, Evidence: []wire.AuditEvidence{record(n)}}
	r := n.ROV
	counts := fmt.Sprintf("seen passing on %d RPKI-invalid routes, not seen on %d invalid routes of its neighbours", r.Propagated, r.Dropped)
	// The verdicts of internal/rovinfer, whose MRT collector the serving
	// layer must not link.
	switch r.Verdict {
	case "deploys":
		c.Result, c.Reason = Pass, "drops RPKI-invalid routes (inferred, confidence "+pct(r.Confidence)+"): "+counts
	case "partial", "does-not":
		c.Result, c.Reason = Fail, "ROV "+r.Verdict+" (inferred, confidence "+pct(r.Confidence)+"): "+counts
	case "not-enough-evidence":
		c.Result, c.Reason = Unknown, "not enough evidence to infer ROV: "+counts
	default:
		c.Result, c.Reason = Unknown, "never seen as a transit hop this month: no ROV evidence"
	}
	for _, e := range m.rovEv[uint32(n.ASN)] {
		c.Evidence = append(c.Evidence, rovRoute(e, m.Meta.Month))
	}
	if r.Verdict != "" {
		c.Evidence = append(c.Evidence, wire.AuditEvidence{Kind: "routes",
			Text: fmt.Sprintf("observatory rov --asn %d lists every invalid route behind the verdict", n.ASN)})
	}
	return c
}

// rovRoute is a stored piece of ROV evidence as an audit's: the invalid
// route, the path it was seen on, and a link to the ROA state of its
// origin's announcements.
func rovRoute(e store.ROVObservation, month time.Time) wire.AuditEvidence {
	var text string
	if e.Kind == "propagated" {
		text = fmt.Sprintf("passed on %s of AS%d (RPKI %s) on path %s", e.Prefix, e.Origin, e.RPKI, e.Path)
		if e.Alternative != "" {
			text += "; an alternative existed: " + e.Alternative
		}
	} else {
		text = fmt.Sprintf("not seen on %s of AS%d (RPKI %s, seen on path %s), although it passed on %s of the same origin on path %s",
			e.Prefix, e.Origin, e.RPKI, e.Path, e.ViaPrefix, e.Via)
	}
	return wire.AuditEvidence{Kind: "route", Text: text,
		Link: fmt.Sprintf("/api/v2/roas/asn/%d?month=%s", e.Origin, vocab.MonthOf(month))}
}

// leakProtection: a route leak by the network (M1) or by a customer it
// passed on (M1C), not excluded, fails; a measured network without one
// passes; an unmeasured one is unknown.
func (m *Month) leakProtection(a uint32, n *wire.AuditNetwork) wire.AuditControl {
	c := wire.AuditControl{ID: LeakProtection, Evidence: []wire.AuditEvidence{record(n)}}
	own, cust := n.Incidents[string(vocab.M1)], n.Incidents[string(vocab.M1C)]
	filtering := "no filtering score"
	for _, s := range n.Scores {
		if string(s.ID) == string(vocab.Filtering) {
			filtering = "filtering score " + string(s.Level)
		}
	}
	switch {
	case own+cust > 0:
		c.Result = Fail
		c.Reason = fmt.Sprintf("%d route leaks of its own (M1) and %d of its customers it passed on (M1C); %s", own, cust, filtering)
		month := vocab.MonthOf(m.Meta.Month).String()
		for _, id := range slices.Concat(m.firstIDs[a][string(vocab.M1)], m.firstIDs[a][string(vocab.M1C)]) {
			c.Evidence = append(c.Evidence, wire.AuditEvidence{Kind: "incident", Text: id,
				Link: fmt.Sprintf("/api/v2/incidents?asn=%d&month=%s", a, month)})
		}
	case n.Measured:
		c.Result, c.Reason = Pass, "no route leak of its own or of its customers this month; "+filtering
	default:
		c.Result, c.Reason = Unknown, "no record this month"
	}
	if rec := m.asns[a]; rec != nil && rec.Leak.Verdict != "" {
		l := rec.Leak
		aspa := "no ASPA object"
		if l.ASPA {
			aspa = fmt.Sprintf("an ASPA object of %d providers, %d seen above it left out", l.ASPAProviders, l.ASPAMissing)
		}
		c.Reason += fmt.Sprintf("; leak protection %s, %d customer routes carried, %s", l.Verdict, l.CustomerRoutes, aspa)
	}
	return c
}

// roaCoverage: the network's RPKI score (M7RPKI, the ROA-valid share of
// its announcements) at level ready passes, below it fails; no score is
// unknown.
func roaCoverage(n *wire.AuditNetwork) wire.AuditControl {
	c := wire.AuditControl{ID: ROACoverage, Evidence: []wire.AuditEvidence{{Kind: "roas",
		Text: fmt.Sprintf("%d valid, %d invalid, %d not found announcements", n.ROA.Valid, n.ROA.Invalid, n.ROA.NotFound),
		Link: n.ROA.Link}}}
	share := "no announcement"
	if n.ROA.Share != nil {
		share = pct(*n.ROA.Share) + " of its announcements RPKI-valid"
	}
	return levelControl(c, n, vocab.RoutingInformationRPKI, share)
}

// coordination: the Coordination score (M8, contact information) at level
// ready passes, below it fails; no score is unknown.
func coordination(n *wire.AuditNetwork) wire.AuditControl {
	c := wire.AuditControl{ID: Coordination, Evidence: []wire.AuditEvidence{record(n)}}
	return levelControl(c, n, vocab.Coordination, "contact information (M8)")
}

// levelControl passes c when n's score id is at level ready, fails it
// below, and leaves it unknown without data.
func levelControl(c wire.AuditControl, n *wire.AuditNetwork, id vocab.ScoreID, what string) wire.AuditControl {
	for _, s := range n.Scores {
		if string(s.ID) != string(id) || !s.HasData {
			continue
		}
		if string(s.Level) == vocab.Ready.API() {
			c.Result = Pass
		} else {
			c.Result = Fail
		}
		c.Reason = fmt.Sprintf("%s score %s (%s): %s", id, s.Level, pct(*s.Value), what)
		return c
	}
	c.Result, c.Reason = Unknown, fmt.Sprintf("no %s score this month: %s", id, what)
	return c
}

// rate sets a provider's risk: its weight times the share of controls not
// passed, a failed one counting 1 and an unknown one 1/2.
func rate(p *wire.AuditProvider) {
	bad := 0.0
	for _, c := range p.Controls {
		switch c.Result {
		case Fail:
			bad++
			p.Failed = append(p.Failed, c.ID)
		case Unknown:
			bad += 0.5
		}
	}
	p.Risk = math.Round(p.Weight*bad/float64(len(Controls))*1e6) / 1e6
	switch {
	case p.Risk >= HighRisk:
		p.RiskLevel = "high"
	case p.Risk >= MediumRisk:
		p.RiskLevel = "medium"
	default:
		p.RiskLevel = "low"
	}
}

// requirements are the SLA clauses, one per control.
var requirements = map[string]string{
	OriginValidation: "Drop RPKI-invalid routes on every eBGP session (route origin validation, RFC 6811; MANRS Action 1)",
	LeakProtection:   "Filter customer announcements to their registered prefixes and detect leaks (RFC 9234 roles or ASPA; MANRS Action 1)",
	ROACoverage:      "Publish ROAs for all of their own address space (MANRS Action 4)",
	Coordination:     "Keep public, current contact information in PeeringDB and the IRR (MANRS Action 3)",
}

// checklist lists, per control, the hop-1 providers that meet it, fail it
// and could not be judged.
func checklist(ps []wire.AuditProvider) []wire.AuditSLAItem {
	out := make([]wire.AuditSLAItem, 0, len(Controls))
	for i, id := range Controls {
		it := wire.AuditSLAItem{Control: id, Requirement: requirements[id], Met: []wire.ASN{}, NotMet: []wire.ASN{}, Unknown: []wire.ASN{}}
		for _, p := range ps {
			if p.Hop != 1 {
				continue
			}
			switch p.Controls[i].Result {
			case Pass:
				it.Met = append(it.Met, p.ASN)
			case Fail:
				it.NotMet = append(it.NotMet, p.ASN)
			default:
				it.Unknown = append(it.Unknown, p.ASN)
			}
		}
		out = append(out, it)
	}
	return out
}

// summarize counts the providers per risk level.
func summarize(ps []wire.AuditProvider) wire.AuditSummary {
	s := wire.AuditSummary{Providers: len(ps), Riskiest: []wire.ASN{}}
	for _, p := range ps {
		switch p.RiskLevel {
		case "high":
			s.High++
			s.Riskiest = append(s.Riskiest, p.ASN)
		case "medium":
			s.Medium++
		default:
			s.Low++
		}
	}
	switch {
	case len(ps) == 0:
		s.Verdict = "No upstream was seen in the month's paths."
	case s.High > 0:
		names := make([]string, len(s.Riskiest))
		for i, a := range s.Riskiest {
			names[i] = a.String()
		}
		s.Verdict = fmt.Sprintf("%d of %d upstreams are high risk: %s.", s.High, len(ps), strings.Join(names, ", "))
	default:
		s.Verdict = fmt.Sprintf("No high-risk upstream among %d; %d medium.", len(ps), s.Medium)
	}
	return s
}

// pct formats a share as a percentage with one decimal.
func pct(v float64) string { return fmt.Sprintf("%.1f%%", 100*v) }
