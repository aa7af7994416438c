package rpki

import (
	"cmp"
	"net/netip"
	"slices"

	"github.com/observatory-net/observatory/internal/bgp"
)

// The origin validation index answers "what is the longest maxLength that
// the VRPs covering p grant to origin" with one longest-prefix match (in
// index4 for IPv4 routes of /16 or longer, in the trie otherwise) and,
// almost always, one short scan. Walking the chain of covering groups
// instead costs two cache misses per level, and real VRP sets nest prefixes
// several levels deep; with 424 000 VRPs, lookups are bound by dependent
// memory reads, not by instructions.
//
// Each group has an authNode, the value of its prefix in the prefix table,
// whose list holds, per origin, the longest maxLength granted by the
// group's VRPs and, while the list stays short, by all its ancestors' VRPs
// too (inheritance). A node whose list could not take the ancestors'
// entries points to the next node to scan; a list is complete when next is
// -1. Capping the merged lists at maxInherited keeps the index linear in
// the number of VRPs whatever the nesting, at the cost of a longer walk for
// those few nodes.

// auth is one authorisation: origin ASN and the longest maxLength granted.
type auth struct {
	asn    bgp.ASN
	maxLen uint8
}

// inlineAuths is how many authorisations an authNode holds itself; most
// lists are that short, and then the lookup touches no other memory than
// the prefix table's own.
const inlineAuths = 3

// authNode is a group's list of authorisations, stored in the prefix table
// as the group's value. Lists longer than inlineAuths live in
// Snapshot.auths.
type authNode struct {
	group  int32  // index of the group in Snapshot.groups
	next   int32  // group whose node to scan after this one, -1 when the list is complete
	lo, n  uint32 // the list is auths[lo : lo+n] when n > inlineAuths
	inline [inlineAuths]auth
}

// list returns the node's authorisations, sorted by ASN, one per ASN.
func (n *authNode) list(auths []auth) []auth {
	if n.n <= inlineAuths {
		return n.inline[:n.n]
	}
	return auths[n.lo : n.lo+n.n]
}

// maxInherited bounds the length of a list that includes inherited entries.
const maxInherited = 32

// buildAuth fills nodes and auths. Parents precede their children in
// groups, so a parent's list is final when its children are built.
func (s *Snapshot) buildAuth(parents []int32) {
	s.nodes = make([]authNode, len(s.groups))
	var own []auth
	for i := range s.groups {
		own = ownAuths(own[:0], s.groups[i].vrps)
		p := parents[i]
		next := p
		if p >= 0 && len(own)+int(s.nodes[p].n) <= maxInherited {
			// Inherit the parent's list, and whatever it still points to.
			pn := &s.nodes[p]
			own = mergeAuths(own, pn.list(s.auths))
			next = pn.next
		}
		s.nodes[i] = s.newNode(int32(i), next, own)
	}
	s.auths = slices.Clip(s.auths)
}

// newNode stores a list inline or in auths.
func (s *Snapshot) newNode(group, next int32, list []auth) authNode {
	n := authNode{group: group, next: next, n: uint32(len(list))}
	if len(list) <= inlineAuths {
		copy(n.inline[:], list)
		return n
	}
	n.lo = uint32(len(s.auths))
	s.auths = append(s.auths, list...)
	return n
}

// ownAuths appends the authorisations of one group's VRPs, which are sorted
// by ASN then maxLength: the last VRP of each ASN run has its longest
// maxLength. AS0 VRPs authorise nothing (RFC 6483 §4) and are left out.
func ownAuths(dst []auth, vrps []VRP) []auth {
	for i, v := range vrps {
		if v.ASN == 0 || (i+1 < len(vrps) && vrps[i+1].ASN == v.ASN) {
			continue
		}
		dst = append(dst, auth{asn: v.ASN, maxLen: v.MaxLen})
	}
	return dst
}

// mergeAuths merges two lists sorted by ASN, keeping the longer maxLength
// for an ASN in both.
func mergeAuths(own, inherited []auth) []auth {
	out := append(own, inherited...)
	slices.SortFunc(out, func(a, b auth) int {
		return cmp.Or(cmp.Compare(a.asn, b.asn), cmp.Compare(b.maxLen, a.maxLen))
	})
	return slices.CompactFunc(out, func(a, b auth) bool { return a.asn == b.asn })
}

// MaxLength returns the longest maxLength that the VRPs covering p (prefix
// containing p and not longer) grant to origin, or -1 when none of them
// names origin; covered reports whether any VRP covers p. AS0 VRPs cover
// but grant nothing (RFC 6483 §4, RFC 7607), so origin AS0 always gets -1.
// This is the query behind RFC 6811 origin validation (package rov). p
// need not be masked; MaxLength does not allocate.
func (s *Snapshot) MaxLength(p netip.Prefix, origin bgp.ASN) (maxLen int, covered bool) {
	if s == nil || s.index == nil {
		return -1, false
	}
	var n authNode
	if p.Addr().Is4() && p.Bits() >= 16 {
		key, np := s.lookup4(p.Addr().As4(), p.Bits())
		switch {
		case key != nil && key.asn == origin:
			return int(key.maxLen), true
		case key != nil:
			return -1, true
		case np == nil:
			return -1, false
		}
		n = *np
	} else {
		var ok bool
		if n, ok = s.index.LookupPrefix(p); !ok {
			return -1, false
		}
	}
	maxLen = -1
	for {
		for _, a := range n.list(s.auths) {
			if a.asn >= origin {
				if a.asn == origin && int(a.maxLen) > maxLen {
					maxLen = int(a.maxLen)
				}
				break
			}
		}
		if n.next < 0 {
			return maxLen, true
		}
		n = s.nodes[n.next]
	}
}
