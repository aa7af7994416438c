package bogon

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/netip"
	"slices"

	"github.com/gaissmai/bart"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/rir"
)

// Builder collects administrative bogons. The zero value is ready to use.
type Builder struct {
	admin   bart.Table[string]
	asns    []asnSpan
	reasons map[string]string // interned reasons
}

// AddPrefix adds an administrative bogon prefix. A prefix added twice
// keeps its first reason.
func (b *Builder) AddPrefix(p netip.Prefix, reason string) {
	if !p.IsValid() {
		return
	}
	b.admin.Modify(p.Masked(), func(old string, ok bool) (string, bool) {
		if ok {
			return old, false
		}
		return b.intern(reason), false
	})
}

// AddASNs adds an administrative bogon range of AS numbers (inclusive).
func (b *Builder) AddASNs(first, last bgp.ASN, reason string) {
	if last < first {
		return
	}
	b.asns = append(b.asns, asnSpan{first, last, b.intern(reason)})
}

func (b *Builder) intern(s string) string {
	if b.reasons == nil {
		b.reasons = make(map[string]string)
	}
	if r, ok := b.reasons[s]; ok {
		return r
	}
	b.reasons[s] = s
	return s
}

// AddDelegated adds every record of a delegated statistics file whose
// status is not a delegation (available, reserved, or IANA's "ietf" and
// "iana"), with a reason such as "afrinic delegated stats: available".
func (b *Builder) AddDelegated(f *rir.File) {
	var buf []netip.Prefix
	for _, r := range f.Records {
		if r.Status.Delegated() {
			continue
		}
		reason := r.Registry + " delegated stats: " + string(r.Status)
		if r.Type == rir.ASN {
			b.AddASNs(r.FirstASN, r.LastASN(), reason)
			continue
		}
		buf = r.AppendPrefixes(buf[:0])
		for _, p := range buf {
			b.AddPrefix(p, reason)
		}
	}
}

// undelegated is the reason for gaps between delegations.
const undelegated = "not allocated or assigned in the loaded RIR delegated stats"

// AddUndelegated adds, as administrative bogons, all IPv4 space, IPv6
// global unicast space (2000::/3) and AS numbers that no allocated or
// assigned record of ix covers. Only meaningful when ix holds the
// statistics of all five RIRs (or the NRO combined file) of one date:
// anything a missing registry delegated would show up as a bogon.
func (b *Builder) AddUndelegated(ix *rir.Index) {
	var v4, v6 []span
	for p, d := range ix.Prefixes() {
		if d.Status != rir.Allocated && d.Status != rir.Assigned {
			continue
		}
		s := span{p.Addr(), lastAddr(p)}
		if p.Addr().Is4() {
			v4 = append(v4, s)
		} else {
			v6 = append(v6, s)
		}
	}
	all4 := mustPrefix("0.0.0.0/0")
	gu6 := mustPrefix("2000::/3")
	for _, g := range gaps(v4, all4.Addr(), lastAddr(all4)) {
		for _, p := range rir.SplitRange(g.first, g.last) {
			b.AddPrefix(p, undelegated)
		}
	}
	for _, g := range gaps(v6, gu6.Addr(), lastAddr(gu6)) {
		for _, p := range rir.SplitRange(g.first, g.last) {
			b.AddPrefix(p, undelegated)
		}
	}
	b.addUndelegatedASNs(ix)
}

// addUndelegatedASNs adds the AS numbers between allocated or assigned
// ranges.
func (b *Builder) addUndelegatedASNs(ix *rir.Index) {
	next := uint64(0) // first ASN not yet known to be delegated
	for r, d := range ix.ASNRanges() {
		if d.Status != rir.Allocated && d.Status != rir.Assigned {
			continue
		}
		if uint64(r.First) > next {
			b.AddASNs(bgp.ASN(next), r.First-1, undelegated)
		}
		next = max(next, uint64(r.Last)+1)
	}
	if next <= 1<<32-1 {
		b.AddASNs(bgp.ASN(next), 1<<32-1, undelegated)
	}
}

// AddIANAv4 adds the /8s the IANA IPv4 Address Space Registry lists as
// UNALLOCATED.
func (b *Builder) AddIANAv4(blocks []rir.IANABlock) {
	for _, blk := range blocks {
		if blk.Status == "UNALLOCATED" {
			b.AddPrefix(blk.Prefix, "unallocated by IANA (IPv4 Address Space registry)")
		}
	}
}

// AddList reads a bogon list (see ListReader) and adds every prefix with
// the given reason. It returns the number of prefixes read, and stops
// early when ctx is done. Damaged lines go to damaged (see inputerr.Log):
// skipped, or with a strict or nil Log the first one is the error.
func (b *Builder) AddList(ctx context.Context, r io.Reader, name, reason string, damaged *inputerr.Log) (int, error) {
	lr := NewListReader(r, name)
	n := 0
	for {
		if n%4096 == 4095 && ctx.Err() != nil {
			return n, fmt.Errorf("read %s: %w", name, context.Cause(ctx))
		}
		p, err := lr.Next()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			if err := damaged.SkipErr(err); err != nil {
				return n, err
			}
			continue
		}
		b.AddPrefix(p, reason)
		n++
	}
}

// Build returns the set of the built-in full bogons and the administrative
// bogons added so far. The Builder may be reused; later additions do not
// affect the returned Set.
func (b *Builder) Build() *Set {
	return &Set{full: fullTable(), admin: b.admin.Clone(), adminASNs: flattenASNs(b.asns)}
}

// flattenASNs sorts ranges and makes them disjoint; where ranges overlap,
// the one starting first keeps the overlap.
func flattenASNs(in []asnSpan) []asnSpan {
	s := slices.Clone(in)
	slices.SortStableFunc(s, func(a, b asnSpan) int { return cmp.Compare(a.first, b.first) })
	var out []asnSpan
	for _, x := range s {
		if n := len(out); n > 0 {
			prev := &out[n-1]
			if x.last <= prev.last {
				continue // inside the previous range
			}
			if x.first <= prev.last || (x.first == prev.last+1 && x.reason == prev.reason) {
				if x.reason == prev.reason {
					prev.last = x.last
					continue
				}
				x.first = prev.last + 1
			}
		}
		out = append(out, x)
	}
	return out
}

// span is an inclusive address range.
type span struct{ first, last netip.Addr }

// gaps returns the parts of [lo, hi] that no span covers, ascending.
func gaps(spans []span, lo, hi netip.Addr) []span {
	slices.SortFunc(spans, func(a, b span) int { return a.first.Compare(b.first) })
	var out []span
	next := lo // first address not yet known to be covered
	for _, s := range spans {
		if s.last.Less(next) {
			continue
		}
		if hi.Less(s.first) {
			break
		}
		if next.Less(s.first) {
			out = append(out, span{next, s.first.Prev()})
		}
		if !s.last.Less(hi) {
			return out // covered up to hi
		}
		next = s.last.Next()
	}
	return append(out, span{next, hi})
}

// lastAddr returns the last address of p.
func lastAddr(p netip.Prefix) netip.Addr {
	p = p.Masked()
	b := p.Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}
