package ingest

import (
	"net/netip"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/store"
)

// originSpace is the address space each origin announced in the month:
// the union of its prefixes, per family, in SpaceUnits (IPv4 addresses,
// IPv6 /64s). m.keys are sorted by address, then by length, so a prefix
// covered by one of the same origin comes after it and is skipped.
func (m *month) originSpace() map[bgp.ASN]*[2]int64 {
	type tops struct{ v4, v6 netip.Prefix }
	top := map[bgp.ASN]*tops{}
	out := map[bgp.ASN]*[2]int64{}
	for _, k := range m.keys {
		if k.Origin == 0 {
			continue
		}
		t, sp := top[k.Origin], out[k.Origin]
		if t == nil {
			t, sp = &tops{}, &[2]int64{}
			top[k.Origin], out[k.Origin] = t, sp
		}
		last, fam := &t.v4, 0
		if !k.Prefix.Addr().Is4() {
			last, fam = &t.v6, 1
		}
		if l := *last; l.IsValid() && l.Bits() <= k.Prefix.Bits() && l.Contains(k.Prefix.Addr()) {
			continue
		}
		*last = k.Prefix
		sp[fam] += SpaceUnits(k.Prefix)
	}
	return out
}

// reach fills what outreach ranks a network by (docs/outreach.md): its
// customer cone size in the month's AS relationships (CAIDA's recursive
// cone, asrel.Graph.CustomerConeSize; 0 without them) and the address
// space it originated.
func (m *month) reach(rec *store.ASN, space map[bgp.ASN]*[2]int64) {
	a := bgp.ASN(rec.ASN)
	if g := m.cfg.Data.ASRel; g != nil {
		rec.Cone = g.CustomerConeSize(a)
	}
	if sp := space[a]; sp != nil {
		rec.Space4, rec.Space6 = sp[0], sp[1]
	}
}
