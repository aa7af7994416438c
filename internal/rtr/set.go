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
// The VRPs are sorted by rpki.Compare and distinct, without trust anchor,
// so that diffs and snapshots come from merges rather than sorts.
type dataSet struct {
	vrps  []rpki.VRP
	aspas map[aspaKey][]bgp.ASN
}

func newDataSet() dataSet { return dataSet{aspas: map[aspaKey][]bgp.ASN{}} }

// has reports whether v is in the set.
func (s dataSet) has(v rpki.VRP) bool {
	_, ok := slices.BinarySearchFunc(s.vrps, v, rpki.Compare)
	return ok
}

// aspaState is an ASPA record's state at the end of a transfer.
type aspaState struct {
	present   bool
	providers []bgp.ASN
}

// delta collects the records of one transfer until End of Data. A reset
// delta lists the announcements that replace the whole set; an incremental
// one maps each VRP it touches to its state after the transfer.
type delta struct {
	reset   bool
	session uint16
	start   time.Time
	list    []rpki.VRP      // reset: the announcements, in PDU order
	vrps    map[vrpKey]bool // incremental
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

// prefix applies an IPv4 or IPv6 Prefix PDU: announcing a present VRP or
// withdrawing an absent one is an error (RFC 8210 §5.6). The answer to a
// Reset Query announces only; its duplicates are found at End of Data.
func (d *delta) prefix(base dataSet, p *PDU) error {
	k := vrpKey{prefix: p.Prefix, maxLen: p.MaxLen, asn: p.ASN}
	if d.reset {
		if !p.Announce() {
			return &protocolError{CodeWithdrawUnknown, "withdrawal of " + k.vrp().String() + " in the answer to a Reset Query"}
		}
		d.list = append(d.list, k.vrp())
		return nil
	}
	has, ok := d.vrps[k]
	if !ok {
		has = base.has(k.vrp())
	}
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
// (sorted by rpki.Compare) and the customers whose ASPA changed. It fails,
// changing nothing, when a reset delta announced a VRP twice.
func (d *delta) commit(base *dataSet) (added, removed []rpki.VRP, aspas []bgp.ASN, err error) {
	next := base.vrps
	if d.reset {
		slices.SortFunc(d.list, rpki.Compare)
		for i := 1; i < len(d.list); i++ {
			if d.list[i] == d.list[i-1] {
				return nil, nil, nil, &protocolError{CodeDuplicateAnnouncement, "announcement of " + d.list[i].String() + " twice in the answer to a Reset Query"}
			}
		}
		next = d.list
	} else if len(d.vrps) > 0 {
		next = d.apply(base.vrps)
	}
	added, removed = mergeDiff(base.vrps, next)
	base.vrps = next
	aspas = d.commitASPAs(base)
	slices.Sort(aspas)
	return added, removed, slices.Compact(aspas), nil
}

// apply returns the sorted set after the incremental delta.
func (d *delta) apply(old []rpki.VRP) []rpki.VRP {
	var add []rpki.VRP
	gone := map[rpki.VRP]bool{}
	for k, present := range d.vrps {
		had := oldHas(old, k.vrp())
		switch {
		case present && !had:
			add = append(add, k.vrp())
		case !present && had:
			gone[k.vrp()] = true
		}
	}
	slices.SortFunc(add, rpki.Compare)
	next := make([]rpki.VRP, 0, len(old)+len(add)-len(gone))
	i := 0
	for _, v := range old {
		for i < len(add) && rpki.Compare(add[i], v) < 0 {
			next = append(next, add[i])
			i++
		}
		if !gone[v] {
			next = append(next, v)
		}
	}
	return append(next, add[i:]...)
}

func oldHas(old []rpki.VRP, v rpki.VRP) bool {
	_, ok := slices.BinarySearchFunc(old, v, rpki.Compare)
	return ok
}

// mergeDiff walks two sorted, distinct sets and returns what b adds to a
// and what it drops.
func mergeDiff(a, b []rpki.VRP) (added, removed []rpki.VRP) {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch c := rpki.Compare(a[i], b[j]); {
		case c < 0:
			removed = append(removed, a[i])
			i++
		case c > 0:
			added = append(added, b[j])
			j++
		default:
			i++
			j++
		}
	}
	return append(added, b[j:]...), append(removed, a[i:]...)
}

// commitASPAs applies the delta's ASPA records and returns the customers
// whose records changed.
func (d *delta) commitASPAs(base *dataSet) (changed []bgp.ASN) {
	if d.reset {
		next := map[aspaKey][]bgp.ASN{}
		for k, st := range d.aspas {
			if st.present {
				next[k] = st.providers
			}
		}
		for k, p := range next {
			if old, had := base.aspas[k]; !had || !slices.Equal(old, p) {
				changed = append(changed, k.customer)
			}
		}
		for k := range base.aspas {
			if _, ok := next[k]; !ok {
				changed = append(changed, k.customer)
			}
		}
		base.aspas = next
		return changed
	}
	for k, st := range d.aspas {
		old, had := base.aspas[k]
		if st.present {
			base.aspas[k] = st.providers
		} else {
			delete(base.aspas, k)
		}
		if had != st.present || !slices.Equal(old, st.providers) {
			changed = append(changed, k.customer)
		}
	}
	return changed
}

// snapshot indexes the set; ASPA records of both families merge into one
// provider set per customer (rpki.NewSnapshot).
func (s dataSet) snapshot() (*rpki.Snapshot, error) {
	aspas := make([]rpki.ASPA, 0, len(s.aspas))
	for k, p := range s.aspas {
		aspas = append(aspas, rpki.ASPA{Customer: k.customer, Providers: p})
	}
	return rpki.NewSnapshot(s.vrps, aspas)
}
