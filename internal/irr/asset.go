package irr

import (
	"slices"

	"github.com/observatory-net/observatory/internal/bgp"
)

// MaxSetDepth is how many levels of nested as-sets ExpandASSet follows
// below the set it expands. Real registries nest a handful of levels; the
// limit only guards against pathological data.
const MaxSetDepth = 32

// Expansion is the result of resolving an as-set to AS numbers.
type Expansion struct {
	ASNs      []bgp.ASN // the AS numbers found, sorted and unique
	Missing   []string  // set names referenced but not in the index, sorted
	Truncated bool      // some sets lay deeper than MaxSetDepth and were not expanded
}

// indexRefs resolves members by reference (RFC 2622 §5.1): an aut-num that
// names a set in member-of is a member of it when the set's mbrs-by-ref
// lists ANY or one of the aut-num's maintainers. Only a set of the aut-num's
// own source is considered.
func (x *Index) indexRefs() {
	x.refs = make(map[setKey][]bgp.ASN)
	for _, list := range x.autNums {
		for _, a := range list {
			for _, name := range a.MemberOf {
				x.addRef(a, name)
			}
		}
	}
	for k, asns := range x.refs {
		slices.Sort(asns)
		x.refs[k] = slices.Compact(asns)
	}
}

func (x *Index) addRef(a *AutNum, name string) {
	for _, s := range x.asSets[name] {
		if s.Source != a.Source || !acceptsRef(s, a.MntBy) {
			continue
		}
		id, _ := x.srcID(s.Source)
		k := setKey{id, name}
		x.refs[k] = append(x.refs[k], a.ASN)
	}
}

// acceptsRef reports whether a set's mbrs-by-ref admits an object
// maintained by one of mntBy.
func acceptsRef(s *ASSet, mntBy []string) bool {
	for _, m := range s.MbrsByRef {
		if m == "ANY" || slices.Contains(mntBy, m) {
			return true
		}
	}
	return false
}

// ExpandASSet resolves the as-set name (case-insensitive) to the AS numbers
// it contains, directly, through nested sets and by reference. Cycles are
// harmless: every set is expanded at most once. Sets are expanded
// breadth-first, each at its smallest depth, down to MaxSetDepth.
//
// With no sources, a set name stands for the union of the sets of that name
// in every source. Otherwise each set name is resolved in the first of the
// given sources that has it, as IRR query tools do with a source order.
func (x *Index) ExpandASSet(name string, sources ...string) Expansion {
	prefer := make([]string, len(sources))
	for i, s := range sources {
		prefer[i] = upperASCII(s)
	}
	type item struct {
		name  string
		depth int
	}
	var out Expansion
	seen := map[string]bool{}
	queue := []item{{upperASCII(name), 0}}
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		if seen[it.name] {
			continue
		}
		if it.depth > MaxSetDepth {
			out.Truncated = true
			continue
		}
		seen[it.name] = true
		sets := x.resolveSet(it.name, prefer)
		if len(sets) == 0 {
			out.Missing = append(out.Missing, it.name)
		}
		for _, s := range sets {
			id, _ := x.srcID(s.Source)
			out.ASNs = append(out.ASNs, s.ASNs...)
			out.ASNs = append(out.ASNs, x.refs[setKey{id, it.name}]...)
			for _, sub := range s.Sets {
				queue = append(queue, item{sub, it.depth + 1})
			}
		}
	}
	slices.Sort(out.ASNs)
	out.ASNs = slices.Compact(out.ASNs)
	slices.Sort(out.Missing)
	return out
}

// resolveSet returns the sets of a name: from the first preferred source
// that has one, or from every source when there is no preference.
func (x *Index) resolveSet(name string, prefer []string) []*ASSet {
	sets := x.asSets[name]
	for _, src := range prefer {
		for _, s := range sets {
			if s.Source == src {
				return []*ASSet{s}
			}
		}
	}
	if len(prefer) > 0 {
		return nil
	}
	return sets
}
