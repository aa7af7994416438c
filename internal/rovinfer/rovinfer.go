// Package rovinfer infers, from the AS paths route collectors saw in a
// month, which transit ASes deploy route origin validation (RFC 6811 ROV:
// dropping RPKI-invalid routes), issue 14.
//
// The method is control-plane inference. RoVista (Li et al., IMC 2023)
// measures ROV in the data plane: it sends packets towards RPKI-invalid
// prefixes and sees whether they arrive. Here only BGP is seen, so the
// evidence per transit AS X is of two kinds:
//
//   - propagated: X is a hop (not the origin) of a path of an
//     RPKI-invalid route, so X accepted it and passed it on. This is direct
//     evidence that X did not drop that route. It is counted apart when a
//     valid or not-found route for the same or a covering prefix existed
//     (the invalid route was not the only way to reach the space, so
//     keeping it cannot be explained by "no alternative").
//   - dropped: X is seen as the neighbour of origin O on the paths of O's
//     valid or not-found routes (O is X's customer or peer), and an
//     RPKI-invalid route O originated is seen by the collectors but never
//     through X.
//
// What this can see: routes the collectors' peers chose as best and
// exported. What it cannot: a route X accepted but did not select as best
// (its customer O may reach the collectors' peers through another
// provider that is preferred), a route O announced only to some providers
// (selective announcement looks like dropping), routes filtered by a
// neighbour of X rather than by X, and the data plane (a default route
// can carry traffic to an invalid prefix that X dropped). "Dropped" is
// therefore weaker evidence than "propagated", and an AS is said to
// deploy ROV only when it was never seen propagating any invalid route
// and was seen dropping at least Options.MinEvidence of them.
package rovinfer

import (
	"cmp"
	"net/netip"
	"slices"

	"github.com/observatory-net/observatory/internal/asrel"
	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/rov"
)

// Verdict is what the evidence says of an AS's ROV deployment.
type Verdict string

// The verdicts.
const (
	// Deploys: never seen propagating an RPKI-invalid route, seen dropping
	// at least Options.MinEvidence of its neighbours' invalid routes.
	Deploys Verdict = "deploys"
	// Partial: seen dropping some invalid routes and propagating others.
	Partial Verdict = "partial"
	// DoesNot: seen propagating invalid routes, never dropping one.
	DoesNot Verdict = "does-not"
	// NotEnoughEvidence: neither propagating nor dropping enough to judge.
	NotEnoughEvidence Verdict = "not-enough-evidence"
)

// Verdicts lists the verdicts in the order they are shown.
var Verdicts = []Verdict{Deploys, Partial, DoesNot, NotEnoughEvidence}

// Route is one prefix and origin with its RPKI state and the distinct AS
// paths seen for it, each without prepends, the collector side first and
// the origin last.
type Route struct {
	Prefix netip.Prefix
	Origin bgp.ASN
	State  rov.State
	Paths  [][]bgp.ASN
}

// Relationships gives the relationship of two ASes (asrel.Graph), to say
// in the evidence whether the neighbour that dropped a route is the
// origin's provider.
type Relationships interface {
	Relationship(a, b bgp.ASN) asrel.Relationship
}

// Options tune Infer.
type Options struct {
	// MinEvidence is how many dropped invalid routes make "deploys"
	// (default 3).
	MinEvidence int
	// MaxEvidence bounds the observations of each kind kept per AS
	// (default 5, negative: none); the counts count them all.
	MaxEvidence int
	// Rel, when set, names the relationship of a dropping AS to the
	// origin in the evidence.
	Rel Relationships
}

// Observation is one piece of evidence: an RPKI-invalid route and a path
// it was seen on. For a propagated route, Alternative is the valid or
// not-found route of the same or a covering prefix, when one existed. For
// a dropped route, Via is a path of the origin's other route that went
// through the AS, and Relationship the AS's relationship to the origin.
type Observation struct {
	Prefix       netip.Prefix `json:"prefix"`
	Origin       bgp.ASN      `json:"origin"`
	State        string       `json:"rpki"`
	Path         []bgp.ASN    `json:"path"`
	Alternative  string       `json:"alternative,omitempty"`
	ViaPrefix    string       `json:"viaPrefix,omitempty"`
	Via          []bgp.ASN    `json:"via,omitempty"`
	Relationship string       `json:"relationship,omitempty"`
}

// Result is the inference for one AS seen as a transit hop.
type Result struct {
	ASN     bgp.ASN
	Verdict Verdict
	// Confidence is n/(n+2), n the observations behind the verdict
	// (dropped routes for Deploys, propagated ones for DoesNot, the
	// fewer of the two for Partial); 0 for NotEnoughEvidence.
	Confidence float64
	// Transit counts the distinct routes it was seen passing on.
	Transit int
	// PropagatedAlt counts the invalid routes it passed on although a
	// valid or not-found route for the same or a covering prefix existed;
	// PropagatedNoAlt those without one.
	PropagatedAlt, PropagatedNoAlt int
	// Dropped counts its neighbours' invalid routes it was not seen on.
	Dropped    int
	Propagated []Observation // the first Options.MaxEvidence
	DroppedObs []Observation // the first Options.MaxEvidence
}

// PropagatedAll counts every invalid route the AS passed on.
func (r *Result) PropagatedAll() int { return r.PropagatedAlt + r.PropagatedNoAlt }

type inferrer struct {
	opt     Options
	routes  []Route
	ok      map[netip.Prefix]int           // prefix → a valid or not-found route of it
	ups     map[bgp.ASN]map[bgp.ASN][2]int // origin → neighbour → (route, path) seen through it
	results map[bgp.ASN]*Result
}

// Infer judges every AS seen as a transit hop of the routes, sorted by
// ASN.
func Infer(routes []Route, opt Options) []Result {
	opt.MinEvidence = cmp.Or(opt.MinEvidence, 3)
	opt.MaxEvidence = cmp.Or(opt.MaxEvidence, 5)
	in := &inferrer{opt: opt, routes: routes, ok: map[netip.Prefix]int{}, ups: map[bgp.ASN]map[bgp.ASN][2]int{},
		results: map[bgp.ASN]*Result{}}
	for i := range routes {
		in.index(i)
	}
	seen := map[bgp.ASN]bool{}
	for i := range routes {
		in.transit(i, seen)
	}
	for i := range routes {
		if routes[i].State.Invalid() && routes[i].Origin != rov.NoOrigin {
			in.dropped(i)
		}
	}
	out := make([]Result, 0, len(in.results))
	for _, r := range in.results {
		r.Verdict, r.Confidence = verdict(r, opt.MinEvidence)
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b Result) int { return cmp.Compare(a.ASN, b.ASN) })
	return out
}

// index records a valid or not-found route's prefix and, for each of its
// paths, the origin's neighbour.
func (in *inferrer) index(i int) {
	r := &in.routes[i]
	if r.State.Invalid() || r.Origin == rov.NoOrigin {
		return
	}
	if _, ok := in.ok[r.Prefix]; !ok {
		in.ok[r.Prefix] = i
	}
	for j, p := range r.Paths {
		if len(p) < 2 || p[len(p)-1] != r.Origin {
			continue
		}
		up := p[len(p)-2]
		m := in.ups[r.Origin]
		if m == nil {
			m = map[bgp.ASN][2]int{}
			in.ups[r.Origin] = m
		}
		if _, ok := m[up]; !ok {
			m[up] = [2]int{i, j}
		}
	}
}

func (in *inferrer) result(a bgp.ASN) *Result {
	r := in.results[a]
	if r == nil {
		r = &Result{ASN: a}
		in.results[a] = r
	}
	return r
}

// transit counts route i for every AS on its paths but the origin, and,
// when it is invalid, as propagated by each of them.
func (in *inferrer) transit(i int, seen map[bgp.ASN]bool) {
	r := &in.routes[i]
	clear(seen)
	bad := r.State.Invalid() && r.Origin != rov.NoOrigin
	alt := ""
	if bad {
		alt = in.alternative(r.Prefix)
	}
	for _, p := range r.Paths {
		for _, a := range p[:max(len(p)-1, 0)] {
			if a == r.Origin || seen[a] {
				continue
			}
			seen[a] = true
			res := in.result(a)
			res.Transit++
			if !bad {
				continue
			}
			if alt != "" {
				res.PropagatedAlt++
			} else {
				res.PropagatedNoAlt++
			}
			if len(res.Propagated) < in.opt.MaxEvidence {
				res.Propagated = append(res.Propagated, Observation{Prefix: r.Prefix, Origin: r.Origin, State: r.State.String(),
					Path: p, Alternative: alt})
			}
		}
	}
}

// alternative names a valid or not-found route of p or of a prefix
// covering it, "" when there is none.
func (in *inferrer) alternative(p netip.Prefix) string {
	for bits := p.Bits(); bits >= 0; bits-- {
		q, _ := p.Addr().Prefix(bits)
		if i, ok := in.ok[q]; ok {
			o := &in.routes[i]
			return o.Prefix.String() + " " + o.Origin.String() + " " + o.State.String()
		}
	}
	return ""
}

// dropped counts invalid route i as dropped by each neighbour of its
// origin that carried another of the origin's routes and is on none of
// route i's paths.
func (in *inferrer) dropped(i int) {
	r := &in.routes[i]
	ups := in.ups[r.Origin]
	if len(ups) == 0 || len(r.Paths) == 0 {
		return
	}
	for up, via := range ups {
		if carries(r.Paths, up) {
			continue
		}
		res := in.result(up)
		res.Dropped++
		if len(res.DroppedObs) >= in.opt.MaxEvidence {
			continue
		}
		v := &in.routes[via[0]]
		o := Observation{Prefix: r.Prefix, Origin: r.Origin, State: r.State.String(), Path: r.Paths[0],
			ViaPrefix: v.Prefix.String(), Via: v.Paths[via[1]]}
		if in.opt.Rel != nil {
			o.Relationship = in.opt.Rel.Relationship(up, r.Origin).String()
		}
		res.DroppedObs = append(res.DroppedObs, o)
	}
}

// carries reports whether a is on one of the paths.
func carries(paths [][]bgp.ASN, a bgp.ASN) bool {
	for _, p := range paths {
		if slices.Contains(p, a) {
			return true
		}
	}
	return false
}

// verdict judges one AS from its counts.
func verdict(r *Result, minEvidence int) (Verdict, float64) {
	conf := func(n float64) float64 { return n / (n + 2) }
	p := r.PropagatedAll()
	switch {
	case p == 0 && r.Dropped >= minEvidence:
		return Deploys, conf(float64(r.Dropped))
	case p > 0 && r.Dropped > 0:
		return Partial, conf(float64(min(p, r.Dropped)))
	case p > 0:
		return DoesNot, conf(float64(r.PropagatedAlt) + float64(r.PropagatedNoAlt)/2)
	default:
		return NotEnoughEvidence, 0
	}
}

// Summary counts the verdicts of a set of ASes.
type Summary struct {
	Counts map[Verdict]int
	// Judged counts the ASes with a verdict other than NotEnoughEvidence.
	Judged int
}

// DeployShare is the share of the judged ASes that deploy ROV (Deploys;
// Partial counts as judged, not deploying), false when none was judged.
func (s Summary) DeployShare() (float64, bool) {
	if s.Judged == 0 {
		return 0, false
	}
	return float64(s.Counts[Deploys]) / float64(s.Judged), true
}

// Summarize counts the verdicts of the results per group: group names
// the groups an AS belongs to ("world", its region, "participants"…).
func Summarize(results []Result, group func(bgp.ASN) []string) map[string]Summary {
	out := map[string]Summary{}
	for i := range results {
		r := &results[i]
		for _, g := range group(r.ASN) {
			s := out[g]
			if s.Counts == nil {
				s.Counts = map[Verdict]int{}
			}
			s.Counts[r.Verdict]++
			if r.Verdict != NotEnoughEvidence {
				s.Judged++
			}
			out[g] = s
		}
	}
	return out
}
