package rtr

import (
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/rpki"
)

// vrpKey is a VRP as RTR identifies it: RTR carries no trust anchor, so
// VRPs equal in prefix, maxLength and origin are one record (RFC 8210 §5.6).
type vrpKey struct {
	prefix netip.Prefix
	maxLen uint8
	asn    bgp.ASN
}

func (k vrpKey) vrp() rpki.VRP { return rpki.VRP{Prefix: k.prefix, MaxLen: k.maxLen, ASN: k.asn} }

// aspaKey is an ASPA record of draft-10: one per customer and address
// family.
type aspaKey struct {
	customer bgp.ASN
	ipv6     bool
}

// dataSet is the committed content of a session, owned by Client.Run.
type dataSet struct {
	vrps  map[vrpKey]struct{}
	aspas map[aspaKey][]bgp.ASN
}

func newDataSet() dataSet {
	return dataSet{vrps: map[vrpKey]struct{}{}, aspas: map[aspaKey][]bgp.ASN{}}
}

// aspaState is an ASPA record's state at the end of a transfer.
type aspaState struct {
	present   bool
	providers []bgp.ASN
}

// delta collects the records of one transfer until End of Data. A reset
// delta replaces the whole set; an incremental one applies to it. Keys
// map to their state after the transfer.
type delta struct {
	reset   bool
	session uint16
	start   time.Time
	vrps    map[vrpKey]bool
	aspas   map[aspaKey]aspaState
}

func newDelta(reset bool) *delta {
	return &delta{reset: reset, vrps: map[vrpKey]bool{}, aspas: map[aspaKey]aspaState{}}
}

// protocolError is a violation of RFC 8210 by the cache, answered with an
// Error Report of its code.
type protocolError struct {
	code ErrorCode
	msg  string
}

func (e *protocolError) Error() string { return fmt.Sprintf("%s: %s", e.code, e.msg) }

// hasVRP reports whether k is present at this point of the transfer.
func (d *delta) hasVRP(base dataSet, k vrpKey) bool {
	if v, ok := d.vrps[k]; ok {
		return v
	}
	if d.reset {
		return false
	}
	_, ok := base.vrps[k]
	return ok
}

// prefix applies an IPv4 or IPv6 Prefix PDU: announcing a present VRP or
// withdrawing an absent one is an error (RFC 8210 §5.6).
func (d *delta) prefix(base dataSet, p *PDU) error {
	k := vrpKey{prefix: p.Prefix, maxLen: p.MaxLen, asn: p.ASN}
	has := d.hasVRP(base, k)
	switch {
	case p.Announce() && has:
		return &protocolError{CodeDuplicateAnnouncement, "announcement of " + k.vrp().String() + ", already present"}
	case !p.Announce() && !has:
		return &protocolError{CodeWithdrawUnknown, "withdrawal of " + k.vrp().String() + ", not present"}
	}
	d.vrps[k] = p.Announce()
	return nil
}

// aspa applies an ASPA PDU. An announcement replaces the customer's
// provider set of that family, as the drafts say; a withdrawal of an
// absent record is an error.
func (d *delta) aspa(base dataSet, p *PDU) error {
	k := aspaKey{customer: p.ASN, ipv6: p.AFIFlags&AFIIPv6 != 0}
	if p.Announce() {
		d.aspas[k] = aspaState{present: true, providers: slices.AppendSeq(make([]bgp.ASN, 0, p.NumProviders()), p.Providers())}
		return nil
	}
	st, ok := d.aspas[k]
	has := st.present
	if !ok && !d.reset {
		_, has = base.aspas[k]
	}
	if !has {
		return &protocolError{CodeWithdrawUnknown, fmt.Sprintf("withdrawal of the ASPA of %s, not present", p.ASN)}
	}
	d.aspas[k] = aspaState{}
	return nil
}

// commit applies the delta to base and returns the VRPs added and removed
// (sorted by rpki.Compare) and the customers whose ASPA changed.
func (d *delta) commit(base *dataSet) (added, removed []rpki.VRP, aspas []bgp.ASN) {
	if d.reset {
		return d.commitReset(base)
	}
	for k, present := range d.vrps {
		_, had := base.vrps[k]
		switch {
		case present && !had:
			base.vrps[k] = struct{}{}
			added = append(added, k.vrp())
		case !present && had:
			delete(base.vrps, k)
			removed = append(removed, k.vrp())
		}
	}
	for k, st := range d.aspas {
		old, had := base.aspas[k]
		if st.present {
			base.aspas[k] = st.providers
		} else {
			delete(base.aspas, k)
		}
		if had != st.present || !slices.Equal(old, st.providers) {
			aspas = append(aspas, k.customer)
		}
	}
	return sortDiff(added, removed, aspas)
}

// commitReset replaces base by the delta's records.
func (d *delta) commitReset(base *dataSet) (added, removed []rpki.VRP, aspas []bgp.ASN) {
	next := newDataSet()
	for k, present := range d.vrps {
		if !present {
			continue
		}
		next.vrps[k] = struct{}{}
		if _, had := base.vrps[k]; !had {
			added = append(added, k.vrp())
		}
	}
	for k := range base.vrps {
		if _, ok := next.vrps[k]; !ok {
			removed = append(removed, k.vrp())
		}
	}
	for k, st := range d.aspas {
		if st.present {
			next.aspas[k] = st.providers
		}
	}
	for k, p := range next.aspas {
		if old, had := base.aspas[k]; !had || !slices.Equal(old, p) {
			aspas = append(aspas, k.customer)
		}
	}
	for k := range base.aspas {
		if _, ok := next.aspas[k]; !ok {
			aspas = append(aspas, k.customer)
		}
	}
	*base = next
	return sortDiff(added, removed, aspas)
}

func sortDiff(added, removed []rpki.VRP, aspas []bgp.ASN) ([]rpki.VRP, []rpki.VRP, []bgp.ASN) {
	slices.SortFunc(added, rpki.Compare)
	slices.SortFunc(removed, rpki.Compare)
	slices.Sort(aspas)
	return added, removed, slices.Compact(aspas)
}

// snapshot indexes the set; ASPA records of both families merge into one
// provider set per customer (rpki.NewSnapshot).
func (s dataSet) snapshot() (*rpki.Snapshot, error) {
	vrps := make([]rpki.VRP, 0, len(s.vrps))
	for k := range s.vrps {
		vrps = append(vrps, k.vrp())
	}
	aspas := make([]rpki.ASPA, 0, len(s.aspas))
	for k, p := range s.aspas {
		aspas = append(aspas, rpki.ASPA{Customer: k.customer, Providers: p})
	}
	return rpki.NewSnapshot(vrps, aspas)
}
