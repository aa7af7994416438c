package rpki

import (
	"cmp"
	"fmt"
	"iter"
	"net/netip"
	"slices"

	"github.com/gaissmai/bart"

	"github.com/observatory-net/observatory/internal/bgp"
)

// Snapshot is an immutable, indexed set of VRPs and ASPAs. It is safe for
// concurrent use; a newer set is a new Snapshot, swapped in by the owner
// (for example behind an atomic.Pointer), never an update in place. A nil
// *Snapshot is empty: every method works on it and finds nothing.
type Snapshot struct {
	vrps   []VRP        // sorted by Compare, distinct
	groups []Group      // one per distinct prefix, in vrps order
	aspas  []ASPA       // one per customer, sorted by customer
	index  *prefixTable // values are nodes[i] for the prefix of groups[i]

	// The origin validation lists, parallel to groups; see auth.go.
	nodes []authNode
	auths []auth
	v4    index4 // fast path for IPv4 routes of /16 and longer
}

// Group is the set of VRPs of one prefix within a Snapshot, linked to the
// Group of the closest shorter prefix that covers it. Following Parent from
// Snapshot.Covering visits every VRP prefix covering a route, most specific
// first.
type Group struct {
	prefix netip.Prefix
	vrps   []VRP // sorted by ASN then MaxLen; aliases Snapshot.vrps
	parent *Group
}

// Prefix returns the prefix shared by the group's VRPs.
func (g *Group) Prefix() netip.Prefix { return g.prefix }

// VRPs returns the group's VRPs sorted by ASN, then maxLength, then trust
// anchor. The slice belongs to the Snapshot and must not be modified.
func (g *Group) VRPs() []VRP { return g.vrps }

// Parent returns the group of the closest shorter prefix covering g's
// prefix, or nil when there is none.
func (g *Group) Parent() *Group { return g.parent }

// NewSnapshot indexes vrps and aspas. The inputs are copied, sorted and
// deduplicated (VRPs equal in prefix, maxLength, ASN and trust anchor are
// one; ASPAs of one customer are merged into the union of their providers),
// so the caller may reuse them. It fails on the first VRP that does not
// pass VRP.Check.
func NewSnapshot(vrps []VRP, aspas []ASPA) (*Snapshot, error) {
	for i, v := range vrps {
		if err := v.Check(); err != nil {
			return nil, fmt.Errorf("rpki: VRP %d (%s): %w", i, v, err)
		}
	}
	s := &Snapshot{vrps: slices.Clone(vrps), aspas: mergeASPAs(aspas)}
	slices.SortFunc(s.vrps, Compare)
	s.vrps = slices.Clip(slices.Compact(s.vrps))
	s.buildGroups()
	s.buildIndex()
	return s, nil
}

// buildGroups cuts the sorted VRPs into runs of one prefix.
func (s *Snapshot) buildGroups() {
	for i := 0; i < len(s.vrps); {
		j := i + 1
		for j < len(s.vrps) && s.vrps[j].Prefix == s.vrps[i].Prefix {
			j++
		}
		s.groups = append(s.groups, Group{prefix: s.vrps[i].Prefix, vrps: s.vrps[i:j:j]})
		i = j
	}
	s.groups = slices.Clip(s.groups)
}

// prefixTable is the prefix index: a multibit trie with longest-prefix
// match for prefixes.
type prefixTable = bart.Fast[authNode]

// buildIndex links each group to its closest covering group, builds the
// groups' authorisation lists and stores them in the prefix table.
func (s *Snapshot) buildIndex() {
	parents := s.linkParents()
	s.buildAuth(parents)
	s.index = new(prefixTable)
	for i := range s.groups {
		s.index.Insert(s.groups[i].prefix, s.nodes[i])
	}
	s.buildIndex4()
}

// linkParents sets every group's parent and returns the parents' indexes
// (-1 for none). Groups are in Compare order, where a prefix comes right
// after the prefixes that contain it and prefixes never partly overlap,
// so a stack of the open ancestors finds each parent in one pass; it also
// means a parent always precedes its children, which buildAuth relies on.
func (s *Snapshot) linkParents() []int32 {
	parents := make([]int32, len(s.groups))
	var stack []int32
	for i := range s.groups {
		g := &s.groups[i]
		for len(stack) > 0 && !covers(s.groups[stack[len(stack)-1]].prefix, g.prefix) {
			stack = stack[:len(stack)-1]
		}
		parents[i] = -1
		if len(stack) > 0 {
			parents[i] = stack[len(stack)-1]
			g.parent = &s.groups[parents[i]]
		}
		stack = append(stack, int32(i))
	}
	return parents
}

// covers reports whether p contains q and is shorter; prefixes of
// different address families never cover each other.
func covers(p, q netip.Prefix) bool {
	return p.Bits() < q.Bits() && p.Addr().Is4() == q.Addr().Is4() && p.Contains(q.Addr())
}

// Covering returns the group of the most specific VRP prefix that covers
// p (contains it and is not longer), or nil when no VRP covers p. Walk
// Group.Parent for the less specific ones. p need not be masked. A nil or
// zero Snapshot covers nothing.
func (s *Snapshot) Covering(p netip.Prefix) *Group {
	if s == nil || s.index == nil {
		return nil
	}
	if n, ok := s.index.LookupPrefix(p); ok {
		return &s.groups[n.group]
	}
	return nil
}

// CoveringVRPs yields every VRP whose prefix covers p, most specific
// prefix first.
func (s *Snapshot) CoveringVRPs(p netip.Prefix) iter.Seq[VRP] {
	return func(yield func(VRP) bool) {
		for g := s.Covering(p); g != nil; g = g.parent {
			for _, v := range g.vrps {
				if !yield(v) {
					return
				}
			}
		}
	}
}

// Len returns the number of distinct VRPs.
func (s *Snapshot) Len() int {
	if s == nil {
		return 0
	}
	return len(s.vrps)
}

// Prefixes returns the number of distinct VRP prefixes (groups).
func (s *Snapshot) Prefixes() int {
	if s == nil {
		return 0
	}
	return len(s.groups)
}

// VRPs yields the distinct VRPs in Compare order.
func (s *Snapshot) VRPs() iter.Seq[VRP] {
	if s == nil {
		return slices.Values([]VRP(nil))
	}
	return slices.Values(s.vrps)
}

// ASPAs yields the ASPAs, one per customer, in customer order. Their
// Providers slices belong to the Snapshot and must not be modified.
func (s *Snapshot) ASPAs() iter.Seq[ASPA] {
	if s == nil {
		return slices.Values([]ASPA(nil))
	}
	return slices.Values(s.aspas)
}

// NumASPAs returns the number of ASPA customers.
func (s *Snapshot) NumASPAs() int {
	if s == nil {
		return 0
	}
	return len(s.aspas)
}

// Providers returns the provider set that customer attests, sorted, and
// false when customer has no ASPA. The slice belongs to the Snapshot and
// must not be modified.
func (s *Snapshot) Providers(customer bgp.ASN) ([]bgp.ASN, bool) {
	if s == nil {
		return nil, false
	}
	i, ok := slices.BinarySearchFunc(s.aspas, customer, func(a ASPA, c bgp.ASN) int { return cmp.Compare(a.Customer, c) })
	if !ok {
		return nil, false
	}
	return s.aspas[i].Providers, true
}
