package ingest

import (
	"cmp"
	"net/netip"
	"slices"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/bogon"
	"github.com/observatory-net/observatory/internal/rov"
	"github.com/observatory-net/observatory/internal/rovinfer"
	"github.com/observatory-net/observatory/internal/score"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// MinTransitRoutes is how many distinct routes an AS must be seen passing
// on before its filtering of RPKI-invalid routes is judged
// (vocab.ROVFilteringShare): an AS that passed on three routes, none
// invalid, says nothing about its policy.
const MinTransitRoutes = 100

// programmes lists the programmes an ASN takes part in.
func (m *month) programmes(a bgp.ASN) []string {
	var out []string
	for _, p := range m.cfg.Participants.Of(a) {
		if !slices.Contains(out, p.Programme) {
			out = append(out, p.Programme)
		}
	}
	return out
}

// aggregate fills the month's aggregates (scores and network shares per
// scope) and ROA statistics from the scored ASNs and the classified routes.
func (m *month) aggregate(out *store.Month) {
	recs := make(map[bgp.ASN]*store.ASN, len(out.ASNs))
	for i := range out.ASNs {
		recs[bgp.ASN(out.ASNs[i].ASN)] = &out.ASNs[i]
	}
	out.ROAStats = m.roaStats(recs)
	out.Aggregates = score.Aggregates(out.ASNs, participantRecords(m.cfg.Participants))
	out.Aggregates = append(out.Aggregates, m.shareAggregates(out.ASNs)...)
	score.SortAggregates(out.Aggregates)
}

// shareAggregates are the network shares (§2, vocab.Shares): their
// Value is the share of the scope's networks that pass, Ready counts
// those that pass, Lagging those that do not and NoData those that could
// not be judged. vocab.ROAValidShare: networks with at least one
// RPKI-valid announcement, among networks that announced anything.
// vocab.ROVFilteringShare: networks never seen propagating an RPKI-invalid
// route, among networks seen as a transit hop (any AS on a path but the
// origin) of at least MinTransitRoutes routes.
func (m *month) shareAggregates(asns []store.ASN) []store.Aggregate {
	valid := m.originsWithValid()
	transit, propagated := m.transitInvalid()
	groups := map[[3]string]*store.Aggregate{}
	add := func(g score.Group, id vocab.ScoreID, pass, judged bool) {
		k := [3]string{string(g.Scope), g.Key, string(id)}
		a := groups[k]
		if a == nil {
			a = &store.Aggregate{Scope: string(g.Scope), Key: g.Key, Score: string(id)}
			groups[k] = a
		}
		switch {
		case !judged:
			a.NoData++
		case pass:
			a.Ready++
		default:
			a.Lag++
		}
	}
	for i := range asns {
		rec := &asns[i]
		a := bgp.ASN(rec.ASN)
		for _, g := range score.Groups(rec, m.programmes(a)) {
			add(g, vocab.ROAValidShare, valid[a], rec.Announced > 0)
			add(g, vocab.ROVFilteringShare, propagated[a] == 0, transit[a] >= MinTransitRoutes)
			v := rovinfer.Verdict(rec.ROV)
			add(g, vocab.ROVDeployedShare, v == rovinfer.Deploys, v != "" && v != rovinfer.NotEnoughEvidence)
		}
	}
	out := make([]store.Aggregate, 0, len(groups))
	for _, a := range groups {
		if n := a.Ready + a.Lag; n > 0 {
			a.Value = float64(a.Ready) / float64(n)
		}
		out = append(out, *a)
	}
	return out
}

// rovResults infers ROV deployment per transit AS from the month's
// classified routes and their kept paths (internal/rovinfer): the ASN
// records' ROV fields and vocab.ROVDeployedShare.
func (m *month) rovResults() map[bgp.ASN]rovinfer.Result {
	routes := make([]rovinfer.Route, len(m.keys))
	for i, k := range m.keys {
		rf := m.routeFacts[i]
		paths := make([][]bgp.ASN, len(rf.Paths))
		for j, pid := range rf.Paths {
			paths[j] = flatHops(&m.facts.Paths[pid].Path)
		}
		routes[i] = rovinfer.Route{Prefix: k.Prefix, Origin: k.Origin, State: m.classes[i].RPKI, Paths: paths}
	}
	out := map[bgp.ASN]rovinfer.Result{}
	for _, r := range rovinfer.Infer(routes, rovinfer.Options{MaxEvidence: rovEvidencePerKind}) {
		out[r.ASN] = r
	}
	return out
}

// rovEvidencePerKind is how many routes of each kind (propagated,
// dropped) are kept as the evidence of an ASN's ROV verdict; the counts
// count them all.
const rovEvidencePerKind = 3

// rovEvidence converts the evidence of an ASN's ROV verdict for the store.
func rovEvidence(r *rovinfer.Result) []store.ROVObservation {
	var out []store.ROVObservation
	add := func(kind string, os []rovinfer.Observation) {
		for _, o := range os {
			out = append(out, store.ROVObservation{ASN: uint32(r.ASN), Kind: kind, Prefix: o.Prefix, Origin: uint32(o.Origin),
				RPKI: o.State, Path: joinASNs(o.Path), Alternative: o.Alternative, ViaPrefix: o.ViaPrefix,
				Via: joinASNs(o.Via), Relationship: o.Relationship})
		}
	}
	add("propagated", r.Propagated)
	add("dropped", r.DroppedObs)
	return out
}

// originsWithValid is the set of origins with an RPKI-valid route.
func (m *month) originsWithValid() map[bgp.ASN]bool {
	out := map[bgp.ASN]bool{}
	for i, k := range m.keys {
		if k.Origin != 0 && m.classes[i].RPKI == rov.Valid {
			out[k.Origin] = true
		}
	}
	return out
}

// transitInvalid counts, per AS, the distinct routes it was seen passing
// on (as any hop of a path but the origin) and the RPKI-invalid ones
// among them.
func (m *month) transitInvalid() (transit, invalid map[bgp.ASN]int) {
	transit, invalid = map[bgp.ASN]int{}, map[bgp.ASN]int{}
	seen := map[bgp.ASN]bool{}
	for i, k := range m.keys {
		rf, c := m.routeFacts[i], m.classes[i]
		bad := k.Origin != 0 && c.RPKI != rov.Valid && c.RPKI != rov.NotFound
		clear(seen)
		for _, pid := range rf.Paths {
			hops := flatHops(&m.facts.Paths[pid].Path)
			for _, a := range hops[:max(len(hops)-1, 0)] {
				if a == k.Origin || seen[a] {
					continue
				}
				seen[a] = true
				transit[a]++
				if bad {
					invalid[a]++
				}
			}
		}
	}
	return transit, invalid
}

// roaGroup accumulates one scope key and family of ROA statistics. The
// address space of each state is the union of its prefixes: routes arrive
// in address order, so a prefix inside the last counted one of the same
// state is already covered (§ ROAST: "address space").
type roaGroup struct {
	stat store.ROAStat
	top  [3]netip.Prefix // last counted prefix per state
}

// roaStats computes ROAST-style coverage per ASN, economy, region,
// sub-region, RIR, participant programme and the world, IPv4 and IPv6
// apart. Every origin counts, measured or not; its economy comes from the
// delegated statistics. Full bogon prefixes and default routes are left out.
func (m *month) roaStats(recs map[bgp.ASN]*store.ASN) []store.ROAStat {
	groups := map[[3]string]*roaGroup{}
	var order [][3]string
	for i, k := range m.keys {
		// Routes without a single origin, default routes and full bogons
		// are not announcements of anyone's address space.
		if k.Origin == 0 || k.Prefix.Bits() == 0 || m.classes[i].Bogon == bogon.Full {
			continue
		}
		rec := recs[k.Origin]
		if rec == nil {
			rec = &store.ASN{ASN: uint32(k.Origin)}
			m.describe(rec)
			recs[k.Origin] = rec
		}
		fam := "4"
		if k.Prefix.Addr().Is6() {
			fam = "6"
		}
		state := roaState(m.classes[i].RPKI)
		scopes := append(score.Groups(rec, m.programmes(k.Origin)), score.Group{Scope: vocab.ScopeASN, Key: k.Origin.String()})
		for _, g := range scopes {
			gk := [3]string{string(g.Scope), g.Key, fam}
			grp := groups[gk]
			if grp == nil {
				grp = &roaGroup{stat: store.ROAStat{Scope: string(g.Scope), Key: g.Key, Family: familyOf(k.Prefix)}}
				groups[gk] = grp
				order = append(order, gk)
			}
			grp.add(k.Prefix, state)
		}
	}
	slices.SortFunc(order, func(a, b [3]string) int {
		return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1]), cmp.Compare(a[2], b[2]))
	})
	out := make([]store.ROAStat, len(order))
	for i, gk := range order {
		out[i] = groups[gk].stat
	}
	return out
}

// roaState folds the RPKI states into ROAST's three: valid, invalid (any
// reason) and not found.
func roaState(s rov.State) int {
	switch s {
	case rov.Valid:
		return 0
	case rov.NotFound:
		return 2
	default:
		return 1
	}
}

func familyOf(p netip.Prefix) int {
	if p.Addr().Is4() {
		return 4
	}
	return 6
}

func (g *roaGroup) add(p netip.Prefix, state int) {
	counts := [3]*int64{&g.stat.Valid, &g.stat.Invalid, &g.stat.NotFound}
	spaces := [3]*int64{&g.stat.ValidSpace, &g.stat.InvalidSpace, &g.stat.NotFoundSpace}
	*counts[state]++
	if top := g.top[state]; top.IsValid() && top.Bits() <= p.Bits() && top.Contains(p.Addr()) {
		return
	}
	g.top[state] = p
	*spaces[state] += SpaceUnits(p)
}

// SpaceUnits is a prefix's size in the units of store.ROAStat: addresses
// for IPv4, /64 networks for IPv6. IPv6 prefixes longer than /64 and the
// IPv6 default route (2^64 /64s do not fit an int64) count 0.
func SpaceUnits(p netip.Prefix) int64 {
	if p.Addr().Is4() {
		return 1 << (32 - p.Bits())
	}
	if p.Bits() > 64 || p.Bits() == 0 {
		return 0
	}
	return 1 << (64 - p.Bits())
}
