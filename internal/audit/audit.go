package audit

import (
	"cmp"
	"errors"
	"fmt"
	"net/netip"
	"slices"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/recwire"
	"github.com/observatory-net/observatory/internal/vocab"
)

// Limits of one query: an enterprise is a handful of ASNs and prefixes.
const (
	MaxASNs     = 100
	MaxPrefixes = 1000
)

// Method names the document that states the audit's rules.
const Method = "docs/audit.md: upstreams from the month's AS paths (hop 1 and 2, weighted by prefixes); " +
	"controls originValidation, leakProtection, roaCoverage, coordination; risk = weight × (failed + unknown/2) / controls"

// Query is what an audit covers: ASNs and prefixes, at least one of them.
type Query struct {
	ASNs     []uint32
	Prefixes []netip.Prefix
	// Org, when not zero, is a PeeringDB organisation: the networks the
	// month's records say are its (store.ASN.Org) are audited too.
	Org int
}

// ErrEmpty is returned for a query that names no ASN, prefix or
// organisation.
var ErrEmpty = errors.New("an audit needs at least one ASN, prefix or PeeringDB organisation")

// Validate checks the query's size and contents.
func (q *Query) Validate() error {
	switch {
	case len(q.ASNs) == 0 && len(q.Prefixes) == 0 && q.Org == 0:
		return ErrEmpty
	case q.Org < 0:
		return errors.New("a PeeringDB organisation id is a positive integer")
	case len(q.ASNs) > MaxASNs:
		return fmt.Errorf("%d ASNs: at most %d an audit", len(q.ASNs), MaxASNs)
	case len(q.Prefixes) > MaxPrefixes:
		return fmt.Errorf("%d prefixes: at most %d an audit", len(q.Prefixes), MaxPrefixes)
	}
	for _, a := range q.ASNs {
		if a == 0 {
			return errors.New("AS0 cannot be audited: it originates nothing")
		}
	}
	for _, p := range q.Prefixes {
		if !p.IsValid() {
			return errors.New("an invalid prefix")
		}
	}
	return nil
}

// Audit builds the supply-chain audit of q over the month (docs/audit.md).
func (m *Month) Audit(q Query) (*wire.Audit, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	out := &wire.Audit{MonthData: wire.MonthData{Month: m.Meta.Month.UTC(), Spec: m.Meta.Spec}, Method: Method,
		Query: wire.AuditQuery{ASNs: []wire.ASN{}, Prefixes: []string{}}, Resolved: []wire.AuditPrefix{},
		Networks: []wire.AuditNetwork{}, Providers: []wire.AuditProvider{}, Edges: []wire.AuditEdge{},
		Unresolved: []string{}}
	origins := m.resolve(q, out)
	for _, a := range origins {
		out.Prefixes += m.announced[a]
		out.Networks = append(out.Networks, m.network(a))
	}
	m.chain(origins, out)
	out.Checklist = checklist(out.Providers)
	out.Summary = summarize(out.Providers)
	return out, nil
}

// resolve returns the audited origins, sorted: the query's ASNs and the
// origins of the routes its prefixes matched, and records what matched.
func (m *Month) resolve(q Query, out *wire.Audit) []uint32 {
	set := map[uint32]bool{}
	if q.Org != 0 {
		out.Query.Org = q.Org
		orgASNs := m.orgs[q.Org]
		if len(orgASNs) == 0 {
			out.Unresolved = append(out.Unresolved, fmt.Sprintf("PeeringDB organisation %d: no network of it this month", q.Org))
		}
		for _, a := range orgASNs {
			set[a] = true
		}
	}
	for _, a := range q.ASNs {
		out.Query.ASNs = append(out.Query.ASNs, wire.ASN(a))
		set[a] = true
		if m.asns[a] == nil && m.announced[a] == 0 {
			out.Unresolved = append(out.Unresolved, wire.ASN(a).String()+": no record and no route this month")
		}
	}
	for _, p := range q.Prefixes {
		p = p.Masked()
		out.Query.Prefixes = append(out.Query.Prefixes, p.String())
		rs, how := m.lookup(p)
		if len(rs) == 0 {
			out.Unresolved = append(out.Unresolved, p.String()+": no route equal to, inside or covering it this month")
		}
		for _, r := range rs {
			match := how
			if how != "covering" {
				match = map[bool]string{true: "exact", false: "more-specific"}[r.prefix == p]
			}
			out.Resolved = append(out.Resolved, wire.AuditPrefix{Query: p.String(), Route: r.prefix.String(),
				Origin: wire.ASN(r.origin), RPKI: r.rpki, Match: match})
			set[r.origin] = true
		}
	}
	origins := make([]uint32, 0, len(set))
	for a := range set {
		origins = append(origins, a)
	}
	slices.Sort(origins)
	return origins
}

// providerAcc sums an upstream's weight over the audited origins.
type providerAcc struct {
	hop             int
	prefixes, paths int
	rel, example    string
}

// chain adds the upstreams of origins (not themselves audited) and the
// graph's edges. Hop 1 keeps every neighbour the paths show (providers,
// peers at IXPs, and those the CAIDA relationships do not link); hop 2
// only the providers of a hop-1 AS and the unlinked ones. A hop-1 upstream's weight is the share of the audited
// prefixes seen through it; a hop-2 upstream's sums its rows over the
// hop-1 ASes below it, capped at 1 (a prefix seen through two hop-1 ASes
// to one hop-2 AS counts twice before the cap; docs/audit.md).
func (m *Month) chain(origins []uint32, out *wire.Audit) {
	audited := map[uint32]bool{}
	for _, a := range origins {
		audited[a] = true
	}
	acc := map[uint32]*providerAcc{}
	for _, a := range origins {
		for _, u := range m.upstreams[a] {
			if u.Hop == 2 && (u.Rel == "customer" || u.Rel == "peer") {
				continue // a hop-1 AS's customer or peer receives the routes: not a provider's provider
			}
			from := a
			if u.Hop == 2 {
				from = u.Via
			}
			out.Edges = append(out.Edges, wire.AuditEdge{From: wire.ASN(from), To: wire.ASN(u.Upstream), Hop: u.Hop,
				Prefixes: u.Prefixes, Paths: u.Paths})
			if audited[u.Upstream] {
				continue
			}
			p := acc[u.Upstream]
			if p == nil || u.Hop < p.hop {
				if p == nil {
					p = &providerAcc{}
				}
				p.hop, p.prefixes, p.paths, p.rel, p.example = u.Hop, 0, 0, u.Rel, u.Example
				acc[u.Upstream] = p
			}
			if u.Hop == p.hop {
				p.prefixes += u.Prefixes
				p.paths += u.Paths
			}
		}
	}
	for a, p := range acc {
		w := 0.0
		if out.Prefixes > 0 {
			w = min(1, float64(p.prefixes)/float64(out.Prefixes))
		}
		pr := wire.AuditProvider{AuditNetwork: m.network(a), Hop: p.hop, Weight: w, Prefixes: p.prefixes,
			Paths: p.paths, Rel: p.rel, Example: p.example, Failed: []string{}}
		rate(&pr)
		out.Providers = append(out.Providers, pr)
	}
	slices.SortFunc(out.Providers, func(a, b wire.AuditProvider) int {
		return cmp.Or(cmp.Compare(b.Risk, a.Risk), cmp.Compare(a.Hop, b.Hop), cmp.Compare(b.Weight, a.Weight),
			cmp.Compare(a.ASN, b.ASN))
	})
}

// network is a's part of the audit: its record, ROA coverage, incidents
// and controls, with links to the API records behind them.
func (m *Month) network(a uint32) wire.AuditNetwork {
	month := vocab.MonthOf(m.Meta.Month).String()
	n := wire.AuditNetwork{ASN: wire.ASN(a), Scores: []wire.Score{}, Incidents: map[string]int{},
		Record: fmt.Sprintf("/api/v2/ases/%d?month=%s", a, month)}
	rec := m.asns[a]
	if rec != nil {
		n.Holder, n.Country, n.Participant, n.Measured = rec.Holder, rec.Country, rec.Participant || m.reg[a], true
		for _, s := range rec.Scores {
			n.Scores = append(n.Scores, scoreOf(s.ID, s.Value, s.HasData, s.Level))
		}
		n.ROV = recwire.ROV(rec)
	}
	n.Organisation = recwire.Org(m.orgOf[a])
	c := m.roa[a]
	n.ROA = wire.AuditROA{Valid: c.valid, Invalid: c.invalid, NotFound: c.notFound,
		Link: fmt.Sprintf("/api/v2/roas/asn/%d?month=%s", a, month)}
	if all := c.valid + c.invalid + c.notFound; all > 0 {
		s := float64(c.valid) / float64(all)
		n.ROA.Share = &s
	}
	for k, v := range m.incidents[a] {
		n.Incidents[k] = v
	}
	n.Controls = m.controls(a, &n)
	return n
}

// scoreOf is a stored score in the API's terms.
func scoreOf(id string, v float64, hasData bool, level string) wire.Score {
	s := wire.Score{ID: wire.ScoreID(id), HasData: hasData, Level: wire.Level(vocab.NoData.API())}
	if hasData {
		s.Value = &v
		if l := vocab.Level(level); slices.Contains(vocab.Levels, l) {
			s.Level = wire.Level(l.API())
		}
	}
	return s
}
