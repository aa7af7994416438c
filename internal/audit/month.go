package audit

import (
	"cmp"
	"context"
	"fmt"
	"net/netip"
	"slices"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// Month is a stored month loaded for audits: every ASN record, upstream
// record and route, ROA coverage per ASN and incident counts, indexed so
// that an audit reads memory only.
type Month struct {
	Meta      store.MonthMeta
	asns      map[uint32]*store.ASN
	upstreams map[uint32][]store.Upstream
	routes    []route // by prefix address, then bits
	announced map[uint32]int
	roa       map[uint32]roaCount
	incidents map[uint32]map[string]int
	firstIDs  map[uint32]map[string][]string // a few incident ids per ASN and metric
	reg       map[uint32]bool
	orgs      map[int][]uint32 // the networks of each PeeringDB organisation (store.Orgs), by ASN
	orgOf     map[uint32]store.Org
	rovEv     map[uint32][]store.ROVObservation // the evidence kept behind each ROV verdict
}

// route is a stored route reduced to what a prefix lookup needs.
type route struct {
	prefix netip.Prefix
	origin uint32
	rpki   string
}

type roaCount struct{ valid, invalid, notFound int64 }

// maxIncidentIDs is how many incident ids a control's evidence names per
// metric; the link lists them all.
const maxIncidentIDs = 5

// Load reads month meta of st for audits. reg, when not nil, marks the
// registry's participants as such, as the API does (view.Visibility).
func Load(ctx context.Context, st store.Store, meta store.MonthMeta, reg map[uint32]bool) (*Month, error) {
	m := &Month{Meta: meta, asns: map[uint32]*store.ASN{}, upstreams: map[uint32][]store.Upstream{},
		announced: map[uint32]int{}, roa: map[uint32]roaCount{}, incidents: map[uint32]map[string]int{},
		firstIDs: map[uint32]map[string][]string{}, reg: reg, orgs: map[int][]uint32{}, orgOf: map[uint32]store.Org{}, rovEv: map[uint32][]store.ROVObservation{}}
	key := fmt.Sprintf("%s %q", vocab.MonthOf(meta.Month), meta.Spec)
	asns, err := st.ASNs(ctx, meta.Month, meta.Spec, store.Filter{ScoresOnly: true})
	if err != nil {
		return nil, fmt.Errorf("audit: month %s: %w", key, err)
	}
	for i := range asns {
		m.asns[asns[i].ASN] = &asns[i]
	}
	ev, err := st.ROVEvidence(ctx, meta.Month, meta.Spec, 0)
	if err != nil {
		return nil, fmt.Errorf("audit: month %s: %w", key, err)
	}
	for _, e := range ev {
		m.rovEv[e.ASN] = append(m.rovEv[e.ASN], e)
	}
	orgs, err := st.Orgs(ctx, meta.Month, meta.Spec)
	if err != nil {
		return nil, fmt.Errorf("audit: month %s: %w", key, err)
	}
	for _, o := range orgs { // by ASN
		m.orgs[o.Org.ID] = append(m.orgs[o.Org.ID], o.ASN)
		m.orgOf[o.ASN] = o.Org
	}
	ups, err := st.Upstreams(ctx, meta.Month, meta.Spec, 0)
	if err != nil {
		return nil, fmt.Errorf("audit: month %s: %w", key, err)
	}
	for _, u := range ups {
		m.upstreams[u.ASN] = append(m.upstreams[u.ASN], u)
	}
	if err := m.loadRoutes(ctx, st); err != nil {
		return nil, fmt.Errorf("audit: month %s: %w", key, err)
	}
	ins, err := st.Incidents(ctx, meta.Month, meta.Spec, 0)
	if err != nil {
		return nil, fmt.Errorf("audit: month %s: %w", key, err)
	}
	for _, in := range ins {
		if in.Excluded {
			continue
		}
		if m.incidents[in.ASN] == nil {
			m.incidents[in.ASN], m.firstIDs[in.ASN] = map[string]int{}, map[string][]string{}
		}
		m.incidents[in.ASN][in.Metric]++
		if ids := m.firstIDs[in.ASN][in.Metric]; len(ids) < maxIncidentIDs {
			m.firstIDs[in.ASN][in.Metric] = append(ids, in.ID)
		}
	}
	return m, nil
}

// loadRoutes reads every route: the prefix index, and per origin its
// announcements and their RPKI states (ROA coverage, as ROAST counts it).
func (m *Month) loadRoutes(ctx context.Context, st store.Store) error {
	rs, err := st.AllRoutes(ctx, m.Meta.Month, m.Meta.Spec)
	if err != nil {
		return err
	}
	m.routes = make([]route, 0, len(rs))
	for _, r := range rs {
		p, err := netip.ParsePrefix(r.Prefix)
		if err != nil {
			return fmt.Errorf("stored route %s of AS%d: %w", r.Prefix, r.ASN, err)
		}
		m.routes = append(m.routes, route{prefix: p, origin: r.ASN, rpki: r.RPKI})
		m.announced[r.ASN]++
		c := m.roa[r.ASN]
		switch r.RPKI {
		case "valid":
			c.valid++
		case "not-found":
			c.notFound++
		default:
			c.invalid++
		}
		m.roa[r.ASN] = c
	}
	slices.SortFunc(m.routes, func(a, b route) int {
		return cmp.Or(comparePrefix(a, b.prefix), cmp.Compare(a.origin, b.origin))
	})
	return nil
}

// lookup returns the routes equal to p or inside it ("inside"); when
// there are none, the most specific routes covering it ("covering").
func (m *Month) lookup(p netip.Prefix) ([]route, string) {
	p = p.Masked()
	i, _ := slices.BinarySearchFunc(m.routes, p, comparePrefix)
	var inside []route
	for j := i; j < len(m.routes) && p.Contains(m.routes[j].prefix.Addr()); j++ {
		if r := m.routes[j]; r.prefix.Bits() >= p.Bits() && r.prefix.Addr().Is4() == p.Addr().Is4() {
			inside = append(inside, r)
		}
	}
	if len(inside) > 0 {
		return inside, "inside"
	}
	for bits := p.Bits() - 1; bits >= 0; bits-- {
		q, _ := p.Addr().Prefix(bits)
		j, found := slices.BinarySearchFunc(m.routes, q, comparePrefix)
		if !found {
			continue
		}
		var out []route
		for ; j < len(m.routes) && m.routes[j].prefix == q; j++ {
			out = append(out, m.routes[j])
		}
		return out, "covering"
	}
	return nil, ""
}

// comparePrefix orders a route by its prefix's address, then length: the
// order of Month.routes, which lookup searches.
func comparePrefix(r route, q netip.Prefix) int {
	return cmp.Or(r.prefix.Addr().Compare(q.Addr()), cmp.Compare(r.prefix.Bits(), q.Bits()))
}
